"""还款 Repayments: allocated by the product's order, the rest held as an advance (预收款), applied at close of
business; a paid-up loan is settled. 还款冲正: a mistaken repayment undone, asked by one person and approved by
another. Money commands run exactly once under their Idempotency-Key."""
import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import select

from services.common import idempotency, jsonutil, makerchecker
from services.common.errors import Conflict, NotFound, field_error
from services.common.jsonutil import money
from services.common.pagination import paginate
from services.common.segregation import refuse_maker
from services.loan import cob, events
from services.loan.domain import late, lifecycles, servicing
from services.loan.domain.schedule import ZERO
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
    before = {no: {"penalty": line.penalty, "penalty_through": line.penalty_through, "status": line.status}
              for no, line in lines.items()}  # what a reversal puts back
    closed = lookups.closed_for(uow, loan)
    accrued = _accrued_since(uow, loan, lines, data["paid_on"]) if closed and data["paid_on"] < closed else []
    if accrued:  # recorded late: allocated as on its date, the penalty accrued since on what it paid recomputed
        recomputed = late.allocate_late(
            data["amount"], dues, accrued, data["paid_on"], business_today, loan.allocation, loan.advance_balance,
            loan.grace_days, loan.annual_rate, loan.penalty_markup, loan.compound_penalty, lookups.first_closed(uow))
        allocation = recomputed.allocation
    else:  # what is due now (at the business date) is paid first, even by money dated earlier
        allocation = servicing.allocate(data["amount"], dues, business_today, loan.allocation,
                                        held_advance=loan.advance_balance)
    adjustment = _recompute(lines, recomputed) if accrued else None
    cob.apply_allocation(lines, allocation)
    summary = allocation.summary()
    loan.outstanding_principal -= summary["principal"]
    loan.advance_balance += allocation.advance
    if adjustment:
        _hand_back(loan, lines, adjustment, business_today, closed)
    touched = set(allocation.lines) | {int(no) for no in (adjustment or {}).get("lines", {})}
    stored = {**summary, "lines": allocation.lines, "counted_from": min(data["paid_on"], closed or data["paid_on"])}
    repayment = Repayment(loan_id=loan.id, amount=data["amount"], paid_on=data["paid_on"], channel=data["channel"],
                          recorded_by=uow.actor.user_id, allocation=jsonutil.dumps(stored),
                          payer_name=data["payer_name"] or loan.customer_name, voucher_no=data["voucher_no"],
                          status="recorded", restore=jsonutil.dumps({no: before[no] for no in touched}))
    uow.session.add(repayment)
    uow.session.flush()
    uow.audit("record_repayment", "repayment", repayment.id, {"amount": money(data["amount"])})
    repayment.event_id = uow.emit(*events.repayment_received(loan, repayment, summary),
                                  business_date=data["paid_on"])["event_id"]
    if adjustment and (adjustment["penalty_reduced"] or adjustment["refunded"]):
        uow.audit("recompute_penalty", "repayment", repayment.id,
                  {part: money(adjustment[part]) for part in ("penalty_reduced", "refunded")})
        adjustment["event_id"] = uow.emit(*events.penalty_adjusted(loan, repayment, adjustment, business_today),
                                          business_date=business_today)["event_id"]
        repayment.allocation = jsonutil.dumps({**stored, "adjustment": adjustment})
    after_payment(uow, loan, lines.values(), data["paid_on"], business_today)
    return repayment


def _accrued_since(uow, loan, lines, paid_on):
    """late.Accrued of each installment still owing whose penalty was accrued by dates closed after `paid_on`, with
    what the loan's other live repayments paid on it after that date (none: the repayment is not late)."""
    candidates = [line for line in lines.values() if line.penalty_through and line.penalty_through > paid_on
                  and cob.open_due(line).total > 0]
    if not candidates:
        return []
    penalty_after, taken = {}, {}
    for other in uow.session.scalars(select(Repayment).where(Repayment.loan_id == loan.id,
                                                             Repayment.status != "reversed")):
        for since, paid_lines in _counted(other):
            for no, paid in paid_lines.items() if since > paid_on else ():
                part = {name: Decimal(value) for name, value in paid.items()}
                cut = part.get("principal", ZERO) + (part.get("interest", ZERO) if loan.compound_penalty else ZERO)
                penalty_after.setdefault(int(no), []).append((since, part.get("penalty", ZERO)))
                taken.setdefault(int(no), []).append((since, cut))
    accrued = []
    for line in candidates:
        due, paid_after = cob.open_due(line), tuple(penalty_after.get(line.no, ()))
        accrued.append(late.Accrued(
            line.no, line.due_date, due.principal + (due.interest if loan.compound_penalty else ZERO), line.penalty,
            line.penalty_through, line.paid_penalty - sum((value for _, value in paid_after), ZERO), paid_after,
            tuple(taken.get(line.no, ()))))
    return accrued


