"""The loans the cars secure (抵押), learnt from the loan service's events through the reliable
consumer: `loan.disbursed` records the pledge and opens GPS installation and mortgage registration,
`loan.settled` settles it, cancels work no longer needed and opens release and GPS removal, `loan.transferred`
moves the car to the new borrower and opens a new registration. An event about a loan or vehicle this service does
not know fails (`VehicleUnknown`): it is retried, then parked for an operator, never dropped."""
from sqlalchemy import select

from services.collateral import domain
from services.collateral.models import OwnerChange, Pledge, Task, Vehicle
from services.common import config


class VehicleUnknown(Exception):
    """A loan event names a vehicle this service never registered: retried, then parked for an operator."""


def record_disbursement(uow, data, *, event):
    """The pledge of a disbursed loan (once, however often the event comes) and its first tasks."""
    vehicle = uow.session.get(Vehicle, data["vehicle_id"])
    if vehicle is None:
        raise VehicleUnknown(f"loan {data['loan_id']} names vehicle {data['vehicle_id']}, which is not registered")
    pledge = uow.session.get(Pledge, data["loan_id"])
    if pledge is None:
        pledge = Pledge(loan_id=data["loan_id"], vehicle_id=vehicle.id, customer_id=data["customer_id"],
                        department_id=data["department_id"], contract_no=data["contract_no"], status="active",
                        disbursed_on=event.business_day)
        uow.session.add(pledge)
        uow.session.flush()
    open_tasks(uow, "disbursed", pledge, event)
    return pledge


def settle_pledge(uow, data, *, event):
    """The loan is settled: the car is free again, so installation and registration still open are cancelled."""
    pledge = pledge_of(uow, data["loan_id"])
    domain.PLEDGE.move(pledge, "settled", settled_on=event.business_day)
    for task in tasks_of(uow, pledge.loan_id, domain.CANCELLED_BY_SETTLEMENT, status="open"):
        domain.TASK.move(task, "cancelled", note="贷款已结清 loan settled before the task was done")
    open_tasks(uow, "settled", pledge, event)
    return pledge


def transfer_pledge(uow, data, *, event):
    """A debt transfer: the new borrower owns the car from the event's business date (kept in the owner history)."""
    pledge = pledge_of(uow, data["loan_id"])
    vehicle = uow.session.get(Vehicle, pledge.vehicle_id, with_for_update=True)
    if vehicle.owner_customer_id != data["customer_id"]:
        uow.session.add(OwnerChange(vehicle_id=vehicle.id, from_customer_id=vehicle.owner_customer_id,
                                    to_customer_id=data["customer_id"], loan_id=pledge.loan_id,
                                    changed_on=event.business_day))
        vehicle.owner_customer_id = data["customer_id"]
    pledge.customer_id = data["customer_id"]
    open_tasks(uow, "transferred", pledge, event)
    return pledge


def open_tasks(uow, cause, pledge, event):
    """The tasks `cause` opens for the pledged car, due a configurable number of days after the event's business
    date (`CARLOAN_<KIND>_DUE_DAYS`)."""
    opened_on = event.business_day
    # The inbox makes each event open its tasks once; the unique (source_event_id, kind) key backs it up.
    for kind in domain.OPENED_BY[cause]:
        days = config.env_int(f"CARLOAN_{kind.upper()}_DUE_DAYS", domain.TASK_KINDS[kind].due_days)
        uow.session.add(Task(kind=kind, loan_id=pledge.loan_id, vehicle_id=pledge.vehicle_id,
                             department_id=pledge.department_id, status="open", opened_on=opened_on,
                             due_on=domain.due_date(kind, opened_on, days), source_event_id=event.event_id))


def pledge_of(uow, loan_id):
    pledge = uow.session.get(Pledge, loan_id, with_for_update=True)
    if pledge is None:  # its disbursement has not been handled yet: retried, then parked
        raise VehicleUnknown(f"loan {loan_id} is not known here yet (no loan.disbursed handled)")
    return pledge


def tasks_of(uow, loan_id, kinds, status=None):
    query = select(Task).where(Task.loan_id == loan_id, Task.kind.in_(kinds))
    if status:
        query = query.where(Task.status == status)
    return uow.session.scalars(query).all()
