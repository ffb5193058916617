"""Customers through the gateway: registration with checks, masking, scope, blacklist (issue 3)."""
from pathlib import Path

import psycopg2
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from tests.e2e.conftest import assert_problem, create_employee, unique
from tests.helpers import as_service, new_id_number, new_phone


@pytest.fixture(scope="module")
def officer(platform, admin):
    department = admin.post("/api/v1/departments", json={"code": unique("SALES"), "name": "销售一部"}).json()
    _, username, password = create_employee(admin, ["loan_officer"], department_id=department["id"])
    return platform.client(platform.login(username, password))


def register(client, **overrides):
    body = {"name": "张三", "id_number": new_id_number(), "phone": new_phone(), "monthly_income": "12000.50"}
    body.update(overrides)
    return client.post("/api/v1/customers/persons", json=body), body


def customer_rows(platform, sql, *args):
    with psycopg2.connect(platform.env["CUSTOMER_DATABASE_URL"]) as connection, connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def test_an_officer_registers_a_person_and_sees_masked_data(platform, officer):
    response, body = register(officer)
    assert response.status_code == 201, response.text
    person = response.json()
    assert person["id_number"] == body["id_number"][:3] + "*" * 11 + body["id_number"][-4:]
    assert person["phone"] == body["phone"][:3] + "****" + body["phone"][-4:]
    assert person["monthly_income"] == "12000.50" and person["type"] == "person"

    duplicate, _ = register(officer, id_number=body["id_number"].lower())
    problem = assert_problem(duplicate, 409, "CUSTOMER_DUPLICATE")
    assert problem["existing_id"] == person["id"]


@pytest.mark.parametrize("field, value, code", [
    ("id_number", "110101199003077271", "ID_NUMBER_INVALID"),  # wrong check digit
    ("id_number", "110101199002307278", "ID_NUMBER_INVALID"),  # 30 February
    ("phone", "1234567", "PHONE_INVALID"),
])
def test_bad_identity_data_is_refused_field_by_field(officer, field, value, code):
    response, _ = register(officer, **{field: value})
    body = assert_problem(response, 422, code)
    assert field in body["errors"]


def test_enterprises_and_their_credit_codes(officer):
    base = {"name": "成都某某汽车贸易有限公司", "legal_representative": "王五",
            "legal_representative_id_number": new_id_number(), "phone": new_phone()}
    valid = officer.post("/api/v1/customers/enterprises", json={**base, "uscc": "91350100M000100Y43"})
    assert valid.status_code == 201, valid.text
    assert valid.json()["uscc_warning"] is None
    assert valid.json()["legal_representative_id_number"].endswith(base["legal_representative_id_number"][-4:])
    assert_problem(officer.post("/api/v1/customers/enterprises", json={**base, "uscc": "91350100M000100Y43"}),
                   409, "CUSTOMER_DUPLICATE")

    # A code whose check character fails (as some early codes do) needs an explicit confirmation.
    assert_problem(officer.post("/api/v1/customers/enterprises", json={**base, "uscc": "91350100M000100Y44"}),
                   422, "USCC_CHECK_FAILED")
    accepted = officer.post("/api/v1/customers/enterprises",
                            json={**base, "uscc": "91350100M000100Y44", "accept_uscc_warning": True})
    assert accepted.status_code == 201 and accepted.json()["uscc_warning"]
    assert_problem(officer.post("/api/v1/customers/enterprises", json={**base, "uscc": "91350100M00010"}), 422,
                   "USCC_INVALID")


def test_search_by_name_exact_id_number_and_phone(officer):
    name = unique("李")
    response, body = register(officer, name=name)
    customer_id = response.json()["id"]
    for q in (name, body["id_number"], body["phone"]):
        found = officer.get("/api/v1/customers", params={"q": q}).json()
        assert [c["id"] for c in found["items"]] == [customer_id], q
    other = officer.get("/api/v1/customers", params={"q": new_id_number(birth="19850101")}).json()
    assert customer_id not in [c["id"] for c in other["items"]]


def test_unmasking_needs_the_permission_and_is_audited(platform, admin, officer):
    response, body = register(officer)
    customer_id = response.json()["id"]
    assert_problem(officer.get(f"/api/v1/customers/{customer_id}", params={"unmask": "true"}), 403)
    correlation_id = "unmask-check-" + customer_id[:8]
    full = admin.get(f"/api/v1/customers/{customer_id}", params={"unmask": "true"},
                     headers={"X-Correlation-ID": correlation_id})
    assert full.status_code == 200
    assert full.json()["id_number"] == body["id_number"] and full.json()["phone"] == body["phone"]
    audited = customer_rows(platform, "SELECT actor_username, target_id FROM audit_log "
                                      "WHERE action = 'unmask_customer' AND correlation_id = %s", correlation_id)
    assert audited == [("admin", customer_id)]


def test_the_database_holds_no_plaintext_id_number_or_phone(platform, officer):
    _, body = register(officer)
    dump = str(customer_rows(platform, "SELECT row_to_json(c)::text FROM customer c"))
    assert body["id_number"] not in dump and body["phone"] not in dump


