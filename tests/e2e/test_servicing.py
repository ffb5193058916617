"""Servicing through the gateway (issue 7): repayments allocated to the fen and posted by finance, replays under
one Idempotency-Key, over-payment refused, a paid-off loan settled and its car released, early repayment in full
and in part, extension within the 贷款通则 limits, debt transfer, and close of business (penalty to the fen, the
advance applied at the due date)."""
import datetime as dt
import uuid
from decimal import Decimal

import pytest

from services.common import clock
from tests.e2e.conftest import assert_problem, unique
from tests.e2e.test_customers import register
from tests.helpers import new_vin, wait_until

TODAY = clock.today()


def disbursed_loan(staff, product, amount, term, days_ago):
    """A loan signed and paid out `days_ago` days ago, so its first installments are already due."""
    officer = staff["officer"]
    customer = register(officer)[0].json()
    car = officer.post("/api/v1/vehicles", json={"vin": new_vin(), "brand": "日产", "model": "轩逸", "year": 2022,
                                                 "owner_customer_id": customer["id"]}).json()
    valuation = staff["appraiser_a"].post(f"/api/v1/vehicles/{car['id']}/valuations",
                                          json={"appraised_value": "300000.00", "method": "market"}).json()
    staff["appraiser_b"].post(f"/api/v1/valuations/{valuation['id']}/review", json={"approve": True})
    application = officer.post("/api/v1/loan-applications", json={
        "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"], "amount": amount,
        "term_months": term})
    assert application.status_code == 201, application.text
    path = f"/api/v1/loan-applications/{application.json()['id']}"
    staff["reviewer_1"].post(f"{path}/investigation", json={"findings": "ok", "recommendation": "approve"})
    staff["reviewer_2"].post(f"{path}/decision", json={"approve": True})
    day = (TODAY - dt.timedelta(days=days_ago)).isoformat()
    loan = officer.post(f"{path}/contract", json={"signed_on": day})
    assert loan.status_code == 201, loan.text
    loan = loan.json()
    staff["clerk"].post(f"/api/v1/loans/{loan['id']}/disbursement", json={
        "payee_name": customer["name"], "payee_account": "6222020200112233445", "amount": loan["net_amount"]})
    review = staff["checker"].post(f"/api/v1/loans/{loan['id']}/disbursement/review",
                                   json={"approve": True, "voucher_no": unique("V"), "disbursed_on": day})
    assert review.status_code == 200, review.text
    return loan, car, customer


def test_a_repayment_is_allocated_replayed_once_and_posted(staff, product):
    loan, _, _ = disbursed_loan(staff, product, "120000.00", 24, days_ago=70)  # two installments due
    clerk, path = staff["clerk"], f"/api/v1/loans/{loan['id']}"
    schedule = clerk.get(f"{path}/schedule").json()["installments"]
    first, second = schedule[0], schedule[1]
    assert dt.date.fromisoformat(second["due_date"]) <= TODAY < dt.date.fromisoformat(schedule[2]["due_date"])

    body = {"amount": first["total"], "paid_on": TODAY.isoformat(), "channel": "bank_transfer"}
    key = {"Idempotency-Key": uuid.uuid4().hex}
    paid = clerk.post(f"{path}/repayments", json=body, headers=key)
    assert paid.status_code == 200, paid.text
    allocation = paid.json()["allocation"]
    assert (allocation["interest"], allocation["principal"], allocation["advance"]) == (
        first["interest"], first["principal"], "0.00")
    for _ in range(3):  # replays answer the same, and change nothing
        assert clerk.post(f"{path}/repayments", json=body, headers=key).json() == paid.json()
    assert_problem(clerk.post(f"{path}/repayments", json={**body, "amount": "1.00"}, headers=key), 409,
                   "IDEMPOTENCY_KEY_REUSED")
    assert clerk.get(f"{path}/repayments").json()["total"] == 1
    after = clerk.get(f"{path}/schedule").json()["installments"]
    assert after[0]["status"] == "paid" and after[1]["status"] == "pending"

    # More than is due now: the second installment, and the rest held as an advance.
    extra = Decimal(second["total"]) + Decimal("500.00")
    more = clerk.post(f"{path}/repayments", json={**body, "amount": str(extra)}).json()
    assert more["allocation"]["advance"] == "500.00" and more["advance_balance"] == "500.00"
    outstanding = Decimal("120000.00") - Decimal(first["principal"]) - Decimal(second["principal"])
    detail = clerk.get(path).json()
    assert detail["outstanding_principal"] == str(outstanding) and detail["accrued_penalty"] == "0.00"
    assert detail["next_due"] == {"no": 3, "due_date": schedule[2]["due_date"], "amount": schedule[2]["total"]}
    too_much = clerk.post(f"{path}/repayments", json={**body, "amount": "999999.00"})
    assert assert_problem(too_much, 422, "OVERPAYMENT")["errors"]["amount"]

    # Finance posts each repayment: Dr 1002 / Cr 1301, 6011 (and 2241 for the advance), balanced.
    def repayment_postings():
        items = clerk.get("/api/v1/finance/journal-entries", params={"loan_id": loan["id"]}).json()["items"]
        return [e for e in items if e["source_type"] == "loan.repayment_received"]
    entries = wait_until(lambda: len(repayment_postings()) == 2 and repayment_postings(), timeout=20,
                         message="both repayment postings")
    for entry in entries:
        assert sum(Decimal(l["debit"]) for l in entry["lines"]) == sum(Decimal(l["credit"]) for l in entry["lines"])
    advance = [l for e in entries for l in e["lines"] if l["account"] == "2241"]
    assert [l["credit"] for l in advance] == ["500.00"]


