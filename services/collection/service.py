"""Nameko entrypoints of the collection service (贷后): it keeps a file of every loan from the loan service's
events, opens and closes collection tasks, raises early warnings and grades every loan in the five regulatory
classes, publishing `collection.classification_changed`. The rules live in `services/collection/domain.py`."""
import datetime as dt
import json
from decimal import Decimal

from nameko.rpc import RpcProxy
from nameko.timer import timer
from prometheus_client import Counter, Gauge
from sqlalchemy import case, func, select

from services.collection import domain, events
from services.collection import dashboard as cockpit
from services.collection import inbox as todo
from services.collection.models import (AssignmentCursor, Base, CollectionRecord, CollectionTask, GradeAdjustment,
                                        GradeChange, LoanFile, RiskWarning)
from services.collection.schemas import (AdjustmentIn, Amounts, AssignIn, CustomerBlacklisted, DecisionIn,
                                         DpdChanged, GpsAlert, LoanDisbursed, LoanExtended, LoanTransferred,
                                         RecordIn, ResolveIn, ValuationApproved)
from services.common import clock, config, makerchecker
from services.common.consumer import subscribe
from services.common.clock import utcnow
from services.common.db import UnitOfWork
from services.common.errors import Conflict, field_error
from services.common.jsonutil import iso, money
from services.common.pagination import paginate
from services.common.ask import ask
from services.common.rpc import rpc
from services.common.schemas import load
from services.common.scope import scoped, visible
from services.common.service import ServiceBase

ZERO = Decimal(0)
OPEN_TASKS = Gauge("carloan_collection_tasks_open", "Open collection tasks by stage", ["stage"])
PROMISES = Counter("carloan_collection_promises_total", "Promises to pay that came due, by outcome", ["outcome"])
OPEN_WARNINGS = Gauge("carloan_collection_warnings_open", "Open early warnings by kind", ["kind"])
GRADED_LOANS = Gauge("carloan_collection_loans", "Active loans by five-level grade", ["grade"])
GRADED_BALANCE = Gauge("carloan_collection_outstanding_yuan", "Outstanding principal by five-level grade", ["grade"])
FOLLOW_UP_DAYS = 3
OWNERS = {CollectionTask: "assignee_id", RiskWarning: "owner_id", LoanFile: "officer_id",
          GradeAdjustment: "requested_by"}


def thresholds():
    raw = config.env("CARLOAN_GRADE_THRESHOLDS", "")
    return tuple(int(part) for part in raw.split(",")) if raw else domain.DEFAULT_THRESHOLDS


