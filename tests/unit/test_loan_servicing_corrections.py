"""Servicing corrections of issue 18 on the loan service's use cases (the real unit of work on SQLite, tests/fakes.py):
an early repayment's interest is the prepayment's own (never charged a second time through an installment already
paid), and an extension carries its fee, received at approval and published in `loan.extended` for finance.
Expected figures are computed here from the rules of docs/rules.md, not by the code under test."""
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from services.common.errors import ValidationFailed
from services.common.refusal import Refused
from services.common.schemas import load
from services.loan import views
from services.loan.models import Installment, Loan, LoanExtension, Prepayment
from services.loan.schemas import (ContractIn, DecisionIn, DisbursementIn, DisbursementReviewIn, ExtensionDecisionIn,
                                   ExtensionIn, InvestigationIn, LprIn, PrepaymentIn, RepaymentIn)
from services.loan.usecases import applications, changes, disbursement, products, repayments
from tests.fakes import NO_DOCUMENTS, FakeUnitOfWork, actor
from tests.unit.test_loan_usecases import (ADMIN, CHECKER, CLERK, OFFICER, PII, REVIEWER, TODAY, Base, a_product,
                                           an_application, count)

APPROVER = actor("e-approver", permissions=("loan.servicing.approve",))
RATE = Decimal("0.0888")  # the product's


def fen(value):
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def uow():
    unit = FakeUnitOfWork("loan", Base.metadata, acting=ADMIN)
    a_product(unit)
    products.add_lpr(unit, load(LprIn(), {"effective_on": (TODAY - dt.timedelta(days=400)).isoformat(),
                                          "one_year": "0.031000", "five_year": "0.036000"}))
    unit.commit()
    yield unit
    unit.close()


def a_loan_paid_out(uow, days_ago):
    """120,000.00 over 36 months at 8.88 % (等额本息), signed and paid out `days_ago` days ago."""
    application = an_application(uow)
    applications.investigate(uow.as_(REVIEWER), application.id, load(InvestigationIn(), {
        "findings": "收入稳定", "recommendation": "approve"}), documents=NO_DOCUMENTS)
    applications.decide(uow.as_(actor("e-decider", permissions=("loan.approve.first",))), application.id,
                        load(DecisionIn(), {"approve": True, "comment": None}))
    day = (TODAY - dt.timedelta(days=days_ago)).isoformat()
    loan = applications.sign_contract(uow.as_(OFFICER), application.id, load(ContractIn(), {"signed_on": day}),
                                      documents=NO_DOCUMENTS)
    uow.commit()
    dump = lambda row: views.disbursement(row, PII)  # noqa: E731
    disbursement.register_disbursement(uow.as_(CLERK), loan.id, load(DisbursementIn(), {
        "payee_name": "赵全程", "payee_account": "6222020200112233445", "amount": str(loan.net_amount)}),
        "register", pii=PII, dump=dump)
    disbursement.review_disbursement(uow.as_(CHECKER), loan.id, load(DisbursementReviewIn(), {
        "approve": True, "voucher_no": "FK0001", "disbursed_on": day}), "review", documents=NO_DOCUMENTS,
        dump=dump)
    uow.commit()
    return uow.session.get(Loan, loan.id)


def schedule(uow, loan):
    return uow.session.scalars(select(Installment).where(Installment.loan_id == loan.id)
                               .order_by(Installment.no)).all()


def pay_first_installment(uow, loan):
    first = schedule(uow, loan)[0]
    repayments.record_repayment(uow.as_(CLERK), loan.id, load(RepaymentIn(), {
        "amount": str(first.total), "paid_on": TODAY.isoformat(), "channel": "bank_transfer"}), "repay-1",
        dump=views.repayment)
    uow.commit()
    return first


def partial(paid_on, amount="20000.00"):
    return load(PrepaymentIn(), {"paid_on": paid_on.isoformat(), "full": False, "amount": amount,
                                 "mode": "reduce_installment"})


def test_an_early_repayment_dated_before_an_installment_already_paid_is_refused_and_writes_nothing(uow):
    loan = a_loan_paid_out(uow, days_ago=40)  # the first installment fell due ten days ago
    first = pay_first_installment(uow, loan)  # its 888.00 of interest ran on the whole 120,000.00 to its due date
    assert first.interest == fen(Decimal("120000.00") * RATE / 12)
    backdated = partial(first.due_date - dt.timedelta(days=5))
    for call in (lambda: changes.quote_prepayment(uow.as_(CLERK), loan.id, backdated),
                 lambda: changes.prepay(uow.as_(CLERK), loan.id, backdated, "prepay-1", dump=views.prepayment)):
        with pytest.raises(ValidationFailed) as refused:
            call()  # the 20,000.00 would pay 26 days' interest that the first installment already charged
        assert refused.value.code == "PAID_ON_INVALID"
        assert (refused.value.extra["earliest"], refused.value.extra["earliest_because"]) == (
            first.due_date.isoformat(), "installment_paid")
        uow.rollback()
    assert count(uow, Prepayment) == 0 and uow.events("loan.prepaid") == []
    assert uow.session.get(Loan, loan.id).outstanding_principal == Decimal("120000.00") - first.principal


