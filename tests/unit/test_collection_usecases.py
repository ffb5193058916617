"""The collection service's use cases on the real unit of work (tests/fakes.py), driven as its entrypoints drive
them: loan events loaded through the service's own schemas, the organisation service a stub. What they store,
publish and audit, and that a refusal writes nothing."""
import datetime as dt
import itertools
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from services.collection import views
from services.collection.models import (Base, CollectionRecord, CollectionTask, GradeAdjustment, GradeChange,
                                        LoanFile, RiskWarning)
from services.collection.schemas import (AdjustmentIn, Amounts, AssignIn, DecisionIn, DpdChanged, LoanDisbursed,
                                         RecordIn, ResolveIn, ValuationApproved)
from services.collection.usecases import classification, loan_file, tasks, warnings
from services.common import clock
from services.common.consumer import Envelope
from services.common.errors import DomainError
from services.common.refusal import Refused
from services.common.schemas import load
from tests.fakes import FakeUnitOfWork, actor

TODAY = clock.today()
DEPARTMENT = "d-dongguan"
_published = itertools.count()
_START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


class _Reply:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class _RoleMembers:
    def __init__(self, org):
        self.org = org

    def call_async(self, role, department_id):
        self.org.asked.append((role, department_id))
        return _Reply(list(self.org.members.get(department_id, ())))


class Org:
    """The organisation service as `services.common.ask.ask` calls it: `role_members("collector", department)`."""
    service_name = "org"

    def __init__(self, members):
        self.members, self.asked = members, []

    @property
    def role_members(self):
        return _RoleMembers(self)


@pytest.fixture
def uow():
    return FakeUnitOfWork("collection", Base.metadata, actor("e-manager", department_id=DEPARTMENT))


@pytest.fixture
def org():
    return Org({DEPARTMENT: ["c-2", "c-1", "c-3"]})


def event(payload, day=TODAY, source="loan"):
    """An envelope as the broker delivers it, each published a second after the one before."""
    return Envelope(event_id=str(uuid.uuid4()), type=f"{source}.x", source=source, correlation_id=None,
                    occurred_at=(_START + dt.timedelta(seconds=next(_published))).isoformat(),
                    business_date=day.isoformat(), payload=payload)


def disburse(uow, principal="100000.00", vehicle_id=None, loan_id=None):
    loan_id = loan_id or str(uuid.uuid4())
    payload = {"loan_id": loan_id, "contract_no": f"CL-{loan_id[:6]}", "customer_id": "cust-1",
               "customer_name": "钱七", "department_id": DEPARTMENT, "officer_id": "officer-1",
               "vehicle_id": vehicle_id or str(uuid.uuid4()), "principal": principal,
               "disbursed_on": (TODAY - dt.timedelta(days=120)).isoformat()}
    loan = loan_file.open_file(uow, load(LoanDisbursed(), payload), event=event(payload))
    uow.commit()
    return loan


def dpd(uow, org, loan, value, day=TODAY, grace=3, envelope=None):
    payload = {"loan_id": loan.loan_id, "dpd": value, "grace_days": grace, "outstanding_principal": "90000.00",
               "oldest_unpaid_due_date": (day - dt.timedelta(days=value)).isoformat() if value else None}
    loan_file.apply_dpd(uow, load(DpdChanged(), payload), event=envelope or event(payload, day), org=org)
    uow.commit()


def overdue_task(uow, org):
    loan = disburse(uow)
    dpd(uow, org, loan, 5)
    return loan, tasks.open_task_of(uow, loan.loan_id, lock=False)


def refused(code, call, *args, **kwargs):
    with pytest.raises((DomainError, Refused)) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def count(uow, model):
    return uow.session.scalar(select(func.count()).select_from(model))


