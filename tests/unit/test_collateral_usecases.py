"""The collateral service's use cases on the real unit of work over an in-memory SQLite database (tests/fakes.py):
what they store, emit and audit, and that a refusal leaves nothing written."""
import datetime as dt
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from services.collateral import views
from services.collateral.models import Base, GpsAlert, GpsDevice, OwnerChange, Pledge, Task, Valuation, Vehicle
from services.collateral.usecases import gps, pledges, tasks, valuations, vehicles
from services.common import clock
from services.common.errors import Conflict, NotFound, ValidationFailed
from services.common.refusal import Refused
from tests.fakes import FakeService, FakeUnitOfWork, actor
from tests.helpers import new_vin

CLERK = actor("e-clerk", permissions=("collateral.vehicle.manage", "collateral.task.complete"), department_id="d-hz",
              data_scope="department")
APPRAISER = actor("e-appraiser", permissions=("collateral.valuation.submit",), department_id="d-hz")
REVIEWER = actor("e-reviewer", permissions=("collateral.valuation.review",), department_id="d-hz")
IMEI, OTHER_IMEI = "490154203237518", "356938035643809"  # 15 digits, Luhn check digit right

# The loan service of a product without a 资料清单: nothing to have on file before a task is completed.
LOANS = FakeService("loan", task_checklist=lambda *args, **kwargs: {"stages": [], "missing": []})


class Proxy:
    """Another service's RpcProxy as `services.common.ask` calls it: `methods` maps a method name to a function of
    the call's arguments giving the answer (or raising the service's error); every call is kept in `asked`."""

    def __init__(self, service_name, **methods):
        self.service_name, self.methods, self.asked = service_name, methods, []

    def __getattr__(self, method):
        if method not in self.methods:
            raise AssertionError(f"{self.service_name}.{method} was not expected to be asked")
        proxy = self

        class Call:
            @staticmethod
            def call_async(*args):
                proxy.asked.append((method, args))
                answer = proxy.methods[method](*args)
                return SimpleNamespace(result=lambda: answer)
        return Call


def customers(*known):
    """The customer service, which knows the customers `known` and answers 404 for any other."""
    def brief(customer_id):
        if customer_id not in known:
            raise NotFound("no such customer", code="CUSTOMER_NOT_FOUND")
        return {"id": customer_id}
    return Proxy("customer", customer_brief=brief)


def loans(**dependents):
    """The loan service, counting the applications and loans that depend on a vehicle."""
    return Proxy("loan", vehicle_dependents=lambda vehicle_id: {"applications": 0, "loans": 0, **dependents})


@pytest.fixture
def uow():
    unit = FakeUnitOfWork("collateral", Base.metadata, acting=CLERK)
    yield unit
    unit.close()


def count(uow, model):
    return uow.session.scalar(select(func.count()).select_from(model))


def outbox(uow):
    """The event types in the outbox table: what was committed to be published (a rolled-back emit is not)."""
    table = uow.tables["outbox"]
    return [row.event_type for row in uow.session.execute(select(table.c.event_type).order_by(table.c.id))]


def a_car(**overrides):
    return {"vin": new_vin(), "plate_number": "粤b·d12345", "brand": "比亚迪", "model": "汉 EV", "year": 2024,
            "mileage_km": 12000, "colour": "白", "owner_customer_id": "c-1", **overrides}


def registered(uow, **overrides):
    vehicle = vehicles.create_vehicle(uow, a_car(**overrides), customers=customers("c-1", "c-2"))
    uow.commit()
    return vehicle


def loan_event(day=None, **payload):
    return SimpleNamespace(event_id=str(uuid.uuid4()), business_day=day or clock.today(), payload=payload)


def disbursed(uow, vehicle, loan_id="l-1", day=None):
    event = loan_event(day)
    pledges.record_disbursement(uow, {"loan_id": loan_id, "customer_id": vehicle.owner_customer_id,
                                      "vehicle_id": vehicle.id, "department_id": "d-hz",
                                      "contract_no": "CL20261203-0001"}, event=event)
    uow.commit()
    return event


def task_of(uow, kind, loan_id="l-1"):
    return uow.session.scalars(select(Task).where(Task.loan_id == loan_id, Task.kind == kind)).one()