class CollectionService(ServiceBase):
    name = "collection"
    uow = UnitOfWork(Base.metadata)
    org = RpcProxy("org")

    # -- 我的待办 ------------------------------------------------------------------------------
    @rpc
    def inbox(self, limit=20):
        """What waits for the caller in this service, each kind capped at `limit` (≤ 100) and counted
        (services/collection/inbox.py); the gateway merges every service's (GET /api/v1/inbox)."""
        return todo.inbox(self.uow.session, self.uow.actor, limit)

    # -- 驾驶舱 --------------------------------------------------------------------------------
    @rpc
    def dashboard(self):
        """The caller's cockpit figures this service owns, within their data scope (services/collection/
        dashboard.py); the gateway merges every service's (GET /api/v1/dashboard/summary)."""
        return cockpit.summary(self.uow.session, self.uow.actor)

    # -- the loan file, from loan events -------------------------------------------------------
    @subscribe("loan.disbursed")
    def on_disbursed(self, event):
        data = load(LoanDisbursed(), event.payload)
        if self.uow.session.get(LoanFile, data["loan_id"]) is not None:
            return
        loan = LoanFile(loan_id=data["loan_id"], contract_no=data["contract_no"], customer_id=data["customer_id"],
                        customer_name=data["customer_name"], department_id=data["department_id"],
                        officer_id=data["officer_id"], vehicle_id=data["vehicle_id"],
                        disbursed_on=data["disbursed_on"] or event.business_day, status="active",
                        outstanding_principal=data["principal"], grade="normal",
                        graded_on=data["disbursed_on"] or event.business_day)
        self.uow.session.add(loan)
        self.uow.session.flush()
        self._history(loan, "normal", None, "auto", "放款", event.business_day)

    @subscribe("loan.dpd_changed")
    def on_dpd_changed(self, event):
        """DPD moved (close of business, or a repayment): grade, task, stage, promise and warnings follow."""
        data = load(DpdChanged(), event.payload)
        loan = self._file(data["loan_id"])
        previous = loan.dpd  # what this file held: events of several dates may arrive in any order
        if not self._set_dpd(loan, data["dpd"], event):
            return
        day = event.business_day
        loan.grace_days = data["grace_days"]
        self._keep_balance(loan, data)
        if data["dpd"] > 0:
            self._note_late(loan, data["oldest_unpaid_due_date"] or day - dt.timedelta(days=data["dpd"]))
            if not loan.ever_overdue:
                loan.ever_overdue = True
                self._warn(loan, "first_overdue", f"首次逾期, 逾期 {data['dpd']} 天", day, event)
            if domain.crossed_30(previous, data["dpd"]):
                self._warn(loan, "dpd_over_30", f"逾期 {data['dpd']} 天", day, event)
            late = [dt.date.fromisoformat(d) for d in json.loads(loan.late_due_dates)]
            if domain.repeatedly_late(late, day):
                count = domain.late_installments(late, day)
                self._warn(loan, "repeated_late", f"近6期逾期 {count} 期", day, event)
        self._follow_task(loan, day)
        self._regrade(loan, day)

    @subscribe("loan.became_current")
    def on_became_current(self, event):
        loan = self._file(event.payload["loan_id"])
        if not self._set_dpd(loan, 0, event):
            return
        self._close_task(loan, event.business_day, "current")
        self._regrade(loan, event.business_day)

    @subscribe("loan.repayment_received")
    def on_repayment(self, event):
        """Money received counts towards a promise to pay made before, if paid by the promised date."""
        data, loan = self._balance(event)
        # the task may have closed already (the loan current again, an event read first): the promise still counts
        task = self.uow.session.scalars(select(CollectionTask).where(
            CollectionTask.loan_id == loan.loan_id, CollectionTask.promise_status == "pending")
            .order_by(CollectionTask.created_at.desc()).with_for_update()).first()
        paid_on = data["paid_on"] or event.business_day
        if task is not None and paid_on <= task.promised_on:
            task.promise_paid += data["amount"] or ZERO
            self._judge_promise(task, event.business_day)

    @subscribe("loan.advance_applied")
    def on_advance_applied(self, event):
        self._balance(event)

    @subscribe("loan.prepaid")
    def on_prepaid(self, event):
        self._balance(event)

    @subscribe("loan.settled")
    def on_settled(self, event):
        loan = self._file(event.payload["loan_id"])
        domain.LOAN_FILE.move(loan, "settled", outstanding_principal=ZERO, dpd=0)
        self._close_task(loan, event.business_day, "settled")

    @subscribe("loan.extended")
    def on_extended(self, event):
        """An extension is a restructuring: at least special mention for the observation period."""
        data = load(LoanExtended(), event.payload)
        loan = self._file(data["loan_id"])
        loan.restructured_on = event.business_day
        self._keep_balance(loan, data)
        self._regrade(loan, event.business_day)

    @subscribe("loan.transferred")
    def on_transferred(self, event):
        data = load(LoanTransferred(), event.payload)
        loan = self._file(data["loan_id"])
        loan.customer_id, loan.customer_name = data["customer_id"], data["customer_name"] or loan.customer_name

    # -- warnings from other services ----------------------------------------------------------
    @subscribe("customer.blacklisted")
    def on_customer_blacklisted(self, event):
        data = load(CustomerBlacklisted(), event.payload)
        for loan in self.uow.session.scalars(select(LoanFile).where(
                LoanFile.customer_id == data["customer_id"], LoanFile.status == "active")):
            self._warn(loan, "customer_blacklisted", f"借款人被列入黑名单: {data['reason'] or ''}".strip(": "),
                       event.business_day, event)

    @subscribe("collateral.gps_alert")
    def on_gps_alert(self, event):
        data = load(GpsAlert(), event.payload)
        kind = domain.GPS_WARNINGS.get(data["kind"])
        loan = data["loan_id"] and self.uow.session.get(LoanFile, data["loan_id"])
        if kind is None or loan is None or loan.status != "active":
            return
        self._warn(loan, kind, f"GPS {data['device_imei'] or ''} {domain.WARNINGS[kind][0]} ({data['at']})",
                   event.business_day, event)

    @subscribe("collateral.valuation_approved")
    def on_valuation(self, event):
        """A revaluation that leaves the loan above the LTV limit (CARLOAN_WARNING_LTV, default 0.80)."""
        data = load(ValuationApproved(), event.payload)
        limit = Decimal(config.env("CARLOAN_WARNING_LTV", "") or domain.DEFAULT_LTV_LIMIT)
        for loan in self.uow.session.scalars(select(LoanFile).where(
                LoanFile.vehicle_id == data["vehicle_id"], LoanFile.status == "active")):
            if domain.ltv_too_high(loan.outstanding_principal, data["appraised_value"], limit):
                ratio = domain.ltv(loan.outstanding_principal, data["appraised_value"])
                self._warn(loan, "ltv_high", f"抵押率 {ratio} > {limit} (估值 {money(data['appraised_value'])})",
                           event.business_day, event)

    # -- collection tasks (催收) ----------------------------------------------------------------
    @rpc
    def list_tasks(self, status=None, assignee_id=None, loan_id=None, stage=None, page=1, page_size=20):
        """A collector's inbox: high priority first, then what is due soonest (due today and overdue first)."""
        query = scoped(select(CollectionTask), self.uow.actor, CollectionTask.department_id,
                       CollectionTask.assignee_id)
        for column, value in ((CollectionTask.status, status), (CollectionTask.assignee_id, assignee_id),
                              (CollectionTask.loan_id, loan_id), (CollectionTask.stage, stage)):
            if value:
                query = query.where(column == value)
        query = query.order_by(case((CollectionTask.priority == "high", 0), else_=1),
                               case((CollectionTask.due_on.is_(None), 1), else_=0), CollectionTask.due_on,
                               CollectionTask.opened_on, CollectionTask.id)
        return self._page(query, page, page_size, self._dump_task)

    @rpc
    def task_grants_read(self, loan_id=None, customer_id=None):
        """Does the caller hold an open collection task on this loan, or on a loan of this customer? An assigned
        task lets a collector read what it is about; the loan and customer services ask here (who is given which
        task is this service's), only when their own data scope would refuse."""
        if not (loan_id or customer_id):
            return False
        query = select(CollectionTask.id).where(CollectionTask.status == "open",
                                                CollectionTask.assignee_id == self.uow.actor.user_id)
        if loan_id:
            query = query.where(CollectionTask.loan_id == loan_id)
        if customer_id:
            query = query.join(LoanFile, LoanFile.loan_id == CollectionTask.loan_id).where(
                LoanFile.customer_id == customer_id)
        return self.uow.session.scalars(query.limit(1)).first() is not None

    @rpc
    def get_task(self, task_id):
        task = self._visible(CollectionTask, task_id, "TASK_NOT_FOUND")
        records = self.uow.session.scalars(select(CollectionRecord).where(CollectionRecord.task_id == task.id)
                                           .order_by(CollectionRecord.recorded_at)).all()
        return {**self._dump_task(task, {}), "records": [self._dump_record(r) for r in records]}

    @rpc
    def assign_task(self, task_id, data):
        """A manager gives a task to another collector of the loan's department."""
        data = load(AssignIn(), data)
        task = self._visible(CollectionTask, task_id, "TASK_NOT_FOUND", lock=True)
        if task.status != "open":
            raise Conflict("the task is closed", code="TASK_CLOSED")
        collectors = ask(self.org, "role_members", "collector", task.department_id)
        if data["collector_id"] not in collectors:
            raise field_error("collector_id", "not an active collector of the loan's department",
                              code="COLLECTOR_INVALID")
        task.assignee_id = data["collector_id"]
        self.uow.audit("assign_task", "collection_task", task.id, data)
        return self._dump_task(task, {})

    @rpc
    def add_record(self, task_id, data):
        """催收记录: a contact and its result; a promise to pay sets the task's next date to it."""
        data = load(RecordIn(), data)
        if (data["promised_amount"] is None) != (data["promised_on"] is None):
            raise field_error("promised_on" if data["promised_on"] is None else "promised_amount",
                              "a promise to pay has both an amount and a date", code="PROMISE_INCOMPLETE")
        task = self._visible(CollectionTask, task_id, "TASK_NOT_FOUND", lock=True)
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
                                  recorded_by=self.uow.actor.user_id)
        self.uow.session.add(record)
        self.uow.session.flush()
        self.uow.audit("add_collection_record", "collection_task", task.id, {"channel": data["channel"]})
        return self._dump_record(record)

    # -- warnings (预警) -------------------------------------------------------------------------
    @rpc
    def list_warnings(self, loan_id=None, level=None, status=None, kind=None, page=1, page_size=20):
        query = scoped(select(RiskWarning), self.uow.actor, RiskWarning.department_id, RiskWarning.owner_id)
        for column, value in ((RiskWarning.loan_id, loan_id), (RiskWarning.level, level),
                              (RiskWarning.status, status), (RiskWarning.kind, kind)):
            if value:
                query = query.where(column == value)
        query = query.order_by(case((RiskWarning.status == "open", 0), else_=1),
                               case((RiskWarning.level == "high", 0), (RiskWarning.level == "medium", 1), else_=2),
                               RiskWarning.raised_on.desc(), RiskWarning.id)
        return self._page(query, page, page_size, self._dump_warning)

    @rpc
    def resolve_warning(self, warning_id, data):
        data = load(ResolveIn(), data)
        warning = self._visible(RiskWarning, warning_id, "WARNING_NOT_FOUND")
        if warning.status != "open":
            raise Conflict("the warning is already resolved", code="WARNING_RESOLVED")
        domain.WARNING.move(warning, "resolved", resolution=data["resolution"])
        warning.resolved_by, warning.resolved_at = self.uow.actor.user_id, utcnow()
        self.uow.audit("resolve_warning", "warning", warning.id, data)
        return self._dump_warning(warning, {})

    # -- five-level classification (五级分类) -----------------------------------------------------
    @rpc
    def list_classifications(self, loan_id=None, grade=None, page=1, page_size=20):
        query = scoped(select(LoanFile), self.uow.actor, LoanFile.department_id, LoanFile.officer_id)
        if loan_id:
            query = query.where(LoanFile.loan_id == loan_id)
        if grade:
            query = query.where(LoanFile.grade == grade)
        query = query.order_by(LoanFile.created_at.desc(), LoanFile.loan_id)
        page_ = paginate(self.uow.session, query, page, page_size, lambda loan: loan)
        history = {}
        ids = [loan.loan_id for loan in page_["items"]]
        for change in self.uow.session.scalars(select(GradeChange).where(GradeChange.loan_id.in_(ids))
                                               .order_by(GradeChange.changed_at, GradeChange.id)):
            history.setdefault(change.loan_id, []).append(change)
        page_["items"] = [self._dump_grade(loan, history.get(loan.loan_id, [])) for loan in page_["items"]]
        return page_

    @rpc
    def request_adjustment(self, loan_id, data):
        """A manual grade with its reason, never better than the floor; a post-loan manager decides."""
        data = load(AdjustmentIn(), data)
        loan = self._visible(LoanFile, loan_id, "LOAN_NOT_FOUND")
        floor = self._floor(loan, clock.today())
        domain.check_adjustment(data["grade"], floor)
        pending = self.uow.session.scalars(select(GradeAdjustment.id).where(
            GradeAdjustment.loan_id == loan.loan_id, GradeAdjustment.status == "pending")).first()
        if pending:
            raise Conflict("an adjustment of this loan is waiting for a decision", code="ADJUSTMENT_PENDING",
                           extra={"existing_id": pending})
        adjustment = GradeAdjustment(loan_id=loan.loan_id, department_id=loan.department_id, grade=data["grade"],
                                     reason=data["reason"], status="pending", floor=floor,
                                     requested_by=self.uow.actor.user_id)
        self.uow.session.add(adjustment)
        self.uow.session.flush()
        self.uow.audit("request_grade_adjustment", "grade_adjustment", adjustment.id, data)
        return self._dump_adjustment(adjustment)

    @rpc
    def decide_adjustment(self, adjustment_id, data):
        data = load(DecisionIn(), data)
        adjustment = self._visible(GradeAdjustment, adjustment_id, "ADJUSTMENT_NOT_FOUND", lock=True)
        if not makerchecker.decide(adjustment, self.uow.actor, data, "grade adjustment", "ADJUSTMENT"):
            self.uow.audit("reject_grade_adjustment", "grade_adjustment", adjustment.id, data)
            return self._dump_adjustment(adjustment)
        loan = self.uow.session.get(LoanFile, adjustment.loan_id, with_for_update=True)
        today = max(clock.today(), loan.graded_on or clock.today())
        domain.check_adjustment(adjustment.grade, self._floor(loan, today))  # the floor may have moved since
        domain.ADJUSTMENT.move(adjustment, "approved")
        loan.manual_grade = adjustment.grade
        self.uow.audit("approve_grade_adjustment", "grade_adjustment", adjustment.id, data)
        self._regrade(loan, today, source="manual", reason=adjustment.reason)
        return self._dump_adjustment(adjustment)

    # -- operations ----------------------------------------------------------------------------
    @timer(interval=config.env_float("CARLOAN_COLLECTION_REGRADE_SECONDS", 3600))
    def regrade_observed(self):
        """A restructured loan that performs sends no event when its observation year ends: regrade those whose
        year is over and still carry the restructuring floor."""
        today = clock.today()
        ended = self.uow.session.scalars(select(LoanFile).where(
            LoanFile.status == "active", LoanFile.restructured_on.is_not(None),
            LoanFile.restructured_on <= domain.add_months(today, -domain.OBSERVATION_MONTHS),
            LoanFile.grade != "normal").with_for_update()).all()
        for loan in ended:
            self._regrade(loan, today)

    @timer(interval=config.env_float("CARLOAN_COLLECTION_GAUGE_SECONDS", 30))
    def refresh_gauges(self):
        """Open tasks by stage, open warnings by kind, active loans and their balance by grade."""
        session = self.uow.session
        stages = dict(session.execute(select(CollectionTask.stage, func.count()).where(
            CollectionTask.status == "open").group_by(CollectionTask.stage)).all())
        for stage in domain.STAGES:
            OPEN_TASKS.labels(stage).set(stages.get(stage, 0))
        kinds = dict(session.execute(select(RiskWarning.kind, func.count()).where(
            RiskWarning.status == "open").group_by(RiskWarning.kind)).all())
        for kind in domain.WARNINGS:
            OPEN_WARNINGS.labels(kind).set(kinds.get(kind, 0))
        grades = {grade: (count, balance) for grade, count, balance in session.execute(
            select(LoanFile.grade, func.count(), func.sum(LoanFile.outstanding_principal))
            .where(LoanFile.status == "active").group_by(LoanFile.grade)).all()}
        for grade in domain.GRADES:
            count, balance = grades.get(grade, (0, None))
            GRADED_LOANS.labels(grade).set(count)
            GRADED_BALANCE.labels(grade).set(balance or ZERO)

    # -- helpers -------------------------------------------------------------------------------
    def _file(self, loan_id):
        loan = self.uow.session.get(LoanFile, loan_id, with_for_update=True)
        if loan is None:  # its disbursement has not reached us yet: retried, then parked
            raise LookupError(f"loan {loan_id} has no file yet")
        return loan

    def _balance(self, event):
        """A money event: the outstanding principal it reports, on the loan's file."""
        data = load(Amounts(), event.payload)
        loan = self._file(data["loan_id"])
        self._keep_balance(loan, data)
        return data, loan

    @staticmethod
    def _keep_balance(loan, data):
        if data["outstanding_principal"] is not None:
            loan.outstanding_principal = data["outstanding_principal"]

    @staticmethod
    def _set_dpd(loan, dpd, event):
        """Apply a DPD unless the file holds newer news (by when it was published): whether it was applied."""
        occurred = dt.datetime.fromisoformat(event.occurred_at)
        if loan.dpd_as_of is not None and occurred < loan.dpd_as_of:
            return False
        loan.dpd, loan.dpd_as_of = dpd, occurred
        return True

    @staticmethod
    def _note_late(loan, due_date):
        late = set(json.loads(loan.late_due_dates))
        late.add(due_date.isoformat())
        loan.late_due_dates = json.dumps(sorted(late))

    def _floor(self, loan, day):
        return domain.grade_floor(loan.dpd, day, loan.restructured_on, thresholds())

    def _regrade(self, loan, day, source="auto", reason=None):
        """The grade now: the floor, or the manual grade where that is worse; published when it changes."""
        grade = domain.effective_grade(self._floor(loan, day), loan.manual_grade)
        if grade == loan.grade:
            return
        previous, loan.grade, loan.graded_on = loan.grade, grade, day
        self._history(loan, grade, previous, source, reason, day)
        self.uow.emit(*events.classification_changed(loan, grade, previous, source), business_date=day)

    def _history(self, loan, grade, previous, source, reason, day):
        self.uow.session.add(GradeChange(loan_id=loan.loan_id, grade=grade, previous=previous, source=source,
                                         reason=reason, business_date=day, changed_by=self.uow.actor.user_id))

    def _open_task(self, loan_id, lock=True):
        query = select(CollectionTask).where(CollectionTask.loan_id == loan_id, CollectionTask.status == "open")
        return self.uow.session.scalars(query.with_for_update() if lock else query).first()

    def _follow_task(self, loan, day):
        """Open a task once the loan is past grace (given round-robin to a collector of its department); keep
        an open one's stage and DPD up to date and judge its promise."""
        task = self._open_task(loan.loan_id)
        if task is None:
            if loan.status != "active" or not domain.opens_task(loan.dpd, loan.grace_days):
                return
            task = CollectionTask(loan_id=loan.loan_id, department_id=loan.department_id, status="open",
                                  stage=domain.stage_for(loan.dpd), priority="normal", dpd=loan.dpd, opened_on=day,
                                  due_on=day, assignee_id=self._next_collector(loan.department_id))
            self.uow.session.add(task)
            self.uow.session.flush()
            return
        task.dpd, task.stage = loan.dpd, domain.raised_stage(task.stage, loan.dpd)
        if task.promise_status == "pending":
            self._judge_promise(task, day)

    def _judge_promise(self, task, day):
        status = domain.Promise(task.promised_amount, task.promised_on).status(task.promise_paid, day)
        if status == "pending":
            return
        task.promise_status = status
        PROMISES.labels(status).inc()
        if status == "broken":  # 失信: chase first
            task.priority, task.due_on = "high", day
        else:
            task.due_on = day + dt.timedelta(days=FOLLOW_UP_DAYS)

    def _close_task(self, loan, day, reason):
        task = self._open_task(loan.loan_id)
        if task is not None:
            domain.TASK.move(task, "closed", closed_on=day, close_reason=reason, dpd=loan.dpd)
            if task.promise_status == "pending":
                self._judge_promise(task, day)

    def _next_collector(self, department_id):
        """Round-robin among the department's active collectors (asked of the organisation service)."""
        if department_id is None:
            return None
        collectors = ask(self.org, "role_members", "collector", department_id)
        cursor = self.uow.session.get(AssignmentCursor, department_id, with_for_update=True)
        if cursor is None:
            cursor = AssignmentCursor(department_id=department_id)
            self.uow.session.add(cursor)
        chosen = domain.next_collector(collectors, cursor.last_collector_id)
        if chosen is not None:
            cursor.last_collector_id = chosen
        return chosen

    def _warn(self, loan, kind, detail, day, event):
        """Raise a warning unless one of the same kind is still open on the loan."""
        exists = self.uow.session.scalars(select(RiskWarning.id).where(
            RiskWarning.loan_id == loan.loan_id, RiskWarning.kind == kind, RiskWarning.status == "open")).first()
        if exists:
            return
        self.uow.session.add(RiskWarning(loan_id=loan.loan_id, department_id=loan.department_id, kind=kind,
                                         level=domain.WARNINGS[kind][1], owner_id=loan.officer_id, status="open",
                                         detail=detail[:500], raised_on=day, source_event_id=event.event_id))
        self.uow.session.flush()

    def _visible(self, model, object_id, code, lock=False):
        """A row the actor's data scope covers: by department, or as its owner (a task's collector, a warning's
        owner, a loan's officer, an adjustment's requester)."""
        return visible(self.uow.session, self.uow.actor, model, object_id, code, owner=OWNERS[model], lock=lock)

    def _page(self, query, page, page_size, dump):
        """A page of tasks or warnings, their loans' files read in one query."""
        result = paginate(self.uow.session, query, page, page_size)
        ids = {row.loan_id for row in result["items"]}
        files = {f.loan_id: f for f in self.uow.session.scalars(select(LoanFile).where(LoanFile.loan_id.in_(ids)))}
        result["items"] = [dump(row, files) for row in result["items"]]
        return result

    def _loan_of(self, loan_id, files):
        return files.get(loan_id) or self.uow.session.get(LoanFile, loan_id)

    def _dump_task(self, task, files):
        loan = self._loan_of(task.loan_id, files)
        promise = task.promised_on and {"amount": money(task.promised_amount), "promised_on": iso(task.promised_on),
                                        "paid": money(task.promise_paid), "status": task.promise_status}
        return {"id": task.id, "loan_id": task.loan_id, "contract_no": loan.contract_no,
                "customer_id": loan.customer_id, "customer_name": loan.customer_name,
                "department_id": task.department_id, "assignee_id": task.assignee_id, "status": task.status,
                "status_label": {"open": "处理中", "closed": "已关闭"}[task.status], "stage": task.stage,
                "stage_label": domain.STAGES[task.stage], "priority": task.priority, "dpd": task.dpd,
                "outstanding_principal": money(loan.outstanding_principal), "opened_on": iso(task.opened_on),
                "closed_on": iso(task.closed_on), "close_reason": task.close_reason, "due_on": iso(task.due_on),
                "promise": promise or None, "created_at": task.created_at.isoformat()}

    @staticmethod
    def _dump_record(r):
        return {"id": r.id, "task_id": r.task_id, "channel": r.channel, "channel_label": domain.CHANNELS[r.channel],
                "result": r.result, "promised_amount": r.promised_amount is not None and money(r.promised_amount)
                or None, "promised_on": iso(r.promised_on), "recorded_by": r.recorded_by,
                "recorded_at": r.recorded_at.isoformat()}

    def _dump_warning(self, w, files):
        loan = self._loan_of(w.loan_id, files)
        label, _ = domain.WARNINGS[w.kind]
        return {"id": w.id, "loan_id": w.loan_id, "contract_no": loan.contract_no, "customer_id": loan.customer_id,
                "kind": w.kind, "kind_label": label, "level": w.level, "level_label": domain.LEVELS[w.level],
                "owner_id": w.owner_id, "status": w.status, "detail": w.detail, "raised_on": iso(w.raised_on),
                "resolution": w.resolution, "resolved_by": w.resolved_by, "resolved_at": iso(w.resolved_at)}

    def _dump_grade(self, loan, history):
        return {"loan_id": loan.loan_id, "contract_no": loan.contract_no, "customer_id": loan.customer_id,
                "customer_name": loan.customer_name, "department_id": loan.department_id, "status": loan.status,
                "grade": loan.grade, "grade_label": domain.GRADES[loan.grade],
                "floor": self._floor(loan, loan.graded_on or clock.today()), "manual_grade": loan.manual_grade,
                "dpd": loan.dpd, "restructured": loan.restructured_on is not None,
                "outstanding_principal": money(loan.outstanding_principal), "updated_on": iso(loan.graded_on),
                "history": [{"grade": c.grade, "previous": c.previous, "source": c.source, "reason": c.reason,
                             "business_date": iso(c.business_date), "changed_at": c.changed_at.isoformat(),
                             "changed_by": c.changed_by} for c in history]}

    @staticmethod
    def _dump_adjustment(a):
        return {"id": a.id, "loan_id": a.loan_id, "grade": a.grade, "grade_label": domain.GRADES[a.grade],
                "reason": a.reason, "status": a.status, "requested_by": a.requested_by, "decided_by": a.decided_by,
                "decided_at": iso(a.decided_at), "comment": a.comment, "floor": a.floor,
                "created_at": a.created_at.isoformat()}
