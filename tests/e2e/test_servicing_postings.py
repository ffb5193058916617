"""Servicing corrections of issue 18 through the gateway, on the whole platform (RabbitMQ, PostgreSQL): an extension
with a fee is posted by finance (Dr 1002 / Cr 6021) and its new maturity shown in the balances ledger, and a partial
early repayment's interest is that prepayment's own, never charged again through an installment already paid. After
each, the journal entries, the balances ledger and the schedule agree to the fen, and the trial balance balances."""
import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal

from tests.e2e.conftest import assert_problem, business_date_of_its_own, unique
from tests.e2e.test_servicing import TODAY, disbursed_loan
from tests.helpers import wait_until

RATE = Decimal("0.0888")  # the product's (tests/e2e/conftest.py)
ZERO = Decimal("0")
platform, admin = business_date_of_its_own()  # money dated today is on time: no close of business ran ahead


def fen(value):
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def entries(client, loan_id, source_type):
    items = client.get("/api/v1/finance/journal-entries", params={"loan_id": loan_id, "page_size": 100}).json()["items"]
    return [e for e in items if e["source_type"] == source_type]


def lines_of(entry):
    return {(line["account"], line["debit"], line["credit"]) for line in entry["lines"]}


def ledger_row(client, kind, loan_id, source_type=None):
    dates = {"from": TODAY.isoformat()} if kind == "repayments" else {}
    rows = client.get(f"/api/v1/finance/ledgers/{kind}", params={"page_size": 100, **dates}).json()["items"]
    return [r for r in rows if r["loan_id"] == loan_id and (source_type is None or r["source_type"] == source_type)]


def credited(client, loan_id, account):
    """What every entry of the loan credited (less debited) to `account`: the journal's own figure."""
    items = client.get("/api/v1/finance/journal-entries", params={"loan_id": loan_id, "page_size": 100}).json()["items"]
    return sum((Decimal(l["credit"]) - Decimal(l["debit"]) for e in items for l in e["lines"]
                if l["account"] == account), ZERO)


def left_on(schedule):
    return sum((Decimal(l["principal"]) - Decimal(l["paid_principal"]) for l in schedule), ZERO)


def test_an_extension_fee_is_posted_and_the_balances_ledger_shows_the_new_schedule(staff, product):
    loan, _, customer = disbursed_loan(staff, product, "120000.00", 24, days_ago=10)
    officer, approver, clerk = staff["officer"], staff["approver"], staff["clerk"]
    path = f"/api/v1/loans/{loan['id']}"
    body = {"extra_months": 6, "reason": "经营周转困难"}
    refused = officer.post(f"{path}/extensions", json={**body, "fee": "12000.01"})
    assert assert_problem(refused, 422, "EXTENSION_FEE_TOO_HIGH")["max_fee"] == "12000.00"  # 10 % of 120,000.00
    assert_problem(officer.post(f"{path}/extensions", json={**body, "fee": "1200.001"}), 422)
    assert officer.get(f"{path}/extensions").json() == []
    asked = officer.post(f"{path}/extensions", json={**body, "fee": "1200.00"})
    assert asked.status_code == 201 and asked.json()["fee"] == "1200.00", asked.text
    voucher = unique("ZQ")
    approved = approver.post(f"/api/v1/extensions/{asked.json()['id']}/decision",
                             json={"approve": True, "comment": "同意展期", "voucher_no": voucher},
                             headers={"Idempotency-Key": uuid.uuid4().hex})
    assert approved.status_code == 200 and approved.json()["fee_voucher_no"] == voucher, approved.text
    schedule = officer.get(f"{path}/schedule").json()["installments"]
    assert len(schedule) == 30 and approved.json()["maturity_after"] == schedule[-1]["due_date"]

    # finance: the fee received, Dr 1002 / Cr 6021, with its cash movement and voucher
    [posted] = wait_until(lambda: entries(clerk, loan["id"], "loan.extended"), message="the extension's posting")
    assert lines_of(posted) == {("1002", "1200.00", "0.00"), ("6021", "0.00", "1200.00")}
    assert posted["posted_on"] == TODAY.isoformat()
    cash = clerk.get("/api/v1/finance/cash-journal", params={"page_size": 100, "from": TODAY.isoformat()}).json()
    cash = cash["items"]
    assert [(m["income"], m["voucher_no"], m["counterparty"]) for m in cash if m["entry_id"] == posted["id"]] == [
        ("1200.00", voucher, customer["name"])]
    [received] = ledger_row(clerk, "repayments", loan["id"], "loan.extended")
    assert (received["amount"], received["fees"], received["source"]) == ("1200.00", "1200.00", "展期手续费")
    # the balances ledger, the schedule and the journal agree: maturity, months extended, principal to the fen
    [row] = ledger_row(clerk, "balances", loan["id"])
    assert (row["maturity_date"], row["extended_months"]) == (schedule[-1]["due_date"], 6)
    assert Decimal(row["outstanding_principal"]) == left_on(schedule) == Decimal("120000.00") == \
        -credited(clerk, loan["id"], "1301")
    assert credited(clerk, loan["id"], "6021") == Decimal(loan["fees_total"]) + Decimal("1200.00")
    assert clerk.get("/api/v1/finance/trial-balance").json()["balanced"] is True