# -- vehicles --------------------------------------------------------------------------------------------
def test_a_vehicle_is_stored_normalised_in_the_clerks_department_audited_and_published(uow):
    raw = a_car()
    raw["vin"] = raw["vin"].lower()[:8] + "-" + raw["vin"].lower()[8:]
    vehicle = vehicles.create_vehicle(uow, raw, customers=customers("c-1"))
    uow.commit()

    stored = uow.session.get(Vehicle, vehicle.id)
    assert stored.vin == raw["vin"].replace("-", "").upper() and stored.plate_number == "粤BD12345"
    assert (stored.department_id, stored.created_by) == ("d-hz", "e-clerk")
    assert uow.events("collateral.vehicle_registered") == [
        {"vehicle_id": vehicle.id, "vin": stored.vin, "owner_customer_id": "c-1"}]
    [(_, target, target_id, changes)] = uow.audits("create_vehicle")
    assert (target, target_id, changes["vin"], changes["plate_number"]) == ("vehicle", vehicle.id, stored.vin,
                                                                           "粤BD12345")
    assert views.vehicle(stored)["created_at"] == stored.created_at.isoformat()


def test_a_second_car_with_the_same_vin_or_an_unknown_owner_is_refused_and_nothing_is_written(uow):
    first = registered(uow)
    with pytest.raises(Conflict) as duplicate:
        vehicles.create_vehicle(uow, a_car(vin=first.vin), customers=customers("c-1"))
    assert duplicate.value.code == "VEHICLE_DUPLICATE" and duplicate.value.extra["existing_id"] == first.id
    uow.rollback()
    with pytest.raises(ValidationFailed) as stranger:
        vehicles.create_vehicle(uow, a_car(owner_customer_id="c-9"), customers=customers("c-1"))
    assert stranger.value.code == "CUSTOMER_NOT_FOUND" and "owner_customer_id" in stranger.value.errors
    uow.rollback()
    vin = new_vin()
    mistyped = vin[:8] + ("1" if vin[8] == "0" else "0") + vin[9:]  # the check digit no longer matches
    with pytest.raises(ValidationFailed) as typo:
        vehicles.create_vehicle(uow, a_car(vin=mistyped), customers=customers("c-1"))
    assert typo.value.code == "VIN_INVALID"
    uow.rollback()

    assert count(uow, Vehicle) == 1
    assert outbox(uow) == ["vehicle_registered"] and len(uow.audits("create_vehicle")) == 1


def test_a_vin_or_owner_stays_while_a_loan_depends_on_the_car_but_the_plate_may_change(uow):
    car = registered(uow)
    with pytest.raises(Conflict) as refused:
        vehicles.update_vehicle(uow, car.id, {"owner_customer_id": "c-2"}, customers=customers("c-1", "c-2"),
                                loans=loans(loans=1))
    assert refused.value.code == "VEHICLE_IN_USE" and refused.value.extra["dependents"]["loans"] == 1
    uow.rollback()
    assert uow.session.get(Vehicle, car.id).owner_customer_id == "c-1" and count(uow, OwnerChange) == 0

    untouched = Proxy("loan")  # a description change asks nobody
    vehicles.update_vehicle(uow, car.id, {"plate_number": "粤A12345", "mileage_km": 15000},
                            customers=customers(), loans=untouched)
    uow.commit()
    assert uow.session.get(Vehicle, car.id).plate_number == "粤A12345" and untouched.asked == []
    [(_, _, _, changes)] = uow.audits("update_vehicle")
    assert changes == {"plate_number": {"from": "粤BD12345", "to": "粤A12345"},
                       "mileage_km": {"from": 12000, "to": 15000}}

    free = loans()
    vehicles.update_vehicle(uow, car.id, {"owner_customer_id": "c-2"}, customers=customers("c-2"), loans=free)
    uow.commit()
    _, _, owners = vehicles.get_vehicle(uow, car.id)
    assert [(o.from_customer_id, o.to_customer_id) for o in owners] == [("c-1", "c-2")]
    assert free.asked == [("vehicle_dependents", (car.id,))]