@pytest.fixture(scope="module")
def one_month(admin):
    response = admin.post("/api/v1/products", json={
        "code": unique("BUL1-"), "name": "一个月过桥", "repayment_method": "bullet", "annual_rate": "0.060000",
        "min_term_months": 1, "max_term_months": 1, "min_amount": "10000.00", "max_amount": "100000.00"})
    assert response.status_code == 201, response.text
    return response.json()


def test_paying_everything_settles_the_loan_and_the_car_is_released(staff, one_month):
    loan, car, customer = disbursed_loan(staff, one_month, "50000.00", 1, days_ago=35)
    clerk, path = staff["clerk"], f"/api/v1/loans/{loan['id']}"
    [line] = clerk.get(f"{path}/schedule").json()["installments"]
    assert (line["principal"], line["interest"]) == ("50000.00", "250.00")  # 50,000 x 0.06 / 12 x 1
    paid = clerk.post(f"{path}/repayments", json={"amount": line["total"], "paid_on": TODAY.isoformat(),
                                                  "channel": "wechat"})
    assert paid.status_code == 200 and paid.json()["loan_status"] == "settled", paid.text
    assert clerk.get(path).json()["settled_on"] == TODAY.isoformat()
    assert_problem(clerk.post(f"{path}/repayments", json={"amount": "1.00", "paid_on": TODAY.isoformat(),
                                                          "channel": "cash"}), 409, "LOAN_STATE")
    # loan.settled: the collateral clerk gets the release (解押) and GPS removal tasks
    releases = wait_until(lambda: staff["collateral"].get("/api/v1/releases", params={"loan_id": loan["id"]})
                          .json()["items"], timeout=20, message="the release task")
    assert releases[0]["vin"] == car["vin"] and releases[0]["status"] == "open"
    history = wait_until(lambda: [h for h in staff["officer"].get(f"/api/v1/customers/{customer['id']}").json()[
        "loans"] if h["loan_id"] == loan["id"] and h["status"] == "settled"], message="the settled history")
    assert history[0]["outstanding_principal"] == "0.00"


