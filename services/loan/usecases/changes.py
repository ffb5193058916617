"""Changes to a running loan: 提前还款 early repayment (quoted, then paid, in full or in part), 债务转让 debt
transfer to another borrower and 展期 extension, each requested by one person and decided by another."""
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from services.common import idempotency, makerchecker
from services.common.ask import ask
from services.common.errors import Conflict, RuleViolated, field_error
from services.common.jsonutil import iso, money
from services.loan import cob, events
from services.loan.domain import lifecycles, servicing
from services.loan.models import Installment, Loan, LoanExtension, LoanTransfer, Prepayment
from services.loan.usecases import lookups


@dataclass(frozen=True)
class Prepaid:
    loan: Loan
    data: dict
    quote: servicing.PrepaymentQuote
    rebuilt: list
    record: Prepayment


def _active(loan, reason_text=""):
    if loan.status != "active":
        raise Conflict(f"the loan is {loan.status}{reason_text}", code="LOAN_STATE",
                       extra={"reason": "not_active", "status": loan.status})


# -- 提前还款 ---------------------------------------------------------------------------------------------------
EARLIEST_BECAUSE = {"disbursement": "the disbursement",
                    "closed": "the last business date closed: penalty is accrued to it",
                    "installment_paid": "the due date of the last installment paid: its interest ran to that date "
                                        "on the principal prepaid too"}


def _prepayment(uow, loan, data):
    """The quote, the loan's installment rows and (in part) the schedule rebuilt for what is left."""
    if not data["full"] and data["amount"] is None:
        raise field_error("amount", "the principal to repay early is required when full is false",
                          code="AMOUNT_REQUIRED")
    _active(loan)
    business_today = lookups.business_today(uow)
    lines = lookups.installments(uow, loan)
    earliest, why = servicing.prepayment_earliest(loan.disbursed_on, lookups.last_closed(uow), [
        line.due_date for line in lines if servicing.anything_paid(line)])
    if not earliest <= data["paid_on"] <= business_today:
        raise field_error("paid_on", f"must be between {earliest} ({EARLIEST_BECAUSE[why]}) and the business date "
                          f"({business_today})", code="PAID_ON_INVALID",
                          extra={"reason": "prepayment", "earliest": str(earliest), "earliest_because": why,
                                 "business_date": str(business_today)})
    dues = [cob.open_due(line) for line in lines]
    terms = (loan.annual_rate, loan.disbursed_on, loan.prepayment_fee_rate, loan.prepayment_fee_free_after_months,
             loan.advance_balance, business_today)
    if data["full"]:
        return servicing.full_prepayment(data["paid_on"], dues, loan.outstanding_principal, *terms), lines, []
    quote = servicing.partial_prepayment(data["paid_on"], dues, loan.outstanding_principal, data["amount"], *terms)
    future = [line for line in lines if servicing.untouched(line, data["paid_on"])]
    rebuilt = servicing.reamortised(loan, future, loan.outstanding_principal - quote.principal,
                                    data["mode"] or "reduce_installment")
    return quote, lines, rebuilt


def quote_prepayment(uow, loan_id, data):
    """What paying the loan off on `paid_on` costs (docs/rules.md, Servicing): the same figure `prepay` then
    takes. (loan, quote, the schedule after a partial prepayment)."""
    loan = lookups.visible_loan(uow, loan_id)
    quote, _, rebuilt = _prepayment(uow, loan, data)
    return loan, quote, rebuilt


def _replace_future(uow, loan, future, rebuilt):
    """Swap the installments not yet due for the rebuilt ones; the maturity and the next due date follow."""
    lookups.put_lines(uow, loan, future, rebuilt)
    loan.maturity_date = rebuilt[-1].due_date
    uow.session.flush()
    loan.next_due_date = servicing.oldest_unpaid_due([cob.open_due(line) for line in uow.session.scalars(
        select(Installment).where(Installment.loan_id == loan.id))])


def prepay(uow, loan_id, data, key, *, dump):
    """提前还款 at the quoted figure. In full it settles the loan (`loan.settled`); in part the schedule is
    rebuilt for the principal left, by `mode`. `loan.prepaid` either way. Answered by `dump(Prepaid)`."""
    loan = lookups.visible_loan(uow, loan_id, lock=True)
    return idempotency.once(uow, key, f"prepayment:{loan.id}", data, lambda: _prepay(uow, loan, data), dump)


