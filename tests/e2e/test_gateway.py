"""Through the gateway, as staff and clients use it."""
import base64
import json
import time

import jwt
import requests

from tests.e2e.conftest import PROBLEM, SERVICES, assert_problem, create_employee, unique
from tests.helpers import wait_until

def test_admin_builds_the_organisation_and_a_new_employee_logs_in(platform, admin):
    me = admin.get("/api/v1/me").json()
    assert me["username"] == "admin" and "admin" in me["roles"] and me["data_scope"] == "all"

    branch = admin.post("/api/v1/departments", json={"code": unique("CD"), "name": "成都分公司"})
    assert branch.status_code == 201, branch.text
    team = admin.post("/api/v1/departments", json={"code": unique("CD1"), "name": "成都一部",
                                                   "parent_id": branch.json()["id"]})
    assert team.status_code == 201 and team.json()["parent_id"] == branch.json()["id"]
    position = admin.post("/api/v1/positions", json={"code": unique("P"), "name": "客户经理"})
    assert position.status_code == 201
    role = admin.post("/api/v1/roles", json={"code": unique("r"), "name": "只看部门",
                                             "permissions": ["org.departments.view", "org.employees.view"],
                                             "data_scope": "department"})
    assert role.status_code == 201 and role.json()["permissions"] == ["org.departments.view",
                                                                      "org.employees.view"]
    username = unique("li")
    employee = admin.post("/api/v1/employees", json={
        "username": username, "password": "Li-secret-1", "name": "李四", "phone": "13912345678",
        "department_id": team.json()["id"], "position_id": position.json()["id"],
        "roles": [role.json()["code"]]})
    assert employee.status_code == 201, employee.text
    assert "password" not in employee.json()

    li = platform.client(platform.login(username, "Li-secret-1"))
    me = li.get("/api/v1/me").json()
    assert me["roles"] == [role.json()["code"]] and me["department_id"] == team.json()["id"]
    listed = li.get("/api/v1/departments", params={"page_size": 100}).json()
    assert branch.json()["id"] in {d["id"] for d in listed["items"]}
    assert li.post("/api/v1/departments", json={"code": unique("X"), "name": "x"}).status_code == 403

    departments = admin.get("/api/v1/departments", params={"page": 1, "page_size": 2}).json()
    assert set(departments) == {"items", "total", "page", "page_size"}
    assert departments["page_size"] == 2 and len(departments["items"]) <= 2 and departments["total"] >= 3


def test_a_loan_officer_may_not_create_employees(platform, admin):
    _, username, password = create_employee(admin, ["loan_officer"])
    officer = platform.client(platform.login(username, password))
    response = officer.post("/api/v1/employees", json={"username": unique("x"), "password": "whatever12",
                                                       "name": "x"})
    assert_problem(response, 403, "PERMISSION_DENIED")


def test_an_officer_sees_only_their_own_employee_record(platform, admin):
    other, _, _ = create_employee(admin, ["collector"])
    manager_role = admin.post("/api/v1/roles", json={
        "code": unique("viewer"), "name": "本人员工查看", "permissions": ["org.employees.view"],
        "data_scope": "own"}).json()
    viewer_record, viewer_name, viewer_password = create_employee(admin, [manager_role["code"]])
    viewer = platform.client(platform.login(viewer_name, viewer_password))
    assert viewer.get(f"/api/v1/employees/{viewer_record['id']}").status_code == 200
    assert_problem(viewer.get(f"/api/v1/employees/{other['id']}"), 404)
    assert [e["id"] for e in viewer.get("/api/v1/employees").json()["items"]] == [viewer_record["id"]]


def test_requests_without_a_valid_token_are_401(platform, admin):
    assert_problem(requests.get(f"{platform.url}/api/v1/me", timeout=5), 401, "TOKEN_MISSING")
    token = platform.login("admin", platform.admin_password)
    header, payload, signature = token.split(".")
    none_header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=")
    now = int(time.time())
    claims = jwt.decode(token, options={"verify_signature": False})
    bad_tokens = {
        "alg=none": f"{none_header.decode()}.{payload}.",
        "broken signature": f"{header}.{payload}.{signature[:-4]}AAAA",
        "expired": jwt.encode({**claims, "iat": now - 120, "exp": now - 60}, platform.jwt_secret, "HS256"),
        "wrong audience": jwt.encode({**claims, "aud": "somebody-else"}, platform.jwt_secret, "HS256"),
        "garbage": "not-a-token",
    }
    for name, bad in bad_tokens.items():
        response = requests.get(f"{platform.url}/api/v1/me", headers={"Authorization": f"Bearer {bad}"},
                                timeout=5)
        assert response.status_code == 401, name
        assert response.headers["Content-Type"].startswith(PROBLEM), name


def test_a_disabled_employee_is_locked_out_at_once(platform, admin):
    employee, username, password = create_employee(admin, ["loan_officer"])
    token = platform.login(username, password)
    officer = platform.client(token)
    assert officer.get("/api/v1/me").status_code == 200
    disabled = admin.post(f"/api/v1/employees/{employee['id']}/disable")
    assert disabled.status_code == 200 and disabled.json()["status"] == "disabled"

    # Every gateway worker must refuse the old token within moments (event-driven invalidation).
    wait_until(lambda: all(officer.get("/api/v1/me").status_code == 401 for _ in range(8)), timeout=3,
               message="the disabled employee's token to stop working")
    assert_problem(officer.get("/api/v1/departments"), 401)
    login = requests.post(f"{platform.url}/api/v1/auth/login",
                          json={"username": username, "password": password}, timeout=10)
    assert_problem(login, 401, "BAD_CREDENTIALS")


