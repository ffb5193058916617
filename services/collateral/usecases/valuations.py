"""车辆评估 Valuations: an appraiser submits a value, another user holding `collateral.valuation.review` approves or
rejects it (a decision is final), and the approved one with the latest `valued_on` not older than 90 days is the
value the loan service lends on."""
import datetime as dt

from sqlalchemy import select

from services.collateral import domain, events
from services.collateral.models import Valuation, Vehicle
from services.collateral.usecases.lookups import (can_see_vehicle, scoped_vehicles, valuation_in_force,
                                                  visible_vehicle)
from services.common import clock
from services.common.clock import utcnow
from services.common.errors import NotFound, field_error
from services.common.jsonutil import money
from services.common.pagination import paginate


def submit_valuation(uow, vehicle_id, data):
    """A valuation of a car the caller can see, waiting for review; `valued_on` (评估基准日) defaults to today and
    may be neither in the future nor older than 90 days (422 `VALUATION_DATE_INVALID`)."""
    vehicle = visible_vehicle(uow, vehicle_id)
    today = clock.today()
    valued_on = data["valued_on"] or today
    problem = domain.valued_on_problem(valued_on, today)
    if problem:
        raise field_error("valued_on", problem, code="VALUATION_DATE_INVALID")
    valuation = Valuation(vehicle_id=vehicle.id, appraised_value=data["appraised_value"], method=data["method"],
                          notes=data["notes"], valued_on=valued_on, status="submitted",
                          submitted_by=uow.actor.user_id)
    uow.session.add(valuation)
    uow.session.flush()
    uow.audit("submit_valuation", "valuation", valuation.id,
              {"vehicle_id": vehicle.id, "appraised_value": money(valuation.appraised_value)})
    return valuation


def review_valuation(uow, valuation_id, data):
    """Approve or reject a submitted valuation: never by its appraiser (403 `SELF_REVIEW`), once (409
    `VALUATION_ALREADY_REVIEWED`). An approval publishes `collateral.valuation_approved`."""
    valuation = _visible_valuation(uow, valuation_id, lock=True)
    domain.check_reviewer(valuation.status, valuation.submitted_by, uow.actor.user_id)
    domain.VALUATION.move(valuation, "approved" if data["approve"] else "rejected")
    valuation.reviewed_by, valuation.reviewed_at = uow.actor.user_id, utcnow()
    valuation.review_comment = data["comment"]
    uow.audit("approve_valuation" if data["approve"] else "reject_valuation", "valuation", valuation.id,
              {"comment": data["comment"]})
    if valuation.status == "approved":
        uow.emit(*events.valuation_approved(valuation))
    return valuation


def get_valuation(uow, valuation_id):
    return _visible_valuation(uow, valuation_id)


def list_valuations(uow, data):
    """A page of the valuations of the cars the caller can see, newest first, of one vehicle or status if asked."""
    query = (scoped_vehicles(uow, select(Valuation).join(Vehicle, Vehicle.id == Valuation.vehicle_id))
             .order_by(Valuation.submitted_at.desc(), Valuation.id))
    if data.get("vehicle_id"):
        query = query.where(Valuation.vehicle_id == data["vehicle_id"])
    if data.get("status"):
        query = query.where(Valuation.status == data["status"])
    return paginate(uow.session, query, data.get("page"), data.get("page_size"))


def lending_value(uow, vehicle_id, *, as_of=None):
    """(vehicle, the valuation in force on `as_of` (ISO date, default today) or None), without data scope: the
    loan service, which asks, applies its own. 404 `VEHICLE_NOT_FOUND` for an unknown vehicle."""
    vehicle = uow.session.get(Vehicle, vehicle_id)
    if vehicle is None:
        raise NotFound("no such vehicle", code="VEHICLE_NOT_FOUND")
    on = dt.date.fromisoformat(as_of) if as_of else clock.today()
    return vehicle, valuation_in_force(uow.session, vehicle.id, on)


def _visible_valuation(uow, valuation_id, lock=False):
    valuation = uow.session.get(Valuation, valuation_id, with_for_update=lock)
    if valuation is None or not can_see_vehicle(uow, uow.session.get(Vehicle, valuation.vehicle_id)):
        raise NotFound("no such valuation", code="VALUATION_NOT_FOUND")
    return valuation
