"""The platform speaks Simplified Chinese unless a request asks for English (`Accept-Language`): problems (title,
detail, field messages), labels, report columns and the names of built-in roles and permissions."""
import re

import pytest
import requests

from tests.e2e.conftest import assert_problem, create_employee, from_address, unique
from tests.e2e.test_loans import valued_car
from tests.helpers import new_id_number

CJK = re.compile(r"[\u4e00-\u9fff]")
EN = {"Accept-Language": "en-US,en;q=0.9"}


@pytest.fixture(scope="module")
def people(platform, admin):
    """An officer and two appraisers of one branch: enough for an application with a reviewed valuation."""
    department = admin.post("/api/v1/departments", json={"code": unique("LANG"), "name": "语言测试部"}).json()
    people = {}
    for name, role in (("officer", "loan_officer"), ("appraiser_a", "appraiser"), ("appraiser_b", "appraiser")):
        _, username, password = create_employee(admin, [role], department_id=department["id"])
        people[name] = platform.client(platform.login(username, password))
    return people


def _bad_id_number():
    good = new_id_number()
    return good[:17] + ("0" if good[17] != "0" else "1")


@pytest.fixture(scope="module")
def failing(platform, admin, people, product):
    """Real refusals through the gateway, each a function of the request's headers: (name, call, status, code)."""
    url, taken = platform.url, unique("TAKEN")
    assert admin.post("/api/v1/departments", json={"code": taken, "name": "已有部门"}).status_code == 201
    customer, car = valued_car(people, "200000.00")
    officer = people["officer"]
    stranger = from_address("127.14.0.12")
    return [
        # from an address of its own: failed logins count against the address, shared by the other e2e tests
        ("bad login", lambda h: stranger.post(f"{url}/api/v1/auth/login", json={
            "username": unique("nobody"), "password": "wrong"}, headers=h, timeout=10), 401, "BAD_CREDENTIALS"),
        ("no token", lambda h: requests.get(f"{url}/api/v1/departments", headers=h, timeout=10), 401,
         "TOKEN_MISSING"),
        ("no such route", lambda h: admin.get("/api/v1/nowhere", headers=h), 404, "NOT_FOUND"),
        ("unknown field", lambda h: admin.post("/api/v1/departments", json={
            "code": unique("D"), "name": "x", "is_admin": True}, headers=h), 422, "VALIDATION_FAILED"),
        ("missing fields", lambda h: admin.post("/api/v1/employees", json={"username": "ab"}, headers=h), 422,
         "VALIDATION_FAILED"),
        ("bad date", lambda h: admin.get("/api/v1/finance/trial-balance", params={"as_of": "2026-13-01"},
                                         headers=h), 422, "VALIDATION_FAILED"),
        ("code taken", lambda h: admin.post("/api/v1/departments", json={"code": taken, "name": "y"}, headers=h),
         409, "DEPARTMENT_CODE_TAKEN"),
        ("bad ID number", lambda h: officer.post("/api/v1/customers/persons", json={
            "name": "张三", "id_number": _bad_id_number(), "phone": "13912345678"}, headers=h), 422,
         "ID_NUMBER_INVALID"),
        ("no permission", lambda h: officer.get("/api/v1/audit-log", headers=h), 403, "PERMISSION_DENIED"),
        ("below the product's range", lambda h: officer.post("/api/v1/loan-applications", json={
            "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"],
            "amount": "5000.00", "term_months": 24}, headers=h), 422, "AMOUNT_OUT_OF_RANGE"),
        ("above the LTV", lambda h: officer.post("/api/v1/loan-applications", json={
            "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"],
            "amount": "180000.00", "term_months": 24}, headers=h), 422, "LTV_EXCEEDED"),
    ]


def _messages(body):
    return [message for messages in body.get("errors", {}).values() for message in messages]


