"""Issue 14 through the gateway: bad input is a 4xx that stores nothing (never a 500), API answers are neither
sniffed nor cached, finance reads keep to the data scope, and a collector reads the loan and customer of the
task given to them (and nothing else)."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from services.common import clock
from tests.e2e.conftest import assert_problem, create_employee, unique
from tests.e2e.test_customers import register
from tests.e2e.test_finance import disbursed, posted  # noqa: F401 (the module's loan, posted to the books)
from tests.e2e.test_servicing import disbursed_loan
from tests.helpers import new_id_number, new_phone, publish_event, wait_until

TODAY = clock.today().isoformat()


# -- bad input -------------------------------------------------------------------------------------
def test_a_lone_surrogate_anywhere_is_a_field_error_and_nothing_is_stored(admin, staff):
    code = unique("SUR")
    refused = admin.post("/api/v1/departments", json={"code": code, "name": "分公司\ud800"})
    assert assert_problem(refused, 422, "VALIDATION_FAILED")["errors"] == {
        "name": ["不能包含未配对的代理字符（\\ud800-\\udfff）"]}
    assert admin.post("/api/v1/departments", json={"code": code, "name": "分公司"}).status_code == 201  # code free

    officer = staff["officer"]
    response, body = register(officer, name="张\udc00三")
    assert "name" in assert_problem(response, 422)["errors"]
    assert officer.get("/api/v1/customers", params={"q": body["phone"]}).json()["total"] == 0
    # in a key too, and on a public route (before any password is hashed)
    assert_problem(admin.post("/api/v1/auth/login", json={"username": "admin", "password": "x\ud800"}), 422)
    assert_problem(admin.post("/api/v1/departments", json={"code": unique("SUR"), "name": "x", "\udfff": 1}), 422)


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_json_is_a_400(admin, depth):
    body = '{"code": "X1", "name": ' + "[" * depth + "]" * depth + "}"
    refused = admin.post("/api/v1/departments", data=body, headers={"Content-Type": "application/json"})
    assert_problem(refused, 400, "JSON_TOO_DEEP")


def test_a_number_python_cannot_hold_is_a_400(admin):
    body = '{"code": "X1", "name": "x", "parent_id": ' + "9" * 5000 + "}"
    refused = admin.post("/api/v1/departments", data=body, headers={"Content-Type": "application/json"})
    assert_problem(refused, 400, "INVALID_JSON")


def test_a_product_fee_with_neither_amount_nor_rate_is_a_field_error(admin):
    code = unique("FEE-")
    refused = admin.post("/api/v1/products", json={
        "code": code, "name": "无费率产品", "repayment_method": "equal_installment", "annual_rate": "0.088800",
        "min_term_months": 12, "max_term_months": 36, "min_amount": "10000.00", "max_amount": "500000.00",
        "upfront_fees": [{"name": "GPS费"}]})
    assert assert_problem(refused, 422)["errors"] == {
        "upfront_fees.0.amount": ["金额（amount）与费率（rate）须且只能填写一个"]}
    assert code not in {p["code"] for p in admin.get("/api/v1/products", params={"page_size": 100}).json()["items"]}


@pytest.mark.parametrize("field, value", [("limit", "１０００００.00"), ("limit", "١٠٠٠٠٠.00"),
                                          ("limit", "100000.00\n"), ("expires_on", "20270108"),
                                          ("expires_on", "２０２７-01-08")])
def test_money_takes_ascii_digits_and_dates_yyyy_mm_dd_only(staff, field, value):
    officer = staff["officer"]
    customer = register(officer)[0].json()
    expires_on = (clock.today() + dt.timedelta(days=365)).isoformat()
    body = {"customer_id": customer["id"], "limit": "100000.00", "expires_on": expires_on, field: value}
    assert field in assert_problem(officer.post("/api/v1/credit-lines", json=body), 422)["errors"]
    assert officer.get("/api/v1/credit-lines", params={"customer_id": customer["id"]}).json()["total"] == 0


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("field, code", [("phone", "PHONE_INVALID"), ("id_number", "ID_NUMBER_INVALID")])
@pytest.mark.parametrize("digits", [FULL_WIDTH, ARABIC_INDIC], ids=["full-width", "arabic-indic"])
def test_a_phone_or_id_number_in_other_digits_is_refused_and_not_stored(staff, field, code, digits):
    officer = staff["officer"]
    name = unique("张三")
    body = {"name": name, "id_number": new_id_number(), "phone": new_phone()}
    # Python would read these as the same digits (and compute the same ID check): only the middle is foreign.
    spelled = body[field][:2] + body[field][2:-1].translate(digits) + body[field][-1]
    refused, _ = register(officer, **{**body, field: spelled})
    assert field in assert_problem(refused, 422, code)["errors"]
    assert officer.get("/api/v1/customers", params={"q": name}).json()["total"] == 0
    assert register(officer, **body)[0].status_code == 201  # the same customer in ASCII digits is welcome


def test_terms_and_pages_are_integers_in_ascii_digits(staff):
    officer = staff["officer"]
    schedule = {"amount": "100000.00", "annual_rate": "0.12", "repayment_method": "equal_installment",
                "start_date": "2026-01-31"}
    assert officer.post("/api/v1/calculator/schedule", json={**schedule, "term_months": 12}).status_code == 200
    for term in ("１２", "12", 12.5):
        refused = officer.post("/api/v1/calculator/schedule", json={**schedule, "term_months": term})
        assert list(assert_problem(refused, 422)["errors"]) == ["term_months"]
    assert "page" in assert_problem(officer.get("/api/v1/customers", params={"page": "２"}), 422)["errors"]


# -- answers ---------------------------------------------------------------------------------------
def test_api_answers_are_not_sniffed_nor_cached(platform, admin):
    for response in (admin.get("/api/v1/departments"), admin.get("/api/v1/employees/nobody"),
                     admin.post("/api/v1/auth/login", json={})):
        assert response.headers["X-Content-Type-Options"] == "nosniff", response.url
        assert response.headers["Cache-Control"] == "no-store", response.url


# -- finance reads keep to the data scope -------------------------------------------------------------
@pytest.fixture(scope="module")
def finance_viewers(platform, admin, staff):
    """A department-scoped finance viewer in the loan's department, and one in another department."""
    role = admin.post("/api/v1/roles", json={"code": unique("fin_dept_"), "name": "分公司财务",
                                             "permissions": ["finance.view", "finance.export"],
                                             "data_scope": "department"})
    assert role.status_code == 201, role.text
    other = admin.post("/api/v1/departments", json={"code": unique("SZ"), "name": "深圳分公司"}).json()
    viewers = {}
    for name, department_id in (("same", staff["department_id"]), ("other", other["id"])):
        _, username, password = create_employee(admin, [role.json()["code"]], department_id=department_id)
        viewers[name] = platform.client(platform.login(username, password))
    return viewers


