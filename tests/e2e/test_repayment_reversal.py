"""还款冲正 through the gateway (issue 14): a mistaken repayment is asked to be reversed by one person and approved
by another who neither asked for it nor recorded it; the loan is put back as if it had never been paid, finance
reverses the posting, and the repayment history shows the voucher number, the payer and the reversal."""
import uuid
from decimal import Decimal

from tests.e2e.conftest import assert_problem, create_employee, unique
from tests.e2e.test_servicing import TODAY, disbursed_loan
from tests.helpers import wait_until

LOAN_FIELDS = ("outstanding_principal", "advance_balance", "dpd", "status", "accrued_penalty", "next_due")


def closed_before(clerk, day):
    """No business date closed on or after `day` (penalty then stays as it was: nothing was accrued meanwhile)."""
    last = clerk.get("/api/v1/cob").json()
    return not last or last.get("status") != "done" or last["business_date"] < day


def ledger_rows(client, kind, day):
    rows, page = [], 1
    while True:
        answer = client.get(f"/api/v1/finance/ledgers/{kind}", params={"from": day, "to": day, "page": page,
                                                                        "page_size": 100}).json()
        rows += answer["items"]
        if page * answer["page_size"] >= answer["total"]:
            return rows
        page += 1


def test_a_mistaken_repayment_is_reversed_by_another_person_and_the_loan_is_as_before(platform, admin, staff, product):
    loan, _, customer = disbursed_loan(staff, product, "120000.00", 24, days_ago=40)  # the first installment due
    clerk, checker, path = staff["clerk"], staff["checker"], f"/api/v1/loans/{loan['id']}"
    before_schedule = clerk.get(f"{path}/schedule").json()
    before_loan = clerk.get(path).json()
    first = before_schedule["installments"][0]

    # Someone holding both the clerk's and the reviewer's roles records it (the first installment and 500 more)...
    _, username, password = create_employee(admin, ["finance_clerk", "finance_reviewer"],
                                            department_id=staff["department_id"])
    both = platform.client(platform.login(username, password))
    voucher = unique("BK")
    body = {"amount": str(Decimal(first["total"]) + Decimal("500.00")), "paid_on": TODAY.isoformat(),
            "channel": "bank_transfer", "voucher_no": voucher, "payer_name": "李四"}
    paid = both.post(f"{path}/repayments", json=body)
    assert paid.status_code == 200, paid.text
    repayment = paid.json()
    assert (repayment["voucher_no"], repayment["payer_name"], repayment["status"]) == (voucher, "李四", "recorded")
    [shown] = clerk.get(f"{path}/repayments").json()["items"]
    assert (shown["voucher_no"], shown["payer_name"], shown["status"], shown["reversal"]) == (
        voucher, "李四", "recorded", None)
    received = wait_until(lambda: [e for e in clerk.get("/api/v1/finance/journal-entries", params={
        "loan_id": loan["id"]}).json()["items"] if e["source_type"] == "loan.repayment_received"],
        message="the repayment's posting")

    # ... a clerk asks for the reversal with a reason; a collector may not, nor may anyone ask twice.
    reversal_path = f"{path}/repayments/{repayment['id']}/reversal"
    reason = {"reason": "银行退回: 重复入账"}
    assert_problem(staff["collector"].post(reversal_path, json=reason), 403, "PERMISSION_DENIED")
    assert_problem(clerk.post(reversal_path, json={"reason": ""}), 422)
    requested = clerk.post(reversal_path, json=reason)
    assert requested.status_code == 201, requested.text
    reversal = requested.json()
    assert (reversal["status"], reversal["requested_by"], reversal["reason"]) == (
        "pending", staff["clerk"].id, reason["reason"])
    assert_problem(clerk.post(reversal_path, json=reason), 409, "REVERSAL_PENDING")
    assert clerk.get(f"{path}/repayments").json()["items"][0]["reversal"]["status"] == "pending"

    # The one who recorded the repayment does not approve its reversal; the asker cannot either (no permission).
    decision = f"/api/v1/repayment-reversals/{reversal['id']}/decision"
    assert_problem(both.post(decision, json={"approve": True}), 403, "SEGREGATION_OF_DUTIES")
    assert_problem(clerk.post(decision, json={"approve": True}), 403, "PERMISSION_DENIED")
    key = {"Idempotency-Key": uuid.uuid4().hex}
    approved = checker.post(decision, json={"approve": True, "comment": "核对银行流水无此笔"}, headers=key)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["repayment"]["status"] == "reversed"
    assert checker.post(decision, json={"approve": True, "comment": "核对银行流水无此笔"}, headers=key).json() == \
        approved.json()  # a replay answers the same and changes nothing
    assert_problem(checker.post(decision, json={"approve": True}), 409, "REVERSAL_ALREADY_DECIDED")

    # As if it had never been paid: installments, balances, advance, DPD, next due date.
    after_schedule = clerk.get(f"{path}/schedule").json()
    after_loan = clerk.get(path).json()
    if closed_before(clerk, first["due_date"]):
        assert after_schedule == before_schedule
    else:  # a close of business ran meanwhile: the penalty it would have accrued is owed now
        assert [{k: v for k, v in line.items() if k not in ("penalty", "status")}
                for line in after_schedule["installments"]] == [
            {k: v for k, v in line.items() if k not in ("penalty", "status")}
            for line in before_schedule["installments"]]
    assert {k: after_loan[k] for k in LOAN_FIELDS if k != "accrued_penalty"} == {
        k: before_loan[k] for k in LOAN_FIELDS if k != "accrued_penalty"}
    [shown] = clerk.get(f"{path}/repayments").json()["items"]
    assert (shown["status"], shown["status_label"], shown["voucher_no"]) == ("reversed", "已冲正", voucher)
    assert (shown["reversal"]["status"], shown["reversal"]["decided_by"]) == ("approved", checker.id)
    assert_problem(clerk.post(reversal_path, json=reason), 409, "REPAYMENT_ALREADY_REVERSED")

    # Finance reverses the posting: every line the other way, the cash back out.
    [original] = received
    reversing = wait_until(lambda: [e for e in clerk.get("/api/v1/finance/journal-entries", params={
        "loan_id": loan["id"]}).json()["items"] if e["source_type"] == "loan.repayment_reversed"],
        message="finance to reverse the repayment's posting")
    assert len(reversing) == 1 and reversing[0]["reverses_id"] == original["id"]
    assert sorted((l["account"], l["credit"], l["debit"]) for l in original["lines"]) == sorted(
        (l["account"], l["debit"], l["credit"]) for l in reversing[0]["lines"])
    rows = [row for row in ledger_rows(clerk, "repayments", TODAY.isoformat()) if row["loan_id"] == loan["id"]]
    assert sorted((row["source"], row["amount"]) for row in rows) == sorted(
        [("还款", body["amount"]), ("还款冲正", "-" + body["amount"])])
    assert customer["id"] == loan["customer_id"]


