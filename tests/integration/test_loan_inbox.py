"""我的待办 of the loan service on the real broker and PostgreSQL: every kind of decision waits for someone the
maker-checker rules let decide it, never for who made it, and leaves the inbox once decided."""
import uuid

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from services.common import clock
from tests.helpers import as_actor, new_id_number, new_phone
from tests.integration.test_loan_service import platform, setup_customer_and_product, valued_cars  # noqa: F401

PERMISSIONS = ["customer.view", "customer.manage", "collateral.view", "loan.view", "loan.apply", "loan.investigate",
               "loan.approve.first", "loan.approve.second", "loan.contract.sign", "loan.credit_line.manage",
               "loan.credit_line.approve", "loan.disbursement.register", "loan.disbursement.review",
               "loan.repayment.record", "loan.repayment.reverse", "loan.repayment.reverse.approve",
               "loan.servicing.request", "loan.servicing.approve"]


def rpc(config, user_id, permissions=PERMISSIONS, scope="all", department_ids=None):
    return ClusterRpcProxy(config, context_data=as_actor({
        "user_id": user_id, "username": user_id, "data_scope": scope, "department_ids": department_ids,
        "department_id": "dept-1", "permissions": permissions}))


def waiting(config, user_id, kind, **actor):
    with rpc(config, user_id, **actor) as cluster:
        inbox = cluster.loan.inbox(20)
    items = [item for item in inbox["items"] if item["kind"] == kind]
    assert inbox["counts"].get(kind, 0) == len(items)
    return items


@pytest.fixture
def active_loan(platform):  # noqa: F811
    """An active loan made by officer, investigated by reviewer, decided by approver, reviewed by checker."""
    customer, product = setup_customer_and_product(platform)
    [car] = valued_cars(platform, customer["id"], 1)
    today = clock.today().isoformat()
    with rpc(platform, "officer") as officer, rpc(platform, "reviewer") as reviewer, \
            rpc(platform, "approver") as approver, rpc(platform, "checker") as checker:
        application = officer.loan.submit_application({
            "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"],
            "amount": "60000.00", "term_months": 24})
        reviewer.loan.investigate(application["id"], {"findings": "ok", "recommendation": "approve"})
        approver.loan.decide(application["id"], {"approve": True})
        loan = officer.loan.sign_contract(application["id"], {"signed_on": today})
        officer.loan.register_disbursement(loan["id"], {"payee_name": "周九", "payee_account": "6222020200112233445",
                                                        "amount": "59000.00"}, idempotency_key=uuid.uuid4().hex)
        assert [i["id"] for i in waiting(platform, "checker", "disbursement_review")] != []
        assert waiting(platform, "officer", "disbursement_review") == []  # who registered it does not review it
        checker.loan.review_disbursement(loan["id"], {"approve": True, "voucher_no": "V", "disbursed_on": today},
                                         idempotency_key=uuid.uuid4().hex)
    assert waiting(platform, "checker", "disbursement_review") == []
    return customer, loan


def test_an_application_waits_for_each_step_with_someone_who_did_not_take_the_one_before(
        platform, monkeypatch):  # noqa: F811
    monkeypatch.setenv("CARLOAN_SECOND_APPROVAL_THRESHOLD", "50000.00")  # the services run in this process
    customer, product = setup_customer_and_product(platform)
    [car] = valued_cars(platform, customer["id"], 1)
    with rpc(platform, "officer") as officer, rpc(platform, "reviewer") as reviewer, \
            rpc(platform, "approver") as approver:
        application = officer.loan.submit_application({
            "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"],
            "amount": "60000.00", "term_months": 24})
        assert waiting(platform, "officer", "application_investigation") == []
        [item] = waiting(platform, "reviewer", "application_investigation")
        assert item["id"] == application["id"] and item["title"] == "待贷前调查 · 周九 · ¥60,000.00"
        assert item["summary"] == "车抵贷 · 24期"

        reviewer.loan.investigate(application["id"], {"findings": "ok", "recommendation": "approve"})
        assert waiting(platform, "reviewer", "application_investigation") == []
        assert waiting(platform, "reviewer", "application_decision") == []  # the investigator does not decide
        assert [i["id"] for i in waiting(platform, "approver", "application_decision")] == [application["id"]]
        assert waiting(platform, "approver", "application_decision",
                       permissions=["loan.view", "loan.approve.second"]) == []  # nor without the permission

        approver.loan.decide(application["id"], {"approve": True})  # above the threshold: a second decision
        assert waiting(platform, "approver", "application_second_approval") == []
        assert [i["id"] for i in waiting(platform, "checker", "application_second_approval")] == [application["id"]]
        # outside the caller's data scope nothing waits for them
        assert waiting(platform, "checker", "application_second_approval", scope="department",
                       department_ids=["dept-2"]) == []


def test_credit_lines_extensions_transfers_and_reversals_wait_for_another_than_who_asked(
        platform, active_loan):  # noqa: F811
    customer, loan = active_loan
    with rpc(platform, "officer") as officer, rpc(platform, "clerk") as clerk:
        line = officer.loan.create_credit_line({"customer_id": customer["id"], "limit": "100000.00",
                                                "expires_on": "2099-12-31", "revolving": True})
        extension = officer.loan.request_extension(loan["id"], {"extra_months": 6, "reason": "经营周转困难"})
        other = officer.customer.create_person({"name": "吴十", "id_number": new_id_number(), "phone": new_phone()})
        transfer = officer.loan.request_transfer(loan["id"], {"to_customer_id": other["id"], "reason": "家庭内部承接"})
        repayment = clerk.loan.record_repayment(loan["id"], {"amount": "100.00", "paid_on": clock.today().isoformat(),
                                                             "channel": "cash"}, idempotency_key=uuid.uuid4().hex)
        reversal = officer.loan.request_reversal(loan["id"], repayment["id"], {"reason": "金额录错"},
                                                 idempotency_key=uuid.uuid4().hex)

    for kind, made in (("credit_line_decision", line), ("extension_decision", extension),
                       ("transfer_decision", transfer), ("reversal_decision", reversal)):
        assert waiting(platform, "officer", kind) == [], kind
        [item] = waiting(platform, "checker", kind)
        assert item["id"] == made["id"], kind
    assert waiting(platform, "clerk", "reversal_decision") == []  # who recorded the repayment does not reverse it
    [item] = waiting(platform, "checker", "extension_decision")
    assert item["title"] == f"待展期审批 · {loan['contract_no']} · 展期 6 个月"
    assert item["action"] == f"/api/v1/extensions/{extension['id']}/decision"
    [item] = waiting(platform, "checker", "transfer_decision")
    assert item["title"] == f"待债务转让审批 · {loan['contract_no']} · 转至 吴十"
    [item] = waiting(platform, "checker", "reversal_decision")
    assert item["title"] == f"待还款冲正复核 · {loan['contract_no']} · ¥100.00"

    with rpc(platform, "checker") as checker:
        checker.loan.decide_credit_line(line["id"], {"approve": False})
        checker.loan.decide_extension(extension["id"], {"approve": False}, idempotency_key=uuid.uuid4().hex)
    assert waiting(platform, "checker", "credit_line_decision") == []
    assert waiting(platform, "checker", "extension_decision") == []
