"""Hardening of the organisation service through the gateway: who may reset, disable or change whom, forced
password changes, password strength, login throttling by address and username, employee phones at rest."""
import psycopg2
import psycopg2.extras
import pytest
import requests

from tests.e2e.conftest import TRUSTED_PROXY, assert_problem, create_employee, from_address, unique

LOGIN = "/api/v1/auth/login"


def login(platform, username, password, session=None, **headers):
    return (session or requests).post(f"{platform.url}{LOGIN}", json={"username": username, "password": password},
                                      headers=headers, timeout=10)


def org_rows(platform, sql, *params):
    with psycopg2.connect(platform.env["ORG_DATABASE_URL"]) as connection, \
            connection.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def audited(row, username, address):
    """Whether an audit row was written as `username` from the client `address`."""
    return row["actor_username"] == username and row["client_address"] == address


def audit_actions(platform, target_id):
    return [r["action"] for r in org_rows(platform, "SELECT action FROM audit_log WHERE target_id = %s ORDER BY id",
                                          target_id)]


@pytest.fixture(scope="module")
def hr(platform, admin):
    """An employee manager: a custom role with only `org.employees.manage` and view permissions, scope all."""
    role = admin.post("/api/v1/roles", json={
        "code": unique("hr"), "name": "人事专员", "data_scope": "all",
        "permissions": ["org.employees.manage", "org.employees.view", "org.departments.view"]}).json()
    record, username, password = create_employee(admin, [role["code"]])
    client = platform.client(platform.login(username, password))
    client.id, client.role = record["id"], role
    return client


# -- takeover by an employee manager -------------------------------------------------------------------------
def test_an_employee_manager_cannot_reset_disable_or_change_an_administrator_or_a_finance_reviewer(
        platform, admin, hr):
    for role in ("admin", "finance_reviewer"):
        target, username, password = create_employee(admin, [role])
        reset = hr.patch(f"/api/v1/employees/{target['id']}", json={"password": "Taken-0ver-2026"})
        assert_problem(reset, 403, "EMPLOYEE_EXCEEDS_OWN")
        assert_problem(hr.post(f"/api/v1/employees/{target['id']}/disable"), 403, "EMPLOYEE_EXCEEDS_OWN")
        assert_problem(hr.patch(f"/api/v1/employees/{target['id']}", json={"name": "改名"}), 403,
                       "EMPLOYEE_EXCEEDS_OWN")
        assert_problem(hr.patch(f"/api/v1/employees/{target['id']}", json={"roles": []}), 403,
                       "EMPLOYEE_EXCEEDS_OWN")
        # Nothing changed: the attacker's password does not work, the owner's still does, the account is active.
        assert_problem(login(platform, username, "Taken-0ver-2026"), 401, "BAD_CREDENTIALS")
        assert login(platform, username, password).status_code == 200
        shown = admin.get(f"/api/v1/employees/{target['id']}").json()
        assert shown["status"] == "active" and shown["name"] == "测试员工" and shown["roles"] == [role]


def test_a_department_scoped_manager_keeps_to_their_department(platform, admin):
    branch = admin.post("/api/v1/departments", json={"code": unique("SZ"), "name": "深圳分公司"}).json()
    other = admin.post("/api/v1/departments", json={"code": unique("WH"), "name": "武汉分公司"}).json()
    role = admin.post("/api/v1/roles", json={
        "code": unique("hrdept"), "name": "分公司人事", "data_scope": "department",
        "permissions": ["org.employees.manage", "org.employees.view", "org.departments.view"]}).json()
    _, username, password = create_employee(admin, [role["code"]], department_id=branch["id"])
    manager = platform.client(platform.login(username, password))
    viewer_role = admin.post("/api/v1/roles", json={"code": unique("wide"), "name": "全公司查看",
                                                    "data_scope": "all",
                                                    "permissions": ["org.departments.view"]}).json()
    wide, _, _ = create_employee(admin, [viewer_role["code"]], department_id=branch["id"])
    plain, plain_name, _ = create_employee(admin, [], department_id=branch["id"])

    # A wider data scope than the manager's own, though every permission is one the manager holds.
    assert_problem(manager.patch(f"/api/v1/employees/{wide['id']}", json={"password": "Fresh-Start-77"}), 403,
                   "EMPLOYEE_EXCEEDS_OWN")
    # Moving someone out of the manager's department, or creating someone elsewhere.
    assert_problem(manager.patch(f"/api/v1/employees/{plain['id']}", json={"department_id": other["id"]}), 403,
                   "EMPLOYEE_EXCEEDS_OWN")
    assert_problem(manager.post("/api/v1/employees", json={
        "username": unique("out"), "password": "Fresh-Start-77", "name": "外部", "department_id": other["id"]}),
        403, "EMPLOYEE_EXCEEDS_OWN")
    assert admin.get(f"/api/v1/employees/{plain['id']}").json()["department_id"] == branch["id"]
    # Within reach: someone of the department holding nothing the manager lacks.
    assert manager.patch(f"/api/v1/employees/{plain['id']}", json={"name": "王小明"}).status_code == 200
    assert manager.post(f"/api/v1/employees/{plain['id']}/disable").json()["status"] == "disabled"
    assert_problem(login(platform, plain_name, "Passw0rd!x"), 401, "BAD_CREDENTIALS")
    enabled = manager.post(f"/api/v1/employees/{plain['id']}/enable")
    assert enabled.status_code == 200 and enabled.json()["status"] == "active", enabled.text
    assert login(platform, plain_name, "Passw0rd!x").status_code == 200
    assert_problem(manager.post(f"/api/v1/employees/{wide['id']}/disable"), 403, "EMPLOYEE_EXCEEDS_OWN")


