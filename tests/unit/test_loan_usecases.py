"""The loan service's use cases on the real unit of work over an in-memory SQLite database (tests/fakes.py), with
the customer and collateral services stood in for: a loan from product to repayment, each step by its own person,
what each stores, emits and audits, the exactly-once money commands, and refusals that leave nothing written."""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from services.common import clock
from services.common.errors import Conflict
from services.common.pii import PiiCipher
from services.common.refusal import Refused
from services.common.schemas import load
from services.loan import views
from services.loan.models import Application, Base, Installment, Loan, LoanExtension, Product, Repayment
from services.loan.schemas import (ApplicationIn, ContractIn, DecisionIn, DisbursementIn, DisbursementReviewIn,
                                   ExtensionIn, InvestigationIn, LprIn, ProductIn, RepaymentIn)
from services.loan.usecases import applications, changes, disbursement, loans, products, repayments
from tests.fakes import NO_DOCUMENTS, FakeService, FakeUnitOfWork, actor

PII = PiiCipher(b"k" * 32)
OFFICER = actor("e-officer", permissions=("loan.apply",))
REVIEWER = actor("e-reviewer", permissions=("loan.investigate", "loan.approve.first"))
CLERK = actor("e-clerk", permissions=("loan.disbursement.register", "loan.repayment.record"))
CHECKER = actor("e-checker", permissions=("loan.disbursement.review",))
ADMIN = actor("e-admin", permissions=("loan.product.manage",))
TODAY = clock.today()
PRODUCT = {"code": "CAR36", "name": "车贷 36期", "repayment_method": "equal_installment", "annual_rate": "0.088800",
           "min_term_months": 12, "max_term_months": 36, "min_amount": "10000.00", "max_amount": "500000.00",
           "max_ltv": "0.80", "grace_days": 3, "prepayment_fee_rate": "0.02",
           "upfront_fees": [{"name": "GPS费", "amount": "1500.00"}]}


@pytest.fixture
def uow():
    unit = FakeUnitOfWork("loan", Base.metadata, acting=ADMIN)
    yield unit
    unit.close()


def count(uow, model):
    return uow.session.scalar(select(func.count()).select_from(model))


def services(owner="c-1", blacklisted=False, appraised="200000.00"):
    customers = FakeService("customer", customer_brief=lambda customer_id: {"id": customer_id, "name": "赵全程"},
                            may_borrow=lambda customer_id: {"may_borrow": not blacklisted,
                                                            "reasons": ["法院失信名单"] if blacklisted else []})
    collateral = FakeService("collateral", lending_value=lambda vehicle_id, as_of: {
        "vehicle": {"id": vehicle_id, "owner_customer_id": owner},
        "valuation": {"id": "val-1", "appraised_value": appraised}})
    return customers, collateral


def a_product(uow):
    """The product (made once per database) and the LPR in force, which signing holds the rate to."""
    product = uow.session.scalars(select(Product).where(Product.code == PRODUCT["code"])).first()
    if product is None:
        product = products.create_product(uow.as_(ADMIN), load(ProductIn(), PRODUCT))
        products.add_lpr(uow, load(LprIn(), {"effective_on": (TODAY - dt.timedelta(days=30)).isoformat(),
                                             "one_year": "0.031000", "five_year": "0.036000"}))
        uow.commit()
    return product


def an_application(uow, amount="120000.00", **stand_ins):
    product = a_product(uow)
    customers, collateral = services(**stand_ins)
    body = {"customer_id": "c-1", "product_id": product.id, "vehicle_id": "v-1", "amount": amount, "term_months": 36}
    application, _, _ = applications.submit_application(uow.as_(OFFICER), load(ApplicationIn(), body),
                                                        customers=customers, collateral=collateral)
    uow.commit()
    return application


def a_signed_loan(uow):
    return a_signed_loan_from(uow, an_application(uow))


def an_active_loan(uow):
    return an_active_loan_from(uow, a_signed_loan(uow))


