"""The collection service on the real broker and PostgreSQL, driven by loan, customer and collateral events
each delivered twice: tasks opened past grace and given round-robin to the department's collectors (asked of
the organisation service), closed when the loan is current or settled; warnings once per cause; grades from DPD
published as `collection.classification_changed`; manual grades by maker-checker, never better than the floor."""
import datetime as dt
import uuid
from collections import Counter
from pathlib import Path

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from services.collection.service import CollectionService
from services.common import clock
from services.common.errors import Forbidden, RuleViolated
from services.common.runner import migrate
from services.org.seed import seed as seed_org
from services.org.service import OrgService
from tests.helpers import EventTap, as_actor, as_service, publish_event, wait_until

ROOT = Path(__file__).resolve().parents[2] / "services"
TODAY = clock.today()
PERMISSIONS = ["collection.view", "collection.task.work", "collection.task.assign", "collection.warning.resolve",
               "collection.classification.adjust", "collection.classification.approve"]


def actor(user_id):
    return {"user_id": user_id, "username": user_id, "data_scope": "all", "department_ids": None,
            "permissions": PERMISSIONS}


def rpc(config, user_id="manager"):
    return ClusterRpcProxy(config, context_data=as_actor(actor(user_id)), timeout=10)


@pytest.fixture
def platform(container_factory, rabbit_config, pg_database, monkeypatch):
    monkeypatch.setenv("CARLOAN_ADMIN_PASSWORD", "Admin-pass-1")
    for cls, seed in ((OrgService, seed_org), (CollectionService, None)):
        url = pg_database(f"carloan_{cls.name}")
        migrate(cls, ROOT / cls.name, seed, url=url, amqp_uri=rabbit_config["AMQP_URI"])
        container_factory(cls, {**rabbit_config, "DATABASE_URL": url}).start()
    return rabbit_config


@pytest.fixture
def department(platform):
    """A branch with three collectors, and a disabled fourth who gets nothing."""
    with ClusterRpcProxy(platform, context_data=as_service("gateway")) as cluster:
        admin = cluster.org.authenticate("admin", "Admin-pass-1")
    with ClusterRpcProxy(platform, context_data=as_actor({**admin, "user_id": admin["id"]})) as cluster:
        branch = cluster.org.create_department({"code": f"B{uuid.uuid4().hex[:6]}", "name": "东莞分公司"})
        collectors = []
        for n in range(4):
            employee = cluster.org.create_employee({
                "username": f"c{uuid.uuid4().hex[:8]}", "password": "Collector-pass-1", "name": f"催收员{n}",
                "department_id": branch["id"], "roles": ["collector"]})
            collectors.append(employee["id"])
        cluster.org.disable_employee(collectors[3])
    return {"id": branch["id"], "collectors": sorted(collectors[:3])}


@pytest.fixture
def published(platform):
    """What the collection service publishes."""
    tap = EventTap(platform["AMQP_URI"], "collection")
    yield tap
    tap.close()


def disburse(config, department_id, customer_id=None, vehicle_id=None, principal="100000.00"):
    loan_id = str(uuid.uuid4())
    publish_event(config["AMQP_URI"], "loan", "disbursed", {
        "loan_id": loan_id, "contract_no": f"CL-{loan_id[:6]}", "customer_id": customer_id or str(uuid.uuid4()),
        "customer_name": "钱七", "department_id": department_id, "officer_id": "officer-1",
        "vehicle_id": vehicle_id or str(uuid.uuid4()), "principal": principal,
        "disbursed_on": (TODAY - dt.timedelta(days=120)).isoformat()})
    return loan_id


def dpd(config, loan_id, value, previous, day=TODAY, grace=3):
    publish_event(config["AMQP_URI"], "loan", "dpd_changed", {
        "loan_id": loan_id, "dpd": value, "previous_dpd": previous, "grace_days": grace,
        "oldest_unpaid_due_date": (day - dt.timedelta(days=value)).isoformat() if value else None,
        "outstanding_principal": "90000.00"}, business_date=day.isoformat())