def test_a_password_reset_by_someone_else_forces_a_change_at_next_login(platform, admin, hr):
    reader = admin.post("/api/v1/roles", json={"code": unique("reader"), "name": "查看部门", "data_scope": "own",
                                               "permissions": ["org.departments.view"]}).json()
    target, username, password = create_employee(admin, [reader["code"]])
    before = platform.client(platform.login(username, password))
    assert hr.patch(f"/api/v1/employees/{target['id']}", json={"password": "Temp-Reset-2026"}).status_code == 200
    assert_problem(before.get("/api/v1/me"), 401)

    answer = login(platform, username, "Temp-Reset-2026")
    assert answer.status_code == 200 and answer.json()["must_change_password"] is True
    pending = platform.client(answer.json()["access_token"])
    assert pending.get("/api/v1/me").json()["must_change_password"] is True
    assert_problem(pending.get("/api/v1/departments"), 403, "PASSWORD_CHANGE_REQUIRED")

    body = assert_problem(pending.post("/api/v1/auth/password", json={"old_password": "Not-The-0ne",
                                                                       "new_password": "Mine-Only-2026"}), 422,
                          "WRONG_PASSWORD")
    assert "old_password" in body["errors"]
    body = assert_problem(pending.post("/api/v1/auth/password", json={"old_password": "Temp-Reset-2026",
                                                                       "new_password": "password123"}), 422,
                          "PASSWORD_TOO_WEAK")
    assert "new_password" in body["errors"]
    changed = pending.post("/api/v1/auth/password", json={"old_password": "Temp-Reset-2026",
                                                          "new_password": "Mine-Only-2026"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["must_change_password"] is False
    assert_problem(pending.get("/api/v1/me"), 401)  # the older token is revoked
    mine = platform.client(changed.json()["access_token"])
    assert mine.get("/api/v1/departments").status_code == 200
    again = login(platform, username, "Mine-Only-2026")
    assert again.status_code == 200 and again.json()["must_change_password"] is False

    # Audited as a password reset by the manager and a change by the owner, apart from a name change.
    hr.patch(f"/api/v1/employees/{target['id']}", json={"name": "新名字"})
    actions = [a for a in audit_actions(platform, target["id"])
               if a in ("reset_password", "change_password", "update_employee")]
    assert actions == ["reset_password", "change_password", "update_employee"]
    [reset] = org_rows(platform, "SELECT * FROM audit_log WHERE action = 'reset_password' AND target_id = %s",
                       target["id"])
    assert reset["actor_id"] == hr.id


def test_an_employee_changes_their_own_password_only_with_the_old_one(platform, admin, hr):
    target, username, password = create_employee(admin, [hr.role["code"]])
    client = platform.client(platform.login(username, password))
    assert_problem(client.patch(f"/api/v1/employees/{target['id']}", json={"password": "Mine-Only-2026"}), 403,
                   "USE_PASSWORD_CHANGE")
    changed = client.post("/api/v1/auth/password", json={"old_password": password, "new_password": "Mine-Only-2026"})
    assert changed.status_code == 200, changed.text
    assert_problem(client.get("/api/v1/me"), 401)
    assert login(platform, username, "Mine-Only-2026").json()["must_change_password"] is False


# -- password strength ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("password", ["123456", "password", "qwerty123", "admin123", "Password123!",
                                      "abcdefghijkl", "ABCDEF123456", "Short-1a"])
def test_weak_or_common_passwords_are_refused_with_a_field_error(platform, admin, password):
    username = unique("weak")
    body = assert_problem(admin.post("/api/v1/employees", json={"username": username, "password": password,
                                                                 "name": "弱密码"}), 422, "PASSWORD_TOO_WEAK")
    assert list(body["errors"]) == ["password"]
    assert login(platform, username, password).status_code == 401


def test_a_password_containing_the_username_is_refused_on_create_and_on_reset(platform, admin):
    username = unique("zhangwei")
    body = assert_problem(admin.post("/api/v1/employees", json={
        "username": username, "password": f"{username.upper()}-2026!", "name": "张伟"}), 422, "PASSWORD_TOO_WEAK")
    assert "password" in body["errors"]
    target, name, _ = create_employee(admin, [])
    body = assert_problem(admin.patch(f"/api/v1/employees/{target['id']}", json={"password": "Qwerty123!"}), 422,
                          "PASSWORD_TOO_WEAK")
    assert "password" in body["errors"]


