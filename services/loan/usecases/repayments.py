"""还款 Repayments: allocated by the product's order, the rest held as an advance (预收款), applied at close of
business; a paid-up loan is settled. 还款冲正: a mistaken repayment undone, asked by one person and approved by
another. Money commands run exactly once under their Idempotency-Key."""
import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import select

from services.common import idempotency, jsonutil, makerchecker
from services.common.errors import Conflict, Forbidden, NotFound, field_error
from services.common.jsonutil import money
from services.common.pagination import paginate
from services.loan import cob, events
from services.loan.domain import lifecycles, servicing
from services.loan.models import Loan, LoanExtension, Prepayment, Repayment, RepaymentReversal
from services.loan.usecases import lookups


def _lines_by_no(uow, loan):
    return {line.no: line for line in lookups.installments(uow, loan)}


def set_dpd(uow, loan, dpd, day):
    """Record a new DPD and tell the others: dpd_changed, and became_overdue / became_current."""
    if dpd == loan.dpd:
        return
    for event_type, payload in events.dpd_events(events.loan_facts(loan), loan.dpd, dpd, day):
        uow.emit(event_type, payload, business_date=day)
    loan.dpd = dpd


def after_payment(uow, loan, lines, paid_on, business_today):
    """Paying what was late makes the loan current (or less late) at once; paying everything settles it."""
    dues = [cob.open_due(line) for line in lines]
    loan.next_due_date = servicing.oldest_unpaid_due(dues)
    if loan.dpd:
        set_dpd(uow, loan, servicing.days_past_due(business_today, dues), business_today)
    if servicing.is_settled(dues, loan.outstanding_principal):
        lifecycles.LOAN.move(loan, "settled", settled_on=paid_on)
        uow.audit("settle_loan", "loan", loan.id, {})
        uow.emit(*events.settled(loan, paid_on), business_date=paid_on)


def record_repayment(uow, loan_id, data, key, *, dump):
    """还款登记: allocate the amount by the product's order (docs/rules.md, Servicing), hold the rest as an advance,
    publish `loan.repayment_received`; a loan with nothing left to pay is settled (`loan.settled`). Answered by
    `dump(repayment, loan)`."""
    loan = lookups.visible_loan(uow, loan_id, lock=True)  # repayments on one loan queue here
    return idempotency.once(uow, key, f"repayment:{loan.id}", data, lambda: _record(uow, loan, data),
                            lambda repayment: dump(repayment, loan))


def _record(uow, loan, data):
    if loan.status != "active":
        raise Conflict(f"the loan is {loan.status}; repayments are taken on active loans", code="LOAN_STATE",
                       extra={"reason": "not_active", "status": loan.status})
    business_today = lookups.business_today(uow)
    if not loan.disbursed_on <= data["paid_on"] <= business_today:
        raise field_error("paid_on", f"must be between disbursement ({loan.disbursed_on}) and the business "
                          f"date ({business_today})", code="PAID_ON_INVALID",
                          extra={"earliest": str(loan.disbursed_on), "business_date": str(business_today)})
    lines = _lines_by_no(uow, loan)
    dues = [due for due in map(cob.open_due, lines.values()) if due.total > 0]
    # what is due now (at the business date) is paid first, even by money dated earlier
    allocation = servicing.allocate(data["amount"], dues, business_today, loan.allocation,
                                    held_advance=loan.advance_balance)
    restore = {no: {"penalty": lines[no].penalty, "penalty_through": lines[no].penalty_through,
                    "status": lines[no].status} for no in allocation.lines}  # what a reversal puts back
    cob.apply_allocation(lines, allocation)
    summary = allocation.summary()
    loan.outstanding_principal -= summary["principal"]
    loan.advance_balance += allocation.advance
    repayment = Repayment(loan_id=loan.id, amount=data["amount"], paid_on=data["paid_on"], channel=data["channel"],
                          recorded_by=uow.actor.user_id,
                          allocation=jsonutil.dumps({**summary, "lines": allocation.lines}),
                          payer_name=data["payer_name"] or loan.customer_name, voucher_no=data["voucher_no"],
                          status="recorded", restore=jsonutil.dumps(restore))
    uow.session.add(repayment)
    uow.session.flush()
    uow.audit("record_repayment", "repayment", repayment.id, {"amount": money(data["amount"])})
    repayment.event_id = uow.emit(*events.repayment_received(loan, repayment, summary),
                                  business_date=data["paid_on"])["event_id"]
    after_payment(uow, loan, lines.values(), data["paid_on"], business_today)
    return repayment