def test_a_loan_past_grace_gets_a_task_round_robin_a_first_overdue_warning_and_a_worse_grade(uow, org):
    first, second = disburse(uow), disburse(uow, principal="80000.00")
    assert disburse(uow, principal="1.00", loan_id=first.loan_id) is None  # redelivered: no second file
    assert count(uow, LoanFile) == 2 and uow.events() == []
    assert uow.session.get(LoanFile, first.loan_id).outstanding_principal == Decimal("100000.00")

    for loan in (first, second):
        dpd(uow, org, loan, 2, day=TODAY - dt.timedelta(days=2))  # within grace: warned, graded, not chased
    assert count(uow, CollectionTask) == 0
    assert {(w.loan_id, w.kind, w.level, w.owner_id) for w in uow.session.scalars(select(RiskWarning))} == {
        (first.loan_id, "first_overdue", "low", "officer-1"), (second.loan_id, "first_overdue", "low", "officer-1")}
    changed = uow.events("collection.classification_changed")
    assert [(e["loan_id"], e["previous"], e["classification"], e["source"], e["dpd"]) for e in changed] == [
        (first.loan_id, "normal", "special_mention", "auto", 2), (second.loan_id, "normal", "special_mention", "auto", 2)]
    assert changed[0]["outstanding_principal"] == "90000.00"

    for loan in (first, second):
        dpd(uow, org, loan, 4)  # the same installment, two days later
    opened = uow.session.scalars(select(CollectionTask).order_by(CollectionTask.created_at)).all()
    # round-robin in id order, whatever order the organisation service answers in
    assert [(t.loan_id, t.assignee_id, t.stage, t.status) for t in opened] == [
        (first.loan_id, "c-1", "call_sms", "open"), (second.loan_id, "c-2", "call_sms", "open")]
    assert org.asked == [("collector", DEPARTMENT)] * 2
    assert count(uow, RiskWarning) == 2  # one late installment, once first overdue: no other warning
    assert len(uow.events("collection.classification_changed")) == 2  # still special mention: nothing new
    history = uow.session.scalars(select(GradeChange).where(GradeChange.loan_id == first.loan_id)
                                  .order_by(GradeChange.changed_at, GradeChange.id)).all()
    assert [(c.previous, c.grade, c.reason) for c in history] == [(None, "normal", "放款"),
                                                                  ("normal", "special_mention", None)]


def test_a_dpd_published_before_the_one_the_file_holds_is_not_applied(uow, org):
    loan = disburse(uow)
    payload = {"loan_id": loan.loan_id, "dpd": 40, "grace_days": 3, "outstanding_principal": None}
    older = event(payload)  # published first, read last
    dpd(uow, org, loan, 95)
    dpd(uow, org, loan, 40, envelope=older)

    stored = uow.session.get(LoanFile, loan.loan_id)
    assert (stored.dpd, stored.grade) == (95, "substandard")
    assert tasks.open_task_of(uow, loan.loan_id, lock=False).stage == "legal"
    assert [e["classification"] for e in uow.events("collection.classification_changed")] == ["substandard"]


def test_a_promise_to_pay_is_kept_by_money_paid_by_its_date(uow, org):
    loan, task = overdue_task(uow, org)
    data = load(RecordIn(), {"channel": "call", "result": "答应后天还款", "promised_amount": "3000.00",
                             "promised_on": (TODAY + dt.timedelta(days=2)).isoformat()})
    record = tasks.add_record(uow, task.id, data)
    uow.commit()

    assert views.record(record)["promised_amount"] == "3000.00"
    assert (task.promise_status, task.due_on) == ("pending", TODAY + dt.timedelta(days=2))
    assert uow.audits("add_collection_record") == [("add_collection_record", "collection_task", task.id,
                                                    {"channel": "call"})]

    for amount in ("1000.00", "2000.00"):  # two payments reach the promised amount
        payload = {"loan_id": loan.loan_id, "amount": amount, "paid_on": TODAY.isoformat(),
                   "outstanding_principal": "88000.00"}
        loan_file.record_repayment(uow, load(Amounts(), payload), event=event(payload))
        uow.commit()
    stored = uow.session.get(CollectionTask, task.id)
    assert (stored.promise_paid, stored.promise_status, stored.due_on) == (
        Decimal("3000.00"), "kept", TODAY + dt.timedelta(days=tasks.FOLLOW_UP_DAYS))
    assert uow.session.get(LoanFile, loan.loan_id).outstanding_principal == Decimal("88000.00")