def test_a_department_scoped_finance_viewer_sees_only_their_departments_books(admin, staff, disbursed,  # noqa: F811
                                                                               finance_viewers):
    [entry] = posted(admin, disbursed["id"])
    same, other = finance_viewers["same"], finance_viewers["other"]

    # the loan's department sees its entry, its ledgers and its cash; nothing of another department's loans
    assert [e["id"] for e in same.get("/api/v1/finance/journal-entries",
                                      params={"loan_id": disbursed["id"]}).json()["items"]] == [entry["id"]]
    assert same.get(f"/api/v1/finance/journal-entries/{entry['id']}").status_code == 200
    for item in same.get("/api/v1/finance/journal-entries", params={"page_size": 100}).json()["items"]:
        assert item["loan_id"] and admin.get(f"/api/v1/loans/{item['loan_id']}").json()[
            "department_id"] == staff["department_id"]
    ledger = same.get("/api/v1/finance/ledgers/disbursements", params={"page_size": 100}).json()
    assert disbursed["contract_no"] in {row["contract_no"] for row in ledger["items"]}

    # another department's viewer: none of it, and 404 on the entry itself (and on reversing it)
    assert other.get("/api/v1/finance/journal-entries", params={"loan_id": disbursed["id"]}).json()["total"] == 0
    assert_problem(other.get(f"/api/v1/finance/journal-entries/{entry['id']}"), 404, "ENTRY_NOT_FOUND")
    for kind in ("disbursements", "balances", "repayments", "overdue"):
        rows = other.get(f"/api/v1/finance/ledgers/{kind}", params={"page_size": 100}).json()["items"]
        assert disbursed["contract_no"] not in {row["contract_no"] for row in rows}, kind
    journal = other.get("/api/v1/finance/cash-journal", params={"page_size": 100}).json()
    assert disbursed["voucher_no"] not in {row["voucher_no"] for row in journal["items"]}
    assert journal["opening_balance"] == "0.00"  # the bank account's own balance is the company's
    trial = other.get("/api/v1/finance/trial-balance").json()
    assert trial["balanced"] and trial["total_debit"] == "0.00"
    assert other.get("/api/v1/finance/reports/portfolio").json()["outstanding_principal"] == "0.00"
    assert other.get("/api/v1/finance/reports/monthly-income").json()["items"] == []
    export = other.get("/api/v1/finance/ledgers/disbursements", params={"format": "xlsx"})
    assert export.status_code == 200, export.text
    cells = {cell.value for row in load_workbook(io.BytesIO(export.content)).active.iter_rows() for cell in row}
    assert disbursed["contract_no"] not in cells

    # the company (scope all) still sees every figure
    assert admin.get(f"/api/v1/finance/journal-entries/{entry['id']}").status_code == 200
    assert admin.get("/api/v1/finance/trial-balance").json()["total_debit"] != "0.00"