def apply_advance(uow, loan, on):
    """预收款冲抵 at close of business: the advance held pays the installments due by `on`, by the product's
    order, as a repayment on channel `advance`; `loan.advance_applied` (finance: Dr 2241)."""
    lines = _lines_by_no(uow, loan)
    dues = [due for due in map(cob.open_due, lines.values()) if due.total > 0]
    amount = servicing.advance_to_apply(loan.advance_balance, dues, on)
    if amount <= 0:
        return
    allocation = servicing.allocate(amount, dues, on, loan.allocation)
    cob.apply_allocation(lines, allocation)
    summary = allocation.summary()
    loan.outstanding_principal -= summary["principal"]
    loan.advance_balance -= amount
    repayment = Repayment(loan_id=loan.id, amount=amount, paid_on=on, channel="advance",
                          recorded_by=uow.actor.user_id,
                          allocation=jsonutil.dumps({**summary, "lines": allocation.lines}))
    uow.session.add(repayment)
    uow.session.flush()
    uow.emit(*events.advance_applied(loan, repayment, summary, on), business_date=on)
    after_payment(uow, loan, lines.values(), on, on + dt.timedelta(days=1))


def list_repayments(uow, loan_id, page=1, page_size=20, *, collection):
    """还款记录, newest first, each (repayment, loan, its latest reversal request or None)."""
    loan = lookups.readable_loan(uow, loan_id, collection)
    query = select(Repayment).where(Repayment.loan_id == loan.id).order_by(Repayment.paid_on.desc(),
                                                                           Repayment.created_at.desc())
    result = paginate(uow.session, query, page, page_size)
    reversals = {}  # the latest request per repayment of the page, in one query
    for row in uow.session.scalars(select(RepaymentReversal).where(RepaymentReversal.repayment_id.in_(
            [r.id for r in result["items"]])).order_by(RepaymentReversal.created_at)):
        reversals[row.repayment_id] = row
    return {**result, "items": [(r, loan, reversals.get(r.id)) for r in result["items"]]}


# -- 还款冲正 ---------------------------------------------------------------------------------------------------
def request_reversal(uow, loan_id, repayment_id, data, key, *, dump):
    """申请冲正: someone holding `loan.repayment.reverse` asks, with a reason, to undo a mistaken repayment (the
    latest on its loan); another person decides (`decide_reversal`). One request waits per loan."""
    loan = lookups.visible_loan(uow, loan_id, lock=True)
    return idempotency.once(uow, key, f"reversal_request:{loan.id}", {**data, "repayment_id": repayment_id},
                            lambda: _request(uow, loan, repayment_id, data), dump)


def _request(uow, loan, repayment_id, data):
    repayment = uow.session.get(Repayment, repayment_id)
    if repayment is None or repayment.loan_id != loan.id:
        raise NotFound("no such repayment on this loan", code="REPAYMENT_NOT_FOUND")
    _check_reversal(uow, loan, repayment)
    makerchecker.one_waiting(uow.session, RepaymentReversal, loan.id,
                             "a reversal on this loan is already waiting for a decision", "REVERSAL_PENDING")
    reversal = RepaymentReversal(loan_id=loan.id, repayment_id=repayment.id, reason=data["reason"],
                                 status="pending", requested_by=uow.actor.user_id, officer_id=loan.officer_id,
                                 department_id=loan.department_id)
    uow.session.add(reversal)
    uow.session.flush()
    uow.audit("request_reversal", "repayment_reversal", reversal.id,
              {"repayment_id": repayment.id, "reason": data["reason"]})
    return reversal


def decide_reversal(uow, reversal_id, data, key, *, dump):
    """冲正复核 by someone who neither asked for the reversal nor recorded the repayment. Approval puts the
    installments, balances, advance, next due date and DPD back as they would be without the repayment, marks it
    `reversed` and publishes `loan.repayment_reversed` (finance reverses its posting). Answered by
    `dump(reversal, repayment, loan)`; the repayment is None when the reversal was rejected."""
    reversal = lookups.visible_row(uow, RepaymentReversal, reversal_id, "REVERSAL_NOT_FOUND")
    loan = uow.session.get(Loan, reversal.loan_id, with_for_update=True)  # the loan first, as repayments
    reversal = uow.session.get(RepaymentReversal, reversal.id, with_for_update=True, populate_existing=True)
    return idempotency.once(uow, key, f"reversal_decision:{reversal.id}", data,
                            lambda: _decide(uow, loan, reversal, data), lambda done: dump(*done, loan))