def test_an_unknown_body_field_is_refused_with_field_errors(platform, admin):
    body = assert_problem(admin.post("/api/v1/departments", json={"code": unique("D"), "name": "x",
                                                                  "is_admin": True}), 422)
    assert body["errors"] == {"is_admin": ["不接受此字段"]}
    body = assert_problem(admin.post("/api/v1/employees", json={"username": "ab"}), 422)
    assert {"username", "password", "name"} <= set(body["errors"])
    body = assert_problem(admin.post("/api/v1/departments", json={"code": unique("N"), "name": "a\x00b"}), 422)
    assert body["errors"] == {"name": ["不能包含 NUL 字符"]}
    assert_problem(requests.post(f"{platform.url}/api/v1/auth/login",
                                 json={"username": "ad\x00min", "password": "x"}, timeout=10), 422)


def test_service_rules_come_back_as_field_errors_and_conflicts(platform, admin):
    body = assert_problem(admin.post("/api/v1/employees", json={
        "username": unique("ph"), "password": "Passw0rd!x", "name": "x", "phone": "12345"}), 422)
    assert "phone" in body["errors"]
    code = unique("DUP")
    assert admin.post("/api/v1/departments", json={"code": code, "name": "x"}).status_code == 201
    assert_problem(admin.post("/api/v1/departments", json={"code": code, "name": "y"}), 409,
                   "DEPARTMENT_CODE_TAKEN")
    body = assert_problem(admin.post("/api/v1/roles", json={"code": unique("r"), "name": "x",
                                                            "permissions": ["no.such.permission"],
                                                            "data_scope": "all"}), 422,
                          "PERMISSION_UNKNOWN")
    assert "permissions" in body["errors"]


def test_repeated_failed_logins_are_rate_limited(platform, admin):
    _, username, password = create_employee(admin, ["collector"])
    statuses = [requests.post(f"{platform.url}/api/v1/auth/login",
                              json={"username": username, "password": "wrong-password"}, timeout=10).status_code
                for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    locked = requests.post(f"{platform.url}/api/v1/auth/login",
                           json={"username": username, "password": password}, timeout=10)
    body = assert_problem(locked, 429, "LOGIN_THROTTLED")
    assert int(locked.headers["Retry-After"]) > 0 and "errors" not in body


def test_page_size_above_100_is_refused(platform, admin):
    assert_problem(admin.get("/api/v1/employees", params={"page_size": 101}), 422)


def test_operations_endpoints(platform, admin):
    ready = requests.get(f"{platform.url}/readyz", timeout=5)
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"broker": "ok", **{service: "ok" for service in SERVICES}}
    assert requests.get(f"{platform.url}/healthz", timeout=5).json() == {"status": "ok"}
    metrics = requests.get(f"{platform.url}/metrics", timeout=5).text
    assert 'carloan_gateway_requests_total{method="GET",route="/api/v1/me"' in metrics
    service_metrics = requests.get(platform.org_metrics_url, timeout=5).text
    assert 'carloan_entrypoint_calls_total{entrypoint="authenticate",service="org"}' in service_metrics
    assert "carloan_outbox_backlog" in service_metrics
    docs = requests.get(f"{platform.url}/api/docs", timeout=5)
    assert docs.status_code == 200 and "/api/docs/static/swagger-ui-bundle.js" in docs.text
    assert requests.get(f"{platform.url}/api/docs/static/swagger-ui-bundle.js", timeout=5).status_code == 200
    spec = requests.get(f"{platform.url}/api/openapi.json", timeout=5).json()
    assert spec["openapi"].startswith("3.") and "/api/v1/employees/{employee_id}/disable" in spec["paths"]


def test_every_api_route_declares_its_permission(platform):
    from gateway.app import _UNDECLARED, _required_permission, create_app
    from gateway.settings import Settings
    app = create_app(Settings.from_env(jwt_secret="x" * 48), start_listener=False)
    undeclared = []
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if _required_permission(app.view_functions[rule.endpoint], method) is _UNDECLARED:
                undeclared.append(f"{method} {rule.rule}")
    assert undeclared == []


def test_the_correlation_id_and_actor_reach_the_audit_record_and_the_event(platform, admin):
    import psycopg2
    employee, _, _ = create_employee(admin, ["collector"])
    correlation_id = unique("corr-")
    response = admin.post(f"/api/v1/employees/{employee['id']}/disable",
                          headers={"X-Correlation-ID": correlation_id})
    assert response.status_code == 200 and response.headers["X-Correlation-ID"] == correlation_id
    with psycopg2.connect(platform.env["ORG_DATABASE_URL"]) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT actor_username, action, target_id FROM audit_log WHERE correlation_id = %s",
                       (correlation_id,))
        assert cursor.fetchall() == [("admin", "disable_employee", employee["id"])]
        cursor.execute("SELECT envelope FROM outbox WHERE envelope LIKE %s", (f"%{correlation_id}%",))
        [(raw,)] = cursor.fetchall()
    event = json.loads(raw)
    assert event["type"] == "org.employee_disabled" and event["correlation_id"] == correlation_id
    assert event["actor"]["username"] == "admin" and event["payload"]["employee_id"] == employee["id"]


def test_a_keep_alive_connection_left_idle_for_a_few_seconds_still_answers(platform):
    """A client that pauses between requests sends the next one on the connection it kept; the gateway must not
    have closed it in the meantime (gunicorn's 2 s default reset it under the client's feet)."""
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(platform.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("GET", "/healthz")
        first = connection.getresponse()
        first.read()
        assert first.status == 200 and first.getheader("Connection", "").lower() != "close"
        time.sleep(3)
        connection.request("GET", "/healthz")  # same socket: http.client reconnects only if told it closed
        assert connection.getresponse().status == 200
    finally:
        connection.close()