def _prepay(uow, loan, data):
    quote, lines, rebuilt = _prepayment(uow, loan, data)
    future = [line for line in lines if servicing.untouched(line, data["paid_on"])]
    if data["full"]:
        for index, line in enumerate(future):
            if index == 0:  # the interest accrued since the last due date is earned on the next installment
                line.interest = line.paid_interest + quote.interest
                line.paid_interest = line.interest
            else:  # interest of periods that will not run is not owed
                line.interest = line.paid_interest
            # what the installment came to: its principal, repaid now, and the interest it earned
            lifecycles.INSTALLMENT.move(line, "prepaid", paid_principal=line.principal,
                                        total=line.principal + line.interest)
        lifecycles.LOAN.move(loan, "settled", settled_on=data["paid_on"], next_due_date=None)
    else:
        _replace_future(uow, loan, future, rebuilt)
    record = Prepayment(loan_id=loan.id, paid_on=data["paid_on"], amount=quote.amount, principal=quote.principal,
                        interest=quote.interest, fee=quote.fee, advance_used=quote.advance_used, full=data["full"],
                        mode=None if data["full"] else data["mode"] or "reduce_installment",
                        channel=data["channel"], recorded_by=uow.actor.user_id)
    uow.session.add(record)
    loan.outstanding_principal -= quote.principal
    loan.advance_balance -= quote.advance_used
    uow.session.flush()
    uow.audit("prepay", "loan", loan.id, {"amount": money(quote.amount), "full": data["full"]})
    uow.emit(*events.prepaid(loan, record), business_date=data["paid_on"])
    if data["full"]:
        uow.emit(*events.settled(loan, data["paid_on"]), business_date=data["paid_on"])
    return Prepaid(loan, data, quote, rebuilt, record)


# -- 债务转让 ---------------------------------------------------------------------------------------------------
def request_transfer(uow, loan_id, data, *, customers):
    """The borrower changes to another customer, who must pass the application checks (exists, visible, not
    blacklisted, nor its legal representative); an approver decides."""
    customer = lookups.customer_brief(customers, data["to_customer_id"])  # other services first
    verdict = ask(customers, "may_borrow", customer_id=customer["id"])
    loan = lookups.visible_loan(uow, loan_id, lock=True)
    _active(loan, "; only an active loan is transferred")
    if customer["id"] == loan.customer_id:
        raise field_error("to_customer_id", "the loan already belongs to this customer", code="SAME_CUSTOMER")
    if not verdict["may_borrow"]:
        raise RuleViolated("the new borrower is on the blacklist: " + "; ".join(verdict["reasons"]),
                           code="CUSTOMER_BLACKLISTED", errors={"to_customer_id": ["blacklisted"]},
                           extra={"blacklist_reasons": verdict["reasons"]})
    makerchecker.one_waiting(uow.session, LoanTransfer, loan.id,
                             "a transfer of this loan is already waiting for a decision", "TRANSFER_PENDING")
    transfer = LoanTransfer(loan_id=loan.id, from_customer_id=loan.customer_id, to_customer_id=customer["id"],
                            to_customer_name=customer["name"], reason=data["reason"], status="pending",
                            requested_by=uow.actor.user_id, officer_id=loan.officer_id,
                            department_id=loan.department_id)
    uow.session.add(transfer)
    uow.session.flush()
    uow.audit("request_transfer", "loan_transfer", transfer.id, {"to": customer["id"]})
    return transfer


def decide_transfer(uow, transfer_id, data, key, *, dump):
    """Approval makes the new customer the borrower (same contract number, a supplement number) and publishes
    `loan.transferred`: the collateral service moves the car and opens a new registration."""
    transfer = lookups.visible_row(uow, LoanTransfer, transfer_id, "TRANSFER_NOT_FOUND", lock=True)
    return idempotency.once(uow, key, f"transfer_decision:{transfer.id}", data,
                            lambda: _decide_transfer(uow, transfer, data), dump)


