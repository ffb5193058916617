"""催收任务: a task opens once a loan is overdue past its grace days, given round-robin to a collector of the
loan's department (asked of the organisation service); its stage rises with DPD, a promise to pay is judged as
money arrives or its date passes, and it closes when the loan is current or settled. Collectors record their
contacts; a manager reassigns a task."""
import datetime as dt
from decimal import Decimal

from sqlalchemy import case, select

from services.collection import domain
from services.collection.metrics import PROMISES
from services.collection.models import AssignmentCursor, CollectionRecord, CollectionTask, LoanFile
from services.collection.usecases.lookup import loan_of, page_with_files, visible_row
from services.common import clock
from services.common.ask import ask
from services.common.errors import Conflict, field_error
from services.common.scope import scoped_rows

ZERO = Decimal(0)
FOLLOW_UP_DAYS = 3
FILTERS = ("status", "assignee_id", "loan_id", "stage")  # what a list may be filtered by


# -- what collectors and managers ask for ------------------------------------------------------------------
def list_tasks(uow, data):
    """A collector's inbox (`data`: status, assignee_id, loan_id, stage, page, page_size): high priority first,
    then what is due soonest. Items are (task, loan file)."""
    query = scoped_rows(uow.actor, CollectionTask, "assignee_id", data, *FILTERS)
    query = query.order_by(case((CollectionTask.priority == "high", 0), else_=1),
                           case((CollectionTask.due_on.is_(None), 1), else_=0), CollectionTask.due_on,
                           CollectionTask.opened_on, CollectionTask.id)
    return page_with_files(uow, query, data.get("page", 1), data.get("page_size", 20))


def task_grants_read(uow, data):
    """Whether the caller holds an open task on `data["loan_id"]`, or on a loan of `data["customer_id"]`."""
    if not (data.get("loan_id") or data.get("customer_id")):
        return False
    query = select(CollectionTask.id).where(CollectionTask.status == "open",
                                            CollectionTask.assignee_id == uow.actor.user_id)
    if data.get("loan_id"):
        query = query.where(CollectionTask.loan_id == data["loan_id"])
    if data.get("customer_id"):
        query = query.join(LoanFile, LoanFile.loan_id == CollectionTask.loan_id).where(
            LoanFile.customer_id == data["customer_id"])
    return uow.session.scalars(query.limit(1)).first() is not None


def get_task(uow, task_id):
    """(task, loan file, records oldest first) of a task the caller may see."""
    task = visible_row(uow, CollectionTask, task_id, "TASK_NOT_FOUND")
    records = uow.session.scalars(select(CollectionRecord).where(CollectionRecord.task_id == task.id)
                                  .order_by(CollectionRecord.recorded_at)).all()
    return task, loan_of(uow, task.loan_id), records


def assign_task(uow, task_id, data, *, org):
    """A manager gives an open task to another active collector of the loan's department: (task, loan file)."""
    task = visible_row(uow, CollectionTask, task_id, "TASK_NOT_FOUND", lock=True)
    if task.status != "open":
        raise Conflict("the task is closed", code="TASK_CLOSED")
    collectors = ask(org, "role_members", "collector", task.department_id)
    if data["collector_id"] not in collectors:
        raise field_error("collector_id", "not an active collector of the loan's department",
                          code="COLLECTOR_INVALID")
    task.assignee_id = data["collector_id"]
    uow.audit("assign_task", "collection_task", task.id, data)
    return task, loan_of(uow, task.loan_id)