def graded(config, loan_id):
    with rpc(config) as cluster:
        items = cluster.collection.list_classifications(loan_id=loan_id)["items"]
    return items[0] if items else None


def open_tasks(config, loan_id):
    with rpc(config) as cluster:
        return cluster.collection.list_tasks(loan_id=loan_id, status="open")["items"]


def test_tasks_open_past_grace_round_robin_and_close_when_current(platform, department, published):
    loans = [disburse(platform, department["id"]) for _ in range(6)]
    wait_until(lambda: all(graded(platform, loan) for loan in loans), message="the loan files")
    for loan in loans:
        dpd(platform, loan, 2, 0)  # within the 3 grace days: no task yet
    wait_until(lambda: all(graded(platform, loan)["dpd"] == 2 for loan in loans), message="dpd 2")
    assert all(not open_tasks(platform, loan) for loan in loans)
    for loan in loans:
        dpd(platform, loan, 4, 2)
    tasks = wait_until(lambda: (found := [t for loan in loans for t in open_tasks(platform, loan)])
                       and len(found) == 6 and found, message="six tasks")
    # one task per loan though every event came twice; the three active collectors get two each
    assert sorted(t["loan_id"] for t in tasks) == sorted(loans)
    assert Counter(t["assignee_id"] for t in tasks) == {collector: 2 for collector in department["collectors"]}
    assert {t["stage"] for t in tasks} == {"call_sms"}

    # DPD past 30, then 90: the stage rises
    dpd(platform, loans[0], 31, 4)
    wait_until(lambda: open_tasks(platform, loans[0])[0]["stage"] == "visit", message="visit stage")
    dpd(platform, loans[0], 91, 31)
    wait_until(lambda: open_tasks(platform, loans[0])[0]["stage"] == "legal", message="legal stage")

    # the loan is current again: its task closes itself; a settled one too
    publish_event(platform["AMQP_URI"], "loan", "became_current", {"loan_id": loans[1]})
    publish_event(platform["AMQP_URI"], "loan", "settled", {"loan_id": loans[2]})
    wait_until(lambda: not open_tasks(platform, loans[1]) and not open_tasks(platform, loans[2]),
               message="tasks closed")
    with rpc(platform) as cluster:
        closed = {t["loan_id"]: t for t in cluster.collection.list_tasks(status="closed")["items"]}
    assert closed[loans[1]]["close_reason"] == "current" and closed[loans[2]]["close_reason"] == "settled"


def test_grades_follow_dpd_and_a_manual_grade_needs_a_manager_and_respects_the_floor(platform, department,
                                                                                     published):
    loan = disburse(platform, department["id"])
    wait_until(lambda: graded(platform, loan), message="the loan file")
    assert graded(platform, loan)["grade"] == "normal"
    dpd(platform, loan, 1, 0)
    wait_until(lambda: graded(platform, loan)["grade"] == "special_mention", message="special mention")
    dpd(platform, loan, 91, 1)
    wait_until(lambda: graded(platform, loan)["grade"] == "substandard", message="substandard")
    changes = [e for e in published() if e["type"] == "collection.classification_changed"]
    assert [(e["payload"]["previous"], e["payload"]["classification"]) for e in changes] == [
        ("normal", "special_mention"), ("special_mention", "substandard")]  # once each, though delivered twice

    with rpc(platform, "officer-1") as maker, rpc(platform, "manager") as checker:
        with pytest.raises(RuleViolated, match="better than the floor"):
            maker.collection.request_adjustment(loan, {"grade": "special_mention", "reason": "客户承诺还款"})
        asked = maker.collection.request_adjustment(loan, {"grade": "doubtful", "reason": "借款人失联"})
        with pytest.raises(Forbidden):
            maker.collection.decide_adjustment(asked["id"], {"approve": True})
        checker.collection.decide_adjustment(asked["id"], {"approve": True, "comment": "同意"})
    current = graded(platform, loan)
    assert (current["grade"], current["manual_grade"], current["floor"]) == ("doubtful", "doubtful", "substandard")
    assert [(h["grade"], h["source"]) for h in current["history"]] == [
        ("normal", "auto"), ("special_mention", "auto"), ("substandard", "auto"), ("doubtful", "manual")]
    # beyond 360 days the floor (loss) is worse than the manual grade, and wins
    dpd(platform, loan, 361, 91)
    wait_until(lambda: graded(platform, loan)["grade"] == "loss", message="loss")


