"""资料清单 (issue 18): a product's checklist is checked when it is set, names per stage the documents of which record
must be on file, and the stage refuses with `DOCUMENTS_MISSING` and exactly what is missing; on the rules and on the
loan service's use cases over the real unit of work, the document service a stand-in."""
import pytest

from services.common.errors import ValidationFailed
from services.common.refusal import Refused
from services.common.schemas import load
from services.loan.domain import checklists
from services.loan.models import Application, Base
from services.loan.schemas import InvestigationIn, ProductPatch
from services.loan.usecases import applications, checklists as usecases, products
from tests.fakes import FakeService, FakeUnitOfWork
from tests.unit.test_loan_usecases import ADMIN, REVIEWER, an_application

STANDARD = checklists.dump(checklists.STANDARD)


def test_the_standard_list_is_a_valid_checklist_and_a_wrong_one_is_refused_item_by_item():
    assert checklists.problems(STANDARD) == {}
    assert set(checklists.problems({
        "approval": [{"owner_type": "loan", "category": "signed_contract"},  # no loan before approval
                     {"owner_type": "customer", "category": "mortgage_certificate"},  # not kept on a customer
                     {"owner_type": "customer", "category": "id_card_front"},
                     {"owner_type": "customer", "category": "id_card_front"}],  # twice
        "lunch": []})) == {"checklist.approval.0", "checklist.approval.1", "checklist.approval.3", "checklist.lunch"}


def test_what_is_missing_is_named_by_record_and_category():
    needed = checklists.required(checklists.STANDARD, "approval", {"customer": "c-1", "vehicle": "v-1"})
    assert needed == [("customer", "c-1", "id_card_front"), ("customer", "c-1", "id_card_back"),
                      ("vehicle", "v-1", "vehicle_registration_certificate")]
    on_file = {("customer", "c-1"): {"id_card_front", "other"}, ("vehicle", "v-2"): {"vehicle_registration_certificate"}}
    assert checklists.missing(needed, on_file) == [("customer", "c-1", "id_card_back"),
                                                   ("vehicle", "v-1", "vehicle_registration_certificate")]
    shown = checklists.stage_view("approval", needed, on_file)
    assert (shown["stage_label"], shown["complete"]) == ("提交审批", False)
    assert [item["on_file"] for item in shown["items"]] == [True, False, False]
    assert checklists.required({}, "approval", {"customer": "c-1"}) == []  # a product listing nothing needs nothing


@pytest.fixture
def uow():
    unit = FakeUnitOfWork("loan", Base.metadata, acting=ADMIN)
    yield unit
    unit.close()


def documents_on_file(found):
    return FakeService("document", categories_on_file=lambda owners: [
        {**owner, "categories": sorted(found.get((owner["owner_type"], owner["owner_id"]), ()))} for owner in owners])


def test_an_application_goes_to_approval_only_with_its_documents(uow):
    application = an_application(uow)
    product = products.update_product(uow.as_(ADMIN), application.product_id,
                                      load(ProductPatch(), {"checklist": STANDARD}))
    uow.commit()
    assert product.version == 1  # a checklist is not a pricing term: no new version
    investigation = load(InvestigationIn(), {"findings": "家访属实", "recommendation": "approve"})
    partly = documents_on_file({("customer", application.customer_id): {"id_card_front"}})
    with pytest.raises(Refused) as refused:
        applications.investigate(uow.as_(REVIEWER), application.id, investigation, documents=partly)
    assert (refused.value.code, refused.value.kind, refused.value.extra["stage"]) == (
        "DOCUMENTS_MISSING", "conflict", "approval")
    assert [(m["owner_type"], m["owner_id"], m["category"]) for m in refused.value.extra["missing"]] == [
        ("customer", application.customer_id, "id_card_back"),
        ("vehicle", application.vehicle_id, "vehicle_registration_certificate")]
    uow.rollback()
    assert uow.session.get(Application, application.id).status == "submitted"

    complete = documents_on_file({("customer", application.customer_id): {"id_card_front", "id_card_back"},
                                  ("vehicle", application.vehicle_id): {"vehicle_registration_certificate"}})
    applications.investigate(uow.as_(REVIEWER), application.id, investigation, documents=complete)
    uow.commit()
    assert uow.session.get(Application, application.id).status == "investigated"
    shown = usecases.application_checklist(uow, application.id, complete)
    assert [(stage["stage"], stage["complete"]) for stage in shown["stages"]] == [("approval", True),
                                                                                  ("signing", False)]
    assert [m["category"] for m in shown["missing"]] == ["driving_licence"]


def test_a_wrong_checklist_changes_nothing(uow):
    application = an_application(uow)
    with pytest.raises(ValidationFailed) as refused:
        products.update_product(uow.as_(ADMIN), application.product_id, load(ProductPatch(), {"checklist": {
            "signing": [{"owner_type": "gps_task", "category": "gps_installation_photo"}]}}))
    assert refused.value.code == "PRODUCT_INVALID" and "checklist.signing.0" in refused.value.errors
