"""Postings from the loan service's events (and collection's grades): each event is posted once, as a balanced
entry dated its business day, with the cash it moved in the cash journal; the loan's book follows its DPD, grade
and settlement. A posting whose loan has no disbursement posted yet raises LookupError (retried, then parked).

Each use case takes the event's payload as its consumer schema loaded it, and the event itself (`event`: its
type, id, business day and time) as a keyword."""
import datetime as dt

from prometheus_client import Counter, Histogram
from sqlalchemy import select

from services.common.clock import utcnow
from services.finance import domain
from services.finance.domain import ZERO
from services.finance.models import CashMovement, JournalEntry, LoanBook
from services.finance.usecases import journal, store

POSTINGS = Counter("carloan_finance_postings_total", "Journal entries posted", ["source"])
POSTING_LAG = Histogram("carloan_finance_posting_lag_seconds", "From an event's occurrence to its posting",
                        buckets=(.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300))


def post_disbursement(uow, data, *, event):
    """放款: the loan's book opened (once), and Dr 1301 principal / Cr 1002 net paid out, Cr 6021 fees."""
    posted_on = data["disbursed_on"] or event.business_day
    if uow.session.get(LoanBook, data["loan_id"]) is None:
        uow.session.add(LoanBook(
            loan_id=data["loan_id"], contract_no=data["contract_no"], customer_id=data["customer_id"],
            customer_name=data["customer_name"], department_id=data["department_id"], principal=data["principal"],
            fees_total=data["fees_total"], disbursed_on=posted_on, maturity_date=data["schedule"].get("maturity_date"),
            extended_months=0, status="active", dpd=0, classification="normal", provision_booked=ZERO))
    entry = domain.disbursement(data["principal"], data["net_amount"], data["fees_total"])
    return _post(uow, entry, event, posted_on, data["loan_id"],
                 counterparty=data["payee_name"] or data["customer_name"], voucher_no=data["voucher_no"],
                 summary=f"放款 {data['contract_no'] or data['loan_id']}")


def post_repayment(uow, data, *, event):
    """还款 as the loan service allocated it, into the bank account it names (default: the default account)."""
    book = store.loan_book(uow, data["loan_id"])
    entry = domain.repayment(data["amount"], **data["allocation"])
    return _post(uow, entry, event, data["paid_on"] or event.business_day, book.loan_id,
                 counterparty=data["payer_name"] or book.customer_name, voucher_no=data["voucher_no"],
                 summary=f"还款 {_name(book)}", bank_code=data["bank_account_code"])


def post_advance_applied(uow, data, *, event):
    """预收款冲抵: the advance held pays installments now due; no cash moves."""
    book = store.loan_book(uow, data["loan_id"])
    allocation = {k: v for k, v in data["allocation"].items() if k != "advance"}
    entry = domain.advance_applied(**allocation)
    return _post(uow, entry, event, data["applied_on"] or event.business_day, book.loan_id,
                 summary=f"预收款冲抵 {_name(book)}")


def post_prepayment(uow, data, *, event):
    """提前还款: principal prepaid, accrued interest (the interest of the principal prepaid to that day: this
    prepayment's income, not the next installment's) and the prepayment fee, less the advance it used up. A partial
    one may shorten the term: the book takes the maturity it leaves."""
    book = store.loan_book(uow, data["loan_id"])
    if data["maturity_date"]:
        book.maturity_date = data["maturity_date"]
    entry = domain.prepayment(data["amount"], data["principal"], data["interest"], data["fee"], data["advance_used"])
    return _post(uow, entry, event, data["paid_on"] or event.business_day, book.loan_id,
                 counterparty=data["payer_name"] or book.customer_name, voucher_no=data["voucher_no"],
                 summary=f"提前还款 {_name(book)}", bank_code=data["bank_account_code"])


def post_extension(uow, data, *, event):
    """展期: the loan's book takes the new maturity and the months extended (the balances ledger shows both), and
    the fee received, if any, is posted Dr 1002 / Cr 6021 on the day of the extension. Returns the entry, or None
    for an extension without a fee."""
    book = store.loan_book(uow, data["loan_id"])
    book.maturity_date, book.extended_months = data["maturity_date"], data["extended_months"]
    entry = domain.extension_fee(data["fee"])
    if entry is None:
        return None
    return _post(uow, entry, event, data["extended_on"] or event.business_day, book.loan_id,
                 counterparty=data["payer_name"] or book.customer_name, voucher_no=data["voucher_no"],
                 summary=f"展期手续费 {_name(book)}", bank_code=data["bank_account_code"])