def _decide_transfer(uow, transfer, data):
    if not makerchecker.decide(transfer, uow.actor, data, "transfer", "TRANSFER"):
        uow.audit("reject_transfer", "loan_transfer", transfer.id, {"comment": data["comment"]})
        return transfer
    loan = uow.session.get(Loan, transfer.loan_id, with_for_update=True)
    if loan.status != "active" or loan.customer_id != transfer.from_customer_id:
        raise Conflict("the loan changed since the request; request the transfer again", code="LOAN_STATE",
                       extra={"reason": "changed"})
    done = uow.session.scalar(select(func.count()).select_from(LoanTransfer).where(
        LoanTransfer.loan_id == loan.id, LoanTransfer.status == "approved"))
    lifecycles.TRANSFER.move(transfer, "approved", supplement_no=f"{loan.contract_no}-BC{done + 1:02d}")
    loan.customer_id, loan.customer_name = transfer.to_customer_id, transfer.to_customer_name
    uow.audit("approve_transfer", "loan_transfer", transfer.id, {"supplement_no": transfer.supplement_no})
    uow.emit(*events.transferred(loan, transfer))
    return transfer


# -- 展期 -------------------------------------------------------------------------------------------------------
def _check_extension(uow, loan, months):
    lines = lookups.installments(uow, loan)
    servicing.check_extension(months, loan.term_months, loan.extended_months, lookups.business_today(uow),
                              loan.maturity_date, [cob.open_due(line) for line in lines])
    return lines


def request_extension(uow, loan_id, data):
    """展期 request: before maturity, nothing overdue, within the 贷款通则 cumulative limit, with the fee agreed (at
    most 10 % of the principal extended; both checked again at approval); an approver decides."""
    loan = lookups.visible_loan(uow, loan_id, lock=True)
    _active(loan, "; only an active loan is extended")
    _check_extension(uow, loan, data["extra_months"])
    servicing.check_extension_fee(data["fee"], loan.outstanding_principal)
    makerchecker.one_waiting(uow.session, LoanExtension, loan.id,
                             "an extension of this loan is already waiting for a decision", "EXTENSION_PENDING")
    extension = LoanExtension(loan_id=loan.id, months=data["extra_months"], reason=data["reason"],
                              status="pending", requested_by=uow.actor.user_id, officer_id=loan.officer_id,
                              department_id=loan.department_id, maturity_before=loan.maturity_date,
                              fee=data["fee"])
    uow.session.add(extension)
    uow.session.flush()
    uow.audit("request_extension", "loan_extension", extension.id, {"months": extension.months,
                                                                     "fee": money(extension.fee)})
    return extension


def decide_extension(uow, extension_id, data, key, *, dump):
    """Approval re-amortises the remaining principal over the months left + the extension (same method), marks
    the loan restructured (重组), receives the extension's fee, if any, that day (`voucher_no` its receipt) and
    publishes `loan.extended`, which finance posts (the fee) and shows (the new maturity) in the balances ledger.
    Answered by `dump((extension, rebuilt or None))`."""
    extension = lookups.visible_row(uow, LoanExtension, extension_id, "EXTENSION_NOT_FOUND", lock=True)
    return idempotency.once(uow, key, f"extension_decision:{extension.id}", data,
                            lambda: _decide_extension(uow, extension, data), dump)


def _decide_extension(uow, extension, data):
    if not makerchecker.decide(extension, uow.actor, data, "extension", "EXTENSION"):
        uow.audit("reject_extension", "loan_extension", extension.id, {"comment": data["comment"]})
        return extension, None
    loan = uow.session.get(Loan, extension.loan_id, with_for_update=True)
    if loan.status != "active":
        raise Conflict(f"the loan is {loan.status}", code="LOAN_STATE", extra={"status": loan.status})
    lines = _check_extension(uow, loan, extension.months)
    servicing.check_extension_fee(extension.fee, loan.outstanding_principal)
    today = lookups.business_today(uow)
    future = [line for line in lines if servicing.untouched(line, today - dt.timedelta(days=1))]
    rebuilt = servicing.reamortised(loan, future, loan.outstanding_principal, "reduce_installment", extension.months)
    _replace_future(uow, loan, future, rebuilt)
    loan.extended_months += extension.months
    loan.restructured = True
    lifecycles.EXTENSION.move(extension, "approved", maturity_after=loan.maturity_date,
                              fee_voucher_no=data.get("voucher_no") if extension.fee else None)
    uow.audit("approve_extension", "loan_extension", extension.id, {"maturity": iso(loan.maturity_date),
                                                                     "fee": money(extension.fee)})
    uow.emit(*events.extended(loan, extension, rebuilt, today), business_date=today)
    return extension, rebuilt


def list_extensions(uow, loan_id):
    loan = lookups.visible_loan(uow, loan_id)
    return uow.session.scalars(select(LoanExtension).where(LoanExtension.loan_id == loan.id)
                               .order_by(LoanExtension.created_at)).all()
