"""Maker ≠ checker through the gateway (issue 18): for every review in the platform, someone holding both the
maker's and the checker's permissions is refused when they check what they made (403 with the review's code and
reason, nothing changed), and another person's decision is taken. One helper says it for all of them
(services/common/segregation.py `refuse_maker`)."""
import pytest

from tests.e2e.conftest import assert_problem, create_employee, unique
from tests.e2e.test_customers import register
from tests.e2e.test_servicing import TODAY, disbursed_loan
from tests.helpers import new_vin, wait_until


@pytest.fixture(scope="module")
def both(platform, admin, staff):
    """Employees of the staff's branch each holding a maker's and a checker's role."""
    roles = {"officer_reviewer": ["loan_officer", "risk_reviewer"], "officer_approver": ["loan_officer", "approver"],
             "reviewer_approver": ["risk_reviewer", "approver"], "finance": ["finance_clerk", "finance_reviewer"],
             "post_loan": ["post_loan_manager"]}
    people = {}
    for name, held in roles.items():
        employee, username, password = create_employee(admin, held, department_id=staff["department_id"])
        people[name] = platform.client(platform.login(username, password))
        people[name].id = employee["id"]
    return people


def refused(response, reason, code="SEGREGATION_OF_DUTIES"):
    problem = assert_problem(response, 403, code)
    assert problem.get("reason") == reason, problem
    return problem


def valued_car(staff, officer, value="200000.00"):
    """A customer of `officer`'s with a car valued by one appraiser and approved by another."""
    customer = register(officer)[0].json()
    car = officer.post("/api/v1/vehicles", json={"vin": new_vin(), "brand": "丰田", "model": "凯美瑞", "year": 2023,
                                                 "owner_customer_id": customer["id"]})
    assert car.status_code == 201, car.text
    valuation = staff["appraiser_a"].post(f"/api/v1/vehicles/{car.json()['id']}/valuations",
                                          json={"appraised_value": value, "method": "market"}).json()
    assert staff["appraiser_b"].post(f"/api/v1/valuations/{valuation['id']}/review",
                                     json={"approve": True}).status_code == 200
    return customer, car.json()


def submitted(staff, product, officer, amount="150000.00", value="200000.00"):
    customer, car = valued_car(staff, officer, value)
    application = officer.post("/api/v1/loan-applications", json={
        "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"], "amount": amount,
        "term_months": 36})
    assert application.status_code == 201, application.text
    return f"/api/v1/loan-applications/{application.json()['id']}"


INVESTIGATION = {"findings": "收入稳定", "recommendation": "approve"}


# -- the reviews ------------------------------------------------------------------------------------------------
def valuation(staff, both, product):
    appraiser = staff["appraiser_a"]
    car = appraiser.post("/api/v1/vehicles", json={"vin": new_vin(), "brand": "本田", "model": "雅阁", "year": 2022,
                                                   "owner_customer_id": register(staff["officer"])[0].json()["id"]})
    assert car.status_code == 201, car.text
    asked = appraiser.post(f"/api/v1/vehicles/{car.json()['id']}/valuations",
                           json={"appraised_value": "150000.00", "method": "market"}).json()
    path = f"/api/v1/valuations/{asked['id']}"
    refused(appraiser.post(f"{path}/review", json={"approve": True}), None, "SELF_REVIEW")
    assert appraiser.get(path).json()["status"] == "submitted"
    assert staff["appraiser_b"].post(f"{path}/review", json={"approve": True}).json()["status"] == "approved"


def investigation(staff, both, product):
    maker = both["officer_reviewer"]
    path = submitted(staff, product, maker)
    refused(maker.post(f"{path}/investigation", json=INVESTIGATION), "investigator")
    assert maker.get(path).json()["status"] == "submitted"
    assert staff["reviewer_1"].post(f"{path}/investigation", json=INVESTIGATION).json()["status"] == "investigated"


def first_decision(staff, both, product):
    path = submitted(staff, product, staff["officer"])
    investigator = staff["reviewer_1"]
    assert investigator.post(f"{path}/investigation", json=INVESTIGATION).status_code == 200
    refused(investigator.post(f"{path}/decision", json={"approve": True}), "decider")
    assert investigator.get(path).json()["status"] == "investigated"
    assert staff["reviewer_2"].post(f"{path}/decision", json={"approve": True}).json()["status"] == "approved"