def test_a_partial_early_repayment_earns_its_own_interest_and_the_next_installment_none_of_it(uow):
    loan = a_loan_paid_out(uow, days_ago=40)
    first = pay_first_installment(uow, loan)
    left = Decimal("120000.00") - first.principal
    done = changes.prepay(uow.as_(CLERK), loan.id, partial(TODAY), "prepay-2", dump=views.prepayment)
    uow.commit()
    days = (TODAY - first.due_date).days
    interest = fen(Decimal("20000.00") * RATE / 360 * days)  # the part, from the last due date to the day paid
    assert (done["principal"], done["interest"], done["fee"], done["accrued_days"]) == (
        "20000.00", str(interest), "400.00", days)
    assert done["amount"] == str(Decimal("20400.00") + interest)
    # the next installment earns a month on what is left, nothing on the 20,000.00 repaid early
    after = schedule(uow, loan)
    assert after[1].interest == fen((left - Decimal("20000.00")) * RATE / 12)
    assert sum((line.principal - line.paid_principal for line in after), Decimal(0)) == left - Decimal("20000.00")
    [prepaid] = uow.events("loan.prepaid")
    assert (prepaid["principal"], prepaid["interest"], prepaid["fee"], prepaid["full"]) == (
        "20000.00", str(interest), "400.00", False)
    assert prepaid["outstanding_principal"] == str(left - Decimal("20000.00"))
    assert prepaid["maturity_date"] == after[-1].due_date.isoformat()


def test_an_extension_carries_its_fee_received_at_approval_and_published_for_finance(uow):
    loan = a_loan_paid_out(uow, days_ago=10)  # nothing due yet; 120,000.00 outstanding
    too_much = load(ExtensionIn(), {"extra_months": 6, "reason": "经营周转困难", "fee": "12000.01"})
    with pytest.raises(Refused) as refused:
        changes.request_extension(uow.as_(OFFICER), loan.id, too_much)
    assert (refused.value.code, refused.value.field, refused.value.extra["max_fee"]) == (
        "EXTENSION_FEE_TOO_HIGH", "fee", "12000.00")  # 10 % of the principal extended
    uow.rollback()
    assert count(uow, LoanExtension) == 0
    with pytest.raises(ValidationFailed):  # money is never rounded
        load(ExtensionIn(), {"extra_months": 6, "reason": "经营周转困难", "fee": "1200.005"})

    extension = changes.request_extension(uow.as_(OFFICER), loan.id, load(ExtensionIn(), {
        "extra_months": 6, "reason": "经营周转困难", "fee": "1200.00"}))
    uow.commit()
    assert views.extension(extension)["fee"] == "1200.00"
    decided = changes.decide_extension(uow.as_(APPROVER), extension.id, load(ExtensionDecisionIn(), {
        "approve": True, "comment": "同意", "voucher_no": "ZQ0001"}), "decide-1", dump=views.decided_extension)
    uow.commit()
    lines = schedule(uow, loan)
    assert (decided["status"], decided["fee"], decided["fee_voucher_no"]) == ("approved", "1200.00", "ZQ0001")
    assert len(lines) == 42 and decided["maturity_after"] == lines[-1].due_date.isoformat()
    [extended] = uow.events("loan.extended")
    assert (extended["fee"], extended["voucher_no"], extended["payer_name"]) == ("1200.00", "ZQ0001", "赵全程")
    assert (extended["extended_on"], extended["maturity_date"], extended["extended_months"]) == (
        TODAY.isoformat(), lines[-1].due_date.isoformat(), 6)
    assert (extended["installments_left"], extended["next_installment"]) == (42, str(lines[0].total))
    assert extended["outstanding_principal"] == "120000.00" == str(sum(line.principal for line in lines))


def test_an_extension_without_a_fee_publishes_a_fee_of_nothing(uow):
    loan = a_loan_paid_out(uow, days_ago=10)
    extension = changes.request_extension(uow.as_(OFFICER), loan.id, load(ExtensionIn(), {
        "extra_months": 3, "reason": "周转困难"}))
    uow.commit()
    changes.decide_extension(uow.as_(APPROVER), extension.id, load(ExtensionDecisionIn(), {
        "approve": True, "voucher_no": "ignored"}), "decide-2", dump=views.decided_extension)
    uow.commit()
    [extended] = uow.events("loan.extended")
    assert (extended["fee"], extended["voucher_no"]) == ("0.00", None)
