"""The loan service with the customer and collateral services on the real broker and PostgreSQL: concurrent draws
on one credit line never pass its limit; two concurrent approvals of one disbursement pay it out once."""
import datetime as dt
import secrets
import uuid
from decimal import Decimal
from pathlib import Path

import eventlet
import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from prometheus_client import REGISTRY

from services.collateral.service import CollateralService
from services.common import clock
from services.common.errors import Conflict, RuleViolated
from services.common.runner import migrate
from services.customer.service import CustomerService
from services.loan import cob
from services.loan.seed import seed
from services.loan.service import LoanService
from tests.helpers import EventTap, as_actor, new_id_number, new_phone, new_vin, wait_until

ROOT = Path(__file__).resolve().parents[2] / "services"
PERMISSIONS = ["customer.view", "customer.manage", "collateral.view", "collateral.vehicle.manage",
               "collateral.valuation.submit", "collateral.valuation.review", "loan.view", "loan.apply",
               "loan.product.manage", "loan.credit_line.manage", "loan.credit_line.approve", "loan.investigate",
               "loan.approve.first", "loan.contract.sign", "loan.disbursement.register", "loan.disbursement.review",
               "loan.repayment.record", "loan.cob.run"]


def rpc(config, user_id):
    return ClusterRpcProxy(config, context_data=as_actor({
        "user_id": user_id, "username": user_id, "data_scope": "all", "department_ids": None,
        "department_id": "dept-1", "permissions": PERMISSIONS}))


@pytest.fixture
def platform(container_factory, rabbit_config, pg_database):
    key = secrets.token_urlsafe(32)
    urls = {}
    for cls in (CustomerService, CollateralService, LoanService):
        url = urls[cls.name] = pg_database(f"carloan_{cls.name}")
        migrate(cls, ROOT / cls.name, seed=seed if cls is LoanService else None, url=url,
                amqp_uri=rabbit_config["AMQP_URI"])
        container_factory(cls, {**rabbit_config, "DATABASE_URL": url, "PII_KEY": key}).start()
    return {**rabbit_config, "PII_KEY": key, "LOAN_DATABASE_URL": urls["loan"]}


def valued_cars(config, customer_id, count):
    with rpc(config, "officer") as officer, rpc(config, "appraiser") as appraiser:
        cars = []
        for _ in range(count):
            car = officer.collateral.create_vehicle({"vin": new_vin(), "brand": "吉利", "model": "星越", "year": 2024,
                                                     "owner_customer_id": customer_id})
            valuation = officer.collateral.submit_valuation(car["id"], {"appraised_value": "100000.00",
                                                                        "method": "market"})
            appraiser.collateral.review_valuation(valuation["id"], {"approve": True})
            cars.append(car)
        return cars


def setup_customer_and_product(config):
    with rpc(config, "officer") as officer:
        customer = officer.customer.create_person({"name": "周九", "id_number": new_id_number(),
                                                   "phone": new_phone()})
        product = officer.loan.create_product({
            "code": f"P{uuid.uuid4().hex[:6]}", "name": "车抵贷", "repayment_method": "equal_installment",
            "annual_rate": "0.088800", "min_term_months": 6, "max_term_months": 36, "min_amount": "10000.00",
            "max_amount": "500000.00", "upfront_fees": [{"name": "GPS费", "amount": "1000.00"}]})
    return customer, product


def test_concurrent_draws_on_one_credit_line_never_exceed_its_limit(platform):
    customer, product = setup_customer_and_product(platform)
    cars = valued_cars(platform, customer["id"], 5)
    with rpc(platform, "officer") as officer, rpc(platform, "reviewer") as reviewer:
        line = officer.loan.create_credit_line({"customer_id": customer["id"], "limit": "100000.00",
                                                "expires_on": "2099-12-31", "revolving": True})
        reviewer.loan.decide_credit_line(line["id"], {"approve": True})

    def submit(car):
        with rpc(platform, "officer") as cluster:
            try:
                return cluster.loan.submit_application({
                    "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"],
                    "amount": "30000.00", "term_months": 12, "credit_line_id": line["id"]})["id"]
            except RuleViolated as refused:
                return refused.code

    outcomes = list(eventlet.GreenPool(5).imap(submit, cars))
    assert sorted(o for o in outcomes if o == "CREDIT_LINE_INSUFFICIENT") == ["CREDIT_LINE_INSUFFICIENT"] * 2, outcomes
    with rpc(platform, "officer") as officer:
        assert officer.loan.get_credit_line(line["id"])["available"] == "10000.00"
        assert officer.loan.list_applications(customer_id=customer["id"])["total"] == 3


