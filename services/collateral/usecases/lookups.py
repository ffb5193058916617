"""Finders the collateral use cases share: what the caller may see (vehicles by who registered them and their
department, tasks by the loan's department), the valuation in force on a date, and identifiers checked by a rule."""
from sqlalchemy import select

from services.collateral import domain
from services.collateral.models import Task, Valuation, Vehicle
from services.common.ask import ask
from services.common.errors import NotFound, field_error
from services.common.scope import scoped


def checked(field, value, problem_of, code):
    """`value` if the rule `problem_of` finds nothing wrong with it, else a 422 on `field` with `code`."""
    problem = problem_of(value)
    if problem:
        raise field_error(field, problem, code=code)
    return value


def known_customer(customers, customer_id):
    """The owner must be a customer the caller can see (asked of the customer service, which owns them)."""
    try:
        return ask(customers, "customer_brief", customer_id)
    except NotFound:
        raise field_error("owner_customer_id", "no such customer", code="CUSTOMER_NOT_FOUND") from None


# -- data scope ------------------------------------------------------------------------------------------
def scoped_vehicles(uow, query):
    return scoped(query, uow.actor, Vehicle.department_id, Vehicle.created_by)


def scoped_tasks(uow, query):
    return scoped(query, uow.actor, Task.department_id)


def can_see_vehicle(uow, vehicle):
    return vehicle is not None and uow.actor.can_see(vehicle.created_by, vehicle.department_id)


def visible_vehicle(uow, vehicle_id):
    vehicle = uow.session.get(Vehicle, vehicle_id)
    if not can_see_vehicle(uow, vehicle):
        raise NotFound("no such vehicle", code="VEHICLE_NOT_FOUND")
    return vehicle


def visible_task(uow, task_id, kinds=None, lock=False):
    task = uow.session.get(Task, task_id, with_for_update=lock)
    if task is None or (kinds and task.kind not in kinds) or not uow.actor.can_see(None, task.department_id):
        raise NotFound("no such task", code="TASK_NOT_FOUND")
    return task


# -- valuations ------------------------------------------------------------------------------------------
def valuation_in_force(session, vehicle_id, on):
    """The approved valuation with the latest `valued_on` at most 90 days old on `on`, or None."""
    return session.scalars(
        select(Valuation).where(Valuation.vehicle_id == vehicle_id, Valuation.status == "approved",
                                Valuation.valued_on >= domain.earliest_current_valuation_date(on),
                                Valuation.valued_on <= on)
        .order_by(Valuation.valued_on.desc(), Valuation.reviewed_at.desc())).first()
