"""Products change by versions (issue 18): repricing a product makes its next version, which new applications are
priced by; an application keeps the version it was made on and its loan signs on that version's terms; the name,
the offer and the lending limits change in place. On the loan service's use cases over the real unit of work."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from services.common.errors import ValidationFailed
from services.common.schemas import load
from services.loan import views
from services.loan.models import Base, ProductVersion
from services.loan.schemas import ApplicationIn, ContractIn, DecisionIn, InvestigationIn, ProductPatch
from services.loan.usecases import applications, products
from tests.fakes import NO_DOCUMENTS, FakeUnitOfWork, actor
from tests.unit.test_loan_usecases import ADMIN, OFFICER, REVIEWER, TODAY, a_product, services

APPROVER = actor("e-approver", permissions=("loan.approve.first",))


@pytest.fixture
def uow():
    unit = FakeUnitOfWork("loan", Base.metadata, acting=ADMIN)
    yield unit
    unit.close()


def submitted(uow, product, vehicle_id):
    customers, collateral = services()
    body = {"customer_id": "c-1", "product_id": product.id, "vehicle_id": vehicle_id, "amount": "120000.00",
            "term_months": 36}
    application, _, _ = applications.submit_application(uow.as_(OFFICER), load(ApplicationIn(), body),
                                                        customers=customers, collateral=collateral)
    uow.commit()
    return application


def signed(uow, application):
    applications.investigate(uow.as_(REVIEWER), application.id, load(InvestigationIn(), {
        "findings": "收入稳定", "recommendation": "approve"}), documents=NO_DOCUMENTS)
    applications.decide(uow.as_(APPROVER), application.id, load(DecisionIn(), {"approve": True}))
    loan = applications.sign_contract(uow.as_(OFFICER), application.id,
                                      load(ContractIn(), {"signed_on": TODAY.isoformat()}), documents=NO_DOCUMENTS)
    uow.commit()
    return loan


def shown_application(uow, application):
    return views.application(*applications.get_application(uow, application.id))


def versions(uow, product):
    return views.product_versions(*products.list_versions(uow, product.id))


def reprice(uow, product, **patch):
    changed = products.update_product(uow.as_(ADMIN), product.id, load(ProductPatch(), patch))
    uow.commit()
    return changed


def test_a_repriced_product_prices_new_applications_while_earlier_ones_and_their_loans_keep_theirs(uow):
    product = a_product(uow)
    assert views.product(product)["version"] == 1
    [first] = versions(uow, product)
    assert (first["version"], first["current"], first["annual_rate"], first["applications"]) == (
        1, True, "0.088800", 0)

    earlier = submitted(uow, product, "v-1")
    reprice(uow, product, annual_rate="0.0700", grace_days=5, upfront_fees=[{"name": "GPS费", "amount": "900.00"}])
    assert views.product(product)["version"] == 2 and views.product(product)["annual_rate"] == "0.070000"
    [(_, _, _, changes)] = uow.audits("update_product")
    assert changes["version"] == {"from": 1, "to": 2} and changes["grace_days"] == {"from": 3, "to": 5}
    one, two = versions(uow, product)
    assert (one["annual_rate"], one["grace_days"], one["current"], one["applications"]) == ("0.088800", 3, False, 1)
    assert one["upfront_fees"] == [{"name": "GPS费", "amount": "1500.00", "rate": None}]
    assert (two["annual_rate"], two["grace_days"], two["current"], two["applications"]) == ("0.070000", 5, True, 0)

    later = submitted(uow, product, "v-2")
    assert (shown_application(uow, earlier)["product_version"], shown_application(uow, earlier)["annual_rate"]) == (
        1, "0.088800")
    assert (shown_application(uow, later)["product_version"], shown_application(uow, later)["annual_rate"]) == (
        2, "0.070000")
    assert later.apr < earlier.apr

    old_loan, new_loan = signed(uow, earlier), signed(uow, later)
    assert (old_loan.annual_rate, old_loan.grace_days, old_loan.fees_total, old_loan.product_version) == (
        Decimal("0.088800"), 3, Decimal("1500.00"), 1)
    assert (new_loan.annual_rate, new_loan.grace_days, new_loan.fees_total, new_loan.product_version) == (
        Decimal("0.070000"), 5, Decimal("900.00"), 2)
    assert views.loan(old_loan)["product_version"] == 1


def test_the_name_offer_and_limits_change_in_place_and_an_unchanged_or_invalid_patch_makes_no_version(uow):
    product = a_product(uow)
    submitted(uow, product, "v-1")
    reprice(uow, product, name="车贷 36期(新)", max_amount="400000.00", max_ltv="0.70")
    assert product.version == 1 and product.name == "车贷 36期(新)"
    reprice(uow, product, annual_rate="0.088800")  # as it is: no change
    assert product.version == 1 and len(uow.audits("update_product")) == 1

    with pytest.raises(ValidationFailed) as invalid:
        products.update_product(uow, product.id, load(ProductPatch(), {
            "annual_rate": "0.07", "min_amount": "900000.00"}))  # above its max_amount
    assert invalid.value.code == "PRODUCT_INVALID"
    uow.rollback()
    assert uow.session.scalar(select(func.count()).select_from(ProductVersion)) == 1
    assert [v["version"] for v in versions(uow, product)] == [1]
