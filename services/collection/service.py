"""Nameko entrypoints of the collection service (贷后): it keeps a file of every loan from the loan service's
events, opens and closes collection tasks, raises early warnings and grades every loan in the five regulatory
classes, publishing `collection.classification_changed`. Each entrypoint loads its input, calls one use case of
`services/collection/usecases/` and answers its view (`services/collection/views.py`); the rules live in
`services/collection/domain.py`."""
from nameko.rpc import RpcProxy
from nameko.timer import timer

from services.collection import dashboard as cockpit
from services.collection import inbox as todo
from services.collection import views
from services.collection.models import Base
from services.collection.schemas import (AdjustmentIn, Amounts, AssignIn, CustomerBlacklisted, DecisionIn,
                                         DpdChanged, GpsAlert, LoanDisbursed, LoanExtended, LoanTransferred,
                                         RecordIn, ResolveIn, ValuationApproved)
from services.collection.usecases import classification, loan_file, operations, tasks, warnings
from services.common import config
from services.common.consumer import subscribe
from services.common.db import UnitOfWork
from services.common.rpc import rpc
from services.common.schemas import load
from services.common.service import ServiceBase


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
        loan_file.open_file(self.uow, load(LoanDisbursed(), event.payload), event=event)

    @subscribe("loan.dpd_changed")
    def on_dpd_changed(self, event):
        """DPD moved (close of business, or a repayment): grade, task, stage, promise and warnings follow."""
        loan_file.apply_dpd(self.uow, load(DpdChanged(), event.payload), event=event, org=self.org)

    @subscribe("loan.became_current")
    def on_became_current(self, event):
        loan_file.mark_current(self.uow, {"loan_id": event.payload["loan_id"]}, event=event)

    @subscribe("loan.repayment_received")
    def on_repayment(self, event):
        """Money received counts towards a promise to pay made before, if paid by the promised date."""
        loan_file.record_repayment(self.uow, load(Amounts(), event.payload), event=event)

    @subscribe("loan.advance_applied")
    def on_advance_applied(self, event):
        loan_file.update_balance(self.uow, load(Amounts(), event.payload))

    @subscribe("loan.prepaid")
    def on_prepaid(self, event):
        loan_file.update_balance(self.uow, load(Amounts(), event.payload))

    @subscribe("loan.settled")
    def on_settled(self, event):
        loan_file.settle_file(self.uow, {"loan_id": event.payload["loan_id"]}, event=event)

    @subscribe("loan.extended")
    def on_extended(self, event):
        """An extension is a restructuring: at least special mention for the observation period."""
        loan_file.restructure_file(self.uow, load(LoanExtended(), event.payload), event=event)

    @subscribe("loan.transferred")
    def on_transferred(self, event):
        loan_file.transfer_file(self.uow, load(LoanTransferred(), event.payload))

    # -- warnings from other services ----------------------------------------------------------
    @subscribe("customer.blacklisted")
    def on_customer_blacklisted(self, event):
        warnings.warn_blacklisted(self.uow, load(CustomerBlacklisted(), event.payload), event=event)

    @subscribe("collateral.gps_alert")
    def on_gps_alert(self, event):
        warnings.warn_gps_alert(self.uow, load(GpsAlert(), event.payload), event=event)

    @subscribe("collateral.valuation_approved")
    def on_valuation(self, event):
        """A revaluation that leaves the loan above the LTV limit (CARLOAN_WARNING_LTV, default 0.80)."""
        warnings.warn_high_ltv(self.uow, load(ValuationApproved(), event.payload), event=event)

    # -- collection tasks (催收) ----------------------------------------------------------------
    @rpc
    def list_tasks(self, status=None, assignee_id=None, loan_id=None, stage=None, page=1, page_size=20):
        """A collector's inbox: high priority first, then what is due soonest (due today and overdue first)."""
        found = tasks.list_tasks(self.uow, {"status": status, "assignee_id": assignee_id, "loan_id": loan_id,
                                            "stage": stage, "page": page, "page_size": page_size})
        return views.page(found, views.task)

    @rpc
    def task_grants_read(self, loan_id=None, customer_id=None):
        """Does the caller hold an open collection task on this loan, or on a loan of this customer? An assigned
        task lets a collector read what it is about; the loan and customer services ask here (who is given which
        task is this service's), only when their own data scope would refuse."""
        return tasks.task_grants_read(self.uow, {"loan_id": loan_id, "customer_id": customer_id})

    @rpc
    def get_task(self, task_id):
        return views.task_detail(*tasks.get_task(self.uow, task_id))

    @rpc
    def assign_task(self, task_id, data):
        """A manager gives a task to another collector of the loan's department."""
        return views.task(*tasks.assign_task(self.uow, task_id, load(AssignIn(), data), org=self.org))

    @rpc
    def add_record(self, task_id, data):
        """催收记录: a contact and its result; a promise to pay sets the task's next date to it."""
        return views.record(tasks.add_record(self.uow, task_id, load(RecordIn(), data)))

    # -- warnings (预警) -------------------------------------------------------------------------
    @rpc
    def list_warnings(self, loan_id=None, level=None, status=None, kind=None, page=1, page_size=20):
        found = warnings.list_warnings(self.uow, {"loan_id": loan_id, "level": level, "status": status,
                                                  "kind": kind, "page": page, "page_size": page_size})
        return views.page(found, views.warning)

    @rpc
    def resolve_warning(self, warning_id, data):
        return views.warning(*warnings.resolve_warning(self.uow, warning_id, load(ResolveIn(), data)))

    # -- five-level classification (五级分类) -----------------------------------------------------
    @rpc
    def list_classifications(self, loan_id=None, grade=None, page=1, page_size=20):
        found = classification.list_classifications(self.uow, {"loan_id": loan_id, "grade": grade, "page": page,
                                                               "page_size": page_size})
        return views.page(found, views.grade)

    @rpc
    def request_adjustment(self, loan_id, data):
        """A manual grade with its reason, never better than the floor; a post-loan manager decides."""
        return views.adjustment(classification.request_adjustment(self.uow, loan_id, load(AdjustmentIn(), data)))

    @rpc
    def decide_adjustment(self, adjustment_id, data):
        return views.adjustment(classification.decide_adjustment(self.uow, adjustment_id, load(DecisionIn(), data)))

    # -- operations ----------------------------------------------------------------------------
    @timer(interval=config.env_float("CARLOAN_COLLECTION_REGRADE_SECONDS", 3600))
    def regrade_observed(self):
        """A restructured loan that performs sends no event when its observation year ends: regrade those whose
        year is over and still carry the restructuring floor."""
        classification.regrade_observed(self.uow)

    @timer(interval=config.env_float("CARLOAN_COLLECTION_GAUGE_SECONDS", 30))
    def refresh_gauges(self):
        """Open tasks by stage, open warnings by kind, active loans and their balance by grade."""
        operations.refresh_gauges(self.uow)