def reverse_repayment(uow, data, *, event):
    """还款冲正 on the loan: the entry posted from that repayment reversed (红字冲销), dated the reversal's business
    date (never before the entry); None if it was already reversed by hand. LookupError while the repayment's
    posting is not made yet."""
    book = store.loan_book(uow, data["loan_id"])
    original = uow.session.scalars(select(JournalEntry).where(
        JournalEntry.source_event_id == data["repayment_event_id"]).with_for_update()).first()
    if original is None:
        raise LookupError(f"the posting of repayment {data['repayment_id']} is not made yet")
    if store.reversal_of(uow, original.id):
        return None
    posted_on = max(data["reversed_on"] or event.business_day, original.posted_on)
    reversing = journal.reverse(uow, original, posted_on, f"还款冲正 {_name(book)}: {data['reason'] or ''}",
                                event.type, event.event_id)
    POSTINGS.labels(event.type).inc()
    return reversing


def post_penalty_adjustment(uow, data, *, event):
    """罚息调整 of a repayment recorded late: the penalty income received beyond the recomputed penalty moved to
    where the loan service put it, as a new entry dated the adjustment's business date; None (nothing posted) when
    none of the penalty taken off had been received."""
    book = store.loan_book(uow, data["loan_id"])
    reallocation = data["reallocation"]
    entry = domain.penalty_adjustment(data["refunded"], **{part: reallocation.get(part, ZERO) for part in
                                                           ("principal", "interest", "penalty", "fees", "advance")})
    if entry is None:
        return None
    return _post(uow, entry, event, data["adjusted_on"] or event.business_day, book.loan_id,
                 summary=f"罚息调整 {_name(book)}")


def reverse_penalty_adjustment(uow, data, *, event):
    """The late repayment reversed: its penalty adjustment's entry reversed too (红字冲销), dated the reversal's
    business date. LookupError while that entry is not posted yet; None if it was reversed by hand already."""
    book = store.loan_book(uow, data["loan_id"])
    original = uow.session.scalars(select(JournalEntry).where(
        JournalEntry.source_event_id == data["adjustment_event_id"]).with_for_update()).first()
    if original is None:
        raise LookupError(f"the penalty adjustment {data['adjustment_event_id']} is not posted yet")
    if store.reversal_of(uow, original.id):
        return None
    posted_on = max(data["reversed_on"] or event.business_day, original.posted_on)
    reversing = journal.reverse(uow, original, posted_on, f"还款冲正 {_name(book)}: {data['reason'] or ''}",
                                event.type, event.event_id)
    POSTINGS.labels(event.type).inc()
    return reversing


def record_dpd(uow, data):
    """The loan's days past due, as the loan service counts them: the overdue ledger's buckets."""
    book = store.loan_book(uow, data["loan_id"])
    book.dpd = data["dpd"]
    return book


def record_classification(uow, data):
    """The loan's five-level grade: it decides the provision required at the next provisioning run."""
    book = store.loan_book(uow, data["loan_id"])
    book.classification = data["classification"]
    return book


def settle_loan_book(uow, data):
    """The loan settled: its book too (told again, no harm), past due no more."""
    book = store.loan_book(uow, data["loan_id"])
    domain.LOAN_BOOK.move(book, "settled", dpd=0)
    return book


def _name(book):
    return book.contract_no or book.loan_id


def _post(uow, entry, event, posted_on, loan_id, counterparty=None, voucher_no=None, summary=None, bank_code=None):
    written = store.write_entry(uow, entry, posted_on, event.type, event.event_id, loan_id)
    bank = store.bank_account(uow, bank_code)
    for direction, amount in entry.cash:
        uow.session.add(CashMovement(bank_account_id=bank.id, entry_id=written.id, occurred_on=posted_on,
                                     direction=direction, amount=amount, counterparty=counterparty,
                                     voucher_no=voucher_no, summary=summary or entry.memo, loan_id=loan_id))
    POSTINGS.labels(event.type).inc()
    occurred = dt.datetime.fromisoformat(event.occurred_at)
    POSTING_LAG.observe(max((utcnow() - occurred).total_seconds(), 0))
    return written