def test_a_partial_early_repayment_earns_its_own_interest_and_the_books_agree_with_the_schedule(staff, product):
    loan, _, _ = disbursed_loan(staff, product, "120000.00", 24, days_ago=40)  # the first installment is due
    clerk, path = staff["clerk"], f"/api/v1/loans/{loan['id']}"
    first = clerk.get(f"{path}/schedule").json()["installments"][0]
    paid = clerk.post(f"{path}/repayments", json={"amount": first["total"], "paid_on": TODAY.isoformat(),
                                                  "channel": "bank_transfer"})
    assert paid.status_code == 200, paid.text
    due = dt.date.fromisoformat(first["due_date"])
    body = {"full": False, "amount": "20000.00", "mode": "shorten_term"}

    # dated before the installment just paid, whose interest already ran on the 20,000.00 to its due date
    backdated = {**body, "paid_on": (due - dt.timedelta(days=5)).isoformat()}
    for route in ("prepayment-quote", "prepayments"):
        refused = clerk.post(f"{path}/{route}", json=backdated, headers={"Idempotency-Key": uuid.uuid4().hex})
        problem = assert_problem(refused, 422, "PAID_ON_INVALID")
        assert (problem["earliest"], problem["earliest_because"]) == (first["due_date"], "installment_paid")
    assert clerk.get(path).json()["outstanding_principal"] == str(Decimal("120000.00") - Decimal(first["principal"]))

    body["paid_on"] = TODAY.isoformat()
    done = clerk.post(f"{path}/prepayments", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert done.status_code == 200, done.text
    days = (TODAY - due).days
    interest = fen(Decimal("20000.00") * RATE / 360 * days)  # the part's, from the last due date to today
    assert (done.json()["interest"], done.json()["accrued_days"], done.json()["fee"]) == (str(interest), days, "400.00")
    left = Decimal("120000.00") - Decimal(first["principal"]) - Decimal("20000.00")
    schedule = clerk.get(f"{path}/schedule").json()["installments"]
    # the next installment earns a month on what is left, nothing on the part
    assert schedule[1]["interest"] == str(fen(left * RATE / 12)) and left_on(schedule) == left

    [posted] = wait_until(lambda: entries(clerk, loan["id"], "loan.prepaid"), message="the prepayment's posting")
    assert lines_of(posted) == {("1002", done.json()["amount"], "0.00"), ("1301", "0.00", "20000.00"),
                                ("6011", "0.00", str(interest)), ("6021", "0.00", "400.00")}
    [row] = wait_until(lambda: [r for r in ledger_row(clerk, "balances", loan["id"])
                                if r["maturity_date"] == schedule[-1]["due_date"]], message="the shorter term")
    assert Decimal(row["outstanding_principal"]) == left == -credited(clerk, loan["id"], "1301")
    # interest: what the schedule's installments were paid, and the prepayment's own, nothing twice
    paid_interest = sum((Decimal(l["paid_interest"]) for l in schedule), ZERO)
    wait_until(lambda: len(entries(clerk, loan["id"], "loan.repayment_received")) == 1, message="the repayment")
    assert credited(clerk, loan["id"], "6011") == paid_interest + interest == Decimal(first["interest"]) + interest
    assert clerk.get("/api/v1/finance/trial-balance").json()["balanced"] is True
