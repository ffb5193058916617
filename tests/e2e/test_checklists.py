"""资料清单 through the gateway: a product with the standard checklist holds every stage of a loan's life back until
its documents are on file — the investigation (to approval), signing, the disbursement review, the GPS installation
and the mortgage registration each refuse with 409 `DOCUMENTS_MISSING` naming exactly what to upload, change
nothing, and pass once it is uploaded; a deleted document is missing again."""
import itertools

import pytest

from services.common import clock
from tests.e2e.conftest import assert_problem, unique
from tests.e2e.test_collateral import new_imei, tasks_of
from tests.e2e.test_documents import pdf, png, post
from tests.e2e.test_loans import apply, valued_car

TODAY = clock.today().isoformat()
STANDARD = {
    "approval": [{"owner_type": "customer", "category": "id_card_front"},
                 {"owner_type": "customer", "category": "id_card_back"},
                 {"owner_type": "vehicle", "category": "vehicle_registration_certificate"}],
    "signing": [{"owner_type": "customer", "category": "driving_licence"}],
    "disbursement_review": [{"owner_type": "loan", "category": "signed_contract"}],
    "gps_installation": [{"owner_type": "gps_task", "category": "gps_installation_photo"}],
    "mortgage_registration": [{"owner_type": "mortgage_task", "category": "mortgage_certificate"}],
}


@pytest.fixture(scope="module")
def checked_product(admin):
    response = admin.post("/api/v1/products", json={
        "code": unique("DOCS-"), "name": "二手车按揭 资料齐全", "repayment_method": "equal_installment",
        "annual_rate": "0.088800", "min_term_months": 12, "max_term_months": 36, "min_amount": "10000.00",
        "max_amount": "500000.00", "checklist": STANDARD})
    assert response.status_code == 201, response.text
    return response.json()


SIZES = itertools.count(3)  # each scan a different image: the same content twice on a record is a duplicate


def upload(client, owner_type, owner_id, category, content=None, name="scan.png"):
    answer = post(client, owner_id, content or png(next(SIZES), 2), name=name, category=category,
                  owner_type=owner_type)
    assert answer.status_code == 201, answer.text
    return answer.json()


def missing_of(problem):
    return sorted((item["owner_type"], item["owner_id"], item["category"]) for item in problem["missing"])


def test_a_product_keeps_a_checked_checklist(admin, checked_product):
    assert [(stage, [(i["owner_type"], i["category"], i["category_label"]) for i in items])
            for stage, items in checked_product["checklist"].items()][:2] == [
        ("approval", [("customer", "id_card_front", "身份证正面"), ("customer", "id_card_back", "身份证反面"),
                      ("vehicle", "vehicle_registration_certificate", "机动车登记证书")]),
        ("signing", [("customer", "driving_licence", "驾驶证")])]
    path = f"/api/v1/products/{checked_product['id']}"
    # a stage asks only of its own records, and a category only of the records that keep it
    wrong = assert_problem(admin.patch(path, json={"checklist": {"approval": [
        {"owner_type": "loan", "category": "signed_contract"}]}}), 422, "PRODUCT_INVALID")
    assert "checklist.approval.0" in wrong["errors"]
    assert_problem(admin.patch(path, json={"checklist": {"approval": [
        {"owner_type": "customer", "category": "gps_installation_photo"}]}}), 422, "PRODUCT_INVALID")
    assert_problem(admin.patch(path, json={"checklist": {"someday": []}}), 422)
    assert admin.get(path).json()["checklist"]["approval"][0]["category"] == "id_card_front"  # unchanged


