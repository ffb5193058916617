"""The platform's proof of life: one car loan's whole life through the gateway, every service running.

organisation → customer → vehicle valued → application approved → contract → disbursement reviewed → GPS task
and balanced posting → a repayment → close of business past a due date → overdue with penalty → collection task
and 關注 → close of business past 90 days → 次級 and its provision in the portfolio → arrears paid → task
closed → early repayment in full → settled → release task.

It moves the business date about four months ahead, so it runs after every other module (pytest takes the
files in order of name)."""
import datetime as dt
from decimal import Decimal

from services.common import clock
from tests.e2e.conftest import unique
from tests.e2e.test_collateral import new_vin
from tests.e2e.test_customers import register
from tests.helpers import wait_until

FEN = Decimal("0.01")


def daily_penalty(principal, rate="0.0888", markup="0.50"):
    """One day's penalty, computed here independently: principal × rate × (1 + markup) / 360, to 4 decimals."""
    return (Decimal(principal) * Decimal(rate) * (1 + Decimal(markup)) / 360).quantize(Decimal("0.0001"),
                                                                                      "ROUND_HALF_UP")


def due_now(schedule, day):
    """What the installments due by `day` still owe (penalty to the fen), from the schedule as shown."""
    owed = Decimal(0)
    for line in schedule:
        if dt.date.fromisoformat(line["due_date"]) <= day:
            for part in ("principal", "interest", "penalty", "fees"):
                owed += Decimal(line[part]) - Decimal(line[f"paid_{part}"])
    return owed