def test_another_officers_customer_is_not_found(platform, admin, officer):
    customer_id = register(officer)[0].json()["id"]
    _, username, password = create_employee(admin, ["loan_officer"])
    stranger = platform.client(platform.login(username, password))
    assert_problem(stranger.get(f"/api/v1/customers/{customer_id}"), 404, "CUSTOMER_NOT_FOUND")
    assert customer_id not in [c["id"] for c in stranger.get("/api/v1/customers").json()["items"]]


def test_a_blacklisted_id_number_stays_blacklisted_when_the_person_registers(platform, admin, officer):
    id_number = new_id_number()
    entry = admin.post("/api/v1/blacklist", json={"id_number": id_number, "reason": "骗贷团伙成员"})
    assert entry.status_code == 201 and entry.json()["id_number"].startswith(id_number[:3] + "***")
    customer_id = register(officer, id_number=id_number)[0].json()["id"]
    assert officer.get(f"/api/v1/customers/{customer_id}").json()["blacklisted"] is True

    with ClusterRpcProxy({"AMQP_URI": platform.env["CARLOAN_AMQP_URI"]}, context_data=as_service(
            "loan", platform.env["CARLOAN_ACTOR_KEYS"])) as cluster:
        verdict = cluster.customer.may_borrow(customer_id=customer_id)
        assert verdict == {"may_borrow": False, "reasons": ["id_number: 骗贷团伙成员"]}
        removed = admin.delete(f"/api/v1/blacklist/{entry.json()['id']}")
        assert removed.status_code == 200 and removed.json()["removed_at"]
        assert cluster.customer.may_borrow(customer_id=customer_id) == {"may_borrow": True, "reasons": []}
    history = admin.get("/api/v1/blacklist", params={"active": "false", "page_size": 100}).json()["items"]
    assert entry.json()["id"] in [e["id"] for e in history]
    assert_problem(officer.post("/api/v1/blacklist", json={"id_number": id_number, "reason": "x"}), 403)


def test_department_scope_shows_the_own_department_and_hides_others(platform, admin):
    branch, other = (admin.post("/api/v1/departments", json={"code": unique(c), "name": n}).json()
                     for c, n in (("CD", "成都分公司"), ("BJ", "北京分公司")))
    team = admin.post("/api/v1/departments", json={"code": unique("CD1"), "name": "成都一部",
                                                   "parent_id": branch["id"]}).json()
    _, officer_name, password = create_employee(admin, ["loan_officer"], department_id=team["id"])
    customer_id = register(platform.client(platform.login(officer_name, password)))[0].json()["id"]

    _, near_name, near_password = create_employee(admin, ["risk_reviewer"], department_id=branch["id"])
    _, far_name, far_password = create_employee(admin, ["risk_reviewer"], department_id=other["id"])
    near = platform.client(platform.login(near_name, near_password))  # department_tree over 成都
    far = platform.client(platform.login(far_name, far_password))
    assert near.get(f"/api/v1/customers/{customer_id}").status_code == 200
    assert_problem(far.get(f"/api/v1/customers/{customer_id}"), 404, "CUSTOMER_NOT_FOUND")


def test_a_risk_reviewer_blacklists_a_customer_and_the_enterprise_check_sees_its_representative(
        platform, admin, officer):
    _, reviewer_name, reviewer_password = create_employee(admin, ["risk_reviewer"])
    reviewer = platform.client(platform.login(reviewer_name, reviewer_password))
    representative_id = new_id_number()
    enterprise = officer.post("/api/v1/customers/enterprises", json={
        "name": "某某物流有限公司", "uscc": "91110000600037341L", "legal_representative": "孙八",
        "legal_representative_id_number": representative_id, "phone": new_phone()})
    assert enterprise.status_code == 201, enterprise.text
    entry = reviewer.post("/api/v1/blacklist", json={"id_number": representative_id, "reason": "法人涉诉"})
    assert entry.status_code == 201
    with ClusterRpcProxy({"AMQP_URI": platform.env["CARLOAN_AMQP_URI"]}, context_data=as_service(
            "loan", platform.env["CARLOAN_ACTOR_KEYS"])) as cluster:
        verdict = cluster.customer.may_borrow(customer_id=enterprise.json()["id"])
    assert verdict == {"may_borrow": False, "reasons": ["id_number: 法人涉诉"]}


def test_logs_never_carry_an_id_number_or_phone_in_clear(platform, admin, officer):
    response, body = register(officer)
    admin.get(f"/api/v1/customers/{response.json()['id']}", params={"unmask": "true"})
    register(officer, id_number=body["id_number"])  # a 409 path too
    logs = "".join(p.read_text(errors="replace") for p in Path(platform.env["CARLOAN_DATA_DIR"]).glob("*.log"))
    assert logs, "no logs were read"
    assert body["id_number"] not in logs and body["phone"] not in logs
