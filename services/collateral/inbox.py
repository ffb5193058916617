"""我的待办 in the collateral service: valuations waiting for a review by an appraiser who did not submit them, and the
GPS, mortgage registration and release tasks open for a collateral clerk, within the caller's data scope."""
from sqlalchemy import select

from services.collateral import domain
from services.collateral.models import Pledge, Task, Valuation, Vehicle
from services.common import clock
from services.common.inbox import Inbox, item, title, yuan
from services.common.scope import scoped

REVIEW = "collateral.valuation.review"
COMPLETE = "collateral.task.complete"
LABELS = {"valuation_review": "估值待复核", "gps_install": "GPS待安装", "mortgage_registration": "抵押待登记",
          "mortgage_release": "抵押待解除", "gps_removal": "GPS待拆除"}
# where each task kind is read, and the action that completes it
TASK_ROUTES = {"gps_install": ("gps-tasks", "complete"), "gps_removal": ("gps-tasks", "complete"),
               "mortgage_registration": ("mortgages", "register"), "mortgage_release": ("releases", "complete")}


def inbox(session, actor, limit):
    box = Inbox(session, limit)
    if actor.has(REVIEW):
        query = (scoped(select(Valuation, Vehicle).join(Vehicle, Vehicle.id == Valuation.vehicle_id), actor,
                        Vehicle.department_id, Vehicle.created_by)
                 .where(Valuation.status == "submitted", Valuation.submitted_by != actor.user_id)
                 .order_by(Valuation.submitted_at, Valuation.id))
        box.add("valuation_review", query, _valuation)
    if actor.has(COMPLETE):
        today = clock.today()
        for kind in TASK_ROUTES:
            query = (scoped(select(Task, Vehicle, Pledge).join(Vehicle, Vehicle.id == Task.vehicle_id)
                            .join(Pledge, Pledge.loan_id == Task.loan_id), actor, Task.department_id)
                     .where(Task.kind == kind, Task.status == "open")
                     .order_by(Task.due_on, Task.created_at, Task.id))  # soonest due (the late ones) first
            box.add(kind, query, lambda task, vehicle, pledge: _task(task, vehicle, pledge, today))
    return box.result()


def _car(vehicle):
    return vehicle.plate_number or vehicle.vin


def _valuation(valuation, vehicle):
    return item("valuation_review", LABELS["valuation_review"], valuation.id,
                title(LABELS["valuation_review"], _car(vehicle), yuan(valuation.appraised_value)),
                title(f"{vehicle.brand} {vehicle.model}", f"{vehicle.year}年",
                      domain.METHODS.get(valuation.method, valuation.method), f"评估基准日 {valuation.valued_on}"),
                valuation.submitted_at, f"/api/v1/valuations/{valuation.id}",
                f"/api/v1/valuations/{valuation.id}/review")


def _task(task, vehicle, pledge, today):
    path, verb = TASK_ROUTES[task.kind]
    overdue = domain.is_overdue(task.status, task.due_on, today)
    return item(task.kind, LABELS[task.kind], task.id, title(LABELS[task.kind], _car(vehicle)),
                title(pledge.contract_no and f"合同 {pledge.contract_no}", f"{vehicle.brand} {vehicle.model}",
                      f"应于 {task.due_on} 前完成", "已逾期" if overdue else None),
                task.created_at, f"/api/v1/{path}/{task.id}", f"/api/v1/{path}/{task.id}/{verb}")
