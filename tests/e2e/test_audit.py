"""The audit log through the gateway: commands, logins with their address, refusals and exports of every
service in one list, filtered and paginated, readable only with `audit.view`, and sealed into the chain."""
import datetime as dt

from tests.e2e.conftest import assert_problem, create_employee, unique
from tests.helpers import wait_until


def audit_log(client, **params):
    response = client.get("/api/v1/audit-log", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_command_a_login_and_a_refusal_are_in_the_audit_log(platform, admin):
    department = admin.post("/api/v1/departments", json={"code": unique("AU"), "name": "审计测试部"}).json()
    employee, username, password = create_employee(admin, ["loan_officer"], department_id=department["id"])
    officer = platform.client(platform.login(username, password))

    # An officer holds no audit.view: refused, and the refusal is itself recorded.
    assert_problem(officer.get("/api/v1/audit-log", params={"action": "login"}), 403)

    created = audit_log(admin, action="create_department", entity_type="department", entity_id=department["id"])
    assert created["total"] == 1
    record = created["items"][0]
    assert record["service"] == "org" and record["actor_username"] == "admin"
    assert record["changes"]["name"] == "审计测试部"

    login = audit_log(admin, action="login", actor=username)
    assert login["total"] == 1
    assert login["items"][0]["actor_id"] == employee["id"] and login["items"][0]["client_address"] == "127.0.0.1"

    refused = wait_until(lambda: audit_log(admin, action="refused", actor=employee["id"])["items"],
                         timeout=10, message="the refusal recorded")
    assert refused[0]["entity_id"] == "/api/v1/audit-log" and refused[0]["client_address"] == "127.0.0.1"
    assert refused[0]["changes"]["method"] == "GET" and refused[0]["changes"]["path"] == "/api/v1/audit-log"

    # Within a second of the commit every record has its place in the chain.
    wait_until(lambda: all(item["sealed"] for item in audit_log(admin, actor=username)["items"]), timeout=10,
               message="the officer's records sealed")


def test_a_password_reset_is_told_apart_from_a_name_change(platform, admin):
    employee, username, password = create_employee(admin, ["collector"])
    assert admin.patch(f"/api/v1/employees/{employee['id']}", json={"name": "新名字"}).status_code == 200
    assert admin.patch(f"/api/v1/employees/{employee['id']}", json={"password": "An0ther-Secret!"}).status_code == 200
    records = audit_log(admin, entity_type="employee", entity_id=employee["id"], page_size=100)["items"]
    actions = [r["action"] for r in records]
    assert "reset_password" in actions and "update_employee" in actions
    renamed = next(r for r in records if r["action"] == "update_employee")
    assert "password" not in renamed["changes"] and "新名字" in str(renamed["changes"])
    assert all("An0ther-Secret!" not in str(r["changes"]) and password not in str(r["changes"]) for r in records)


def test_filters_by_time_and_pages_through_the_merged_log(platform, admin):
    started = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    codes = [unique("AP") for _ in range(3)]
    for code in codes:
        assert admin.post("/api/v1/positions", json={"code": code, "name": "审计职务"}).status_code == 201
    since = {"action": "create_position", "from": started.isoformat(), "page_size": 2}
    first, second = audit_log(admin, **since, page=1), audit_log(admin, **since, page=2)
    assert first["total"] == second["total"] == 3 and first["page_size"] == 2
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    seen = [r["changes"]["code"] for r in first["items"] + second["items"]]
    assert seen == list(reversed(codes))  # newest first, no record twice
    before = audit_log(admin, action="create_position", to=started.isoformat(),
                       entity_id=first["items"][0]["entity_id"])
    assert before["total"] == 0
    assert_problem(admin.get("/api/v1/audit-log", params={"page": 200, "page_size": 100}), 422, "PAGE_TOO_DEEP")


def test_an_export_is_recorded_by_finance(platform, admin):
    response = admin.get("/api/v1/finance/ledgers/disbursements", params={"format": "xlsx"})
    assert response.status_code == 200, response.text
    exports = audit_log(admin, action="export", service="finance", actor="admin")
    assert exports["total"] >= 1
    record = exports["items"][0]
    assert record["entity_type"] == "report" and record["entity_id"] == "ledgers/disbursements"
    assert record["changes"]["format"] == "xlsx" and record["changes"]["rows"] >= 0
