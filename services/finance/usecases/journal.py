"""The journal (记账凭证): entries listed and read within the data scope, and 红字冲销, a reversing entry with
every line's sides swapped and its cash movements the other way (entries themselves never change)."""
from sqlalchemy import select

from services.common import clock
from services.common.errors import Conflict, NotFound, field_error
from services.common.pagination import paginate
from services.common.segregation import refuse_maker
from services.finance import domain
from services.finance.models import CashMovement, JournalEntry
from services.finance.usecases import store


def list_entries(uow, data):
    """A page of the entries the caller may see, newest first, each with its lines: `{items: [(entry, lines)],
    total, page, page_size}`. Filters: `loan_id`, `from`, `to` (posting dates)."""
    query = store.in_scope(uow, select(JournalEntry).order_by(JournalEntry.posted_on.desc(),
                                                              JournalEntry.created_at.desc(), JournalEntry.id))
    if data["loan_id"]:
        query = query.where(JournalEntry.loan_id == data["loan_id"])
    if data["from"]:
        query = query.where(JournalEntry.posted_on >= data["from"])
    if data["to"]:
        query = query.where(JournalEntry.posted_on <= data["to"])
    result = paginate(uow.session, query, data["page"], data["page_size"], lambda e: e)
    lines = store.lines_of(uow, [e.id for e in result["items"]])
    result["items"] = [(e, lines[e.id]) for e in result["items"]]
    return result


def get_entry(uow, data):
    """(entry, lines) of `data["entry_id"]`; 404 ENTRY_NOT_FOUND if there is none the caller may see."""
    entry = _visible(uow, data["entry_id"])
    return entry, store.lines_of(uow, [entry.id])[entry.id]


def reverse_entry(uow, data):
    """红字冲销 of `data["entry_id"]`, dated `posted_on` (default today, never before the entry), for `reason`:
    (reversing entry, its lines). A reversal is not reversed again, nor an entry twice (409), nor by who wrote the
    entry (403 `SEGREGATION_OF_DUTIES`: the provisions' entry by who ran them; a posting from an event is the
    service's own)."""
    original = _visible(uow, data["entry_id"], lock=True)
    if original.reverses_id is not None:
        raise Conflict("a reversing entry is not reversed again; post a new entry", code="ENTRY_IS_REVERSAL")
    if store.reversal_of(uow, original.id):
        raise Conflict("this entry was already reversed", code="ENTRY_ALREADY_REVERSED")
    refuse_maker(original.created_by, uow.actor.user_id, "an entry is reversed by someone other than who wrote it",
                 reason="entry_maker")
    posted_on = data["posted_on"] or clock.today()
    if posted_on < original.posted_on:
        raise field_error("posted_on", "a reversal cannot be dated before the entry it reverses",
                          code="DATE_BEFORE_ENTRY")
    reversing = reverse(uow, original, posted_on, data["reason"], "reversal", None)
    uow.audit("reverse_entry", "journal_entry", original.id, {"reason": data["reason"]})
    return reversing, store.lines_of(uow, [reversing.id])[reversing.id]


def reverse(uow, original, posted_on, reason, source_type, source_event_id):
    """红字冲销 of `original`: every line's sides swapped, and its cash movements the other way."""
    lines = [domain.Line(line.account_code, line.debit, line.credit)
             for line in store.lines_of(uow, [original.id])[original.id]]
    movements = uow.session.scalars(select(CashMovement).where(CashMovement.entry_id == original.id)).all()
    entry = domain.reversal(original.memo, lines, [(m.direction, m.amount) for m in movements])
    reversing = store.write_entry(uow, entry, posted_on, source_type, source_event_id, original.loan_id,
                                  reverses_id=original.id, memo=f"{entry.memo} ({reason})")
    for movement in movements:
        uow.session.add(CashMovement(
            bank_account_id=movement.bank_account_id, entry_id=reversing.id, occurred_on=posted_on,
            direction="in" if movement.direction == "out" else "out", amount=movement.amount,
            counterparty=movement.counterparty, voucher_no=movement.voucher_no,
            summary=f"冲销: {movement.summary}", loan_id=movement.loan_id))
    return reversing


def _visible(uow, entry_id, lock=False):
    entry = uow.session.get(JournalEntry, entry_id, with_for_update=lock or None)
    if entry is None or not uow.actor.can_see(department_id=entry.department_id):
        raise NotFound("no such journal entry", code="ENTRY_NOT_FOUND")
    return entry