def test_every_refusal_reads_in_chinese_by_default_and_in_english_on_request(failing):
    for name, call, status, code in failing:
        zh = call({})
        body = assert_problem(zh, status, code)
        assert zh.headers["Content-Language"] == "zh-CN" and "Accept-Language" in zh.headers["Vary"], name
        assert CJK.search(body["title"]) and CJK.search(body["detail"]), (name, body)
        assert all(CJK.search(message) for message in _messages(body)), (name, body)

        en = call(EN)
        english = assert_problem(en, status, code)
        assert en.headers["Content-Language"] == "en" and "Accept-Language" in en.headers["Vary"], name
        assert not CJK.search(english["title"]) and not CJK.search(english["detail"]), (name, english)
        assert not any(CJK.search(message) for message in _messages(english)), (name, english)
        assert set(english.get("errors", {})) == set(body.get("errors", {})), name


def test_a_refusal_shows_the_values_it_is_about_in_both_languages(failing):
    calls = {name: call for name, call, _, _ in failing}
    zh, en = calls["below the product's range"]({}).json(), calls["below the product's range"](EN).json()
    assert zh["detail"] == "该产品的贷款金额为 10000.00 至 500000.00 元"
    assert en["detail"] == "the product lends 10000.00 to 500000.00"
    assert (zh["min_amount"], zh["max_amount"]) == ("10000.00", "500000.00")
    zh, en = calls["above the LTV"]({}).json(), calls["above the LTV"](EN).json()
    assert zh["detail"] == "评估价 200000.00 元的车辆最多可贷 160000.00 元（最高抵押率 0.800000）"
    assert en["detail"] == "at most 160000.00 can be lent on a car valued 200000.00 (max LTV 0.800000)"
    zh, en = calls["bad ID number"]({}).json(), calls["bad ID number"](EN).json()
    assert zh["errors"] == {"id_number": ["身份证号校验位错误"]} and en["errors"] == {
        "id_number": ["the check digit is wrong"]}
    zh, en = calls["missing fields"]({}).json(), calls["missing fields"](EN).json()
    assert zh["errors"]["password"] == ["必填字段"] and en["errors"]["password"] == ["Missing data for required field."]
    assert calls["bad date"]({}).json()["errors"] == {"as_of": ["不是有效的日期（YYYY-MM-DD）"]}
    assert calls["no permission"]({}).json()["detail"] == "此操作需要权限：查看审计记录"


def test_labels_and_built_in_names_follow_the_language_and_a_given_name_stays(admin, product):
    assert product["repayment_method_label"] == "等额本息"
    shown = admin.get(f"/api/v1/products/{product['id']}", headers=EN)
    assert shown.status_code == 200 and shown.json()["repayment_method_label"] == "Equal instalments"

    custom = admin.post("/api/v1/roles", json={"code": unique("night"), "name": "夜班催收",
                                               "permissions": ["collection.view"], "data_scope": "own"}).json()

    def roles(headers):
        answer = admin.get("/api/v1/roles", params={"page_size": 100}, headers=headers)
        assert answer.status_code == 200, answer.text
        return {role["code"]: role["name"] for role in answer.json()["items"]}
    assert roles({})["loan_officer"] == "客户经理" and roles(EN)["loan_officer"] == "Loan officer"
    assert roles({})[custom["code"]] == roles(EN)[custom["code"]] == "夜班催收"

    permissions = {p["code"]: p["name"] for p in admin.get("/api/v1/permissions", headers=EN).json()}
    assert permissions["loan.view"] == "View loans" and not any(CJK.search(name) for name in permissions.values())
    assert {p["code"]: p["name"] for p in admin.get("/api/v1/permissions").json()}["loan.view"] == "查看贷款"

    ledger = admin.get("/api/v1/finance/ledgers/repayments", headers=EN)
    assert ledger.status_code == 200 and ledger.headers["Content-Language"] == "en"
    assert ["amount", "Amount received"] in ledger.json()["columns"]
    assert ["amount", "实收金额"] in admin.get("/api/v1/finance/ledgers/repayments").json()["columns"]
    accounts = admin.get("/api/v1/finance/trial-balance", headers=EN).json()["accounts"]
    assert {a["account"]: a["name"] for a in accounts}["1002"] == "Cash at bank"