def events_of(config, event_type):
    return EventTap(config["AMQP_URI"], "loan", routing_key=event_type)


def test_two_concurrent_approvals_of_one_disbursement_pay_it_out_once(platform):
    customer, product = setup_customer_and_product(platform)
    [car] = valued_cars(platform, customer["id"], 1)
    disbursed = events_of(platform, "disbursed")
    today = clock.today().isoformat()
    with rpc(platform, "officer") as officer, rpc(platform, "reviewer") as reviewer, \
            rpc(platform, "approver") as approver:
        application = officer.loan.submit_application({
            "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"],
            "amount": "60000.00", "term_months": 24})  # over 12 months the fee would push the APR above 12 %
        reviewer.loan.investigate(application["id"], {"findings": "ok", "recommendation": "approve"})
        approver.loan.decide(application["id"], {"approve": True})
        loan = officer.loan.sign_contract(application["id"], {"signed_on": today})
        officer.loan.register_disbursement(loan["id"], {"payee_name": "周九", "payee_account": "6222020200112233445",
                                                        "amount": "59000.00"}, idempotency_key=uuid.uuid4().hex)

    def approve(key):
        with rpc(platform, "checker") as checker:
            try:
                return checker.loan.review_disbursement(loan["id"], {"approve": True, "voucher_no": key,
                                                                     "disbursed_on": today},
                                                        idempotency_key=key)["status"]
            except Conflict as conflict:
                return conflict.code

    outcomes = sorted(eventlet.GreenPool(2).imap(approve, ["K-1", "K-2"]))
    assert outcomes == ["DISBURSEMENT_ALREADY_REVIEWED", "approved"]
    events = wait_until(disbursed, message="loan.disbursed")
    eventlet.sleep(1)
    assert len(disbursed()) == 1
    payload = events[0]["payload"]
    assert payload["loan_id"] == loan["id"] and payload["vehicle_id"] == car["id"]
    assert payload["principal"] == "60000.00" and payload["net_amount"] == "59000.00"
    assert payload["fees"] == [{"name": "GPS费", "amount": "1000.00"}] and payload["department_id"] == "dept-1"
    assert payload["schedule"]["installments"] == 24 and events[0]["business_date"] == today


def test_fifty_concurrent_repayments_on_one_loan_end_exact(platform):
    customer, product = setup_customer_and_product(platform)
    [car] = valued_cars(platform, customer["id"], 1)
    signed = (clock.today() - dt.timedelta(days=40)).isoformat()  # the first installment is due
    with rpc(platform, "officer") as officer, rpc(platform, "reviewer") as reviewer, \
            rpc(platform, "approver") as approver, rpc(platform, "checker") as checker:
        application = officer.loan.submit_application({
            "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"],
            "amount": "60000.00", "term_months": 24})
        reviewer.loan.investigate(application["id"], {"findings": "ok", "recommendation": "approve"})
        approver.loan.decide(application["id"], {"approve": True})
        loan = officer.loan.sign_contract(application["id"], {"signed_on": signed})
        officer.loan.register_disbursement(loan["id"], {"payee_name": "周九", "payee_account": "6222020200112233445",
                                                        "amount": "59000.00"}, idempotency_key=uuid.uuid4().hex)
        checker.loan.review_disbursement(loan["id"], {"approve": True, "voucher_no": "V", "disbursed_on": signed},
                                         idempotency_key=uuid.uuid4().hex)
        first = officer.loan.get_schedule(loan["id"])["installments"][0]

    def repay(n):
        with rpc(platform, "clerk") as clerk:
            return clerk.loan.record_repayment(loan["id"], {"amount": "10.00", "paid_on": clock.today().isoformat(),
                                                            "channel": "cash"}, idempotency_key=f"K-{n}")["allocation"]

    allocations = list(eventlet.GreenPool(50).imap(repay, range(50)))
    paid = {part: sum(Decimal(a[part]) for a in allocations) for part in ("interest", "principal", "advance")}
    assert sum(paid.values()) == Decimal("500.00")  # every fen of every repayment, none lost or doubled
    interest = Decimal(first["interest"])
    assert paid["interest"] == min(interest, Decimal("500.00")) and paid["advance"] == Decimal("0")
    with rpc(platform, "officer") as officer:
        line = officer.loan.get_schedule(loan["id"])["installments"][0]
        assert Decimal(line["paid_interest"]) + Decimal(line["paid_principal"]) == Decimal("500.00")
        assert officer.loan.get_loan(loan["id"])["outstanding_principal"] == str(Decimal("60000.00") -
                                                                                  paid["principal"])
        assert officer.loan.list_repayments(loan["id"])["total"] == 50