def test_every_stage_waits_for_its_documents_and_passes_once_they_are_on_file(staff, checked_product):
    officer, clerk, checker, collateral = staff["officer"], staff["clerk"], staff["checker"], staff["collateral"]
    customer, car = valued_car(staff)
    application = apply(staff, checked_product, customer, car, amount="120000.00", term=24)
    assert application.status_code == 201, application.text
    application = application.json()
    path = f"/api/v1/loan-applications/{application['id']}"

    checklist = officer.get(f"{path}/checklist").json()
    assert [(s["stage"], s["stage_label"], s["complete"]) for s in checklist["stages"]] == [
        ("approval", "提交审批", False), ("signing", "签约", False)]
    assert sorted((m["owner_type"], m["category"]) for m in checklist["missing"]) == [
        ("customer", "driving_licence"), ("customer", "id_card_back"), ("customer", "id_card_front"),
        ("vehicle", "vehicle_registration_certificate")]

    # 1. To approval: the ID card both sides and the car's registration certificate.
    investigation = {"findings": "家访属实", "recommendation": "approve"}
    refused = assert_problem(staff["reviewer_1"].post(f"{path}/investigation", json=investigation), 409,
                             "DOCUMENTS_MISSING")
    assert missing_of(refused) == sorted([("customer", customer["id"], "id_card_back"),
                                          ("customer", customer["id"], "id_card_front"),
                                          ("vehicle", car["id"], "vehicle_registration_certificate")])
    assert "身份证正面" in refused["detail"] and refused["stage"] == "approval"
    assert officer.get(path).json()["status"] == "submitted"  # nothing changed
    upload(officer, "customer", customer["id"], "id_card_front")
    upload(officer, "customer", customer["id"], "id_card_back")
    refused = assert_problem(staff["reviewer_1"].post(f"{path}/investigation", json=investigation), 409,
                             "DOCUMENTS_MISSING")
    assert missing_of(refused) == [("vehicle", car["id"], "vehicle_registration_certificate")]
    upload(officer, "vehicle", car["id"], "vehicle_registration_certificate", pdf(), "登记证书.pdf")
    assert staff["reviewer_1"].post(f"{path}/investigation", json=investigation).status_code == 200
    assert staff["reviewer_2"].post(f"{path}/decision", json={"approve": True}).status_code == 200

    # 2. Signing: the driving licence.
    refused = assert_problem(officer.post(f"{path}/contract", json={"signed_on": TODAY}), 409, "DOCUMENTS_MISSING")
    assert missing_of(refused) == [("customer", customer["id"], "driving_licence")]
    assert officer.get(path).json()["status"] == "approved"
    upload(officer, "customer", customer["id"], "driving_licence")
    stages = officer.get(f"{path}/checklist").json()
    assert all(stage["complete"] for stage in stages["stages"]) and stages["missing"] == []
    loan = officer.post(f"{path}/contract", json={"signed_on": TODAY})
    assert loan.status_code == 201, loan.text
    loan = loan.json()

    # 3. The disbursement review: the signed contract's scan on the loan (a rejection needs none).
    loan_path = f"/api/v1/loans/{loan['id']}"
    assert clerk.post(f"{loan_path}/disbursement", json={
        "payee_name": customer["name"], "payee_account": "6222020200112233445",
        "amount": loan["net_amount"]}).status_code == 201
    review = {"approve": True, "voucher_no": unique("V"), "disbursed_on": TODAY}
    refused = assert_problem(checker.post(f"{loan_path}/disbursement/review", json=review), 409,
                             "DOCUMENTS_MISSING")
    assert missing_of(refused) == [("loan", loan["id"], "signed_contract")]
    assert officer.get(f"{loan_path}/checklist").json()["stages"][0]["items"][0]["on_file"] is False
    assert officer.get(loan_path).json()["status"] == "signed"
    upload(officer, "loan", loan["id"], "signed_contract", pdf(), "借款合同(签字版).pdf")
    assert officer.get(f"{loan_path}/checklist").json()["stages"][0]["complete"] is True
    paid = checker.post(f"{loan_path}/disbursement/review", json=review)
    assert paid.status_code == 200, paid.text

    # 4. GPS installation and mortgage registration: the installation photo, the certificate.
    [gps] = tasks_of(collateral, "/api/v1/gps-tasks", loan["id"], 1)
    [mortgage] = tasks_of(collateral, "/api/v1/mortgages", loan["id"], 1)
    installed = {"device_imei": new_imei(), "installed_on": TODAY}
    refused = assert_problem(collateral.post(f"/api/v1/gps-tasks/{gps['id']}/complete", json=installed), 409,
                             "DOCUMENTS_MISSING")
    assert missing_of(refused) == [("gps_task", gps["id"], "gps_installation_photo")]
    assert collateral.get(f"/api/v1/gps-tasks/{gps['id']}").json()["status"] == "open"
    upload(collateral, "gps_task", gps["id"], "gps_installation_photo")
    assert collateral.get(f"/api/v1/gps-tasks/{gps['id']}/checklist").json()["missing"] == []
    assert collateral.post(f"/api/v1/gps-tasks/{gps['id']}/complete", json=installed).status_code == 200

    registered = {"certificate_no": "440000123456", "registered_on": TODAY}
    refused = assert_problem(collateral.post(f"/api/v1/mortgages/{mortgage['id']}/register", json=registered), 409,
                             "DOCUMENTS_MISSING")
    assert missing_of(refused) == [("mortgage_task", mortgage["id"], "mortgage_certificate")]
    [stage] = collateral.get(f"/api/v1/mortgages/{mortgage['id']}/checklist").json()["stages"]
    assert (stage["stage"], stage["stage_label"], stage["complete"]) == ("mortgage_registration", "抵押登记", False)
    assert_problem(collateral.get(f"/api/v1/mortgages/{gps['id']}/checklist"), 404)  # a GPS task is not one
    upload(collateral, "mortgage_task", mortgage["id"], "mortgage_certificate", pdf(), "抵押登记证书.pdf")
    assert collateral.post(f"/api/v1/mortgages/{mortgage['id']}/register", json=registered).status_code == 200


def test_a_deleted_document_is_missing_again(staff, checked_product):
    officer = staff["officer"]
    customer, car = valued_car(staff)
    application = apply(staff, checked_product, customer, car, amount="80000.00", term=12).json()
    front = upload(officer, "customer", customer["id"], "id_card_front")
    checklist = officer.get(f"/api/v1/loan-applications/{application['id']}/checklist").json()
    assert ("customer", "id_card_front") not in {(m["owner_type"], m["category"]) for m in checklist["missing"]}
    assert officer.delete(f"/api/v1/documents/{front['id']}").status_code == 200
    checklist = officer.get(f"/api/v1/loan-applications/{application['id']}/checklist").json()
    [item] = [i for i in checklist["stages"][0]["items"] if i["category"] == "id_card_front"]
    assert (item["on_file"], item["category_label"], item["owner_type_label"]) == (False, "身份证正面", "客户")
    assert_problem(staff["reviewer_1"].get("/api/v1/loan-applications/00000000-0000-0000-0000-000000000000/checklist"),
                   404, "APPLICATION_NOT_FOUND")