def _decide(uow, loan, reversal, data):
    repayment = uow.session.get(Repayment, reversal.repayment_id)
    if reversal.status == "pending" and uow.actor.user_id == repayment.recorded_by:
        raise Forbidden("a reversal is approved by someone other than who recorded the repayment",
                        code="SEGREGATION_OF_DUTIES", extra={"reason": "repayment_recorder"})
    if not makerchecker.decide(reversal, uow.actor, data, "reversal", "REVERSAL"):
        uow.audit("reject_reversal", "repayment_reversal", reversal.id, {"comment": data["comment"]})
        return reversal, None
    _check_reversal(uow, loan, repayment)
    _reverse(uow, loan, repayment, reversal)
    return reversal, repayment


def list_reversals(uow, loan_id):
    loan = lookups.visible_loan(uow, loan_id)
    return uow.session.scalars(select(RepaymentReversal).where(RepaymentReversal.loan_id == loan.id)
                               .order_by(RepaymentReversal.created_at)).all()


def _check_reversal(uow, loan, repayment):
    """servicing.check_reversal on this loan's data: is anything recorded after the repayment that moved the
    loan's money (a repayment or advance applied, a prepayment, an extension approved)?"""
    session, after = uow.session, repayment.created_at
    later = None
    if session.scalars(select(Repayment.id).where(Repayment.loan_id == loan.id, Repayment.id != repayment.id,
                                                  Repayment.status != "reversed",
                                                  Repayment.created_at >= after)).first():
        later = "a repayment was recorded"
    elif session.scalars(select(Prepayment.id).where(Prepayment.loan_id == loan.id,
                                                     Prepayment.created_at >= after)).first():
        later = "a prepayment was made"
    elif session.scalars(select(LoanExtension.id).where(LoanExtension.loan_id == loan.id,
                                                        LoanExtension.status == "approved",
                                                        LoanExtension.decided_at >= after)).first():
        later = "an extension was approved"
    servicing.check_reversal(repayment.channel, repayment.status, repayment.restore is not None, loan.status, later)


def _reverse(uow, loan, repayment, reversal):
    """Undo `repayment` on `loan` (checked reversible, both locked)."""
    allocation = json.loads(repayment.allocation)
    before = json.loads(repayment.restore)
    closed = lookups.last_closed(uow)
    lines = _lines_by_no(uow, loan)
    for no, paid in allocation["lines"].items():
        line, was = lines[int(no)], before[no]
        values = servicing.unpaid_again(
            {"no": line.no, "due_date": line.due_date, "principal": line.principal, "interest": line.interest,
             **{f"paid_{part}": getattr(line, f"paid_{part}") for part in servicing.PARTS}},
            {part: Decimal(amount) for part, amount in paid.items()},
            {"penalty": Decimal(was["penalty"]), "status": was["status"],
             "penalty_through": was["penalty_through"] and dt.date.fromisoformat(was["penalty_through"])},
            closed, loan.grace_days, loan.annual_rate, loan.penalty_markup, loan.compound_penalty)
        for name, value in values.items():
            setattr(line, name, value)
    advance = Decimal(allocation["advance"])
    if advance > loan.advance_balance:  # the latest-first rule keeps this from happening
        raise Conflict("the advance this repayment left has been used", code="REVERSAL_NOT_LATEST",
                       extra={"reason": "advance_used"})
    loan.outstanding_principal += Decimal(allocation["principal"])
    loan.advance_balance -= advance
    dues = [cob.open_due(line) for line in lines.values()]
    loan.next_due_date = servicing.oldest_unpaid_due(dues)
    business_today = lookups.business_today(uow)
    lifecycles.REPAYMENT.move(repayment, "reversed")
    lifecycles.REVERSAL.move(reversal, "approved", reversed_on=business_today)
    uow.audit("reverse_repayment", "repayment", repayment.id,
              {"reversal_id": reversal.id, "amount": money(repayment.amount)})
    uow.emit(*events.repayment_reversed(loan, repayment, reversal, allocation), business_date=business_today)
    if closed is not None:  # DPD as close of business would have left it: from the last date closed
        set_dpd(uow, loan, servicing.days_past_due(closed, dues), closed)