# -- valuations ------------------------------------------------------------------------------------------
def test_a_valuation_counts_for_lending_only_once_another_user_approved_it(uow):
    car = registered(uow)
    valuation = valuations.submit_valuation(uow.as_(APPRAISER), car.id, {
        "appraised_value": Decimal("168000.00"), "method": "market", "notes": None, "valued_on": None})
    uow.commit()
    assert valuations.lending_value(uow, car.id) == (car, None)

    with pytest.raises(Refused) as own:
        valuations.review_valuation(uow, valuation.id, {"approve": True, "comment": None})
    assert (own.value.code, own.value.kind) == ("SELF_REVIEW", "forbidden")
    uow.rollback()
    assert uow.session.get(Valuation, valuation.id).status == "submitted"
    assert outbox(uow) == ["vehicle_registered"] and uow.audits("approve_valuation") == []

    valuations.review_valuation(uow.as_(REVIEWER), valuation.id, {"approve": True, "comment": "同意"})
    uow.commit()
    _, current = valuations.lending_value(uow, car.id)
    assert views.valuation(current)["appraised_value"] == "168000.00" and current.reviewed_by == "e-reviewer"
    [approved] = uow.events("collateral.valuation_approved")
    assert (approved["valuation_id"], approved["approved_by"]) == (valuation.id, "e-reviewer")
    with pytest.raises(Refused) as again:
        valuations.review_valuation(uow, valuation.id, {"approve": False, "comment": None})
    assert (again.value.code, again.value.kind) == ("VALUATION_ALREADY_REVIEWED", "conflict")


def test_a_valuation_dated_in_the_future_is_refused(uow):
    car = registered(uow)
    with pytest.raises(ValidationFailed) as refused:
        valuations.submit_valuation(uow, car.id, {"appraised_value": Decimal("1.00"), "method": "market",
                                                  "notes": None, "valued_on": clock.today() + dt.timedelta(days=1)})
    assert refused.value.code == "VALUATION_DATE_INVALID"
    uow.rollback()
    assert count(uow, Valuation) == 0 and uow.audits("submit_valuation") == []


# -- pledges and the task book ---------------------------------------------------------------------------
def test_a_disbursement_opens_gps_installation_and_mortgage_registration_due_in_3_and_15_days(uow):
    car = registered(uow)
    day = dt.date(2026, 9, 24)
    event = disbursed(uow, car, day=day)

    assert uow.session.get(Pledge, "l-1").status == "active"
    opened = {t.kind: t for t in uow.session.scalars(select(Task)).all()}
    assert {kind: t.due_on for kind, t in opened.items()} == {"gps_install": dt.date(2026, 9, 27),
                                                              "mortgage_registration": dt.date(2026, 10, 9)}
    assert {t.source_event_id for t in opened.values()} == {event.event_id}
    listed = views.page(tasks.list_tasks(uow, {"loan_id": "l-1"}), views.task)
    assert [(t["kind"], t["vin"], t["overdue"]) for t in listed["items"]] == [
        ("gps_install", car.vin, clock.today() > dt.date(2026, 9, 27)),
        ("mortgage_registration", car.vin, clock.today() > dt.date(2026, 10, 9))]


def test_an_event_about_an_unknown_vehicle_or_loan_fails_so_that_it_is_retried_and_parked(uow):
    with pytest.raises(pledges.VehicleUnknown):
        pledges.record_disbursement(uow, {"loan_id": "l-9", "customer_id": "c-1", "vehicle_id": "v-none",
                                          "department_id": None, "contract_no": None}, event=loan_event())
    with pytest.raises(pledges.VehicleUnknown):
        pledges.settle_pledge(uow, {"loan_id": "l-9"}, event=loan_event())
    uow.rollback()
    assert count(uow, Pledge) == 0 and count(uow, Task) == 0


def test_a_gps_installation_activates_the_device_and_a_device_on_another_car_is_refused(uow):
    car, other = registered(uow), registered(uow)
    disbursed(uow, car, "l-1")
    disbursed(uow, other, "l-2")
    install = task_of(uow, "gps_install", "l-1")
    done = tasks.complete_gps_task(uow, install.id, {"device_imei": f" {IMEI} ", "installed_on": clock.today(),
                                                     "removed_on": None, "installer": None, "note": None},
                                   loans=LOANS)
    uow.commit()
    assert views.task(done)["installed_on"] == clock.today().isoformat() and done.installer == "e-clerk"
    device = uow.session.get(GpsDevice, IMEI)
    assert (device.status, device.vehicle_id, device.loan_id) == ("active", car.id, "l-1")
    assert uow.events("collateral.gps_installed") == [
        {"task_id": install.id, "loan_id": "l-1", "vehicle_id": car.id, "device_imei": IMEI,
         "installer": "e-clerk", "installed_on": clock.today().isoformat()}]

    elsewhere = task_of(uow, "gps_install", "l-2")
    with pytest.raises(Conflict) as in_use:
        tasks.complete_gps_task(uow, elsewhere.id, {"device_imei": IMEI, "installed_on": clock.today(),
                                                    "removed_on": None, "installer": "张师傅", "note": None},
                                loans=LOANS)
    assert in_use.value.code == "GPS_DEVICE_IN_USE"
    uow.rollback()
    assert uow.session.get(Task, elsewhere.id).status == "open"
    assert outbox(uow).count("gps_installed") == 1 and len(uow.audits("complete_gps_install")) == 1
    with pytest.raises(Conflict) as twice:
        tasks.complete_gps_task(uow, install.id, {"device_imei": OTHER_IMEI, "installed_on": clock.today(),
                                                  "removed_on": None, "installer": None, "note": None},
                                loans=LOANS)
    assert twice.value.code == "TASK_ALREADY_COMPLETED"