def test_a_car_loan_from_application_to_release(platform, admin, staff, product):
    officer, clerk, checker = staff["officer"], staff["clerk"], staff["checker"]
    post_loan, collector = staff["post_loan"], staff["collector"]

    # -- the organisation (the staff fixture built a branch with one employee per role) and a customer ------
    branches = admin.get("/api/v1/departments", params={"page_size": 100}).json()
    assert staff["department_id"] in {d["id"] for d in branches["items"]}
    customer = register(officer, name="孫八")[0].json()

    # -- the car, valued by one appraiser and approved by another ----------------------------------------
    car = officer.post("/api/v1/vehicles", json={"vin": new_vin(), "brand": "比亞迪", "model": "漢", "year": 2024,
                                                 "owner_customer_id": customer["id"]}).json()
    valuation = staff["appraiser_a"].post(f"/api/v1/vehicles/{car['id']}/valuations",
                                          json={"appraised_value": "250000.00", "method": "market"}).json()
    assert staff["appraiser_b"].post(f"/api/v1/valuations/{valuation['id']}/review",
                                     json={"approve": True}).status_code == 200

    # -- application, investigation, approval, contract, disbursement reviewed ----------------------------
    application = officer.post("/api/v1/loan-applications", json={
        "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"],
        "amount": "150000.00", "term_months": 24})
    assert application.status_code == 201, application.text
    path = f"/api/v1/loan-applications/{application.json()['id']}"
    assert staff["reviewer_1"].post(f"{path}/investigation", json={"findings": "收入穩定", "recommendation":
                                                                  "approve"}).status_code == 200
    assert staff["reviewer_2"].post(f"{path}/decision", json={"approve": True}).status_code == 200
    signed_on = clock.today() - dt.timedelta(days=20)
    loan = officer.post(f"{path}/contract", json={"signed_on": signed_on.isoformat()})
    assert loan.status_code == 201, loan.text
    loan = loan.json()
    loan_path = f"/api/v1/loans/{loan['id']}"
    assert clerk.post(f"{loan_path}/disbursement", json={
        "payee_name": customer["name"], "payee_account": "6222020200112233445",
        "amount": loan["net_amount"]}).status_code == 201
    review = checker.post(f"{loan_path}/disbursement/review", json={
        "approve": True, "voucher_no": unique("V"), "disbursed_on": signed_on.isoformat()})
    assert review.status_code == 200, review.text

    # -- the GPS installation task, and the disbursement posted balanced ----------------------------------
    gps = wait_until(lambda: staff["collateral"].get("/api/v1/gps-tasks", params={"loan_id": loan["id"]})
                     .json()["items"], message="the GPS task")
    assert gps[0]["vin"] == car["vin"]
    entry = wait_until(lambda: [e for e in clerk.get("/api/v1/finance/journal-entries", params={
        "loan_id": loan["id"]}).json()["items"] if e["source_type"] == "loan.disbursed"], message="the posting")[0]
    assert sum(Decimal(l["debit"]) for l in entry["lines"]) == sum(Decimal(l["credit"]) for l in entry["lines"]) \
        == Decimal("150000.00")

    # -- a repayment before anything is due: held as an advance --------------------------------------------
    today = clock.today()
    paid = clerk.post(f"{loan_path}/repayments", json={"amount": "100.00", "paid_on": today.isoformat(),
                                                       "channel": "wechat"})
    assert paid.status_code == 200 and paid.json()["allocation"]["advance"] == "100.00", paid.text

    # -- close of business past the first due date: overdue, with penalty to the fen -----------------------
    first = clerk.get(f"{loan_path}/schedule").json()["installments"][0]
    due = dt.date.fromisoformat(first["due_date"])
    closed = admin.get("/api/v1/cob").json().get("business_date")
    day_1 = max(due + dt.timedelta(days=5), dt.date.fromisoformat(closed) + dt.timedelta(days=1) if closed else due)
    run = admin.post("/api/v1/cob", json={"business_date": day_1.isoformat()})
    assert run.status_code == 200 and run.json()["status"] == "done", run.text
    detail = clerk.get(loan_path).json()
    assert detail["dpd"] == (day_1 - due).days
    # the advance paid part of the interest at the due date; the principal is all unpaid, penalised since then
    line = clerk.get(f"{loan_path}/schedule").json()["installments"][0]
    assert line["paid_interest"] == "100.00" and line["status"] == "overdue"
    expected = (daily_penalty(first["principal"]) * (day_1 - due).days).quantize(FEN, "ROUND_HALF_UP")
    assert line["penalty"] == str(expected) and detail["accrued_penalty"] == str(expected)

    # -- a collection task for the branch's collector, and 關注 ----------------------------------------------
    task = wait_until(lambda: post_loan.get("/api/v1/collection/tasks", params={
        "loan_id": loan["id"], "status": "open"}).json()["items"], message="the collection task")[0]
    assert task["assignee_id"] == collector.id and task["stage"] == "call_sms"
    inbox = collector.get("/api/v1/collection/tasks", params={"status": "open"}).json()["items"]
    assert loan["id"] in {t["loan_id"] for t in inbox}
    record = collector.post(f"/api/v1/collection/tasks/{task['id']}/records", json={
        "channel": "call", "result": "客戶稱資金周轉困難"})
    assert record.status_code == 201, record.text
    wait_until(lambda: clerk.get(loan_path).json()["classification"] == "special_mention", message="關注")
    grade = post_loan.get("/api/v1/classifications", params={"loan_id": loan["id"]}).json()["items"][0]
    assert grade["grade"] == "special_mention" and grade["grade_label"] == "關注"

    # -- close of business past 90 days: 次級, and its provision in the portfolio ---------------------------
    day_2 = due + dt.timedelta(days=95)
    run = admin.post("/api/v1/cob", json={"business_date": day_2.isoformat()})
    assert run.status_code in (200, 202), run.text  # ninety dates: the replicas may go on after the answer
    wait_until(lambda: (status := admin.get("/api/v1/cob").json())["business_date"] == day_2.isoformat()
               and status["status"] == "done", timeout=120, message="the close of business up to day 2")
    assert clerk.get(loan_path).json()["dpd"] == 95
    wait_until(lambda: clerk.get(loan_path).json()["classification"] == "substandard", message="次級")
    warnings = {w["kind"] for w in post_loan.get("/api/v1/warnings", params={"loan_id": loan["id"]}).json()[
        "items"]}
    assert {"first_overdue", "dpd_over_30"} <= warnings
    outstanding = Decimal(clerk.get(loan_path).json()["outstanding_principal"])

    def substandard():
        report = checker.get("/api/v1/finance/reports/portfolio", params={"as_of": day_2.isoformat()}).json()
        return {g["classification"]: g for g in report["grades"]}["substandard"]

    row = wait_until(lambda: (r := substandard()) and Decimal(r["outstanding_principal"]) >= outstanding and r,
                     message="the loan in the substandard bucket")
    # 25 % of the outstanding principal (each loan rounded to the fen)
    assert abs(Decimal(row["required_provision"]) - Decimal(row["outstanding_principal"]) * Decimal("0.25")) \
        <= FEN * row["loans"]
    assert checker.post("/api/v1/finance/provisions/run", json={"as_of": day_2.isoformat()}).status_code == 200

    # -- the arrears paid: current again, the task closes itself ---------------------------------------------
    owed = due_now(clerk.get(f"{loan_path}/schedule").json()["installments"], day_2)
    paid = clerk.post(f"{loan_path}/repayments", json={"amount": str(owed), "paid_on": day_2.isoformat(),
                                                       "channel": "bank_transfer"})
    assert paid.status_code == 200 and paid.json()["allocation"]["advance"] == "0.00", paid.text
    assert clerk.get(loan_path).json()["dpd"] == 0
    wait_until(lambda: not post_loan.get("/api/v1/collection/tasks", params={
        "loan_id": loan["id"], "status": "open"}).json()["items"], message="the task closed")
    wait_until(lambda: clerk.get(loan_path).json()["classification"] == "normal", message="正常 again")

    # -- early repayment in full: settled, and the car released ----------------------------------------------
    body = {"paid_on": day_2.isoformat(), "full": True}
    quote = clerk.post(f"{loan_path}/prepayment-quote", json=body)
    assert quote.status_code == 200, quote.text
    done = clerk.post(f"{loan_path}/prepayments", json=body)
    assert done.status_code == 200 and done.json()["amount"] == quote.json()["amount"], done.text
    assert clerk.get(loan_path).json()["status"] == "settled"
    releases = wait_until(lambda: staff["collateral"].get("/api/v1/releases", params={"loan_id": loan["id"]})
                          .json()["items"], message="the release task")
    assert releases[0]["vin"] == car["vin"]
    assert clerk.get("/api/v1/finance/trial-balance").json()["balanced"]
