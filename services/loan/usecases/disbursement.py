"""放款 Disbursement: a finance clerk registers the payment (放款登记), another person reviews it (放款复核);
approval pays the loan out. Both exactly once under their Idempotency-Key."""
from services.common import clock, idempotency
from services.common.clock import utcnow
from services.common.errors import Conflict, field_error
from services.common.jsonutil import money
from services.loan import events
from services.loan.domain import lifecycles
from services.loan.domain import origination as rules
from services.loan.domain import schedule as engine
from services.loan.models import Disbursement
from services.loan.usecases import checklists, credit, lookups


def register_disbursement(uow, loan_id, data, key, *, pii, dump):
    """放款登记: payee, account, amount = principal − deducted fees; answered by `dump(disbursement)`."""
    loan = lookups.visible_loan(uow, loan_id, lock=True)
    return idempotency.once(uow, key, f"disbursement:{loan.id}", data, lambda: _register(uow, loan, data, pii), dump)


def _register(uow, loan, data, pii):
    if loan.status != "signed":
        raise Conflict(f"the loan is {loan.status}; only a signed loan is paid out", code="LOAN_STATE",
                       extra={"reason": "not_signed", "status": loan.status})
    latest = lookups.latest_disbursement(uow, loan.id)
    if latest is not None and latest.status == "pending_review":
        raise Conflict("a registration is already waiting for review", code="DISBURSEMENT_PENDING",
                       extra={"existing_id": latest.id})
    rules.check_disbursement_amount(data["amount"], loan.principal, loan.fees_total)
    disbursement = Disbursement(loan_id=loan.id, payee_name=data["payee_name"],
                                payee_account_enc=pii.encrypt(data["payee_account"]), amount=data["amount"],
                                status="pending_review", registered_by=uow.actor.user_id)
    uow.session.add(disbursement)
    uow.session.flush()
    uow.audit("register_disbursement", "disbursement", disbursement.id, {"amount": money(data["amount"])})
    return disbursement


def review_disbursement(uow, loan_id, data, key, *, documents, dump):
    """放款复核 by another user. Approval pays the loan out: `active`, schedule fixed from `disbursed_on`,
    `loan.disbursed` published."""
    loan = lookups.visible_loan(uow, loan_id, lock=True)  # serialises reviews of one loan
    return idempotency.once(uow, key, f"disbursement_review:{loan.id}", data, lambda: _review(uow, loan, data, documents), dump)


def _review(uow, loan, data, documents):
    disbursement = lookups.latest_disbursement(uow, loan.id)
    if disbursement is None or disbursement.status != "pending_review":
        code = "DISBURSEMENT_ALREADY_REVIEWED" if disbursement is not None else "DISBURSEMENT_NOT_REGISTERED"
        raise Conflict("there is no registration waiting for review", code=code)
    rules.check_disbursement_reviewer(disbursement.registered_by, uow.actor.user_id)
    if data["approve"]:  # the money goes out only on a complete file; a rejection needs none
        checklists.require(uow, loan.product_id, "disbursement_review", checklists.loan_owners(loan), documents)
    disbursement.reviewed_by, disbursement.reviewed_at = uow.actor.user_id, utcnow()
    disbursement.comment = data["comment"]
    if data["approve"]:
        _pay_out(uow, loan, disbursement, data)
    else:
        lifecycles.DISBURSEMENT.move(disbursement, "rejected")
        uow.audit("reject_disbursement", "disbursement", disbursement.id, {"comment": data["comment"]})
    return disbursement


def _pay_out(uow, loan, disbursement, data):
    if not data["voucher_no"]:
        raise field_error("voucher_no", "the payment voucher number is required to approve", code="VOUCHER_REQUIRED")
    disbursed_on = data["disbursed_on"]
    if disbursed_on is None:
        raise field_error("disbursed_on", "the disbursement date is required to approve", code="DATE_REQUIRED")
    if not loan.signed_on <= disbursed_on <= clock.today():
        raise field_error("disbursed_on", f"must be between signing ({loan.signed_on}) and today",
                          code="DISBURSED_ON_INVALID", extra={"signed_on": str(loan.signed_on)})
    requested = loan.requested_first_due_date
    first_due = requested if requested is not None and requested > disbursed_on else None
    schedule = engine.build(loan.principal, loan.annual_rate, loan.term_months, loan.repayment_method,
                            disbursed_on, first_due, loan.fees_total)
    lookups.store_schedule(uow, loan, schedule)
    lifecycles.DISBURSEMENT.move(disbursement, "approved", voucher_no=data["voucher_no"])
    disbursement.disbursed_on = disbursed_on
    lifecycles.LOAN.move(loan, "active", disbursed_on=disbursed_on, apr=schedule.apr)
    loan.first_due_date, loan.maturity_date = schedule.first_due_date, schedule.maturity_date
    loan.next_due_date, loan.classification = schedule.first_due_date, "normal"
    loan.outstanding_principal = loan.principal
    draw = credit.draw_of(uow, loan.application_id)
    if draw is not None:
        lifecycles.CREDIT_DRAW.move(draw, "drawn", loan_id=loan.id)
    uow.audit("approve_disbursement", "disbursement", disbursement.id,
              {"voucher_no": data["voucher_no"], "amount": money(disbursement.amount)})
    uow.emit(*events.disbursed(loan, disbursement, schedule), business_date=disbursed_on)