def test_warnings_are_raised_once_per_cause_and_resolved(platform, department):
    customer, car = str(uuid.uuid4()), str(uuid.uuid4())
    loan = disburse(platform, department["id"], customer_id=customer, vehicle_id=car, principal="100000.00")
    wait_until(lambda: graded(platform, loan), message="the loan file")
    first_due = TODAY - dt.timedelta(days=70)
    dpd(platform, loan, 5, 0, day=first_due + dt.timedelta(days=5))  # the first installment late
    dpd(platform, loan, 0, 5, day=first_due + dt.timedelta(days=8))
    dpd(platform, loan, 35, 0)  # a second installment late, 35 days
    wait_until(lambda: graded(platform, loan)["dpd"] == 35, message="dpd 35")
    uri = platform["AMQP_URI"]
    publish_event(uri, "customer", "blacklisted", {"customer_id": customer, "reason": "失信被执行人"})
    publish_event(uri, "collateral", "gps_alert", {"kind": "removed", "loan_id": loan, "device_imei": "86",
                                                   "at": "2026-11-20T10:00:00+08:00"})
    publish_event(uri, "collateral", "valuation_approved", {"vehicle_id": car, "appraised_value": "100000.00"})
    wanted = {"first_overdue", "dpd_over_30", "repeated_late", "customer_blacklisted", "gps_removed", "ltv_high"}

    def warnings():
        with rpc(platform) as cluster:
            return cluster.collection.list_warnings(loan_id=loan, page_size=50)["items"]

    found = wait_until(lambda: (w := warnings()) and {x["kind"] for x in w} == wanted and w, timeout=20,
                       message="every warning")
    assert len(found) == len(wanted)  # every event came twice: no duplicate open warning
    assert {w["kind"]: w["level"] for w in found}["gps_removed"] == "high"
    ltv = next(w for w in found if w["kind"] == "ltv_high")
    assert "0.9000" in ltv["detail"]  # 90,000.00 outstanding on a car now worth 100,000.00
    with rpc(platform) as cluster:
        done = cluster.collection.resolve_warning(ltv["id"], {"resolution": "已追加保证人"})
    assert done["status"] == "resolved" and done["resolved_by"] == "manager"
    # the cause again after resolution: a new warning may open
    publish_event(uri, "collateral", "valuation_approved", {"vehicle_id": car, "appraised_value": "95000.00"})
    wait_until(lambda: len([w for w in warnings() if w["kind"] == "ltv_high"]) == 2, message="a new LTV warning")


def test_a_broken_promise_raises_the_task_and_a_kept_one_does_not(platform, department):
    broken, kept = disburse(platform, department["id"]), disburse(platform, department["id"])
    wait_until(lambda: graded(platform, broken) and graded(platform, kept), message="the loan files")
    for loan in (broken, kept):
        dpd(platform, loan, 10, 0)
    tasks = wait_until(lambda: (t := [*open_tasks(platform, broken), *open_tasks(platform, kept)]) and len(t) == 2
                       and t, message="tasks")
    with rpc(platform, "collector") as collector:
        for task in tasks:
            collector.collection.add_record(task["id"], {"channel": "call", "result": "承诺周五还款",
                                                         "promised_amount": "3000.00",
                                                         "promised_on": TODAY.isoformat()})
    publish_event(platform["AMQP_URI"], "loan", "repayment_received", {
        "loan_id": kept, "amount": "3000.00", "paid_on": TODAY.isoformat(), "outstanding_principal": "88000.00"})

    def task_of(loan):
        with rpc(platform) as cluster:
            return cluster.collection.get_task(open_tasks(platform, loan)[0]["id"])

    wait_until(lambda: task_of(kept)["promise"]["status"] == "kept", message="the kept promise")
    tomorrow = TODAY + dt.timedelta(days=1)
    for loan in (broken, kept):
        dpd(platform, loan, 11, 10, day=tomorrow)

    wait_until(lambda: task_of(broken)["promise"]["status"] == "broken", message="the broken promise")
    assert task_of(broken)["priority"] == "high" and task_of(kept)["priority"] == "normal"
    assert task_of(kept)["promise"]["status"] == "kept"
    assert task_of(broken)["records"][0]["channel"] == "call"
    with rpc(platform) as cluster:
        inbox = cluster.collection.list_tasks(status="open")["items"]
    assert inbox[0]["loan_id"] == broken  # high priority first