def overdue_loans(config, count, days_ago=45):
    """`count` loans paid out `days_ago` days ago (each has an installment past due and past grace)."""
    customer, product = setup_customer_and_product(config)
    cars = valued_cars(config, customer["id"], count)
    signed = (clock.today() - dt.timedelta(days=days_ago)).isoformat()
    loans = []
    with rpc(config, "officer") as officer, rpc(config, "reviewer") as reviewer, \
            rpc(config, "approver") as approver, rpc(config, "checker") as checker:
        for car in cars:
            application = officer.loan.submit_application({
                "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"],
                "amount": "60000.00", "term_months": 24})
            reviewer.loan.investigate(application["id"], {"findings": "ok", "recommendation": "approve"})
            approver.loan.decide(application["id"], {"approve": True})
            loan = officer.loan.sign_contract(application["id"], {"signed_on": signed})
            officer.loan.register_disbursement(loan["id"], {"payee_name": "周九", "amount": "59000.00",
                                                            "payee_account": "6222020200112233445"},
                                               idempotency_key=uuid.uuid4().hex)
            checker.loan.review_disbursement(loan["id"], {"approve": True, "voucher_no": "V",
                                                          "disbursed_on": signed}, idempotency_key=uuid.uuid4().hex)
            loans.append(loan["id"])
    return loans


def expected_penalty(config, loan_id, today):
    """One accrual per day late on the first installment, computed here: principal × 8.88 % × 1.5 / 360."""
    with rpc(config, "officer") as officer:
        first = officer.loan.get_schedule(loan_id)["installments"][0]
    daily = (Decimal(first["principal"]) * Decimal("0.0888") * Decimal("1.5") / 360).quantize(Decimal("0.0001"),
                                                                                             "ROUND_HALF_UP")
    late = (today - dt.date.fromisoformat(first["due_date"])).days
    return str((daily * late).quantize(Decimal("0.01"), "ROUND_HALF_UP")), late


def test_a_close_of_business_that_dies_midway_is_run_again_without_accruing_twice(platform, monkeypatch):
    loans = overdue_loans(platform, 6)
    monkeypatch.setenv("CARLOAN_COB_PARTITIONS", "4")  # four loan-id ranges, each closed in one transaction
    closed = []
    original = cob.RangeClose.run

    def dies_after_the_first_range(self):
        if closed:
            raise RuntimeError("the machine went down")
        closed.append((self.low, self.high))
        return original(self)

    monkeypatch.setattr(cob.RangeClose, "run", dies_after_the_first_range)
    today = clock.today()
    with rpc(platform, "admin") as admin:
        with pytest.raises(Exception, match="machine went down"):
            admin.loan.run_cob({"business_date": today.isoformat()})
        status = admin.loan.cob_status()
        assert status["status"] == "running" and status["partitions"] == {"done": 1, "pending": 3}
        low, high = closed[0]
        penalties = {loan: admin.loan.get_loan(loan)["accrued_penalty"] for loan in loans}
        # the first range is wholly closed, the others not at all
        assert {loan for loan, p in penalties.items() if p != "0.00"} == {l for l in loans if low <= l < high}
        monkeypatch.setattr(cob.RangeClose, "run", original)
        result = admin.loan.run_cob({"business_date": today.isoformat()})
        assert result["status"] == "done" and result["loans"] == 6 and result["partitions"] == {"done": 4}
        after = {loan: admin.loan.get_loan(loan) for loan in loans}
    # every loan carries exactly one accrual for the date: the penalty and DPD computed here
    penalty, late = expected_penalty(platform, loans[0], today)
    assert {detail["accrued_penalty"] for detail in after.values()} == {penalty}
    assert {detail["dpd"] for detail in after.values()} == {late}