# -- login throttling ----------------------------------------------------------------------------------------
def test_spraying_one_password_over_many_usernames_from_one_address_is_throttled(platform, admin):
    sprayer = from_address("127.14.0.2")
    statuses = [login(platform, unique("victim"), "Spring2026!", session=sprayer).status_code for _ in range(30)]
    assert 429 in statuses and statuses.index(429) <= 25, statuses
    assert set(statuses) == {401, 429}
    throttled = login(platform, "admin", platform.admin_password, session=sprayer)
    assert_problem(throttled, 429, "LOGIN_THROTTLED")
    assert int(throttled.headers["Retry-After"]) > 0
    # The address is throttled, not the platform.
    assert login(platform, "admin", platform.admin_password).status_code == 200


def test_the_real_admin_logs_in_from_elsewhere_after_an_attacker_fails_five_times(platform, admin):
    attacker = from_address("127.14.0.3")
    statuses = [login(platform, "admin", "Guess-Pass-1", session=attacker).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    assert_problem(login(platform, "admin", platform.admin_password, session=attacker), 429, "LOGIN_THROTTLED")
    answer = login(platform, "admin", platform.admin_password, session=from_address("127.14.0.4"))
    assert answer.status_code == 200, answer.text

    failures = org_rows(platform, "SELECT * FROM audit_log WHERE action = 'login_failed' ORDER BY id")
    assert any(audited(row, "admin", "127.14.0.3") for row in failures)
    successes = org_rows(platform, "SELECT * FROM audit_log WHERE action = 'login' ORDER BY id")
    assert audited(successes[-1], "admin", "127.14.0.4")


def test_x_forwarded_for_is_honoured_only_from_a_trusted_proxy(platform, admin):
    employee, username, password = create_employee(admin, [])
    proxy = from_address(TRUSTED_PROXY)
    for _ in range(5):
        assert login(platform, username, "Wrong-Pass-11", session=proxy,
                     **{"X-Forwarded-For": "198.51.100.7"}).status_code == 401
    assert_problem(login(platform, username, password, session=proxy, **{"X-Forwarded-For": "198.51.100.7"}),
                   429, "LOGIN_THROTTLED")
    # Another client behind the same proxy is another address.
    answer = login(platform, username, password, session=proxy, **{"X-Forwarded-For": "203.0.113.5, 198.51.100.8"})
    assert answer.status_code == 200, answer.text
    [row] = org_rows(platform, "SELECT * FROM audit_log WHERE action = 'login' AND target_id = %s",
                     employee["id"])
    assert audited(row, username, "198.51.100.8")

    # Not through the proxy: the header is the client's own claim and is ignored.
    other, other_name, other_password = create_employee(admin, [])
    stranger = from_address("127.14.0.6")
    for n in range(5):
        assert login(platform, other_name, "Wrong-Pass-11", session=stranger,
                     **{"X-Forwarded-For": f"198.51.100.{20 + n}"}).status_code == 401
    assert_problem(login(platform, other_name, other_password, session=stranger,
                         **{"X-Forwarded-For": "198.51.100.99"}), 429, "LOGIN_THROTTLED")
    failures = org_rows(platform, "SELECT * FROM audit_log WHERE action = 'login_failed' AND target_id = %s",
                        other["id"])
    assert len(failures) == 5 and all(audited(r, other_name, "127.14.0.6")
                                      for r in failures)


# -- employee phones -----------------------------------------------------------------------------------------
def test_employee_phones_are_encrypted_at_rest_and_masked(platform, admin, hr):
    created = admin.post("/api/v1/employees", json={"username": unique("ph"), "password": "Passw0rd!x",
                                                    "name": "手机", "phone": "13912345678"})
    assert created.status_code == 201, created.text
    employee = created.json()
    assert employee["phone"] == "139****5678"
    assert admin.get(f"/api/v1/employees/{employee['id']}").json()["phone"] == "139****5678"
    listed = admin.get("/api/v1/employees", params={"page_size": 100}).json()["items"]
    assert all(e["phone"] is None or "****" in e["phone"] for e in listed)
    unmasked = admin.get(f"/api/v1/employees/{employee['id']}", params={"unmask": "true"})
    assert unmasked.status_code == 200 and unmasked.json()["phone"] == "13912345678"
    assert_problem(hr.get(f"/api/v1/employees/{employee['id']}", params={"unmask": "true"}), 403,
                   "PERMISSION_DENIED")
    assert "unmask_employee" in audit_actions(platform, employee["id"])

    [row] = org_rows(platform, "SELECT employee::text AS everything FROM employee WHERE id = %s", employee["id"])
    assert "13912345678" not in row["everything"]
    assert "2345678" not in row["everything"]