def test_an_early_repayment_is_quoted_then_settles_the_loan_at_that_figure(staff, product):
    loan, car, _ = disbursed_loan(staff, product, "80000.00", 24, days_ago=20)  # nothing due yet
    clerk, path = staff["clerk"], f"/api/v1/loans/{loan['id']}"
    body = {"paid_on": TODAY.isoformat(), "full": True}
    quote = clerk.post(f"{path}/prepayment-quote", json=body)
    assert quote.status_code == 200, quote.text
    quote = quote.json()
    # 20 days of interest on 80,000.00 at 8.88 % / 360, and the product's 2 % prepayment fee
    interest = (Decimal("80000.00") * Decimal("0.0888") / 360 * 20).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    assert (quote["principal"], quote["interest"], quote["fee"]) == ("80000.00", str(interest), "1600.00")
    assert quote["amount"] == str(Decimal("81600.00") + interest) and quote["accrued_days"] == 20
    done = clerk.post(f"{path}/prepayments", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert done.status_code == 200 and done.json()["amount"] == quote["amount"], done.text
    assert done.json()["loan_status"] == "settled" and clerk.get(path).json()["outstanding_principal"] == "0.00"
    assert_problem(clerk.post(f"{path}/prepayment-quote", json=body), 409, "LOAN_STATE")
    # the schedule says what the loan came to: every principal repaid, and only the interest it earned
    settled = clerk.get(f"{path}/schedule").json()
    for line in settled["installments"]:
        assert Decimal(line["total"]) == Decimal(line["principal"]) + Decimal(line["interest"]), line
        assert line["paid_principal"] == line["principal"] and line["status"] == "prepaid", line
    assert settled["total_interest"] == str(interest)
    assert Decimal(settled["total_payment"]) == Decimal("80000.00") + interest

    posted = wait_until(lambda: [e for e in clerk.get("/api/v1/finance/journal-entries", params={
        "loan_id": loan["id"]}).json()["items"] if e["source_type"] == "loan.prepaid"], message="the posting")
    assert {(l["account"], l["debit"], l["credit"]) for l in posted[0]["lines"]} == {
        ("1002", quote["amount"], "0.00"), ("1301", "0.00", "80000.00"), ("6011", "0.00", str(interest)),
        ("6021", "0.00", "1600.00")}
    wait_until(lambda: staff["collateral"].get("/api/v1/releases", params={"loan_id": loan["id"]}).json()["total"],
               message="the release task")


def annuity(balance, months, rate="0.0888"):
    """等额本息 installment, computed here independently of the service's engine."""
    r = Decimal(rate) / 12
    growth = (1 + r) ** months
    return (balance * r * growth / (growth - 1)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


@pytest.mark.parametrize("mode", ["reduce_installment", "shorten_term"])
def test_a_partial_early_repayment_rebuilds_the_schedule_as_quoted(staff, product, mode):
    loan, _, _ = disbursed_loan(staff, product, "80000.00", 24, days_ago=20)  # nothing due yet
    clerk, path = staff["clerk"], f"/api/v1/loans/{loan['id']}"
    before = clerk.get(f"{path}/schedule").json()["installments"]
    body = {"paid_on": TODAY.isoformat(), "full": False, "amount": "20000.00", "mode": mode}
    assert_problem(clerk.post(f"{path}/prepayment-quote", json={**body, "amount": None}), 422, "AMOUNT_REQUIRED")
    assert_problem(clerk.post(f"{path}/prepayment-quote", json={**body, "amount": "80000.00"}), 422,
                   "PARTIAL_COVERS_ALL")
    quote = clerk.post(f"{path}/prepayment-quote", json=body)
    assert quote.status_code == 200, quote.text
    quote = quote.json()
    # the full figure for the part: 20 days of interest on 20,000.00, and the 2 % fee on it
    interest = (Decimal("20000.00") * Decimal("0.0888") / 360 * 20).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    assert (quote["principal"], quote["interest"], quote["fee"]) == ("20000.00", str(interest), "400.00")
    assert quote["amount"] == str(Decimal("20400.00") + interest)
    after = quote["schedule_after"]
    assert sum(Decimal(line["principal"]) for line in after["lines"]) == Decimal("60000.00")
    assert after["lines"][0]["due_date"] == before[0]["due_date"]
    if mode == "reduce_installment":  # the same 24 months, a smaller installment
        assert after["installments"] == 24 and after["maturity_date"] == before[-1]["due_date"]
        assert after["next_installment"] == str(annuity(Decimal("60000.00"), 24))
    else:  # the same installment (at most), fewer months
        old = Decimal(before[0]["total"])
        assert after["installments"] == 18 and Decimal(after["next_installment"]) <= old
        assert annuity(Decimal("60000.00"), 17) > old  # 17 months would need more than the old installment
        assert after["lines"][-1]["due_date"] == before[17]["due_date"]

    done = clerk.post(f"{path}/prepayments", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert done.status_code == 200, done.text
    assert done.json()["amount"] == quote["amount"] and done.json()["loan_status"] == "active"
    detail = clerk.get(path).json()
    assert detail["outstanding_principal"] == "60000.00" and detail["maturity_date"] == after["maturity_date"]
    schedule = clerk.get(f"{path}/schedule").json()["installments"]
    assert [(line["due_date"], line["principal"], line["interest"]) for line in schedule] == [
        (line["due_date"], line["principal"], line["interest"]) for line in after["lines"]]
    posted = wait_until(lambda: [e for e in clerk.get("/api/v1/finance/journal-entries", params={
        "loan_id": loan["id"]}).json()["items"] if e["source_type"] == "loan.prepaid"], message="the posting")
    assert {(l["account"], l["debit"], l["credit"]) for l in posted[0]["lines"]} == {
        ("1002", quote["amount"], "0.00"), ("1301", "0.00", "20000.00"), ("6011", "0.00", str(interest)),
        ("6021", "0.00", "400.00")}


def test_an_extension_is_approved_within_the_loan_rules_limits(staff, product):
    loan, _, _ = disbursed_loan(staff, product, "120000.00", 24, days_ago=10)
    officer, approver, path = staff["officer"], staff["approver"], f"/api/v1/loans/{loan['id']}"
    before = officer.get(f"{path}/schedule").json()["installments"]
    # a 24-month loan (one to five years) may be extended by half its term: 12 months in all
    refused = officer.post(f"{path}/extensions", json={"extra_months": 13, "reason": "经营周转困难"})
    assert_problem(refused, 422, "EXTENSION_LIMIT")
    assert refused.json()["max_months"] == 12
    asked = officer.post(f"{path}/extensions", json={"extra_months": 8, "reason": "经营周转困难"})
    assert asked.status_code == 201 and asked.json()["status"] == "pending", asked.text
    extension = asked.json()
    assert_problem(officer.post(f"{path}/extensions", json={"extra_months": 1, "reason": "again"}), 409,
                   "EXTENSION_PENDING")
    assert_problem(officer.post(f"/api/v1/extensions/{extension['id']}/decision", json={"approve": True}), 403)
    approved = approver.post(f"/api/v1/extensions/{extension['id']}/decision", json={"approve": True,
                                                                                    "comment": "同意展期"})
    assert approved.status_code == 200, approved.text
    schedule = officer.get(f"{path}/schedule").json()["installments"]
    # the whole principal re-amortised over the 24 months left + 8, same method, same due day
    assert len(schedule) == 32 and schedule[0]["due_date"] == before[0]["due_date"]
    assert schedule[0]["total"] == str(annuity(Decimal("120000.00"), 32))
    assert sum(Decimal(line["principal"]) for line in schedule) == Decimal("120000.00")
    detail = officer.get(path).json()
    assert detail["restructured"] is True and detail["extended_months"] == 8
    assert detail["maturity_date"] == schedule[-1]["due_date"] == approved.json()["maturity_after"]
    # cumulative: 4 more months at most
    again = officer.post(f"{path}/extensions", json={"extra_months": 5, "reason": "再次展期"})
    assert_problem(again, 422, "EXTENSION_LIMIT")
    assert again.json()["max_months"] == 4
    assert [e["status"] for e in officer.get(f"{path}/extensions").json()] == ["approved"]


def test_an_extension_waits_for_what_is_overdue(staff, product):
    loan, _, _ = disbursed_loan(staff, product, "120000.00", 24, days_ago=40)  # the first installment is late
    refused = staff["officer"].post(f"/api/v1/loans/{loan['id']}/extensions", json={"extra_months": 3,
                                                                                   "reason": "周转困难"})
    assert_problem(refused, 422, "INSTALLMENTS_DUE")


def test_an_early_repayment_waits_for_what_is_due(staff, product):
    loan, _, _ = disbursed_loan(staff, product, "120000.00", 24, days_ago=40)  # the first installment is due
    refused = staff["clerk"].post(f"/api/v1/loans/{loan['id']}/prepayment-quote",
                                  json={"paid_on": TODAY.isoformat(), "full": True})
    assert_problem(refused, 422, "INSTALLMENTS_DUE")


def test_a_debt_transfer_is_approved_by_another_and_the_car_follows(staff, product):
    loan, car, borrower = disbursed_loan(staff, product, "120000.00", 24, days_ago=10)
    officer, approver, path = staff["officer"], staff["approver"], f"/api/v1/loans/{loan['id']}"
    blacklisted = register(officer)[0].json()
    staff["reviewer_1"].post("/api/v1/blacklist", json={"customer_id": blacklisted["id"], "reason": "失信被执行人"})
    refused = officer.post(f"{path}/transfers", json={"to_customer_id": blacklisted["id"], "reason": "家庭变故"})
    assert_problem(refused, 422, "CUSTOMER_BLACKLISTED")
    assert_problem(officer.post(f"{path}/transfers", json={"to_customer_id": borrower["id"], "reason": "x1"}), 422,
                   "SAME_CUSTOMER")

    heir = register(officer, name="赵承接")[0].json()
    transfer = officer.post(f"{path}/transfers", json={"to_customer_id": heir["id"], "reason": "原借款人移民"})
    assert transfer.status_code == 201 and transfer.json()["status"] == "pending", transfer.text
    transfer = transfer.json()
    assert_problem(officer.post(f"{path}/transfers", json={"to_customer_id": heir["id"], "reason": "again"}), 409,
                   "TRANSFER_PENDING")
    assert_problem(officer.post(f"/api/v1/transfers/{transfer['id']}/decision", json={"approve": True}), 403)
    approved = approver.post(f"/api/v1/transfers/{transfer['id']}/decision", json={"approve": True, "comment": "同意"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["supplement_no"] == f"{loan['contract_no']}-BC01"
    detail = officer.get(path).json()
    assert detail["customer_id"] == heir["id"] and detail["contract_no"] == loan["contract_no"]

    # collateral consumes loan.transferred: the car changes hands and a new mortgage registration opens
    vehicle = wait_until(lambda: (v := officer.get(f"/api/v1/vehicles/{car['id']}").json())["owner_customer_id"]
                         == heir["id"] and v, timeout=20, message="the new owner")
    assert vehicle["owner_history"][-1]["from_customer_id"] == borrower["id"]
    registrations = staff["collateral"].get("/api/v1/mortgages", params={"loan_id": loan["id"]}).json()
    assert registrations["total"] == 2
    # the customer service moves the loan into the new borrower's history
    wait_until(lambda: [h for h in officer.get(f"/api/v1/customers/{heir['id']}").json()["loans"]
                        if h["loan_id"] == loan["id"]], message="the loan in the new borrower's history")
    assert loan["id"] not in {h["loan_id"] for h in officer.get(f"/api/v1/customers/{borrower['id']}").json()["loans"]}


def daily(principal, rate="0.0888", markup="0.50"):
    """One day's penalty, computed here independently of the service: principal × rate × (1 + markup) / 360."""
    exact = Decimal(principal) * Decimal(rate) * (1 + Decimal(markup)) / 360
    return exact.quantize(Decimal("0.0001"), rounding="ROUND_HALF_UP")


def test_close_of_business_makes_loans_overdue_with_exact_penalty(admin, staff, product):
    """Runs last in the session: it moves the business date for every loan of the platform."""
    loan, _, _ = disbursed_loan(staff, product, "120000.00", 24, days_ago=70)
    clerk, path = staff["clerk"], f"/api/v1/loans/{loan['id']}"
    first, second = clerk.get(f"{path}/schedule").json()["installments"][:2]
    late_1 = (TODAY - dt.date.fromisoformat(first["due_date"])).days   # about 40 days
    late_2 = (TODAY - dt.date.fromisoformat(second["due_date"])).days  # about 10 days, past the 3 grace days
    assert late_1 > late_2 > 3
    # another loan holds an advance (预收款) for its first installment, due in a week or so
    saver, _, _ = disbursed_loan(staff, product, "120000.00", 24, days_ago=20)
    saver_path = f"/api/v1/loans/{saver['id']}"
    saver_first = clerk.get(f"{saver_path}/schedule").json()["installments"][0]
    held = clerk.post(f"{saver_path}/repayments", json={"amount": saver_first["total"], "paid_on": TODAY.isoformat(),
                                                        "channel": "bank_transfer"})
    assert held.json()["allocation"]["advance"] == saver_first["total"], held.text

    assert_problem(clerk.post("/api/v1/cob", json={"business_date": TODAY.isoformat()}), 403)
    run = admin.post("/api/v1/cob", json={"business_date": TODAY.isoformat()})
    assert run.status_code == 200 and run.json()["status"] == "done", run.text
    lines = clerk.get(f"{path}/schedule").json()["installments"]
    # accrued to 4 decimals a day and shown to the fen
    expected_1 = (daily(first["principal"]) * late_1).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    expected_2 = (daily(second["principal"]) * late_2).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert (lines[0]["penalty"], lines[1]["penalty"]) == (str(expected_1), str(expected_2))
    assert lines[0]["status"] == "overdue" and lines[2]["penalty"] == "0.00"
    detail = clerk.get(path).json()
    assert detail["dpd"] == late_1 and detail["accrued_penalty"] == str(expected_1 + expected_2)

    again = admin.post("/api/v1/cob", json={"business_date": TODAY.isoformat()}).json()
    assert again == run.json()  # a closed date closes once
    assert clerk.get(f"{path}/schedule").json()["installments"][0]["penalty"] == str(expected_1)

    # Paying the first installment with its penalty: the DPD drops to the second one's.
    owed = Decimal(first["total"]) + expected_1
    paid = clerk.post(f"{path}/repayments", json={"amount": str(owed), "paid_on": TODAY.isoformat(),
                                                  "channel": "bank_transfer"})
    assert paid.json()["allocation"]["penalty"] == str(expected_1), paid.text
    assert clerk.get(path).json()["dpd"] == late_2

    # The next day: one more day of penalty on the second installment only.
    tomorrow = TODAY + dt.timedelta(days=1)
    assert admin.post("/api/v1/cob", json={"business_date": tomorrow.isoformat()}).status_code == 200
    lines = clerk.get(f"{path}/schedule").json()["installments"]
    expected_2b = (daily(second["principal"]) * (late_2 + 1)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert lines[1]["penalty"] == str(expected_2b) and lines[0]["penalty"] == str(expected_1)
    assert clerk.get(path).json()["dpd"] == late_2 + 1
    assert_problem(admin.post("/api/v1/cob", json={"business_date": TODAY.isoformat()}), 409, "COB_DATE_PASSED")

    # Past the saver's due date: the advance paid the installment at its due date, so it never went late.
    due = dt.date.fromisoformat(saver_first["due_date"])
    assert admin.post("/api/v1/cob", json={"business_date": (due + dt.timedelta(days=2)).isoformat()}).json()[
        "status"] == "done"
    detail = clerk.get(saver_path).json()
    assert (detail["advance_balance"], detail["dpd"]) == ("0.00", 0)
    assert clerk.get(f"{saver_path}/schedule").json()["installments"][0]["status"] == "paid"
    applied = [r for r in clerk.get(f"{saver_path}/repayments").json()["items"] if r["channel"] == "advance"]
    assert [(r["amount"], r["paid_on"]) for r in applied] == [(saver_first["total"], due.isoformat())]
    posted = wait_until(lambda: [e for e in clerk.get("/api/v1/finance/journal-entries", params={
        "loan_id": saver["id"]}).json()["items"] if e["source_type"] == "loan.advance_applied"],
        message="the advance posting")
    assert {(l["account"], l["debit"], l["credit"]) for l in posted[0]["lines"]} == {
        ("2241", saver_first["total"], "0.00"), ("1301", "0.00", saver_first["principal"]),
        ("6011", "0.00", saver_first["interest"])}
