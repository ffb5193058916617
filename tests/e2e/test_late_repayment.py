"""补记还款 through the gateway (issue 18): close of business runs past a due date for some days; then money paid on
the due date (or within grace) is recorded. The loan ends owing, to the fen, what it would have owed had the money
been recorded on its day; penalty income already received beyond that is moved by finance in a new entry (罚息调整),
which a reversal of the late repayment reverses again; the trial balance balances throughout."""
import datetime as dt
import uuid
from decimal import Decimal

from tests.e2e.conftest import business_date_of_its_own
from tests.e2e.test_servicing import TODAY, daily, disbursed_loan
from tests.helpers import wait_until

FEN = Decimal("0.01")
platform, admin = business_date_of_its_own()  # it closes business; no other test may have


def close_business_until(admin, day):
    """Close of business up to `day` (queued dates closed by the timers if the answer comes first)."""
    answer = admin.post("/api/v1/cob", json={"business_date": day.isoformat()})
    assert answer.status_code in (200, 202), answer.text
    wait_until(lambda: (run := admin.get("/api/v1/cob").json()) and run["business_date"] == day.isoformat()
               and run["status"] == "done", timeout=120, message=f"close of business of {day}")


def repay(clerk, loan_id, amount, paid_on):
    answer = clerk.post(f"/api/v1/loans/{loan_id}/repayments", json={
        "amount": str(amount), "paid_on": paid_on.isoformat(), "channel": "bank_transfer"},
        headers={"Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code == 200, answer.text
    return answer.json()


def entries(clerk, loan_id, source_type):
    return [e for e in clerk.get("/api/v1/finance/journal-entries", params={"loan_id": loan_id, "page_size": 100})
            .json()["items"] if e["source_type"] == source_type]


def test_money_of_the_due_date_recorded_days_later_owes_what_it_would_have_on_time(admin, staff, product):
    clerk, checker = staff["clerk"], staff["checker"]
    loans = [disbursed_loan(staff, product, "120000.00", 24, days_ago=40)[0] for _ in range(3)]
    firsts = [clerk.get(f"/api/v1/loans/{loan['id']}/schedule").json()["installments"][0] for loan in loans]
    due = dt.date.fromisoformat(firsts[0]["due_date"])
    assert {first["due_date"] for first in firsts} == {due.isoformat()} and due < TODAY
    last = admin.get("/api/v1/cob").json()
    closed = max(TODAY, dt.date.fromisoformat(last["business_date"]) + dt.timedelta(days=1)) if last else TODAY
    close_business_until(admin, closed)  # the first installments are late and past the 3 days' grace
    late = (closed - due).days
    assert late > 3
    for loan, first in zip(loans, firsts):
        shown = clerk.get(f"/api/v1/loans/{loan['id']}/schedule").json()["installments"][0]
        assert shown["penalty"] == str((daily(first["principal"]) * late).quantize(FEN, "ROUND_HALF_UP"))

    # 1. The whole installment, paid on its due date: paid, no penalty, nothing late (it used to pay the penalty
    #    first and leave principal unpaid, still accruing).
    one, first = loans[0], firsts[0]
    paid = repay(clerk, one["id"], first["total"], due)
    assert (paid["allocation"]["penalty"], paid["allocation"]["principal"]) == ("0.00", first["principal"])
    shown = clerk.get(f"/api/v1/loans/{one['id']}/schedule").json()["installments"][0]
    assert (shown["penalty"], shown["status"]) == ("0.00", "paid")
    detail = clerk.get(f"/api/v1/loans/{one['id']}").json()
    assert (detail["dpd"], detail["accrued_penalty"], detail["advance_balance"]) == (0, "0.00", "0.00")

    # 2. Part of it paid within grace: every day of penalty accrues on the principal left, as if on time.
    two, first = loans[1], firsts[1]
    part = Decimal(first["interest"]) + Decimal("2000.00")
    repay(clerk, two["id"], part, due + dt.timedelta(days=2))
    left = Decimal(first["principal"]) - Decimal("2000.00")
    shown = clerk.get(f"/api/v1/loans/{two['id']}/schedule").json()["installments"][0]
    assert shown["penalty"] == str((daily(left) * late).quantize(FEN, "ROUND_HALF_UP"))
    assert clerk.get(f"/api/v1/loans/{two['id']}").json()["dpd"] == late  # still late: the rest is unpaid

    # 3. The penalty shown was paid today; then the money of the due date arrives: that penalty was never owed,
    #    so it is held as an advance (预收款), and finance moves it out of penalty income in a new entry.
    three, first = loans[2], firsts[2]
    penalty = (daily(first["principal"]) * late).quantize(FEN, "ROUND_HALF_UP")
    repay(clerk, three["id"], penalty, closed)
    wait_until(lambda: entries(clerk, three["id"], "loan.repayment_received"), message="the penalty's posting")
    late_one = repay(clerk, three["id"], first["total"], due)
    detail = clerk.get(f"/api/v1/loans/{three['id']}").json()
    assert (detail["dpd"], detail["accrued_penalty"], detail["advance_balance"]) == (0, "0.00", str(penalty))
    [adjustment] = wait_until(lambda: entries(clerk, three["id"], "loan.penalty_adjusted"),
                              message="the penalty adjustment's posting")
    assert {(line["account"], line["debit"], line["credit"]) for line in adjustment["lines"]} == {
        ("6012", str(penalty), "0.00"), ("2241", "0.00", str(penalty))}
    assert adjustment["memo"] == "罚息调整" and adjustment["posted_on"] == closed.isoformat()
    assert clerk.get("/api/v1/finance/trial-balance").json()["balanced"] is True

    # The late repayment was a mistake after all: reversed, the loan owes its penalty again, paid as it was, and
    # finance reverses the repayment's entry and the adjustment's.
    requested = clerk.post(f"/api/v1/loans/{three['id']}/repayments/{late_one['id']}/reversal",
                           json={"reason": "日期录错"})
    assert requested.status_code == 201, requested.text
    approved = checker.post(f"/api/v1/repayment-reversals/{requested.json()['id']}/decision",
                            json={"approve": True}, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert approved.status_code == 200, approved.text
    shown = clerk.get(f"/api/v1/loans/{three['id']}/schedule").json()["installments"][0]
    assert (shown["penalty"], shown["paid_penalty"], shown["paid_principal"]) == (str(penalty), str(penalty),
                                                                                  "0.00")
    detail = clerk.get(f"/api/v1/loans/{three['id']}").json()
    assert (detail["dpd"], detail["advance_balance"]) == (late, "0.00")
    [undone] = wait_until(lambda: entries(clerk, three["id"], "loan.penalty_adjustment_reversed"),
                          message="the adjustment reversed")
    assert undone["reverses_id"] == adjustment["id"]
    wait_until(lambda: entries(clerk, three["id"], "loan.repayment_reversed"), message="the repayment reversed")
    assert clerk.get("/api/v1/finance/trial-balance").json()["balanced"] is True
