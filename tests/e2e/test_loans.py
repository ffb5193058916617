"""Loan origination through the gateway (issue 5): from a customer's application to money out of the door, every
step checked by a second person, every refusal clear; the collateral tasks follow on their own."""
import datetime as dt
import uuid
from decimal import Decimal

from services.common import clock
from tests.e2e.conftest import assert_problem, unique
from tests.e2e.test_customers import register
from tests.helpers import new_vin, wait_until

TODAY = clock.today()
def valued_car(staff, value="200000.00"):
    """A customer of the officer's with a car valued by one appraiser and approved by another."""
    customer = register(staff["officer"])[0].json()
    car = staff["officer"].post("/api/v1/vehicles", json={
        "vin": new_vin(), "brand": "丰田", "model": "凯美瑞", "year": 2023, "owner_customer_id": customer["id"]})
    assert car.status_code == 201, car.text
    valuation = staff["appraiser_a"].post(f"/api/v1/vehicles/{car.json()['id']}/valuations",
                                          json={"appraised_value": value, "method": "market"}).json()
    review = staff["appraiser_b"].post(f"/api/v1/valuations/{valuation['id']}/review", json={"approve": True})
    assert review.status_code == 200, review.text
    return customer, car.json()


def apply(staff, product, customer, car, amount="150000.00", term=36, **extra):
    return staff["officer"].post("/api/v1/loan-applications", json={
        "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"], "amount": amount,
        "term_months": term, **extra})


def approved_application(staff, product, amount="150000.00", value="200000.00", term=36):
    customer, car = valued_car(staff, value)
    application = apply(staff, product, customer, car, amount, term)
    assert application.status_code == 201, application.text
    application = application.json()
    investigated = staff["reviewer_1"].post(f"/api/v1/loan-applications/{application['id']}/investigation", json={
        "findings": "收入流水稳定，家访属实", "recommendation": "approve", "income_verified": True})
    assert investigated.status_code == 200, investigated.text
    decided = staff["reviewer_2"].post(f"/api/v1/loan-applications/{application['id']}/decision",
                                       json={"approve": True, "comment": "同意"})
    assert decided.status_code == 200, decided.text
    return customer, car, decided.json()