def test_a_promise_not_kept_by_its_date_puts_the_task_first(uow, org):
    loan, task = overdue_task(uow, org)
    tasks.add_record(uow, task.id, load(RecordIn(), {"channel": "sms", "result": "今天还", "promised_on":
                                                     TODAY.isoformat(), "promised_amount": "500.00"}))
    uow.commit()
    tomorrow = TODAY + dt.timedelta(days=1)
    dpd(uow, org, loan, 6, day=tomorrow)

    stored = uow.session.get(CollectionTask, task.id)
    assert (stored.promise_status, stored.priority, stored.due_on, stored.dpd) == ("broken", "high", tomorrow, 6)
    answer = views.page(tasks.list_tasks(uow, {"status": "open"}), views.task)
    assert answer["total"] == 1 and answer["items"][0]["promise"] == {
        "amount": "500.00", "promised_on": TODAY.isoformat(), "paid": "0.00", "status": "broken"}
    assert answer["items"][0]["contract_no"] == loan.contract_no and answer["items"][0]["status_label"] == "处理中"


def test_a_promise_in_the_past_or_without_its_amount_is_refused_and_writes_nothing(uow, org):
    _, task = overdue_task(uow, org)
    past = {"channel": "call", "result": "昨天就该还", "promised_amount": "100.00",
            "promised_on": (TODAY - dt.timedelta(days=1)).isoformat()}
    error = refused("PROMISE_IN_PAST", tasks.add_record, uow, task.id, load(RecordIn(), past))
    assert error.errors == {"promised_on": ["a promise is for today or later"]}
    uow.rollback()
    refused("PROMISE_INCOMPLETE", tasks.add_record, uow, task.id,
            load(RecordIn(), {"channel": "call", "result": "会还", "promised_amount": "100.00"}))
    uow.rollback()

    assert count(uow, CollectionRecord) == 0
    stored = uow.session.get(CollectionTask, task.id)
    assert (stored.promise_status, stored.promised_on, stored.due_on) == (None, None, TODAY)
    assert uow.audits() == []


def test_a_manager_reassigns_a_task_only_to_a_collector_of_its_department(uow, org):
    loan, task = overdue_task(uow, org)
    assert task.assignee_id == "c-1"
    refused("COLLECTOR_INVALID", tasks.assign_task, uow, task.id, load(AssignIn(), {"collector_id": "c-9"}), org=org)
    uow.rollback()
    assert uow.session.get(CollectionTask, task.id).assignee_id == "c-1" and uow.audits() == []

    assigned, file = tasks.assign_task(uow, task.id, load(AssignIn(), {"collector_id": "c-3"}), org=org)
    uow.commit()
    assert uow.session.get(CollectionTask, task.id).assignee_id == "c-3"
    assert views.task(assigned, file)["assignee_id"] == "c-3"
    assert uow.audits() == [("assign_task", "collection_task", task.id, {"collector_id": "c-3"})]
    collector = actor("c-3", department_id="elsewhere", data_scope="own")
    assert tasks.task_grants_read(uow.as_(collector), {"loan_id": loan.loan_id}) is True
    assert tasks.task_grants_read(uow.as_(actor("c-1")), {"customer_id": loan.customer_id}) is False


def test_a_settled_loan_closes_its_task_which_takes_no_more_records(uow, org):
    loan, task = overdue_task(uow, org)
    loan_file.settle_file(uow, {"loan_id": loan.loan_id}, event=event({"loan_id": loan.loan_id}))
    uow.commit()

    stored = uow.session.get(CollectionTask, task.id)
    assert (stored.status, stored.close_reason, stored.closed_on) == ("closed", "settled", TODAY)
    assert uow.session.get(LoanFile, loan.loan_id).status == "settled"
    assert uow.session.get(LoanFile, loan.loan_id).outstanding_principal == 0
    refused("TASK_CLOSED", tasks.add_record, uow, task.id, load(RecordIn(), {"channel": "call", "result": "已结清"}))
    uow.rollback()
    assert count(uow, CollectionRecord) == 0