def test_only_the_latest_repayment_is_reversed_and_a_rejection_changes_nothing(staff, product):
    loan, _, _ = disbursed_loan(staff, product, "120000.00", 24, days_ago=40)
    clerk, checker, path = staff["clerk"], staff["checker"], f"/api/v1/loans/{loan['id']}"
    body = {"amount": "100.00", "paid_on": TODAY.isoformat(), "channel": "cash"}
    older = clerk.post(f"{path}/repayments", json=body).json()
    newer = clerk.post(f"{path}/repayments", json=body).json()
    refused = assert_problem(clerk.post(f"{path}/repayments/{older['id']}/reversal", json={"reason": "错账"}), 409,
                             "REVERSAL_NOT_LATEST")
    assert refused["detail"] == "此笔还款之后又登记了还款，请先冲正最近的一笔"
    assert_problem(clerk.post(f"{path}/repayments/{uuid.uuid4()}/reversal", json={"reason": "错账"}), 404,
                   "REPAYMENT_NOT_FOUND")

    before = clerk.get(f"{path}/schedule").json()
    reversal = clerk.post(f"{path}/repayments/{newer['id']}/reversal", json={"reason": "错账"}).json()
    rejected = checker.post(f"/api/v1/repayment-reversals/{reversal['id']}/decision",
                            json={"approve": False, "comment": "确有此笔"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected", rejected.text
    assert clerk.get(f"{path}/schedule").json() == before
    history = clerk.get(f"{path}/repayments").json()["items"]
    assert {r["id"]: (r["status"], r["reversal"] and r["reversal"]["status"]) for r in history} == {
        older["id"]: ("recorded", None), newer["id"]: ("recorded", "rejected")}
    assert [r["status"] for r in clerk.get(f"{path}/repayment-reversals").json()] == ["rejected"]

    # The newer one reversed, the older becomes the latest and may be reversed in its turn.
    again = clerk.post(f"{path}/repayments/{newer['id']}/reversal", json={"reason": "错账"}).json()
    assert checker.post(f"/api/v1/repayment-reversals/{again['id']}/decision", json={"approve": True}).status_code \
        == 200
    latest = clerk.post(f"{path}/repayments/{older['id']}/reversal", json={"reason": "错账"})
    assert latest.status_code == 201, latest.text
    assert checker.post(f"/api/v1/repayment-reversals/{latest.json()['id']}/decision",
                        json={"approve": True}).status_code == 200
    schedule = clerk.get(f"{path}/schedule").json()["installments"]
    assert all(line["paid_principal"] == line["paid_interest"] == "0.00" for line in schedule)
    assert clerk.get(path).json()["outstanding_principal"] == "120000.00"
