"""Correcting records through the gateway: departments (renamed, recoded, moved, never into a cycle), positions,
customers (contact data; the identity number only with its own permission), vehicles (the VIN and owner only
while nothing depends on the car) and products (a change of their pricing terms is their next version: applications
made before, and their loans, keep theirs); each change audited with what it was before."""
import json
from decimal import Decimal

import pytest

from services.common import clock
from tests.e2e.conftest import assert_problem, create_employee, unique
from tests.e2e.test_customers import register
from tests.e2e.test_loans import apply, valued_car
from tests.helpers import new_id_number, new_phone, new_vin, wait_until

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def new_uscc():
    import uuid
    body = "9135010" + "".join(USCC_ALPHABET[b % 31] for b in uuid.uuid4().bytes[:10])
    check = (31 - sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body)) % 31) % 31
    return body + USCC_ALPHABET[check]


def audit_of(admin, entity_id, action):
    response = admin.get("/api/v1/audit-log", params={"entity_id": entity_id, "action": action})
    assert response.status_code == 200, response.text
    return response.json()["items"]


# -- departments and positions ---------------------------------------------------------------------------------
def test_a_department_is_renamed_recoded_and_moved_but_never_under_itself(admin):
    def department(name, parent=None):
        response = admin.post("/api/v1/departments", json={"code": unique("D"), "name": name, "parent_id": parent})
        assert response.status_code == 201, response.text
        return response.json()

    region = department("华南大区")
    branch = department("深圳分公司", region["id"])
    desk = department("福田营业部", branch["id"])
    elsewhere = department("华北大区")

    assert admin.get(f"/api/v1/departments/{desk['id']}").json()["name"] == "福田营业部"
    renamed = admin.patch(f"/api/v1/departments/{desk['id']}", json={"name": "福田一部", "code": unique("FT")})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "福田一部" and renamed.json()["parent_id"] == branch["id"]
    [record] = audit_of(admin, desk["id"], "update_department")
    assert record["changes"]["name"] == {"from": "福田营业部", "to": "福田一部"}

    body = assert_problem(admin.patch(f"/api/v1/departments/{region['id']}", json={"parent_id": desk["id"]}), 422,
                          "DEPARTMENT_CYCLE")
    assert list(body["errors"]) == ["parent_id"]
    assert_problem(admin.patch(f"/api/v1/departments/{region['id']}", json={"parent_id": region["id"]}), 422,
                   "DEPARTMENT_CYCLE")
    assert_problem(admin.patch(f"/api/v1/departments/{region['id']}", json={"parent_id": "no-such-department"}),
                   422, "DEPARTMENT_NOT_FOUND")
    assert_problem(admin.patch(f"/api/v1/departments/{branch['id']}", json={"code": elsewhere["code"]}), 409,
                   "DEPARTMENT_CODE_TAKEN")
    assert_problem(admin.patch(f"/api/v1/departments/{branch['id']}", json={"manager": "x"}), 422)
    assert admin.get(f"/api/v1/departments/{region['id']}").json()["parent_id"] is None  # nothing changed
    assert admin.get(f"/api/v1/departments/{branch['id']}").json()["code"] == branch["code"]

    moved = admin.patch(f"/api/v1/departments/{branch['id']}", json={"parent_id": elsewhere["id"]})
    assert moved.status_code == 200 and moved.json()["parent_id"] == elsewhere["id"]
    rooted = admin.patch(f"/api/v1/departments/{branch['id']}", json={"parent_id": None})
    assert rooted.status_code == 200 and rooted.json()["parent_id"] is None
    assert_problem(admin.get("/api/v1/departments/no-such-department"), 404, "DEPARTMENT_NOT_FOUND")


def test_moving_a_department_changes_what_a_department_tree_scope_sees_at_once(platform, admin):
    region = admin.post("/api/v1/departments", json={"code": unique("R"), "name": "华东大区"}).json()
    branch = admin.post("/api/v1/departments", json={"code": unique("B"), "name": "宁波分公司"}).json()
    _, username, password = create_employee(admin, ["loan_officer"], department_id=branch["id"])
    officer = platform.client(platform.login(username, password))
    _, username, password = create_employee(admin, ["risk_reviewer"], department_id=region["id"])
    reviewer = platform.client(platform.login(username, password))
    customer = register(officer)[0].json()
    assert_problem(reviewer.get(f"/api/v1/customers/{customer['id']}"), 404)

    assert admin.patch(f"/api/v1/departments/{branch['id']}", json={"parent_id": region["id"]}).status_code == 200
    # every gateway worker drops its cached principals on the move (before their 5 s lifetime ends)
    wait_until(lambda: all(reviewer.get(f"/api/v1/customers/{customer['id']}").status_code == 200
                           for _ in range(8)), timeout=3, message="the moved branch's customer to be in scope")
    assert_problem(officer.patch(f"/api/v1/departments/{branch['id']}", json={"name": "x"}), 403,
                   "PERMISSION_DENIED")