def test_a_manual_grade_is_never_better_than_the_floor_and_is_decided_by_someone_else(uow, org):
    loan = disburse(uow)
    dpd(uow, org, loan, 100)  # > 90 days: at least substandard
    maker, checker = actor("e-maker"), actor("e-checker")
    refused("GRADE_BELOW_FLOOR", classification.request_adjustment, uow.as_(maker), loan.loan_id,
            load(AdjustmentIn(), {"grade": "special_mention", "reason": "客户已承诺还款"}))
    uow.rollback()
    assert count(uow, GradeAdjustment) == 0

    asked = classification.request_adjustment(uow, loan.loan_id,
                                              load(AdjustmentIn(), {"grade": "doubtful", "reason": "车辆已失联"}))
    uow.commit()
    assert (asked.status, asked.floor, asked.requested_by) == ("pending", "substandard", "e-maker")
    refused("ADJUSTMENT_PENDING", classification.request_adjustment, uow, loan.loan_id,
            load(AdjustmentIn(), {"grade": "loss", "reason": "再次调整"}))
    uow.rollback()
    refused("SEGREGATION_OF_DUTIES", classification.decide_adjustment, uow, asked.id,
            load(DecisionIn(), {"approve": True}))
    uow.rollback()
    assert uow.session.get(LoanFile, loan.loan_id).grade == "substandard"

    decided = classification.decide_adjustment(uow.as_(checker), asked.id,
                                               load(DecisionIn(), {"approve": True, "comment": "同意"}))
    uow.commit()
    stored = uow.session.get(LoanFile, loan.loan_id)
    assert (decided.status, decided.decided_by, stored.grade, stored.manual_grade) == (
        "approved", "e-checker", "doubtful", "doubtful")
    assert [(e["previous"], e["classification"], e["source"])
            for e in uow.events("collection.classification_changed")][-1] == ("substandard", "doubtful", "manual")
    assert [a[0] for a in uow.audits()] == ["request_grade_adjustment", "approve_grade_adjustment"]
    [(file, least, history)] = classification.list_classifications(uow, {"loan_id": loan.loan_id})["items"]
    assert views.grade(file, least, history)["floor"] == "substandard"
    assert [(c.grade, c.source, c.reason, c.changed_by) for c in history][-1] == (
        "doubtful", "manual", "车辆已失联", "e-checker")


def test_a_revaluation_above_the_ltv_limit_warns_once_and_its_owner_resolves_it(uow):
    loan = disburse(uow, principal="90000.00", vehicle_id="v-1")
    valuation = {"vehicle_id": "v-1", "appraised_value": "100000.00"}
    for _ in range(2):  # delivered twice, or revalued twice: one open warning
        warnings.warn_high_ltv(uow, load(ValuationApproved(), valuation), event=event(valuation, source="collateral"))
        uow.commit()
    [warning] = uow.session.scalars(select(RiskWarning)).all()
    assert (warning.loan_id, warning.kind, warning.level) == (loan.loan_id, "ltv_high", "medium")
    assert warning.detail == "抵押率 0.9000 > 0.80 (估值 100000.00)"

    resolved, file = warnings.resolve_warning(uow, warning.id, load(ResolveIn(), {"resolution": "已追加担保"}))
    uow.commit()
    assert views.warning(resolved, file)["status"] == "resolved"
    stored = uow.session.get(RiskWarning, warning.id)
    assert (stored.status, stored.resolution, stored.resolved_by) == ("resolved", "已追加担保", "e-manager")
    assert uow.audits("resolve_warning") == [("resolve_warning", "warning", warning.id, {"resolution": "已追加担保"})]
    refused("WARNING_RESOLVED", warnings.resolve_warning, uow, warning.id, load(ResolveIn(), {"resolution": "再次"}))
    uow.rollback()
    assert len(uow.audits()) == 1