def test_two_replicas_share_one_date_and_each_range_is_closed_once(platform, container_factory, monkeypatch):
    loans = overdue_loans(platform, 8)
    monkeypatch.setenv("CARLOAN_COB_PARTITIONS", "16")
    replica = container_factory(LoanService, {**platform, "DATABASE_URL": platform["LOAN_DATABASE_URL"]})
    replica.start()
    ranges = []
    original = cob.RangeClose.run

    def slow_range(self):
        ranges.append((self.low, self.high, id(self.unit)))
        eventlet.sleep(0.05)  # long enough for both replicas to be closing at once
        return original(self)

    monkeypatch.setattr(cob.RangeClose, "run", slow_range)
    today = clock.today()
    with rpc(platform, "admin") as first, rpc(platform, "admin") as second:
        calls = [eventlet.spawn(proxy.loan.run_cob, {"business_date": today.isoformat()}) for proxy in (first, second)]
        results = [call.wait() for call in calls]
        assert {r["status"] for r in results} == {"done"} and results[0]["partitions"] == {"done": 16}
        assert results[0]["loans"] == 8
        details = [first.loan.get_loan(loan) for loan in loans]
    assert len({(low, high) for low, high, _ in ranges}) == len(ranges) == 16  # no range closed twice
    assert len({worker for _, _, worker in ranges}) >= 2  # both replicas closed some
    penalty, late = expected_penalty(platform, loans[0], today)
    assert {d["accrued_penalty"] for d in details} == {penalty} and {d["dpd"] for d in details} == {late}


def test_ten_concurrent_repayments_under_one_key_record_one(platform):
    [loan_id] = overdue_loans(platform, 1, days_ago=40)
    key = uuid.uuid4().hex

    def repay(_):
        with rpc(platform, "clerk") as clerk:
            return clerk.loan.record_repayment(loan_id, {"amount": "100.00", "paid_on": clock.today().isoformat(),
                                                         "channel": "cash"}, idempotency_key=key)

    answers = list(eventlet.GreenPool(10).imap(repay, range(10)))
    assert len({answer["id"] for answer in answers}) == 1  # every caller gets the first answer
    with rpc(platform, "officer") as officer:
        assert officer.loan.list_repayments(loan_id)["total"] == 1
        line = officer.loan.get_schedule(loan_id)["installments"][0]
        assert Decimal(line["paid_interest"]) + Decimal(line["paid_principal"]) == Decimal("100.00")


def test_the_nightly_close_starts_by_itself_once_its_time_has_passed(platform, monkeypatch):
    [loan_id] = overdue_loans(platform, 1)
    monkeypatch.setenv("CARLOAN_COB_AT", "00:00")  # any time today is past midnight
    today = clock.today()
    with rpc(platform, "admin") as admin:
        run = wait_until(lambda: (status := admin.loan.cob_status()) and status["status"] == "done" and status,
                         timeout=30, message="the scheduled close of business")
        assert run["business_date"] == today.isoformat() and run["started_by"] == "system:loan"
        midnight = dt.datetime.combine(today, dt.time(), tzinfo=clock.zone()).timestamp()
        assert REGISTRY.get_sample_value("carloan_cob_closed_business_date_seconds") == midnight  # for the alert
        penalty, late = expected_penalty(platform, loan_id, today)
        detail = admin.loan.get_loan(loan_id)
        assert (detail["accrued_penalty"], detail["dpd"]) == (penalty, late)


def test_the_first_contracts_of_a_day_signed_at_once_both_get_their_number(platform):
    customer, product = setup_customer_and_product(platform)
    cars = valued_cars(platform, customer["id"], 4)
    signed_on = clock.today() - dt.timedelta(days=3)  # no contract signed that day yet
    approved = []
    with rpc(platform, "officer") as officer, rpc(platform, "reviewer") as reviewer, \
            rpc(platform, "approver") as approver:
        for car in cars:
            application = officer.loan.submit_application({
                "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"],
                "amount": "60000.00", "term_months": 24})
            reviewer.loan.investigate(application["id"], {"findings": "ok", "recommendation": "approve"})
            approver.loan.decide(application["id"], {"approve": True})
            approved.append(application["id"])

    def sign(application_id):
        with rpc(platform, "officer") as officer:
            try:
                return officer.loan.sign_contract(application_id, {"signed_on": signed_on.isoformat()})["contract_no"]
            except Conflict as conflict:  # was: CONCURRENT_CHANGE for all but one
                return conflict.code

    numbers = sorted(eventlet.GreenPool(4).imap(sign, approved))
    assert numbers == [f"CL{signed_on:%Y%m%d}-{n:04d}" for n in range(1, 5)]