def add_record(uow, task_id, data):
    """催收记录 on an open task: a promise to pay (amount and date, today or later) makes the task's next date
    the promised one, any other contact a follow-up in FOLLOW_UP_DAYS. Returns the record."""
    if (data["promised_amount"] is None) != (data["promised_on"] is None):
        raise field_error("promised_on" if data["promised_on"] is None else "promised_amount",
                          "a promise to pay has both an amount and a date", code="PROMISE_INCOMPLETE")
    task = visible_row(uow, CollectionTask, task_id, "TASK_NOT_FOUND", lock=True)
    if task.status != "open":
        raise Conflict("the task is closed", code="TASK_CLOSED")
    today = clock.today()
    if data["promised_on"] is not None:
        if data["promised_on"] < today:
            raise field_error("promised_on", "a promise is for today or later", code="PROMISE_IN_PAST")
        task.promised_amount, task.promised_on = data["promised_amount"], data["promised_on"]
        task.promise_paid, task.promise_status, task.due_on = ZERO, "pending", data["promised_on"]
    else:
        task.due_on = today + dt.timedelta(days=FOLLOW_UP_DAYS)
    record = CollectionRecord(task_id=task.id, channel=data["channel"], result=data["result"],
                              promised_amount=data["promised_amount"], promised_on=data["promised_on"],
                              recorded_by=uow.actor.user_id)
    uow.session.add(record)
    uow.session.flush()
    uow.audit("add_collection_record", "collection_task", task.id, {"channel": data["channel"]})
    return record


# -- what loan events do to a task -------------------------------------------------------------------------
def open_task_of(uow, loan_id, lock=True):
    query = select(CollectionTask).where(CollectionTask.loan_id == loan_id, CollectionTask.status == "open")
    return uow.session.scalars(query.with_for_update() if lock else query).first()


def follow_task(uow, loan, day, *, org):
    """Open a task once the loan is past grace (given round-robin to a collector of its department); keep an
    open one's stage and DPD up to date and judge its promise. Returns the task, if there is one."""
    task = open_task_of(uow, loan.loan_id)
    if task is None:
        if loan.status != "active" or not domain.opens_task(loan.dpd, loan.grace_days):
            return None
        task = CollectionTask(loan_id=loan.loan_id, department_id=loan.department_id, status="open",
                              stage=domain.stage_for(loan.dpd), priority="normal", dpd=loan.dpd, opened_on=day,
                              due_on=day, assignee_id=next_collector(uow, loan.department_id, org=org))
        uow.session.add(task)
        uow.session.flush()
        return task
    task.dpd, task.stage = loan.dpd, domain.raised_stage(task.stage, loan.dpd)
    if task.promise_status == "pending":
        judge_promise(task, day)
    return task


def credit_promise(uow, loan, amount, paid_on, day):
    """Money paid by the promised date counts towards the loan's pending promise to pay: the task may have closed
    already (the loan current again, an event read first), the promise still counts."""
    task = uow.session.scalars(select(CollectionTask).where(
        CollectionTask.loan_id == loan.loan_id, CollectionTask.promise_status == "pending")
        .order_by(CollectionTask.created_at.desc()).with_for_update()).first()
    if task is not None and paid_on <= task.promised_on:
        task.promise_paid += amount or ZERO
        judge_promise(task, day)
    return task


def judge_promise(task, day):
    """A promise kept is followed up in FOLLOW_UP_DAYS; a broken one (失信) makes the task high priority, due now."""
    status = domain.Promise(task.promised_amount, task.promised_on).status(task.promise_paid, day)
    if status == "pending":
        return
    task.promise_status = status
    PROMISES.labels(status).inc()
    if status == "broken":  # 失信: chase first
        task.priority, task.due_on = "high", day
    else:
        task.due_on = day + dt.timedelta(days=FOLLOW_UP_DAYS)


def close_task(uow, loan, day, reason):
    """Close the loan's open task (the loan is `current` again, or `settled`), judging its promise."""
    task = open_task_of(uow, loan.loan_id)
    if task is not None:
        domain.TASK.move(task, "closed", closed_on=day, close_reason=reason, dpd=loan.dpd)
        if task.promise_status == "pending":
            judge_promise(task, day)
    return task


def next_collector(uow, department_id, *, org):
    """Round-robin among the department's active collectors (asked of the organisation service)."""
    if department_id is None:
        return None
    collectors = ask(org, "role_members", "collector", department_id)
    cursor = uow.session.get(AssignmentCursor, department_id, with_for_update=True)
    if cursor is None:
        cursor = AssignmentCursor(department_id=department_id)
        uow.session.add(cursor)
    chosen = domain.next_collector(collectors, cursor.last_collector_id)
    if chosen is not None:
        cursor.last_collector_id = chosen
    return chosen