def second_decision(staff, both, product):
    path = submitted(staff, product, staff["officer"], amount="350000.00", value="500000.00")
    assert staff["reviewer_1"].post(f"{path}/investigation", json=INVESTIGATION).status_code == 200
    first = both["reviewer_approver"]
    assert first.post(f"{path}/decision", json={"approve": True}).json()["status"] == "pending_second_approval"
    refused(first.post(f"{path}/decision", json={"approve": True}), "second_decider")
    assert first.get(path).json()["status"] == "pending_second_approval"
    assert staff["approver"].post(f"{path}/decision", json={"approve": True}).json()["status"] == "approved"


def credit_line(staff, both, product):
    maker = both["officer_reviewer"]
    customer = register(maker)[0].json()
    line = maker.post("/api/v1/credit-lines", json={"customer_id": customer["id"], "limit": "100000.00",
                                                    "expires_on": f"{TODAY.year + 1}-12-31", "revolving": False})
    assert line.status_code == 201, line.text
    path = f"/api/v1/credit-lines/{line.json()['id']}"
    refused(maker.post(f"{path}/decision", json={"approve": True}), "credit_line")
    assert maker.get(path).json()["status"] == "pending"
    assert staff["reviewer_1"].post(f"{path}/decision", json={"approve": True}).json()["status"] == "approved"


def disbursement(staff, both, product):
    path = submitted(staff, product, staff["officer"])
    assert staff["reviewer_1"].post(f"{path}/investigation", json=INVESTIGATION).status_code == 200
    assert staff["reviewer_2"].post(f"{path}/decision", json={"approve": True}).status_code == 200
    loan = staff["officer"].post(f"{path}/contract", json={"signed_on": TODAY.isoformat()}).json()
    maker, loan_path = both["finance"], f"/api/v1/loans/{loan['id']}"
    registered = maker.post(f"{loan_path}/disbursement", json={
        "payee_name": "收款人", "payee_account": "6222020200112233445", "amount": loan["net_amount"]})
    assert registered.status_code == 201, registered.text
    review = {"approve": True, "voucher_no": unique("FK"), "disbursed_on": TODAY.isoformat()}
    refused(maker.post(f"{loan_path}/disbursement/review", json=review), "disbursement_reviewer")
    assert maker.get(loan_path).json()["status"] == "signed"
    assert staff["checker"].post(f"{loan_path}/disbursement/review", json=review).json()["status"] == "approved"


def extension(staff, both, product):
    loan, _, _ = disbursed_loan(staff, product, "120000.00", 24, days_ago=10)
    maker, path = both["officer_approver"], f"/api/v1/loans/{loan['id']}"
    asked = maker.post(f"{path}/extensions", json={"extra_months": 6, "reason": "经营周转困难"})
    assert asked.status_code == 201, asked.text
    decision = f"/api/v1/extensions/{asked.json()['id']}/decision"
    refused(maker.post(decision, json={"approve": True}), "requester")
    assert [e["status"] for e in maker.get(f"{path}/extensions").json()] == ["pending"]
    assert maker.get(path).json()["extended_months"] == 0
    assert staff["approver"].post(decision, json={"approve": True}).status_code == 200
    assert maker.get(path).json()["extended_months"] == 6


def transfer(staff, both, product):
    loan, _, borrower = disbursed_loan(staff, product, "120000.00", 24, days_ago=10)
    maker, path = both["officer_approver"], f"/api/v1/loans/{loan['id']}"
    heir = register(maker, name="赵承接")[0].json()
    asked = maker.post(f"{path}/transfers", json={"to_customer_id": heir["id"], "reason": "原借款人移民"})
    assert asked.status_code == 201, asked.text
    decision = f"/api/v1/transfers/{asked.json()['id']}/decision"
    refused(maker.post(decision, json={"approve": True}), "requester")
    assert maker.get(path).json()["customer_id"] == borrower["id"]
    assert staff["approver"].post(decision, json={"approve": True}).status_code == 200
    assert maker.get(path).json()["customer_id"] == heir["id"]