def test_a_product_is_stored_with_its_fees_and_a_second_with_its_code_is_refused():
    unit = FakeUnitOfWork("loan", Base.metadata, acting=ADMIN)
    product = a_product(unit)
    shown = views.product(product)
    assert (shown["upfront_fees"], shown["annual_rate"]) == ([{"name": "GPS费", "amount": "1500.00", "rate": None}],
                                                            "0.088800")
    assert Decimal(shown["apr_range"]["min"]) > Decimal("0.0888")  # the fee deducted makes the real rate higher
    assert [a[0] for a in unit.audits()] == ["create_product", "add_lpr"]
    with pytest.raises(Conflict) as refused:
        products.create_product(unit, load(ProductIn(), {**PRODUCT, "name": "另一个"}))
    assert refused.value.code == "PRODUCT_DUPLICATE"
    unit.rollback()
    assert count(unit, Product) == 1


def test_an_application_on_someone_elses_car_or_for_a_blacklisted_customer_is_refused_and_not_stored(uow):
    with pytest.raises(Refused) as refused:
        an_application(uow, owner="c-2")
    assert (refused.value.code, refused.value.field) == ("VEHICLE_NOT_OWNED", "vehicle_id")
    uow.rollback()
    with pytest.raises(Refused) as refused:
        an_application(uow, blacklisted=True)
    assert refused.value.code == "CUSTOMER_BLACKLISTED"
    uow.rollback()
    with pytest.raises(Refused) as refused:
        an_application(uow, amount="170000.00")  # 80 % of 200,000 is the most
    assert (refused.value.code, refused.value.extra["max_amount"]) == ("LTV_EXCEEDED", "160000.00")
    uow.rollback()
    assert count(uow, Application) == 0 and uow.events() == []


def test_an_application_goes_from_submission_to_a_signed_loan_each_step_by_someone_else(uow):
    application = an_application(uow)
    assert uow.events("loan.application_submitted")[0]["application_id"] == application.id
    with pytest.raises(Refused):  # the officer who submitted it does not investigate it
        applications.investigate(uow.as_(OFFICER), application.id, load(InvestigationIn(), {
            "findings": "本人调查", "recommendation": "approve"}), documents=NO_DOCUMENTS)
    uow.rollback()
    loan = a_signed_loan_from(uow, application)
    assert (loan.status, loan.principal, loan.fees_total, loan.net_amount) == (
        "signed", Decimal("120000.00"), Decimal("1500.00"), Decimal("118500.00"))
    assert loan.contract_no.endswith("-0001") and count(uow, Installment) == 36
    assert uow.events("loan.signed")[0]["loan_id"] == loan.id
    _, _, steps = applications.get_application(uow, application.id)
    assert [(s.step, s.actor_id) for s in steps] == [
        ("submit", "e-officer"), ("investigate", "e-reviewer"), ("decision_level_1", "e-approver"),
        ("sign_contract", "e-officer")]


def a_signed_loan_from(uow, application):
    applications.investigate(uow.as_(REVIEWER), application.id, load(InvestigationIn(), {
        "findings": "收入稳定", "recommendation": "approve"}), documents=NO_DOCUMENTS)
    applications.decide(uow.as_(actor("e-approver", permissions=("loan.approve.first",))), application.id,
                        load(DecisionIn(), {"approve": True, "comment": None}))
    loan = applications.sign_contract(uow.as_(OFFICER), application.id,
                                      load(ContractIn(), {"signed_on": TODAY.isoformat()}), documents=NO_DOCUMENTS)
    uow.commit()
    return loan