def test_a_position_is_renamed(admin):
    position = admin.post("/api/v1/positions", json={"code": unique("P"), "name": "客户经理"}).json()
    renamed = admin.patch(f"/api/v1/positions/{position['id']}", json={"name": "高级客户经理"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "高级客户经理"
    assert renamed.json()["code"] == position["code"]
    assert_problem(admin.patch(f"/api/v1/positions/{position['id']}", json={"code": "X"}), 422)
    assert_problem(admin.patch("/api/v1/positions/no-such-position", json={"name": "x"}), 404, "POSITION_NOT_FOUND")
    [record] = audit_of(admin, position["id"], "update_position")
    assert record["changes"] == {"name": {"from": "客户经理", "to": "高级客户经理"}}


# -- customers --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def identity_clerk(platform, admin):
    """Someone who may correct identity numbers and nothing else about customers."""
    role = admin.post("/api/v1/roles", json={"code": unique("idfix"), "name": "证件更正", "data_scope": "all",
                                             "permissions": ["customer.view", "customer.identity.correct"]}).json()
    _, username, password = create_employee(admin, [role["code"]])
    return platform.client(platform.login(username, password))


def test_an_officer_corrects_a_persons_contact_data_checked_as_at_registration(admin, staff):
    officer = staff["officer"]
    person = register(officer)[0].json()
    phone = new_phone()
    corrected = officer.patch(f"/api/v1/customers/{person['id']}", json={
        "phone": phone, "address": "深圳市福田区深南大道1号", "employer": "深圳某科技有限公司", "monthly_income": "18000.00"})
    assert corrected.status_code == 200, corrected.text
    body = corrected.json()
    assert body["phone"] == phone[:3] + "****" + phone[-4:] and body["monthly_income"] == "18000.00"
    assert body["address"] == "深圳市福田区深南大道1号" and body["employer"] == "深圳某科技有限公司"
    assert admin.get(f"/api/v1/customers/{person['id']}", params={"unmask": "true"}).json()["phone"] == phone

    assert_problem(officer.patch(f"/api/v1/customers/{person['id']}", json={"phone": "12345"}), 422, "PHONE_INVALID")
    assert_problem(officer.patch(f"/api/v1/customers/{person['id']}", json={"monthly_income": "1.234"}), 422)
    body = assert_problem(officer.patch(f"/api/v1/customers/{person['id']}", json={"uscc": new_uscc()}), 422,
                          "FIELD_NOT_APPLICABLE")
    assert list(body["errors"]) == ["uscc"]
    assert officer.get(f"/api/v1/customers/{person['id']}").json()["phone"] == body_phone(phone)  # unchanged

    [record] = audit_of(admin, person["id"], "update_customer")
    assert record["changes"]["phone"]["to"] == body_phone(phone)
    assert record["changes"]["monthly_income"] == {"from": "12000.50", "to": "18000.00"}
    assert phone not in json.dumps(record, ensure_ascii=False)


def body_phone(phone):
    return phone[:3] + "****" + phone[-4:]


def test_only_the_identity_permission_corrects_an_id_number_rechecked_and_audited_masked(
        admin, staff, identity_clerk):
    officer = staff["officer"]
    person, registered = register(officer)
    person = person.json()
    other = register(officer)[1]
    right = new_id_number()

    assert_problem(officer.patch(f"/api/v1/customers/{person['id']}", json={"id_number": right}), 403,
                   "PERMISSION_DENIED")
    assert_problem(identity_clerk.patch(f"/api/v1/customers/{person['id']}", json={"phone": new_phone()}), 403,
                   "PERMISSION_DENIED")
    wrong_check = right[:17] + ("0" if right[17] != "0" else "1")
    assert_problem(identity_clerk.patch(f"/api/v1/customers/{person['id']}", json={"id_number": wrong_check}), 422,
                   "ID_NUMBER_INVALID")
    duplicate = assert_problem(identity_clerk.patch(f"/api/v1/customers/{person['id']}",
                                                    json={"id_number": other["id_number"]}), 409,
                               "CUSTOMER_DUPLICATE")
    assert duplicate["existing_id"] != person["id"]
    # the ID number given as it is changes nothing, and needs no permission
    same = officer.patch(f"/api/v1/customers/{person['id']}", json={"id_number": registered["id_number"]})
    assert same.status_code == 200, same.text

    corrected = identity_clerk.patch(f"/api/v1/customers/{person['id']}", json={"id_number": right.lower()})
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["id_number"] == right[:3] + "*" * 11 + right[-4:]
    found = admin.get("/api/v1/customers", params={"q": right}).json()["items"]
    assert [c["id"] for c in found] == [person["id"]]
    assert admin.get("/api/v1/customers", params={"q": registered["id_number"]}).json()["items"] == []

    [record] = audit_of(admin, person["id"], "correct_customer_identity")
    masked = registered["id_number"]
    assert record["changes"]["id_number"] == {"from": masked[:3] + "*" * 11 + masked[-4:],
                                              "to": right[:3] + "*" * 11 + right[-4:]}
    assert right not in json.dumps(record) and registered["id_number"] not in json.dumps(record)


def test_an_enterprise_is_corrected_and_its_credit_code_needs_the_identity_permission(admin, staff, identity_clerk):
    officer = staff["officer"]
    created = officer.post("/api/v1/customers/enterprises", json={
        "name": "某某汽车租赁有限公司", "uscc": new_uscc(), "legal_representative": "钱七",
        "legal_representative_id_number": new_id_number(), "phone": new_phone()})
    assert created.status_code == 201, created.text
    enterprise = created.json()
    representative = officer.patch(f"/api/v1/customers/{enterprise['id']}", json={
        "legal_representative": "孙八", "legal_representative_id_number": new_id_number(), "address": "广州市天河区"})
    assert representative.status_code == 200, representative.text
    assert representative.json()["legal_representative"] == "孙八"
    assert_problem(officer.patch(f"/api/v1/customers/{enterprise['id']}", json={"employer": "x"}), 422,
                   "FIELD_NOT_APPLICABLE")

    code = new_uscc()
    assert_problem(officer.patch(f"/api/v1/customers/{enterprise['id']}", json={"uscc": code}), 403,
                   "PERMISSION_DENIED")
    assert_problem(identity_clerk.patch(f"/api/v1/customers/{enterprise['id']}", json={"uscc": code[:10]}), 422,
                   "USCC_INVALID")
    corrected = identity_clerk.patch(f"/api/v1/customers/{enterprise['id']}", json={"uscc": code})
    assert corrected.status_code == 200 and corrected.json()["uscc"] == code
    again = officer.post("/api/v1/customers/enterprises", json={
        "name": "另一家公司", "uscc": new_uscc(), "legal_representative": "周九",
        "legal_representative_id_number": new_id_number(), "phone": new_phone()}).json()
    assert assert_problem(identity_clerk.patch(f"/api/v1/customers/{again['id']}", json={"uscc": code}), 409,
                          "CUSTOMER_DUPLICATE")["existing_id"] == enterprise["id"]


def test_a_customer_outside_the_data_scope_cannot_be_corrected(platform, admin, staff):
    person = register(staff["officer"])[0].json()
    _, username, password = create_employee(admin, ["loan_officer"], department_id=staff["department_id"])
    colleague = platform.client(platform.login(username, password))  # scope `own`: not their customer
    assert_problem(colleague.patch(f"/api/v1/customers/{person['id']}", json={"address": "x"}), 404,
                   "CUSTOMER_NOT_FOUND")
    assert_problem(staff["collateral"].patch(f"/api/v1/customers/{person['id']}", json={"address": "x"}), 403)


# -- vehicles ---------------------------------------------------------------------------------------------------
def test_a_vehicles_description_is_corrected_and_its_vin_and_owner_while_nothing_depends_on_it(admin, staff):
    officer = staff["officer"]
    owner = register(officer)[0].json()
    car = officer.post("/api/v1/vehicles", json={"vin": new_vin(), "brand": "大众", "model": "帕萨特", "year": 2022,
                                                 "colour": "黑色", "owner_customer_id": owner["id"]}).json()
    assert car["colour"] == "黑色"
    described = officer.patch(f"/api/v1/vehicles/{car['id']}", json={
        "plate_number": "粤B·12345", "mileage_km": 32000, "colour": "白色", "model": "帕萨特 330TSI"})
    assert described.status_code == 200, described.text
    assert described.json()["plate_number"] == "粤B12345" and described.json()["colour"] == "白色"
    assert_problem(officer.patch(f"/api/v1/vehicles/{car['id']}", json={"plate_number": "B12345"}), 422,
                   "PLATE_INVALID")
    assert_problem(officer.patch(f"/api/v1/vehicles/{car['id']}", json={"year": "2022"}), 422)

    vin = new_vin()
    assert_problem(officer.patch(f"/api/v1/vehicles/{car['id']}", json={"vin": vin[:16]}), 422, "VIN_INVALID")
    other = officer.post("/api/v1/vehicles", json={"vin": new_vin(), "brand": "本田", "model": "雅阁", "year": 2021,
                                                   "owner_customer_id": owner["id"]}).json()
    assert assert_problem(officer.patch(f"/api/v1/vehicles/{car['id']}", json={"vin": other["vin"]}), 409,
                          "VEHICLE_DUPLICATE")["existing_id"] == other["id"]
    new_owner = register(officer)[0].json()
    corrected = officer.patch(f"/api/v1/vehicles/{car['id']}", json={"vin": vin, "owner_customer_id": new_owner["id"]})
    assert corrected.status_code == 200, corrected.text
    detail = officer.get(f"/api/v1/vehicles/{car['id']}").json()
    assert detail["vin"] == vin and detail["owner_customer_id"] == new_owner["id"]
    assert [(c["from_customer_id"], c["to_customer_id"]) for c in detail["owner_history"]] == [
        (owner["id"], new_owner["id"])]
    assert_problem(officer.patch(f"/api/v1/vehicles/{car['id']}", json={"owner_customer_id": "nobody"}), 422,
                   "CUSTOMER_NOT_FOUND")
    record = audit_of(admin, car["id"], "update_vehicle")[0]  # newest first
    assert record["changes"]["vin"] == {"from": car["vin"], "to": vin}


def test_a_vehicle_an_application_depends_on_keeps_its_vin_and_owner(staff, product):
    customer, car = valued_car(staff)
    application = apply(staff, product, customer, car)
    assert application.status_code == 201, application.text
    officer = staff["officer"]
    body = assert_problem(officer.patch(f"/api/v1/vehicles/{car['id']}", json={"vin": new_vin()}), 409,
                          "VEHICLE_IN_USE")
    assert body["dependents"]["applications"] == 1
    other = register(officer)[0].json()
    assert_problem(officer.patch(f"/api/v1/vehicles/{car['id']}", json={"owner_customer_id": other["id"]}), 409,
                   "VEHICLE_IN_USE")
    assert officer.get(f"/api/v1/vehicles/{car['id']}").json()["vin"] == car["vin"]
    # its description stays correctable, and giving the VIN as it is changes nothing
    plate = officer.patch(f"/api/v1/vehicles/{car['id']}", json={"plate_number": "粤B54321", "vin": car["vin"]})
    assert plate.status_code == 200 and plate.json()["plate_number"] == "粤B54321"
    assert_problem(staff["collector"].patch(f"/api/v1/vehicles/{car['id']}", json={"colour": "红色"}), 403)


# -- products ---------------------------------------------------------------------------------------------------
def signed(staff, application):
    path = f"/api/v1/loan-applications/{application['id']}"
    assert staff["reviewer_1"].post(f"{path}/investigation", json={"findings": "ok", "recommendation": "approve"}) \
        .status_code == 200
    assert staff["reviewer_2"].post(f"{path}/decision", json={"approve": True}).status_code == 200
    loan = staff["officer"].post(f"{path}/contract", json={"signed_on": clock.today().isoformat()})
    assert loan.status_code == 201, loan.text
    return loan.json()


def test_a_repriced_product_prices_new_applications_and_those_made_before_keep_their_version(admin, staff):
    created = admin.post("/api/v1/products", json={
        "code": unique("FIX-"), "name": "新车按揭 24期", "repayment_method": "equal_installment",
        "annual_rate": "0.096000", "min_term_months": 12, "max_term_months": 24, "min_amount": "20000.00",
        "max_amount": "300000.00", "max_ltv": "0.80", "upfront_fees": [{"name": "GPS费", "amount": "1200.00"}]})
    assert created.status_code == 201, created.text
    product = created.json()
    path = f"/api/v1/products/{product['id']}"
    assert product["version"] == 1

    repriced = admin.patch(path, json={"annual_rate": "0.0888", "name": "新车按揭 24期(优惠)", "max_amount": "400000.00"})
    assert repriced.status_code == 200, repriced.text
    assert repriced.json()["annual_rate"] == "0.088800" and repriced.json()["apr"] != product["apr"]
    assert repriced.json()["version"] == 2
    body = assert_problem(admin.patch(path, json={"min_amount": "500000.00"}), 422, "PRODUCT_INVALID")
    assert "min_amount" in body["errors"]
    assert_problem(admin.patch(path, json={"code": "X"}), 422)
    assert_problem(staff["officer"].patch(path, json={"name": "x"}), 403, "PERMISSION_DENIED")

    # An application made on version 2, then the product repriced while it waits: the product's next version.
    customer, car = valued_car(staff)
    earlier = apply(staff, product, customer, car, amount="100000.00", term=24)
    assert earlier.status_code == 201, earlier.text
    earlier = earlier.json()
    assert (earlier["product_version"], earlier["annual_rate"]) == (2, "0.088800")
    cheaper = admin.patch(path, json={"annual_rate": "0.070000", "grace_days": 5})
    assert cheaper.status_code == 200, cheaper.text
    assert (cheaper.json()["version"], cheaper.json()["annual_rate"], cheaper.json()["grace_days"]) == (
        3, "0.070000", 5)
    assert admin.patch(path, json={"annual_rate": "0.070000"}).json()["version"] == 3  # as it is: no change
    versions = staff["officer"].get(f"{path}/versions")
    assert versions.status_code == 200, versions.text
    assert [(v["version"], v["annual_rate"], v["grace_days"], v["current"], v["applications"])
            for v in versions.json()] == [(1, "0.096000", 0, False, 0), (2, "0.088800", 0, False, 1),
                                          (3, "0.070000", 5, True, 0)]
    assert_problem(staff["officer"].get("/api/v1/products/00000000-0000-0000-0000-000000000000/versions"), 404,
                   "PRODUCT_NOT_FOUND")

    # The earlier application keeps the old rate, a new one gets the new, and each loan signs on its own.
    customer, car = valued_car(staff)
    later = apply(staff, product, customer, car, amount="100000.00", term=24).json()
    assert (later["product_version"], later["annual_rate"]) == (3, "0.070000")
    shown = staff["officer"].get(f"/api/v1/loan-applications/{earlier['id']}").json()
    assert (shown["product_version"], shown["annual_rate"]) == (2, "0.088800")
    old_loan, new_loan = signed(staff, earlier), signed(staff, later)
    assert (old_loan["annual_rate"], old_loan["grace_days"], old_loan["product_version"]) == ("0.088800", 0, 2)
    assert (new_loan["annual_rate"], new_loan["grace_days"], new_loan["product_version"]) == ("0.070000", 5, 3)
    assert Decimal(new_loan["apr"]) < Decimal(old_loan["apr"])

    limits = admin.patch(path, json={"max_ltv": "0.70", "max_term_months": 36})
    assert limits.status_code == 200 and limits.json()["max_ltv"] == "0.700000"
    assert limits.json()["version"] == 3  # the lending limits change in place

    withdrawn = admin.patch(path, json={"active": False})
    assert withdrawn.status_code == 200 and withdrawn.json()["active"] is False
    customer, car = valued_car(staff)
    assert_problem(apply(staff, product, customer, car, amount="100000.00", term=24), 422, "PRODUCT_INACTIVE")
    records = audit_of(admin, product["id"], "update_product")  # newest first
    assert records[0]["changes"] == {"active": {"from": True, "to": False}}
    assert records[-1]["changes"]["annual_rate"] == {"from": "0.096000", "to": "0.088800"}
    assert records[-1]["changes"]["version"] == {"from": 1, "to": 2}
    assert len(records) == 4  # the unchanged rate was no change