def _counted(repayment):
    """(counted_from, {no: {part: amount}}) of what a repayment paid, and of what its adjustment handed back: the
    dates closed after `counted_from` saw it (a repayment stored without it: its paid_on)."""
    stored = json.loads(repayment.allocation)
    yield dt.date.fromisoformat(stored.get("counted_from") or repayment.paid_on.isoformat()), stored["lines"]
    if stored.get("adjustment"):
        yield dt.date.fromisoformat(stored["adjustment"]["counted_from"]), stored["adjustment"]["lines"]


def _recompute(lines, recomputed):
    """Each recomputed installment gets its penalty anew, and gives back the penalty paid beyond it: the
    adjustment, to be handed back (`_hand_back`)."""
    reduced = sum((servicing.fen(lines[no].penalty) - servicing.fen(value)
                   for no, value in recomputed.penalty.items()), ZERO)
    for no, value in recomputed.penalty.items():
        lines[no].penalty = value
        lines[no].paid_penalty -= recomputed.refund[no]
    refunds = {no: {"penalty": -value} for no, value in recomputed.refund.items() if value}
    return {"penalty_reduced": reduced, "refunded": sum(recomputed.refund.values(), ZERO), "lines": refunds}


def _hand_back(loan, lines, adjustment, business_today, closed):
    """Penalty received beyond what would have accrued goes to what the loan owes now, by the product's order, the
    rest to the advance (预收款); the adjustment records where (for finance, and for a reversal)."""
    dues = [due for due in map(cob.open_due, lines.values()) if due.total > 0]
    handed = servicing.reallocate(adjustment["refunded"], dues, business_today, loan.allocation)
    cob.apply_allocation(lines, handed)
    loan.outstanding_principal -= handed.total("principal")
    loan.advance_balance += handed.advance
    for no, paid in handed.lines.items():
        for part, value in paid.items():
            adjustment["lines"].setdefault(no, {})[part] = adjustment["lines"].get(no, {}).get(part, ZERO) + value
    for no in adjustment["lines"]:
        lines[no].status = "paid" if cob.open_due(lines[no]).total == 0 else "partial"
    adjustment.update(handed.summary(), counted_from=closed)


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
    if reversal.status == "pending":
        refuse_maker(repayment.recorded_by, uow.actor.user_id,
                     "a reversal is approved by someone other than who recorded the repayment",
                     reason="repayment_recorder")
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


def _undone(*paid_lines):
    """{no: {part: amount}}: what a repayment paid on each installment, with what its adjustment moved (a penalty
    handed back is negative)."""
    paid = {}
    for lines in paid_lines:
        for no, parts in lines.items():
            for part, value in parts.items():
                paid.setdefault(no, {})[part] = paid.get(no, {}).get(part, ZERO) + Decimal(value)
    return paid


def _reverse(uow, loan, repayment, reversal):
    """Undo `repayment` on `loan` (checked reversible, both locked)."""
    allocation = json.loads(repayment.allocation)
    adjustment = allocation.get("adjustment") or {"lines": {}}  # a late repayment's penalty handed back
    before = json.loads(repayment.restore)
    closed = lookups.last_closed(uow)
    lines = _lines_by_no(uow, loan)
    for no, paid in _undone(allocation["lines"], adjustment["lines"]).items():
        line, was = lines[int(no)], before[no]
        values = servicing.unpaid_again(
            {"no": line.no, "due_date": line.due_date, "principal": line.principal, "interest": line.interest,
             **{f"paid_{part}": getattr(line, f"paid_{part}") for part in servicing.PARTS}},
            paid,
            {"penalty": Decimal(was["penalty"]), "status": was["status"],
             "penalty_through": was["penalty_through"] and dt.date.fromisoformat(was["penalty_through"])},
            closed, loan.grace_days, loan.annual_rate, loan.penalty_markup, loan.compound_penalty)
        for name, value in values.items():
            setattr(line, name, value)
    advance = Decimal(allocation["advance"]) + Decimal(adjustment.get("advance", 0))
    if advance > loan.advance_balance:  # the latest-first rule keeps this from happening
        raise Conflict("the advance this repayment left has been used", code="REVERSAL_NOT_LATEST",
                       extra={"reason": "advance_used"})
    loan.outstanding_principal += Decimal(allocation["principal"]) + Decimal(adjustment.get("principal", 0))
    loan.advance_balance -= advance
    dues = [cob.open_due(line) for line in lines.values()]
    loan.next_due_date = servicing.oldest_unpaid_due(dues)
    business_today = lookups.business_today(uow)
    lifecycles.REPAYMENT.move(repayment, "reversed")
    lifecycles.REVERSAL.move(reversal, "approved", reversed_on=business_today)
    uow.audit("reverse_repayment", "repayment", repayment.id,
              {"reversal_id": reversal.id, "amount": money(repayment.amount)})
    uow.emit(*events.repayment_reversed(loan, repayment, reversal, allocation), business_date=business_today)
    if Decimal(adjustment.get("refunded", 0)):  # finance booked the penalty handed back: that entry goes too
        uow.emit(*events.penalty_adjustment_reversed(loan, repayment, reversal, adjustment["event_id"]),
                 business_date=business_today)
    if closed is not None:  # DPD as close of business would have left it: from the last date closed
        set_dpd(uow, loan, servicing.days_past_due(closed, dues), closed)
