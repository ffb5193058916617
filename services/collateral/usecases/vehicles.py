"""Vehicles (车辆): registration, corrections, the file of one car and the list. A vehicle belongs to the
department of the employee who registered it; its owner is a customer of the customer service."""
from sqlalchemy import func, or_, select

from services.collateral import domain, events
from services.collateral.models import OwnerChange, Task, Vehicle
from services.collateral.usecases.lookups import (checked, known_customer, scoped_vehicles, valuation_in_force,
                                                  visible_vehicle)
from services.common import audit, clock
from services.common.ask import ask
from services.common.errors import Conflict
from services.common.pagination import paginate

# what a correction may change (the VIN and the owner only while nothing depends on the car)
FIELDS = ("vin", "plate_number", "brand", "model", "year", "mileage_km", "colour", "owner_customer_id")


def create_vehicle(uow, data, *, customers):
    """Register a car: VIN (ISO 3779 check digit) and plate (GA 36) checked and normalised, the owner asked of
    the customer service before anything is written, one vehicle per VIN (409 `VEHICLE_DUPLICATE`)."""
    vin = checked("vin", domain.normalize_vin(data["vin"]), domain.vin_problem, "VIN_INVALID")
    plate = None
    if data["plate_number"]:
        plate = checked("plate_number", domain.normalize_plate(data["plate_number"]), domain.plate_problem,
                        "PLATE_INVALID")
    known_customer(customers, data["owner_customer_id"])  # before this worker opens a transaction
    _refuse_duplicate(uow, vin)
    vehicle = Vehicle(vin=vin, plate_number=plate, brand=data["brand"], model=data["model"], year=data["year"],
                      mileage_km=data["mileage_km"], colour=data["colour"],
                      owner_customer_id=data["owner_customer_id"], department_id=uow.actor.department_id,
                      created_by=uow.actor.user_id)
    uow.session.add(vehicle)
    uow.session.flush()
    uow.audit("create_vehicle", "vehicle", vehicle.id, {**data, "vin": vin, "plate_number": plate})
    uow.emit(*events.vehicle_registered(vehicle))
    return vehicle


def update_vehicle(uow, vehicle_id, data, *, customers, loans):
    """Correct a vehicle the caller can see. A new VIN or owner is asked of the loan service (its applications and
    loans) and of the task book first (409 `VEHICLE_IN_USE` while something depends on the car); a new owner is
    kept in the owner history. Audited with before and after; nothing changed, nothing audited."""
    wanted = correctable(data)
    vehicle = visible_vehicle(uow, vehicle_id)
    asked = None
    if any(key in wanted and wanted[key] != getattr(vehicle, key) for key in domain.PLEDGED_FIELDS):
        uow.session.rollback()  # only read so far: hold no connection while other services answer
        if "owner_customer_id" in wanted:
            known_customer(customers, wanted["owner_customer_id"])
        asked = ask(loans, "vehicle_dependents", vehicle_id)
    vehicle = uow.session.get(Vehicle, vehicle_id, with_for_update=True, populate_existing=True)
    before = {key: getattr(vehicle, key) for key in FIELDS}
    changed = {key: value for key, value in wanted.items() if value != before[key]}
    if any(key in changed for key in domain.PLEDGED_FIELDS):
        _refuse_if_depended_on(uow, vehicle, changed, asked)
    if "vin" in changed:
        _refuse_duplicate(uow, changed["vin"])
    if "owner_customer_id" in changed:
        uow.session.add(OwnerChange(vehicle_id=vehicle.id, from_customer_id=vehicle.owner_customer_id,
                                    to_customer_id=changed["owner_customer_id"], changed_on=clock.today()))
    for key, value in changed.items():
        setattr(vehicle, key, value)
    if changed:
        uow.session.flush()
        uow.audit("update_vehicle", "vehicle", vehicle.id, audit.changes({key: before[key] for key in changed},
                                                                         changed))
    return vehicle


def get_vehicle(uow, vehicle_id):
    """(vehicle, the valuation in force today or None, its owner changes oldest first)."""
    vehicle = visible_vehicle(uow, vehicle_id)
    current = valuation_in_force(uow.session, vehicle.id, clock.today())
    owners = uow.session.scalars(select(OwnerChange).where(OwnerChange.vehicle_id == vehicle.id)
                                 .order_by(OwnerChange.created_at)).all()
    return vehicle, current, owners


def list_vehicles(uow, data):
    """A page of the vehicles the caller can see, newest first: `q` is a VIN or plate (exact, normalised) or part of
    the brand or model; `owner_customer_id` one owner's cars."""
    query = scoped_vehicles(uow, select(Vehicle)).order_by(Vehicle.created_at.desc(), Vehicle.id)
    if data.get("owner_customer_id"):
        query = query.where(Vehicle.owner_customer_id == data["owner_customer_id"])
    if data.get("q"):
        needle = data["q"].strip()
        query = query.where(or_(Vehicle.vin == domain.normalize_vin(needle),
                                Vehicle.plate_number == domain.normalize_plate(needle),
                                Vehicle.brand.contains(needle, autoescape=True),
                                Vehicle.model.contains(needle, autoescape=True)))
    return paginate(uow.session, query, data.get("page"), data.get("page_size"))


def correctable(data):
    """The correctable fields of `data`, the VIN and plate checked and normalised as at registration."""
    fields = {key: data[key] for key in FIELDS if key in data}
    if "vin" in fields:
        fields["vin"] = checked("vin", domain.normalize_vin(fields["vin"]), domain.vin_problem, "VIN_INVALID")
    if fields.get("plate_number") is not None:
        fields["plate_number"] = checked("plate_number", domain.normalize_plate(fields["plate_number"]),
                                         domain.plate_problem, "PLATE_INVALID")
    return fields


def _refuse_duplicate(uow, vin):
    existing = uow.session.scalars(select(Vehicle.id).where(Vehicle.vin == vin)).first()
    if existing:
        raise Conflict(f"a vehicle with VIN {vin} is already registered", code="VEHICLE_DUPLICATE",
                       extra={"existing_id": existing, "vin": vin})


def _refuse_if_depended_on(uow, vehicle, changed, asked):
    """409 if the VIN or owner may not change now: `asked` is the loan service's count of the applications and
    loans on the car (None if it was not asked: the car changed since it was read)."""
    if asked is None:  # changed by someone else since it was read: what was asked no longer holds
        raise Conflict("the vehicle changed meanwhile; try again", code="CONCURRENT_CHANGE")
    open_tasks = uow.session.scalar(select(func.count()).select_from(Task).where(
        Task.vehicle_id == vehicle.id, Task.status == "open"))
    dependents = {**asked, "open_tasks": open_tasks}
    problem = domain.pledged_change_problem(changed, dependents)
    if problem:
        raise Conflict(problem, code="VEHICLE_IN_USE", extra={"dependents": dependents})