def test_the_clerk_who_registers_a_disbursement_cannot_review_it_and_a_replayed_review_pays_out_once(uow):
    loan = a_signed_loan(uow)
    dump = lambda row: views.disbursement(row, PII)  # noqa: E731
    registered = disbursement.register_disbursement(uow.as_(CLERK), loan.id, load(DisbursementIn(), {
        "payee_name": "赵全程", "payee_account": "6222020200112233445", "amount": "118500.00"}), "k1",
        pii=PII, dump=dump)
    uow.commit()
    assert registered["payee_account"] != "6222020200112233445" and registered["payee_account"].endswith("3445")
    review = load(DisbursementReviewIn(), {"approve": True, "voucher_no": "FK0001", "disbursed_on": TODAY.isoformat()})
    with pytest.raises(Refused) as refused:
        disbursement.review_disbursement(uow.as_(CLERK), loan.id, review, "k2", documents=NO_DOCUMENTS, dump=dump)
    assert refused.value.code == "SEGREGATION_OF_DUTIES"
    uow.rollback()
    first = disbursement.review_disbursement(uow.as_(CHECKER), loan.id, review, "k2", documents=NO_DOCUMENTS, dump=dump)
    uow.commit()
    again = disbursement.review_disbursement(uow.as_(CHECKER), loan.id, review, "k2", documents=NO_DOCUMENTS, dump=dump)
    assert again == first and first["status"] == "approved"
    assert len(uow.events("loan.disbursed")) == 1
    assert uow.session.get(Loan, loan.id).status == "active"


def test_a_repayment_is_booked_once_under_its_key_and_one_on_a_loan_not_paid_out_is_refused(uow):
    loan = a_signed_loan(uow)
    body = load(RepaymentIn(), {"amount": "5000.00", "paid_on": TODAY.isoformat(), "channel": "bank_transfer"})
    with pytest.raises(Conflict) as refused:
        repayments.record_repayment(uow.as_(CLERK), loan.id, body, "r1", dump=views.repayment)
    assert refused.value.code == "LOAN_STATE"
    uow.rollback()
    assert count(uow, Repayment) == 0
    loan = an_active_loan_from(uow, loan)
    first = repayments.record_repayment(uow.as_(CLERK), loan.id, body, "r2", dump=views.repayment)
    uow.commit()
    again = repayments.record_repayment(uow.as_(CLERK), loan.id, body, "r2", dump=views.repayment)
    assert again == first and count(uow, Repayment) == 1
    assert first["advance_balance"] == "5000.00"  # nothing due yet on the day it was paid out: held as 预收款
    [received] = uow.events("loan.repayment_received")
    assert received["repayment_id"] == first["id"]


def an_active_loan_from(uow, loan):
    dump = lambda row: views.disbursement(row, PII)  # noqa: E731
    disbursement.register_disbursement(uow.as_(CLERK), loan.id, load(DisbursementIn(), {
        "payee_name": "赵全程", "payee_account": "6222020200112233445", "amount": str(loan.net_amount)}),
        "reg", pii=PII, dump=dump)
    disbursement.review_disbursement(uow.as_(CHECKER), loan.id, load(DisbursementReviewIn(), {
        "approve": True, "voucher_no": "FK0002", "disbursed_on": TODAY.isoformat()}), "rev", documents=NO_DOCUMENTS,
        dump=dump)
    uow.commit()
    return uow.session.get(Loan, loan.id)


def test_one_extension_waits_per_loan_and_its_requester_does_not_decide_it(uow):
    loan = an_active_loan(uow)
    request = load(ExtensionIn(), {"extra_months": 6, "reason": "经营周转困难"})
    extension = changes.request_extension(uow.as_(OFFICER), loan.id, request)
    uow.commit()
    with pytest.raises(Conflict) as refused:
        changes.request_extension(uow.as_(OFFICER), loan.id, request)
    assert (refused.value.code, refused.value.extra["existing_id"]) == ("EXTENSION_PENDING", extension.id)
    uow.rollback()
    with pytest.raises(Refused) as refused:
        changes.decide_extension(uow.as_(OFFICER), extension.id, load(DecisionIn(), {"approve": True}), "x1",
                                 dump=views.decided_extension)
    assert (refused.value.code, refused.value.extra["reason"]) == ("SEGREGATION_OF_DUTIES", "requester")
    uow.rollback()
    assert count(uow, LoanExtension) == 1 and uow.events("loan.extended") == []


def test_the_grade_post_loan_gives_is_shown_and_an_unknown_one_is_refused(uow):
    loan = a_signed_loan(uow)
    loans.record_grade(uow, {"loan_id": loan.id, "classification": "substandard"})
    assert views.loan(uow.session.get(Loan, loan.id))["classification_label"] == "次级"
    with pytest.raises(ValueError):
        loans.record_grade(uow, {"loan_id": loan.id, "classification": "excellent"})