def _repaid(staff, product, recorder):
    loan, _, _ = disbursed_loan(staff, product, "120000.00", 24, days_ago=10)
    path = f"/api/v1/loans/{loan['id']}"
    paid = recorder.post(f"{path}/repayments", json={"amount": "800.00", "paid_on": TODAY.isoformat(),
                                                     "channel": "bank_transfer"})
    assert paid.status_code == 200, paid.text
    return path, paid.json()


def repayment_reversal_by_its_recorder(staff, both, product):
    maker = both["finance"]
    path, repayment = _repaid(staff, product, maker)
    asked = staff["clerk"].post(f"{path}/repayments/{repayment['id']}/reversal", json={"reason": "重复入账"})
    assert asked.status_code == 201, asked.text
    decision = f"/api/v1/repayment-reversals/{asked.json()['id']}/decision"
    refused(maker.post(decision, json={"approve": True}), "repayment_recorder")
    assert [r["status"] for r in maker.get(f"{path}/repayment-reversals").json()] == ["pending"]
    assert staff["checker"].post(decision, json={"approve": True}).json()["status"] == "approved"


def repayment_reversal_by_its_requester(staff, both, product):
    maker = both["finance"]
    path, repayment = _repaid(staff, product, staff["clerk"])
    asked = maker.post(f"{path}/repayments/{repayment['id']}/reversal", json={"reason": "重复入账"})
    assert asked.status_code == 201, asked.text
    decision = f"/api/v1/repayment-reversals/{asked.json()['id']}/decision"
    refused(maker.post(decision, json={"approve": True}), "requester")
    assert maker.get(path).json()["advance_balance"] == "800.00"
    assert staff["checker"].post(decision, json={"approve": True}).json()["status"] == "approved"
    assert maker.get(path).json()["advance_balance"] == "0.00"


def classification_adjustment(staff, both, product):
    loan, _, _ = disbursed_loan(staff, product, "120000.00", 24, days_ago=10)
    maker = both["post_loan"]

    def grade():
        items = maker.get("/api/v1/classifications", params={"loan_id": loan["id"]}).json()["items"]
        return items and items[0]["grade"]

    assert wait_until(grade, timeout=20, message="the loan's file in collection") == "normal"
    asked = maker.post(f"/api/v1/classifications/{loan['id']}/adjustments",
                       json={"grade": "special_mention", "reason": "借款人经营困难"})
    assert asked.status_code == 201, asked.text
    decision = f"/api/v1/classification-adjustments/{asked.json()['id']}/decision"
    refused(maker.post(decision, json={"approve": True}), "requester")
    assert grade() == "normal"
    assert staff["post_loan"].post(decision, json={"approve": True}).json()["status"] == "approved"
    assert grade() == "special_mention"


def journal_reversal(staff, both, product):
    disbursed_loan(staff, product, "120000.00", 24, days_ago=10)  # something to provision for
    maker = both["finance"]
    wait_until(lambda: maker.get("/api/v1/finance/ledgers/balances").json()["total"], timeout=20,
               message="a loan in the books")
    as_of = "2099-06-30"  # a date of its own: provisions run once per date, and test_finance runs them too
    run = maker.post("/api/v1/finance/provisions/run", json={"as_of": as_of})
    assert run.status_code == 200 and run.json()["entry_id"], run.text
    path = f"/api/v1/finance/journal-entries/{run.json()['entry_id']}"
    assert maker.get(path).json()["created_by"] == maker.id
    reverse = {"reason": "计提有误", "posted_on": as_of}
    refused(maker.post(f"{path}/reverse", json=reverse), "entry_maker")
    entries = maker.get("/api/v1/finance/journal-entries", params={"from": as_of, "to": as_of}).json()["items"]
    assert [e["id"] for e in entries] == [run.json()["entry_id"]]  # no reversing entry
    reversal = staff["checker"].post(f"{path}/reverse", json=reverse)
    assert reversal.status_code == 201 and reversal.json()["reverses_id"] == run.json()["entry_id"], reversal.text


REVIEWS = [valuation, investigation, first_decision, second_decision, credit_line, disbursement, extension, transfer,
           repayment_reversal_by_its_recorder, repayment_reversal_by_its_requester, classification_adjustment,
           journal_reversal]


@pytest.mark.parametrize("review", REVIEWS, ids=[review.__name__ for review in REVIEWS])
def test_the_maker_is_refused_and_another_person_decides(staff, both, product, review):
    review(staff, both, product)