def test_news_out_of_order_still_warns_and_a_promise_kept_after_the_task_closed_counts(platform, department):
    loan = disburse(platform, department["id"])
    wait_until(lambda: graded(platform, loan), message="the loan file")
    # a catch-up close publishes one DPD event per date; the later one may be read first
    dpd(platform, loan, 10, 0)
    wait_until(lambda: open_tasks(platform, loan), message="the task")
    dpd(platform, loan, 32, 31)  # the 30 → 31 event never arrives (or arrives after, and is older news)

    def kinds():
        with rpc(platform) as cluster:
            return {w["kind"] for w in cluster.collection.list_warnings(loan_id=loan)["items"]}

    wait_until(lambda: "dpd_over_30" in kinds(), message="the DPD-over-30 warning")
    with rpc(platform, "collector") as collector:
        collector.collection.add_record(open_tasks(platform, loan)[0]["id"], {
            "channel": "call", "result": "承诺今天还清", "promised_amount": "5000.00",
            "promised_on": TODAY.isoformat()})
    # the payment makes the loan current; its became_current is read before its repayment_received
    publish_event(platform["AMQP_URI"], "loan", "became_current", {"loan_id": loan})
    wait_until(lambda: not open_tasks(platform, loan), message="the task closed")
    publish_event(platform["AMQP_URI"], "loan", "repayment_received", {
        "loan_id": loan, "amount": "5000.00", "paid_on": TODAY.isoformat(), "outstanding_principal": "85000.00"})

    def promise():
        with rpc(platform) as cluster:
            return cluster.collection.list_tasks(loan_id=loan)["items"][0]["promise"]["status"]

    wait_until(lambda: promise() == "kept", message="the promise kept")


def test_a_restructured_loan_is_regraded_once_its_observation_year_is_over(container_factory, rabbit_config,
                                                                           pg_database):
    from nameko.testing.services import entrypoint_hook
    url = pg_database("carloan_collection_alone")
    migrate(CollectionService, ROOT / "collection", None, url=url, amqp_uri=rabbit_config["AMQP_URI"])
    container = container_factory(CollectionService, {**rabbit_config, "DATABASE_URL": url})
    container.start()
    loan = disburse(rabbit_config, "dept-regrade")
    wait_until(lambda: graded(rabbit_config, loan), message="the loan file")
    extended_on = TODAY - dt.timedelta(days=400)  # more than a year ago, and performing since: no other event
    publish_event(rabbit_config["AMQP_URI"], "loan", "extended", {"loan_id": loan},
                  business_date=extended_on.isoformat())
    wait_until(lambda: graded(rabbit_config, loan)["grade"] == "special_mention", message="关注 while observed")
    with entrypoint_hook(container, "regrade_observed") as regrade:  # the hourly timer
        regrade()
    current = graded(rabbit_config, loan)
    assert current["grade"] == "normal" and current["restructured"] is True
    assert [(h["grade"], h["business_date"]) for h in current["history"]][-2:] == [
        ("special_mention", extended_on.isoformat()), ("normal", TODAY.isoformat())]
