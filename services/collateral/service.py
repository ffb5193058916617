"""Nameko entrypoints of the collateral service (抵押物管理): each loads its input with the schema of schemas.py,
calls one use case of services/collateral/usecases/ and answers its view (views.py)."""
from nameko.rpc import RpcProxy
from nameko.timer import timer
from prometheus_client import Gauge

from services.collateral import inbox as todo
from services.collateral import views
from services.collateral.models import Base
from services.collateral.schemas import (GpsAlertIn, GpsTaskDone, LoanDisbursed, LoanSettled, LoanTransferred,
                                         MortgageRegistered, ReleaseDone, ReviewIn, ValuationIn, VehicleIn,
                                         VehiclePatch)
from services.collateral.usecases import gps, pledges, tasks, valuations, vehicles
from services.common import clock, config
from services.common.consumer import subscribe
from services.common.db import UnitOfWork
from services.common.rpc import rpc
from services.common.schemas import load
from services.common.service import ServiceBase

OPEN_TASKS = Gauge("carloan_collateral_tasks_open", "Open collateral tasks", ["kind"])
OVERDUE_TASKS = Gauge("carloan_collateral_tasks_overdue",
                      "Open collateral tasks past their due date (e.g. GPS not installed within 3 days)", ["kind"])


class CollateralService(ServiceBase):
    name = "collateral"
    uow = UnitOfWork(Base.metadata)
    customers = RpcProxy("customer")
    loans = RpcProxy("loan")

    # -- 我的待办 ------------------------------------------------------------------------------
    @rpc
    def inbox(self, limit=20):
        """What waits for the caller in this service, each kind capped at `limit` (≤ 100) and counted
        (services/collateral/inbox.py); the gateway merges every service's (GET /api/v1/inbox)."""
        return todo.inbox(self.uow.session, self.uow.actor, limit)

    # -- vehicles ------------------------------------------------------------------------------
    @rpc
    def create_vehicle(self, data):
        data = load(VehicleIn(), data)
        return views.vehicle(vehicles.create_vehicle(self.uow, data, customers=self.customers))

    @rpc
    def update_vehicle(self, vehicle_id, data):
        """Correct a vehicle in the caller's data scope. Plate, mileage, colour, brand, model and year change at any
        time; the VIN and the owner only while no loan application or loan (asked of the loan service, which owns
        them) and no open mortgage or GPS task of this service depend on it (409 `VEHICLE_IN_USE`). Audited with
        before and after; a new owner is kept in the owner history."""
        data = load(VehiclePatch(), data)
        vehicle = vehicles.update_vehicle(self.uow, vehicle_id, data, customers=self.customers, loans=self.loans)
        return views.vehicle(vehicle)

    @rpc
    def get_vehicle(self, vehicle_id):
        return views.vehicle_file(*vehicles.get_vehicle(self.uow, vehicle_id))

    @rpc
    def list_vehicles(self, q=None, owner_customer_id=None, page=1, page_size=20):
        found = vehicles.list_vehicles(self.uow, {"q": q, "owner_customer_id": owner_customer_id, "page": page,
                                                  "page_size": page_size})
        return views.page(found, views.vehicle)

    # -- valuation (车辆评估) -----------------------------------------------------------------
    @rpc
    def submit_valuation(self, vehicle_id, data):
        data = load(ValuationIn(), data)
        return views.valuation(valuations.submit_valuation(self.uow, vehicle_id, data))

    @rpc
    def review_valuation(self, valuation_id, data):
        data = load(ReviewIn(), data)
        return views.valuation(valuations.review_valuation(self.uow, valuation_id, data))

    @rpc
    def get_valuation(self, valuation_id):
        return views.valuation(valuations.get_valuation(self.uow, valuation_id))

    @rpc
    def list_valuations(self, vehicle_id=None, status=None, page=1, page_size=20):
        found = valuations.list_valuations(self.uow, {"vehicle_id": vehicle_id, "status": status, "page": page,
                                                      "page_size": page_size})
        return views.page(found, views.valuation)

    @rpc
    def current_valuation(self, vehicle_id, as_of=None):
        """For the loan service (LTV): the latest approved valuation at most 90 days old on `as_of`
        (default today), or None. 404 for an unknown vehicle."""
        _, current = valuations.lending_value(self.uow, vehicle_id, as_of=as_of)
        return current and views.valuation(current)

    @rpc(services=("loan",))
    def lending_value(self, vehicle_id, as_of=None):
        """For the loan service's application checks: the vehicle (its owner) and its current valuation
        (or None), without data scope: the loan service applies its own. 404 for an unknown vehicle."""
        return views.lending_value(*valuations.lending_value(self.uow, vehicle_id, as_of=as_of))

    # -- the task book (from loan events) -----------------------------------------------------
    @subscribe("loan.disbursed")
    def on_loan_disbursed(self, event):
        data = load(LoanDisbursed(), event.payload)
        pledges.record_disbursement(self.uow, data, event=event)

    @subscribe("loan.settled")
    def on_loan_settled(self, event):
        data = load(LoanSettled(), event.payload)
        pledges.settle_pledge(self.uow, data, event=event)

    @subscribe("loan.transferred")
    def on_loan_transferred(self, event):
        data = load(LoanTransferred(), event.payload)
        pledges.transfer_pledge(self.uow, data, event=event)

    @rpc
    def list_tasks(self, kinds=None, loan_id=None, status=None, overdue=None, page=1, page_size=20):
        found = tasks.list_tasks(self.uow, {"kinds": kinds, "loan_id": loan_id, "status": status, "overdue": overdue,
                                            "page": page, "page_size": page_size})
        return views.page(found, views.task)

    @rpc
    def get_task(self, task_id, kinds=None):
        return views.task(tasks.get_task(self.uow, task_id, kinds=kinds))

    @rpc
    def task_checklist(self, task_id, kinds=None):
        return tasks.task_checklist(self.uow, task_id, loans=self.loans, kinds=kinds)

    @rpc
    def complete_gps_task(self, task_id, data):
        data = load(GpsTaskDone(), data)
        return views.task(tasks.complete_gps_task(self.uow, task_id, data, loans=self.loans))

    @rpc
    def register_mortgage(self, task_id, data):
        data = load(MortgageRegistered(), data)
        return views.task(tasks.register_mortgage(self.uow, task_id, data, loans=self.loans))

    @rpc
    def complete_release(self, task_id, data):
        data = load(ReleaseDone(), data)
        return views.task(tasks.complete_release(self.uow, task_id, data))

    # -- GPS platform --------------------------------------------------------------------------
    @rpc
    def receive_gps_alert(self, data):
        """An alert from the GPS platform. Returns `{"alert": ..., "created": bool}`; the same alert
        (device, kind, time) again is not recorded or published twice."""
        data = load(GpsAlertIn(), data)
        return views.alert_received(*gps.receive_gps_alert(self.uow, data))

    @rpc
    def list_gps_alerts(self, loan_id=None, kind=None, page=1, page_size=20):
        found = gps.list_gps_alerts(self.uow, {"loan_id": loan_id, "kind": kind, "page": page,
                                               "page_size": page_size})
        return views.page(found, views.alert)

    # -- operations ----------------------------------------------------------------------------
    @timer(interval=config.env_float("CARLOAN_COLLATERAL_GAUGE_SECONDS", 30))
    def refresh_task_gauges(self):
        """Open and overdue tasks by kind, for the dashboards and the overdue-installation alert."""
        for kind, (open_, late) in tasks.count_open_tasks(self.uow, clock.today()).items():
            OPEN_TASKS.labels(kind).set(open_)
            OVERDUE_TASKS.labels(kind).set(late)