# -- a collector reads what their task is about ----------------------------------------------------
def test_a_collector_reads_the_loan_and_customer_of_their_task_and_nothing_else(platform, staff, product):
    collector, officer = staff["collector"], staff["officer"]
    loan, _, customer = disbursed_loan(staff, product, "120000.00", 24, days_ago=0)
    assert_problem(collector.get(f"/api/v1/loans/{loan['id']}"), 404)  # no task yet: scope `own` hides it

    # the loan is 10 days late (as close of business would publish it): a task opens for the branch's collector
    publish_event(platform.env["CARLOAN_AMQP_URI"], "loan", "dpd_changed", {
        "loan_id": loan["id"], "dpd": 10, "previous_dpd": 9, "grace_days": 3,
        "oldest_unpaid_due_date": (clock.today() - dt.timedelta(days=10)).isoformat()}, times=1)
    wait_until(lambda: collector.get("/api/v1/collection/tasks", params={"loan_id": loan["id"]}).json()["items"],
               timeout=30, message="the collection task in the collector's inbox")

    shown = collector.get(f"/api/v1/loans/{loan['id']}")
    assert shown.status_code == 200 and shown.json()["contract_no"] == loan["contract_no"], shown.text
    assert collector.get(f"/api/v1/loans/{loan['id']}/schedule").status_code == 200
    assert collector.get(f"/api/v1/loans/{loan['id']}/repayments").status_code == 200
    person = collector.get(f"/api/v1/customers/{customer['id']}")
    assert person.status_code == 200 and "*" in person.json()["id_number"], person.text  # masked

    # read only: the task gives no right to act; and another loan, or its customer, stays hidden
    assert_problem(collector.post(f"/api/v1/loans/{loan['id']}/repayments", json={
        "amount": "100.00", "paid_on": TODAY, "channel": "bank_transfer"}), 403)
    other, _, other_customer = disbursed_loan(staff, product, "100000.00", 24, days_ago=0)
    assert_problem(collector.get(f"/api/v1/loans/{other['id']}"), 404, "LOAN_NOT_FOUND")
    assert_problem(collector.get(f"/api/v1/loans/{other['id']}/schedule"), 404)
    assert_problem(collector.get(f"/api/v1/customers/{other_customer['id']}"), 404, "CUSTOMER_NOT_FOUND")
    assert officer.get(f"/api/v1/loans/{other['id']}").status_code == 200
