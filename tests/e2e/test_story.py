"""The platform's proof of life: one car loan's whole life through the gateway, every service running.

organisation → customer → vehicle valued → application approved → contract → disbursement reviewed → GPS task
and balanced posting → a repayment → close of business past a due date → overdue with penalty → collection task
and 关注 → close of business past 90 days → 次级 and its provision in the portfolio → arrears paid → task
closed → early repayment in full → settled → release task.

It moves the business date about four months ahead, so it runs after every other module (pytest takes the
files in order of name)."""
import datetime as dt
import re
from decimal import Decimal

import requests

from services.common import clock
from tests.e2e.conftest import unique
from tests.e2e.test_customers import register
from tests.helpers import new_vin, wait_until

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
    customer = register(officer, name="孙八")[0].json()

    # -- the car, valued by one appraiser and approved by another ----------------------------------------
    car = officer.post("/api/v1/vehicles", json={"vin": new_vin(), "brand": "比亚迪", "model": "汉", "year": 2024,
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
    assert staff["reviewer_1"].post(f"{path}/investigation", json={"findings": "收入稳定", "recommendation":
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

    # -- a repayment: held as an advance until the first due date (or paid to it, if the business date, which
    # earlier modules moved on, is past it already) ------------------------------------------------------------
    today = clock.today()
    paid = clerk.post(f"{loan_path}/repayments", json={"amount": "100.00", "paid_on": today.isoformat(),
                                                       "channel": "wechat"})
    assert paid.status_code == 200, paid.text
    allocation = paid.json()["allocation"]
    assert (Decimal(allocation["advance"]) + Decimal(allocation["interest"]), allocation["principal"]) == (
        Decimal("100.00"), "0.00")

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

    # -- a collection task for the branch's collector, and 关注 ----------------------------------------------
    task = wait_until(lambda: post_loan.get("/api/v1/collection/tasks", params={
        "loan_id": loan["id"], "status": "open"}).json()["items"], message="the collection task")[0]
    assert task["assignee_id"] == collector.id and task["stage"] == "call_sms"
    inbox = collector.get("/api/v1/collection/tasks", params={"status": "open"}).json()["items"]
    assert loan["id"] in {t["loan_id"] for t in inbox}
    record = collector.post(f"/api/v1/collection/tasks/{task['id']}/records", json={
        "channel": "call", "result": "客户称资金周转困难"})
    assert record.status_code == 201, record.text
    wait_until(lambda: clerk.get(loan_path).json()["classification"] == "special_mention", message="关注")
    grade = post_loan.get("/api/v1/classifications", params={"loan_id": loan["id"]}).json()["items"][0]
    assert grade["grade"] == "special_mention" and grade["grade_label"] == "关注"

    # -- close of business past 90 days: 次级, and its provision in the portfolio ---------------------------
    day_2 = due + dt.timedelta(days=95)
    run = admin.post("/api/v1/cob", json={"business_date": day_2.isoformat()})
    assert run.status_code in (200, 202), run.text  # ninety dates: the replicas may go on after the answer
    wait_until(lambda: (status := admin.get("/api/v1/cob").json())["business_date"] == day_2.isoformat()
               and status["status"] == "done", timeout=120, message="the close of business up to day 2")
    assert clerk.get(loan_path).json()["dpd"] == 95
    wait_until(lambda: clerk.get(loan_path).json()["classification"] == "substandard", message="次级")
    wait_until(lambda: officer.get(f"/api/v1/customers/{customer['id']}").json()["credit"][
        "worst_classification"] == "substandard", message="次级 in the customer's credit summary")
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


def test_post_loan_staff_work_tasks_warnings_and_grades_through_the_gateway(platform, admin, staff, product):
    """After the story (the business date is months ahead): a new loan is over 90 days late at the next close."""
    from tests.e2e.test_servicing import disbursed_loan
    officer, collector, manager = staff["officer"], staff["collector"], staff["post_loan"]
    loan, _, _ = disbursed_loan(staff, product, "120000.00", 24, days_ago=20)
    closed = dt.date.fromisoformat(admin.get("/api/v1/cob").json()["business_date"])
    due = dt.date.fromisoformat(officer.get(f"/api/v1/loans/{loan['id']}/schedule").json()["installments"][0][
        "due_date"])
    day = max(closed + dt.timedelta(days=1), due + dt.timedelta(days=92))
    assert admin.post("/api/v1/cob", json={"business_date": day.isoformat()}).status_code in (200, 202)
    task = wait_until(lambda: manager.get("/api/v1/collection/tasks", params={
        "loan_id": loan["id"], "status": "open"}).json()["items"], timeout=120, message="the task")[0]
    assert task["stage"] == "legal" and task["stage_label"] == "法务/收车"

    # assignment is a manager's: a collector is refused, an unknown collector is a field error
    path = f"/api/v1/collection/tasks/{task['id']}"
    assert collector.post(f"{path}/assign", json={"collector_id": collector.id}).status_code == 403
    refused = manager.post(f"{path}/assign", json={"collector_id": "nobody"})
    assert refused.status_code == 422 and refused.json()["code"] == "COLLECTOR_INVALID", refused.text
    assert manager.post(f"{path}/assign", json={"collector_id": collector.id}).json()["assignee_id"] == collector.id
    bad = collector.post(f"{path}/records", json={"channel": "pigeon", "result": "x"})
    assert bad.status_code == 422 and "channel" in bad.json()["errors"], bad.text
    promise = collector.post(f"{path}/records", json={
        "channel": "visit", "result": "上门, 客户承诺月底前还款", "promised_amount": "5000.00",
        "promised_on": day.isoformat()})
    assert promise.status_code == 201, promise.text
    detail = collector.get(path).json()
    assert detail["promise"]["status"] == "pending" and detail["records"][0]["channel_label"] == "外访"

    # warnings: first overdue and past 30 days, resolved by the manager
    def open_warnings():
        return {w["kind"]: w for w in manager.get("/api/v1/warnings", params={"loan_id": loan["id"]}).json()[
            "items"]}

    warnings = wait_until(lambda: (found := open_warnings()) and {"first_overdue", "dpd_over_30"} <= set(found)
                          and found, message="first overdue and DPD over 30")
    resolved = manager.post(f"/api/v1/warnings/{warnings['first_overdue']['id']}/resolve",
                            json={"resolution": "已电话提醒"})
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved", resolved.text
    assert collector.post(f"/api/v1/warnings/{warnings['dpd_over_30']['id']}/resolve",
                          json={"resolution": "x1"}).status_code == 403

    # grades: 次级 from DPD; a better manual grade is refused, a worse one needs a second person
    wait_until(lambda: manager.get("/api/v1/classifications", params={"loan_id": loan["id"]}).json()["items"][0][
        "grade"] == "substandard", message="次级")
    below = manager.post(f"/api/v1/classifications/{loan['id']}/adjustments",
                         json={"grade": "special_mention", "reason": "客户还款意愿强"})
    assert below.status_code == 422 and below.json()["code"] == "GRADE_BELOW_FLOOR", below.text
    assert officer.post(f"/api/v1/classifications/{loan['id']}/adjustments",
                        json={"grade": "doubtful", "reason": "x1"}).status_code == 403
    asked = manager.post(f"/api/v1/classifications/{loan['id']}/adjustments",
                         json={"grade": "doubtful", "reason": "借款人失联, 车辆下落不明"})
    assert asked.status_code == 201, asked.text
    decision = f"/api/v1/classification-adjustments/{asked.json()['id']}/decision"
    assert manager.post(decision, json={"approve": True}).status_code == 403  # not the one who asked
    assert admin.post(decision, json={"approve": True, "comment": "同意"}).json()["status"] == "approved"
    wait_until(lambda: officer.get(f"/api/v1/loans/{loan['id']}").json()["classification"] == "doubtful",
               message="the loan shows 可疑")

    def doubtful_loans():
        text = requests.get(platform.metrics_urls["collection"], timeout=5).text
        found = re.search(r'^carloan_collection_loans\{grade="doubtful"\} (\S+)$', text, re.MULTILINE)
        return found and float(found.group(1)) >= 1 and text

    metrics = wait_until(doubtful_loans, timeout=40, message="the grade gauge")
    assert re.search(r'^carloan_collection_tasks_open\{stage="legal"\} [1-9]', metrics, re.MULTILINE)