def test_a_settlement_cancels_open_work_and_the_release_carries_the_registration_certificate(uow):
    car = registered(uow)
    settled_on = clock.today() - dt.timedelta(days=2)
    disbursed(uow, car, day=settled_on - dt.timedelta(days=300))
    registration = task_of(uow, "mortgage_registration")
    tasks.register_mortgage(uow, registration.id, {"certificate_no": " 粤B-DY-2026-0001 ",
                                                   "registered_on": settled_on - dt.timedelta(days=290),
                                                   "note": None}, loans=LOANS)
    uow.commit()
    pledges.settle_pledge(uow, {"loan_id": "l-1"}, event=loan_event(settled_on))
    uow.commit()
    assert uow.session.get(Pledge, "l-1").settled_on == settled_on
    assert task_of(uow, "gps_install").status == "cancelled"  # never fitted, no longer needed
    assert task_of(uow, "mortgage_registration").status == "completed"

    release = task_of(uow, "mortgage_release")
    with pytest.raises(ValidationFailed) as early:
        tasks.complete_release(uow, release.id, {"released_on": settled_on - dt.timedelta(days=1), "note": None})
    assert early.value.code == "DATE_BEFORE_TASK" and early.value.extra == {"settled_on": settled_on.isoformat()}
    uow.rollback()
    assert uow.session.get(Task, release.id).status == "open" and "mortgage_released" not in outbox(uow)

    tasks.complete_release(uow, release.id, {"released_on": settled_on, "note": "车管所办结"})
    uow.commit()
    [released] = uow.events("collateral.mortgage_released")
    assert (released["certificate_no"], released["released_on"]) == ("粤B-DY-2026-0001", settled_on.isoformat())
    assert [a[2] for a in uow.audits("complete_mortgage_release")] == [release.id]
    assert tasks.count_open_tasks(uow, clock.today())["gps_removal"] == (1, 0)


# -- GPS alerts ------------------------------------------------------------------------------------------
def test_the_same_gps_alert_is_recorded_and_published_once_whatever_offset_it_is_written_with(uow):
    car = registered(uow)
    disbursed(uow, car)
    tasks.complete_gps_task(uow, task_of(uow, "gps_install").id, {
        "device_imei": IMEI, "installed_on": clock.today(), "removed_on": None, "installer": None, "note": None},
        loans=LOANS)
    uow.commit()
    at = dt.datetime(2026, 12, 3, 9, 2, 3, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    alert, created = gps.receive_gps_alert(uow, {"device_imei": IMEI, "kind": "offline", "at": at})
    uow.commit()
    same, again = gps.receive_gps_alert(uow, {"device_imei": IMEI, "kind": "offline",
                                              "at": at.astimezone(dt.timezone.utc)})
    uow.commit()
    assert (created, again, same.id) == (True, False, alert.id) and count(uow, GpsAlert) == 1
    [published] = uow.events("collateral.gps_alert")
    assert (published["loan_id"], published["customer_id"], published["department_id"]) == ("l-1", "c-1", "d-hz")
    assert views.alert_received(same, again)["alert"]["at"] == "2026-12-03T01:02:03+00:00"

    with pytest.raises(ValidationFailed) as unknown:
        gps.receive_gps_alert(uow, {"device_imei": OTHER_IMEI, "kind": "offline", "at": at})
    assert unknown.value.code == "GPS_DEVICE_UNKNOWN"