def test_the_calculator_shows_a_schedule_and_its_apr_without_side_effects(staff):
    response = staff["officer"].post("/api/v1/calculator/schedule", json={
        "amount": "100000.00", "annual_rate": "0.12", "term_months": 12, "repayment_method": "equal_installment",
        "start_date": "2026-01-31"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [line["due_date"] for line in body["installments"][:2]] == ["2026-02-28", "2026-03-31"]
    assert body["installments"][0]["total"] == "8884.88" and body["total_interest"] == "6618.53"
    assert body["apr"] == "0.1200" and body["installments"][-1]["balance_after"] == "0.00"
    flat = staff["officer"].post("/api/v1/calculator/schedule", json={
        "amount": "100000.00", "annual_rate": "0.065", "term_months": 36, "repayment_method": "flat",
        "start_date": "2026-01-15", "upfront_fee": "2000.00"}).json()
    assert Decimal(flat["apr"]) > Decimal("0.12")  # the UI shows both: nominal 6.5 %, real above 12 %
    assert_problem(staff["officer"].post("/api/v1/calculator/schedule", json={
        "amount": 100000.0, "annual_rate": "0.12", "term_months": 12, "repayment_method": "flat",
        "start_date": "2026-01-15"}), 422)


def test_a_product_shows_its_apr_and_refuses_inconsistent_terms(admin, product):
    assert Decimal(product["apr"]) > Decimal(product["annual_rate"])  # the fees raise it
    assert product["repayment_method_label"] == "等额本息"
    assert product["upfront_fees"][1] == {"name": "服务费", "amount": None, "rate": "0.010000"}
    bad = admin.post("/api/v1/products", json={
        "code": unique("BAD"), "name": "x", "repayment_method": "equal_principal", "annual_rate": "0.1",
        "min_term_months": 36, "max_term_months": 12, "min_amount": "1000.00", "max_amount": "500.00"})
    problem = assert_problem(bad, 422, "PRODUCT_INVALID")
    assert set(problem["errors"]) == {"min_term_months", "min_amount"}


def test_every_refusal_rule_at_submission(staff, product):
    customer, car = valued_car(staff, "100000.00")
    cases = [
        ({"amount": "80000.01"}, "LTV_EXCEEDED", "amount"),  # 100,000.00 x 0.80
        ({"amount": "5000.00"}, "AMOUNT_OUT_OF_RANGE", "amount"),
        ({"term": 48}, "TERM_OUT_OF_RANGE", "term_months"),
        ({"amount": "12345.678"}, None, "amount"),
    ]
    for overrides, code, field in cases:
        amount, term = overrides.get("amount", "50000.00"), overrides.get("term", 24)
        problem = assert_problem(apply(staff, product, customer, car, amount, term), 422, code)
        assert field in problem["errors"], problem
    assert assert_problem(apply(staff, product, customer, car, "80000.01", 24), 422)["max_amount"] == "80000.00"

    other, _ = valued_car(staff)
    assert_problem(apply(staff, product, other, car, "50000.00", 24), 422, "VEHICLE_NOT_OWNED")
    unvalued = staff["officer"].post("/api/v1/vehicles", json={
        "vin": new_vin(), "brand": "本田", "model": "雅阁", "year": 2022, "owner_customer_id": customer["id"]}).json()
    assert_problem(apply(staff, product, customer, unvalued, "50000.00", 24), 422, "VALUATION_NOT_CURRENT")

    ok = apply(staff, product, customer, car, "80000.00", 24)
    assert ok.status_code == 201 and ok.json()["status"] == "submitted", ok.text
    assert_problem(apply(staff, product, customer, car, "50000.00", 24), 422, "VEHICLE_ALREADY_PLEDGED")

    blacklisted, their_car = valued_car(staff)
    entry = staff["reviewer_1"].post("/api/v1/blacklist", json={"customer_id": blacklisted["id"], "reason": "骗贷"})
    assert entry.status_code == 201, entry.text
    assert_problem(apply(staff, product, blacklisted, their_car), 422, "CUSTOMER_BLACKLISTED")
    assert_problem(apply(staff, product, {"id": str(uuid.uuid4())}, their_car), 422, "CUSTOMER_NOT_FOUND")


def test_maker_checker_at_every_step_from_application_to_disbursement(platform, staff, product):
    officer, reviewer_1, reviewer_2 = staff["officer"], staff["reviewer_1"], staff["reviewer_2"]
    customer, car = valued_car(staff)
    application = apply(staff, product, customer, car).json()
    path = f"/api/v1/loan-applications/{application['id']}"
    assert_problem(reviewer_2.post(f"{path}/decision", json={"approve": True}), 409, "APPLICATION_STATE")
    assert_problem(officer.post(f"{path}/investigation", json={"findings": "x", "recommendation": "approve"}), 403)
    investigated = reviewer_1.post(f"{path}/investigation", json={
        "findings": "工作稳定，月收入两万", "recommendation": "approve", "home_visit": "已家访"})
    assert investigated.json()["status"] == "investigated", investigated.text
    assert_problem(reviewer_1.post(f"{path}/decision", json={"approve": True}), 403, "SEGREGATION_OF_DUTIES")
    assert_problem(officer.post(f"{path}/decision", json={"approve": True}), 403)
    approved = reviewer_2.post(f"{path}/decision", json={"approve": True, "comment": "风险可控"})
    assert approved.json()["status"] == "approved", approved.text  # 150,000.00: one level is enough
    steps = officer.get(path).json()["steps"]
    assert [s["step"] for s in steps] == ["submit", "investigate", "decision_level_1"]
    assert steps[-1]["actor_id"] == reviewer_2.id and steps[-1]["comment"] == "风险可控"

    contract = officer.post(f"{path}/contract", json={"signed_on": TODAY.isoformat()})
    assert contract.status_code == 201, contract.text
    loan = contract.json()
    assert loan["status"] == "signed" and loan["contract_no"].startswith(f"CL{TODAY:%Y%m%d}-")
    assert loan["fees_total"] == "3000.00" and loan["net_amount"] == "147000.00"  # 1,500 + 1 % of 150,000
    assert_problem(officer.post(f"{path}/contract", json={"signed_on": TODAY.isoformat()}), 409)
    preview = officer.get(f"/api/v1/loans/{loan['id']}/schedule").json()
    assert preview["fixed"] is False and len(preview["installments"]) == 36

    clerk, checker = staff["clerk"], staff["checker"]
    loan_path = f"/api/v1/loans/{loan['id']}"
    payee = {"payee_name": customer["name"], "payee_account": "6222020200112233445"}
    wrong = clerk.post(f"{loan_path}/disbursement", json={**payee, "amount": "150000.00"})
    assert assert_problem(wrong, 422, "DISBURSEMENT_AMOUNT_MISMATCH")["expected"] == "147000.00"
    registered = clerk.post(f"{loan_path}/disbursement", json={**payee, "amount": "147000.00"})
    assert registered.status_code == 201 and registered.json()["status"] == "pending_review", registered.text
    assert registered.json()["payee_account"] == "6222***********3445"
    assert_problem(clerk.post(f"{loan_path}/disbursement/review", json={"approve": True}), 403)
    rejected = checker.post(f"{loan_path}/disbursement/review", json={"approve": False, "comment": "账户名不符"})
    assert rejected.json()["status"] == "rejected", rejected.text
    clerk.post(f"{loan_path}/disbursement", json={**payee, "amount": "147000.00"})

    disbursed_on = TODAY - dt.timedelta(days=0)
    approval = {"approve": True, "voucher_no": "FK-0001", "disbursed_on": disbursed_on.isoformat()}
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = checker.post(f"{loan_path}/disbursement/review", json=approval, headers=key)
    assert first.status_code == 200 and first.json()["status"] == "approved", first.text
    replay = checker.post(f"{loan_path}/disbursement/review", json=approval, headers=key)
    assert replay.status_code == 200 and replay.json() == first.json()
    assert_problem(checker.post(f"{loan_path}/disbursement/review", json={**approval, "voucher_no": "FK-9"},
                                headers=key), 409, "IDEMPOTENCY_KEY_REUSED")
    assert_problem(checker.post(f"{loan_path}/disbursement/review", json=approval), 409,
                   "DISBURSEMENT_ALREADY_REVIEWED")

    active = officer.get(loan_path).json()
    assert active["status"] == "active" and active["outstanding_principal"] == "150000.00"
    assert active["disbursed_on"] == disbursed_on.isoformat()
    schedule = officer.get(f"{loan_path}/schedule").json()
    assert schedule["fixed"] is True
    assert sum(Decimal(line["principal"]) for line in schedule["installments"]) == Decimal("150000.00")

    # The collateral service turns loan.disbursed into the clerk's GPS and mortgage tasks.
    tasks = wait_until(lambda: staff["collateral"].get("/api/v1/gps-tasks", params={"loan_id": loan["id"]})
                       .json()["items"], timeout=20, message="the GPS task")
    assert tasks[0]["vin"] == car["vin"] and tasks[0]["kind"] == "gps_install"
    assert staff["collateral"].get("/api/v1/mortgages", params={"loan_id": loan["id"]}).json()["total"] == 1
    # ... and the customer service into the customer's loan history.
    history = wait_until(lambda: [entry for entry in officer.get(f"/api/v1/customers/{customer['id']}").json()
                                  ["loans"] if entry["loan_id"] == loan["id"]], message="the loan history")
    assert history[0]["status"] == "active" and history[0]["amount"] == "150000.00"


def test_large_amounts_need_a_second_decision_by_an_approver(staff, product):
    customer, car = valued_car(staff, "500000.00")
    application = apply(staff, product, customer, car, "350000.00").json()
    path = f"/api/v1/loan-applications/{application['id']}"
    staff["reviewer_1"].post(f"{path}/investigation", json={"findings": "ok", "recommendation": "approve"})
    first = staff["reviewer_2"].post(f"{path}/decision", json={"approve": True})
    assert first.json()["status"] == "pending_second_approval", first.text
    assert_problem(staff["reviewer_2"].post(f"{path}/decision", json={"approve": True}), 403, "PERMISSION_DENIED")
    second = staff["approver"].post(f"{path}/decision", json={"approve": True, "comment": "二级审批同意"})
    assert second.json()["status"] == "approved" and second.json()["second_decision_by"] == staff["approver"].id


def test_a_rejection_is_final(staff, product):
    customer, car = valued_car(staff)
    application = apply(staff, product, customer, car).json()
    path = f"/api/v1/loan-applications/{application['id']}"
    staff["reviewer_1"].post(f"{path}/investigation", json={"findings": "负债过高", "recommendation": "reject"})
    rejected = staff["reviewer_2"].post(f"{path}/decision", json={"approve": False, "comment": "负债率超标"})
    assert rejected.json()["status"] == "rejected"
    assert_problem(staff["approver"].post(f"{path}/decision", json={"approve": True}), 409, "APPLICATION_STATE")
    # the car is free again for a new application
    assert apply(staff, product, customer, car).status_code == 201


def test_an_apr_above_four_times_lpr_needs_an_approvers_override(admin, staff):
    flat = admin.post("/api/v1/products", json={
        "code": unique("FLAT-"), "name": "等本等息 24期", "repayment_method": "flat", "annual_rate": "0.080000",
        "min_term_months": 12, "max_term_months": 24, "min_amount": "10000.00", "max_amount": "300000.00"}).json()
    assert Decimal(flat["apr"]) > Decimal("0.12")  # far above the nominal 8 %: above 4 × 3.0 % LPR
    _, _, application = approved_application(staff, flat, "100000.00", term=24)
    path = f"/api/v1/loan-applications/{application['id']}"
    assert application["interest_cap"]["exceeds"] is True
    refused = staff["officer"].post(f"{path}/contract", json={"signed_on": TODAY.isoformat()})
    problem = assert_problem(refused, 422, "INTEREST_CAP_EXCEEDED")
    assert problem["cap"] == "0.120000"
    assert_problem(staff["reviewer_2"].post(f"{path}/interest-cap-override", json={"reason": "持牌机构"}), 403)
    override = staff["approver"].post(f"{path}/interest-cap-override",
                                      json={"reason": "本公司为持牌小贷公司，不适用民间借贷利率上限"})
    assert override.status_code == 200 and override.json()["interest_cap"]["overridden_by"] == staff["approver"].id
    assert staff["officer"].post(f"{path}/contract", json={"signed_on": TODAY.isoformat()}).status_code == 201


def test_credit_lines_are_approved_by_another_and_applications_draw_on_them(staff, product):
    customer, car = valued_car(staff)
    line = staff["officer"].post("/api/v1/credit-lines", json={
        "customer_id": customer["id"], "limit": "100000.00",
        "expires_on": (TODAY + dt.timedelta(days=365)).isoformat(), "revolving": False})
    assert line.status_code == 201 and line.json()["status"] == "pending", line.text
    line = line.json()
    refused = apply(staff, product, customer, car, "50000.00", credit_line_id=line["id"])
    assert_problem(refused, 422, "CREDIT_LINE_INVALID")
    decided = staff["reviewer_1"].post(f"/api/v1/credit-lines/{line['id']}/decision", json={"approve": True})
    assert decided.json()["status"] == "approved", decided.text
    drawn = apply(staff, product, customer, car, "60000.00", credit_line_id=line["id"])
    assert drawn.status_code == 201, drawn.text
    assert staff["officer"].get(f"/api/v1/credit-lines/{line['id']}").json()["available"] == "40000.00"
    other_car = staff["officer"].post("/api/v1/vehicles", json={
        "vin": new_vin(), "brand": "别克", "model": "君威", "year": 2021, "owner_customer_id": customer["id"]}).json()
    valuation = staff["appraiser_a"].post(f"/api/v1/vehicles/{other_car['id']}/valuations",
                                          json={"appraised_value": "100000.00", "method": "market"}).json()
    staff["appraiser_b"].post(f"/api/v1/valuations/{valuation['id']}/review", json={"approve": True})
    too_much = apply(staff, product, customer, other_car, "50000.00", credit_line_id=line["id"])
    assert assert_problem(too_much, 422, "CREDIT_LINE_INSUFFICIENT")["available"] == "40000.00"
