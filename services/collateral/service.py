"""Nameko entrypoints of the collateral service (抵押物管理)."""
import datetime as dt

from nameko.rpc import RpcProxy
from nameko.timer import timer
from prometheus_client import Gauge
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from services.collateral import domain, events
from services.collateral import inbox as todo
from services.collateral.models import Base, GpsAlert, GpsDevice, OwnerChange, Pledge, Task, Valuation, Vehicle
from services.collateral.schemas import (GpsAlertIn, GpsTaskDone, LoanDisbursed, LoanSettled, LoanTransferred,
                                         MortgageRegistered, ReleaseDone, ReviewIn, ValuationIn, VehicleIn,
                                         VehiclePatch)
from services.common import audit, clock, config
from services.common.consumer import subscribe
from services.common.clock import utcnow
from services.common.db import UnitOfWork
from services.common.jsonutil import money
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error
from services.common.pagination import paginate
from services.common.ask import ask
from services.common.rpc import rpc
from services.common.schemas import load
from services.common.scope import scoped
from services.common.service import ServiceBase

OPEN_TASKS = Gauge("carloan_collateral_tasks_open", "Open collateral tasks", ["kind"])
OVERDUE_TASKS = Gauge("carloan_collateral_tasks_overdue",
                      "Open collateral tasks past their due date (e.g. GPS not installed within 3 days)", ["kind"])


class VehicleUnknown(Exception):
    """A loan event names a vehicle this service never registered: retried, then parked for an operator."""


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
        vin = _checked("vin", domain.normalize_vin(data["vin"]), domain.vin_problem, "VIN_INVALID")
        plate = None
        if data["plate_number"]:
            plate = _checked("plate_number", domain.normalize_plate(data["plate_number"]), domain.plate_problem,
                             "PLATE_INVALID")
        self._known_customer(data["owner_customer_id"])  # before this worker opens a transaction
        existing = self.uow.session.scalars(select(Vehicle.id).where(Vehicle.vin == vin)).first()
        if existing:
            raise Conflict(f"a vehicle with VIN {vin} is already registered", code="VEHICLE_DUPLICATE",
                           extra={"existing_id": existing, "vin": vin})
        actor = self.uow.actor
        vehicle = Vehicle(vin=vin, plate_number=plate, brand=data["brand"], model=data["model"], year=data["year"],
                          mileage_km=data["mileage_km"], colour=data["colour"],
                          owner_customer_id=data["owner_customer_id"], department_id=actor.department_id,
                          created_by=actor.user_id)
        self.uow.session.add(vehicle)
        self.uow.session.flush()
        self.uow.audit("create_vehicle", "vehicle", vehicle.id, {**data, "vin": vin, "plate_number": plate})
        self.uow.emit("vehicle_registered", {"vehicle_id": vehicle.id, "vin": vin,
                                             "owner_customer_id": vehicle.owner_customer_id})
        return self._dump_vehicle(vehicle)

    @rpc
    def update_vehicle(self, vehicle_id, data):
        """Correct a vehicle in the caller's data scope. Plate, mileage, colour, brand, model and year change at any
        time; the VIN and the owner only while no loan application or loan (asked of the loan service, which owns
        them) and no open mortgage or GPS task of this service depend on it (409 `VEHICLE_IN_USE`). Audited with
        before and after; a new owner is kept in the owner history."""
        data = load(VehiclePatch(), data)
        wanted = self._vehicle_fields(data)
        vehicle = self._visible_vehicle(vehicle_id)
        asked = None
        if any(key in wanted and wanted[key] != getattr(vehicle, key) for key in domain.PLEDGED_FIELDS):
            self.uow.session.rollback()  # only read so far: hold no connection while other services answer
            if "owner_customer_id" in wanted:
                self._known_customer(wanted["owner_customer_id"])
            asked = ask(self.loans, "vehicle_dependents", vehicle_id)
        vehicle = self.uow.session.get(Vehicle, vehicle_id, with_for_update=True, populate_existing=True)
        before = self._vehicle_fields(self._dump_vehicle(vehicle), checked=False)
        changed = {key: value for key, value in wanted.items() if value != before[key]}
        if any(key in changed for key in domain.PLEDGED_FIELDS):
            if asked is None:  # changed by someone else since it was read: what was asked no longer holds
                raise Conflict("the vehicle changed meanwhile; try again", code="CONCURRENT_CHANGE")
            open_tasks = self.uow.session.scalar(select(func.count()).select_from(Task).where(
                Task.vehicle_id == vehicle.id, Task.status == "open"))
            dependents = {**asked, "open_tasks": open_tasks}
            problem = domain.pledged_change_problem(changed, dependents)
            if problem:
                raise Conflict(problem, code="VEHICLE_IN_USE", extra={"dependents": dependents})
        if "vin" in changed:
            existing = self.uow.session.scalars(select(Vehicle.id).where(Vehicle.vin == changed["vin"])).first()
            if existing:
                raise Conflict(f"a vehicle with VIN {changed['vin']} is already registered",
                               code="VEHICLE_DUPLICATE", extra={"existing_id": existing, "vin": changed["vin"]})
        if "owner_customer_id" in changed:
            self.uow.session.add(OwnerChange(vehicle_id=vehicle.id, from_customer_id=vehicle.owner_customer_id,
                                             to_customer_id=changed["owner_customer_id"], changed_on=clock.today()))
        for key, value in changed.items():
            setattr(vehicle, key, value)
        if changed:
            self.uow.session.flush()
            self.uow.audit("update_vehicle", "vehicle", vehicle.id,
                           audit.changes({key: before[key] for key in changed}, changed))
        return self._dump_vehicle(vehicle)

    @staticmethod
    def _vehicle_fields(data, checked=True):
        """The correctable fields of `data`, the VIN and plate checked and normalised as at registration."""
        fields = {key: data[key] for key in ("vin", "plate_number", "brand", "model", "year", "mileage_km", "colour",
                                             "owner_customer_id") if key in data}
        if checked and "vin" in fields:
            fields["vin"] = _checked("vin", domain.normalize_vin(fields["vin"]), domain.vin_problem, "VIN_INVALID")
        if checked and fields.get("plate_number") is not None:
            fields["plate_number"] = _checked("plate_number", domain.normalize_plate(fields["plate_number"]),
                                              domain.plate_problem, "PLATE_INVALID")
        return fields

    @rpc
    def get_vehicle(self, vehicle_id):
        vehicle = self._visible_vehicle(vehicle_id)
        result = self._dump_vehicle(vehicle)
        current = self._current_valuation(vehicle.id, clock.today())
        result["current_valuation"] = current and self._dump_valuation(current)
        result["owner_history"] = [
            {"from_customer_id": c.from_customer_id, "to_customer_id": c.to_customer_id, "loan_id": c.loan_id,
             "changed_on": c.changed_on.isoformat()}
            for c in self.uow.session.scalars(select(OwnerChange).where(OwnerChange.vehicle_id == vehicle.id)
                                              .order_by(OwnerChange.created_at))]
        return result

    @rpc
    def list_vehicles(self, q=None, owner_customer_id=None, page=1, page_size=20):
        query = self._scoped_vehicles(select(Vehicle)).order_by(Vehicle.created_at.desc(), Vehicle.id)
        if owner_customer_id:
            query = query.where(Vehicle.owner_customer_id == owner_customer_id)
        if q:
            needle = q.strip()
            query = query.where(or_(Vehicle.vin == domain.normalize_vin(needle),
                                    Vehicle.plate_number == domain.normalize_plate(needle),
                                    Vehicle.brand.contains(needle, autoescape=True),
                                    Vehicle.model.contains(needle, autoescape=True)))
        return paginate(self.uow.session, query, page, page_size, self._dump_vehicle)

    # -- valuation (车辆评估) -----------------------------------------------------------------
    @rpc
    def submit_valuation(self, vehicle_id, data):
        data = load(ValuationIn(), data)
        vehicle = self._visible_vehicle(vehicle_id)
        today = clock.today()
        valued_on = data["valued_on"] or today
        problem = domain.valued_on_problem(valued_on, today)
        if problem:
            raise field_error("valued_on", problem, code="VALUATION_DATE_INVALID")
        valuation = Valuation(vehicle_id=vehicle.id, appraised_value=data["appraised_value"], method=data["method"],
                              notes=data["notes"], valued_on=valued_on, status="submitted",
                              submitted_by=self.uow.actor.user_id)
        self.uow.session.add(valuation)
        self.uow.session.flush()
        self.uow.audit("submit_valuation", "valuation", valuation.id,
                       {"vehicle_id": vehicle.id, "appraised_value": money(valuation.appraised_value)})
        return self._dump_valuation(valuation)

    @rpc
    def review_valuation(self, valuation_id, data):
        data = load(ReviewIn(), data)
        valuation = self.uow.session.get(Valuation, valuation_id, with_for_update=True)
        if valuation is None or not self._can_see_vehicle(self.uow.session.get(Vehicle, valuation.vehicle_id)):
            raise NotFound("no such valuation", code="VALUATION_NOT_FOUND")
        refused = domain.review_problem(valuation.status, valuation.submitted_by, self.uow.actor.user_id)
        if refused:
            code, message = refused
            raise (Forbidden if code == "SELF_REVIEW" else Conflict)(message, code=code,
                                                                     extra={"status": valuation.status})
        domain.VALUATION.move(valuation, "approved" if data["approve"] else "rejected")
        valuation.reviewed_by, valuation.reviewed_at = self.uow.actor.user_id, utcnow()
        valuation.review_comment = data["comment"]
        self.uow.audit("approve_valuation" if data["approve"] else "reject_valuation", "valuation", valuation.id,
                       {"comment": data["comment"]})
        if valuation.status == "approved":
            self.uow.emit(*events.valuation_approved(valuation))
        return self._dump_valuation(valuation)

    @rpc
    def get_valuation(self, valuation_id):
        valuation = self.uow.session.get(Valuation, valuation_id)
        if valuation is None or not self._can_see_vehicle(self.uow.session.get(Vehicle, valuation.vehicle_id)):
            raise NotFound("no such valuation", code="VALUATION_NOT_FOUND")
        return self._dump_valuation(valuation)

    @rpc
    def list_valuations(self, vehicle_id=None, status=None, page=1, page_size=20):
        query = (self._scoped_vehicles(select(Valuation).join(Vehicle, Vehicle.id == Valuation.vehicle_id))
                 .order_by(Valuation.submitted_at.desc(), Valuation.id))
        if vehicle_id:
            query = query.where(Valuation.vehicle_id == vehicle_id)
        if status:
            query = query.where(Valuation.status == status)
        return paginate(self.uow.session, query, page, page_size, self._dump_valuation)

    @rpc
    def current_valuation(self, vehicle_id, as_of=None):
        """For the loan service (LTV): the latest approved valuation at most 90 days old on `as_of`
        (default today), or None. 404 for an unknown vehicle."""
        vehicle = self.uow.session.get(Vehicle, vehicle_id)
        if vehicle is None:
            raise NotFound("no such vehicle", code="VEHICLE_NOT_FOUND")
        on = dt.date.fromisoformat(as_of) if as_of else clock.today()
        current = self._current_valuation(vehicle.id, on)
        return current and self._dump_valuation(current)

    @rpc(services=("loan",))
    def lending_value(self, vehicle_id, as_of=None):
        """For the loan service's application checks: the vehicle (its owner) and its current valuation
        (or None), without data scope: the loan service applies its own. 404 for an unknown vehicle."""
        vehicle = self.uow.session.get(Vehicle, vehicle_id)
        if vehicle is None:
            raise NotFound("no such vehicle", code="VEHICLE_NOT_FOUND")
        on = dt.date.fromisoformat(as_of) if as_of else clock.today()
        current = self._current_valuation(vehicle.id, on)
        return {"vehicle": self._dump_vehicle(vehicle), "valuation": current and self._dump_valuation(current)}

    # -- the task book (from loan events) -----------------------------------------------------
    @subscribe("loan.disbursed")
    def on_loan_disbursed(self, event):
        data = load(LoanDisbursed(), event.payload)
        vehicle = self.uow.session.get(Vehicle, data["vehicle_id"])
        if vehicle is None:
            raise VehicleUnknown(f"loan {data['loan_id']} names vehicle {data['vehicle_id']}, which is not registered")
        pledge = self.uow.session.get(Pledge, data["loan_id"])
        if pledge is None:
            pledge = Pledge(loan_id=data["loan_id"], vehicle_id=vehicle.id, customer_id=data["customer_id"],
                            department_id=data["department_id"], contract_no=data["contract_no"], status="active",
                            disbursed_on=event.business_day)
            self.uow.session.add(pledge)
            self.uow.session.flush()
        self._open_tasks("disbursed", pledge, event)

    @subscribe("loan.settled")
    def on_loan_settled(self, event):
        data = load(LoanSettled(), event.payload)
        pledge = self._pledge_of(data["loan_id"])
        domain.PLEDGE.move(pledge, "settled", settled_on=event.business_day)
        for task in self._tasks(pledge.loan_id, domain.CANCELLED_BY_SETTLEMENT, status="open"):
            domain.TASK.move(task, "cancelled", note="贷款已结清 loan settled before the task was done")
        self._open_tasks("settled", pledge, event)

    @subscribe("loan.transferred")
    def on_loan_transferred(self, event):
        data = load(LoanTransferred(), event.payload)
        pledge = self._pledge_of(data["loan_id"])
        vehicle = self.uow.session.get(Vehicle, pledge.vehicle_id, with_for_update=True)
        if vehicle.owner_customer_id != data["customer_id"]:
            self.uow.session.add(OwnerChange(vehicle_id=vehicle.id, from_customer_id=vehicle.owner_customer_id,
                                             to_customer_id=data["customer_id"], loan_id=pledge.loan_id,
                                             changed_on=event.business_day))
            vehicle.owner_customer_id = data["customer_id"]
        pledge.customer_id = data["customer_id"]
        self._open_tasks("transferred", pledge, event)

    @rpc
    def list_tasks(self, kinds=None, loan_id=None, status=None, overdue=None, page=1, page_size=20):
        query = self._scoped_tasks(select(Task)).order_by(Task.due_on, Task.created_at, Task.id)
        if kinds:
            query = query.where(Task.kind.in_(list(kinds)))
        if loan_id:
            query = query.where(Task.loan_id == loan_id)
        if status:
            query = query.where(Task.status == status)
        if overdue is not None:
            late = (Task.status == "open") & (Task.due_on < clock.today())
            query = query.where(late if overdue else ~late)
        result = paginate(self.uow.session, query, page, page_size, lambda task: task)
        # the page's vehicles in one query; _dump_task then finds them in the session
        vehicle_ids = {task.vehicle_id for task in result["items"]}
        if vehicle_ids:
            self.uow.session.scalars(select(Vehicle).where(Vehicle.id.in_(vehicle_ids))).all()
        result["items"] = [self._dump_task(task) for task in result["items"]]
        return result

    @rpc
    def get_task(self, task_id, kinds=None):
        return self._dump_task(self._visible_task(task_id, kinds=kinds))

    @rpc
    def complete_gps_task(self, task_id, data):
        data = load(GpsTaskDone(), data)
        task = self._visible_task(task_id, kinds=domain.GPS_KINDS, lock=True)
        if task.kind == "gps_install":
            return self._install_gps(task, data)
        return self._remove_gps(task, data)

    @rpc
    def register_mortgage(self, task_id, data):
        data = load(MortgageRegistered(), data)
        task = self._visible_task(task_id, kinds=("mortgage_registration",), lock=True)
        self._complete(task, data["registered_on"], "registered_on", data["note"])
        task.certificate_no = data["certificate_no"].strip()
        self.uow.emit("mortgage_registered", {**self._task_event(task), "certificate_no": task.certificate_no,
                                              "registered_on": task.done_on.isoformat()})
        return self._dump_task(task)

    @rpc
    def complete_release(self, task_id, data):
        data = load(ReleaseDone(), data)
        task = self._visible_task(task_id, kinds=("mortgage_release",), lock=True)
        self._complete(task, data["released_on"], "released_on", data["note"])
        registered = self.uow.session.scalars(
            select(Task).where(Task.loan_id == task.loan_id, Task.kind == "mortgage_registration",
                               Task.status == "completed").order_by(Task.done_on.desc(), Task.completed_at.desc())
        ).first()
        task.certificate_no = registered.certificate_no if registered else None
        self.uow.emit("mortgage_released", {**self._task_event(task), "certificate_no": task.certificate_no,
                                            "released_on": task.done_on.isoformat()})
        return self._dump_task(task)

    # -- GPS platform --------------------------------------------------------------------------
    @rpc
    def receive_gps_alert(self, data):
        """An alert from the GPS platform. Returns `{"alert": ..., "created": bool}`; the same alert
        (device, kind, time) again is not recorded or published twice."""
        data = load(GpsAlertIn(), data)
        imei = data["device_imei"].strip()
        at = data["at"].astimezone(dt.timezone.utc)
        device = self.uow.session.get(GpsDevice, imei)
        if device is None:
            raise field_error("device_imei", "no GPS device with this IMEI is installed on a financed vehicle",
                              code="GPS_DEVICE_UNKNOWN")
        existing = self._alert(imei, data["kind"], at)
        if existing:
            return {"alert": self._dump_alert(existing), "created": False}
        alert = GpsAlert(device_imei=imei, kind=data["kind"], at=at, vehicle_id=device.vehicle_id,
                         loan_id=device.loan_id)
        try:
            with self.uow.session.begin_nested():
                self.uow.session.add(alert)
        except IntegrityError:  # the same alert, delivered twice at once
            return {"alert": self._dump_alert(self._alert(imei, data["kind"], at)), "created": False}
        pledge = self.uow.session.get(Pledge, device.loan_id)
        self.uow.audit("receive_gps_alert", "gps_alert", alert.id, {"device_imei": imei, "kind": alert.kind,
                                                                     "at": at.isoformat()})
        self.uow.emit(*events.gps_alert(alert, device, pledge))
        return {"alert": self._dump_alert(alert), "created": True}

    @rpc
    def list_gps_alerts(self, loan_id=None, kind=None, page=1, page_size=20):
        query = select(GpsAlert).join(Pledge, Pledge.loan_id == GpsAlert.loan_id)
        query = scoped(query, self.uow.actor, Pledge.department_id).order_by(GpsAlert.at.desc(), GpsAlert.id)
        if loan_id:
            query = query.where(GpsAlert.loan_id == loan_id)
        if kind:
            query = query.where(GpsAlert.kind == kind)
        return paginate(self.uow.session, query, page, page_size, self._dump_alert)

    # -- operations ----------------------------------------------------------------------------
    @timer(interval=config.env_float("CARLOAN_COLLATERAL_GAUGE_SECONDS", 30))
    def refresh_task_gauges(self):
        """Open and overdue tasks by kind, for the dashboards and the overdue-installation alert."""
        today = clock.today()
        rows = self.uow.session.execute(
            select(Task.kind, func.count(), func.count().filter(Task.due_on < today))
            .where(Task.status == "open").group_by(Task.kind)).all()
        counts = {kind: (open_, late) for kind, open_, late in rows}
        for kind in domain.TASK_KINDS:
            open_, late = counts.get(kind, (0, 0))
            OPEN_TASKS.labels(kind).set(open_)
            OVERDUE_TASKS.labels(kind).set(late)

    # -- helpers -------------------------------------------------------------------------------
    def _known_customer(self, customer_id):
        """The owner must be a customer the caller can see (asked of the customer service, which owns them)."""
        try:
            return ask(self.customers, "customer_brief", customer_id)
        except NotFound:
            raise field_error("owner_customer_id", "no such customer", code="CUSTOMER_NOT_FOUND") from None

    def _open_tasks(self, cause, pledge, event):
        opened_on = event.business_day
        # The inbox makes each event open its tasks once; the unique (source_event_id, kind) key backs it up.
        for kind in domain.OPENED_BY[cause]:
            days = config.env_int(f"CARLOAN_{kind.upper()}_DUE_DAYS", domain.TASK_KINDS[kind].due_days)
            self.uow.session.add(Task(kind=kind, loan_id=pledge.loan_id, vehicle_id=pledge.vehicle_id,
                                      department_id=pledge.department_id, status="open", opened_on=opened_on,
                                      due_on=domain.due_date(kind, opened_on, days), source_event_id=event.event_id))

    def _pledge_of(self, loan_id):
        pledge = self.uow.session.get(Pledge, loan_id, with_for_update=True)
        if pledge is None:  # its disbursement has not been handled yet: retried, then parked
            raise VehicleUnknown(f"loan {loan_id} is not known here yet (no loan.disbursed handled)")
        return pledge

    def _tasks(self, loan_id, kinds, status=None):
        query = select(Task).where(Task.loan_id == loan_id, Task.kind.in_(kinds))
        if status:
            query = query.where(Task.status == status)
        return self.uow.session.scalars(query).all()

    def _install_gps(self, task, data):
        imei = (data["device_imei"] or "").strip()
        if not imei:
            raise field_error("device_imei", "the installed device's IMEI is required", code="IMEI_REQUIRED")
        _checked("device_imei", imei, domain.imei_problem, "IMEI_INVALID")
        if data["installed_on"] is None:
            raise field_error("installed_on", "the installation date is required", code="DATE_REQUIRED")
        device = self.uow.session.get(GpsDevice, imei, with_for_update=True)
        if device is not None and device.status == "active" and device.vehicle_id != task.vehicle_id:
            raise Conflict("this GPS device is installed on another vehicle; remove it there first",
                           code="GPS_DEVICE_IN_USE")
        self._complete(task, data["installed_on"], "installed_on", data["note"])
        task.device_imei, task.installer = imei, data["installer"] or self.uow.actor.username
        if device is None:
            device = GpsDevice(imei=imei)
            self.uow.session.add(device)
        domain.GPS_DEVICE.move(device, "active", vehicle_id=task.vehicle_id, loan_id=task.loan_id)
        device.installed_on, device.removed_on = task.done_on, None
        self.uow.emit("gps_installed", {**self._task_event(task), "device_imei": imei,
                                        "installer": task.installer, "installed_on": task.done_on.isoformat()})
        return self._dump_task(task)

    def _remove_gps(self, task, data):
        if data["removed_on"] is None:
            raise field_error("removed_on", "the removal date is required", code="DATE_REQUIRED")
        devices = self.uow.session.scalars(select(GpsDevice).where(
            GpsDevice.vehicle_id == task.vehicle_id, GpsDevice.status == "active").with_for_update()).all()
        imei = (data["device_imei"] or "").strip()
        if imei:
            devices = [device for device in devices if device.imei == imei]
            if not devices:
                raise field_error("device_imei", "no active device with this IMEI on the loan's vehicle",
                                  code="GPS_DEVICE_UNKNOWN", extra={"reason": "not_on_vehicle"})
        self._complete(task, data["removed_on"], "removed_on", data["note"])
        task.installer = data["installer"] or self.uow.actor.username
        for device in devices:
            domain.GPS_DEVICE.move(device, "removed", removed_on=task.done_on)
        task.device_imei = devices[0].imei if len(devices) == 1 else None  # the event lists them all
        self.uow.emit("gps_removed", {**self._task_event(task), "device_imeis": [d.imei for d in devices],
                                      "removed_on": task.done_on.isoformat()})
        return self._dump_task(task)

    def _complete(self, task, done_on, field, note):
        refused = domain.completion_problem(task.status, done_on, task.opened_on, clock.today(), task.kind)
        if refused:
            code, message = refused
            if code.startswith("TASK_"):
                raise Conflict(message, code=code)
            settled = {"settled_on": task.opened_on.isoformat()} if code == "DATE_BEFORE_TASK" else None
            raise ValidationFailed(f"{field}: {message}", code=code, errors={field: [message]}, extra=settled)
        domain.TASK.move(task, "completed", done_on=done_on, note=note)
        task.completed_by, task.completed_at = self.uow.actor.user_id, utcnow()
        self.uow.audit(f"complete_{task.kind}", "task", task.id, {field: done_on.isoformat()})

    def _current_valuation(self, vehicle_id, on):
        return self.uow.session.scalars(
            select(Valuation).where(Valuation.vehicle_id == vehicle_id, Valuation.status == "approved",
                                    Valuation.valued_on >= domain.earliest_current_valuation_date(on),
                                    Valuation.valued_on <= on)
            .order_by(Valuation.valued_on.desc(), Valuation.reviewed_at.desc())).first()

    def _alert(self, imei, kind, at):
        return self.uow.session.scalars(select(GpsAlert).where(
            GpsAlert.device_imei == imei, GpsAlert.kind == kind, GpsAlert.at == at)).first()

    # data scope: vehicles by who registered them and their department, tasks by the loan's department
    def _scoped_vehicles(self, query):
        return scoped(query, self.uow.actor, Vehicle.department_id, Vehicle.created_by)

    def _scoped_tasks(self, query):
        return scoped(query, self.uow.actor, Task.department_id)

    def _can_see_vehicle(self, vehicle):
        return vehicle is not None and self.uow.actor.can_see(vehicle.created_by, vehicle.department_id)

    def _visible_vehicle(self, vehicle_id):
        vehicle = self.uow.session.get(Vehicle, vehicle_id)
        if not self._can_see_vehicle(vehicle):
            raise NotFound("no such vehicle", code="VEHICLE_NOT_FOUND")
        return vehicle

    def _visible_task(self, task_id, kinds=None, lock=False):
        task = self.uow.session.get(Task, task_id, with_for_update=lock)
        if task is None or (kinds and task.kind not in kinds) or not self.uow.actor.can_see(None, task.department_id):
            raise NotFound("no such task", code="TASK_NOT_FOUND")
        return task

    @staticmethod
    def _task_event(task):
        return {"task_id": task.id, "loan_id": task.loan_id, "vehicle_id": task.vehicle_id}

    @staticmethod
    def _dump_vehicle(vehicle):
        return {"id": vehicle.id, "vin": vehicle.vin, "plate_number": vehicle.plate_number, "brand": vehicle.brand,
                "model": vehicle.model, "year": vehicle.year, "mileage_km": vehicle.mileage_km, "colour": vehicle.colour,
                "owner_customer_id": vehicle.owner_customer_id, "department_id": vehicle.department_id,
                "created_by": vehicle.created_by, "created_at": vehicle.created_at.isoformat()}

    @staticmethod
    def _dump_valuation(valuation):
        return {"id": valuation.id, "vehicle_id": valuation.vehicle_id,
                "appraised_value": money(valuation.appraised_value), "method": valuation.method,
                "method_label": domain.METHODS.get(valuation.method), "notes": valuation.notes,
                "valued_on": valuation.valued_on.isoformat(), "status": valuation.status,
                "status_label": domain.VALUATION_STATUSES[valuation.status],
                "submitted_by": valuation.submitted_by, "submitted_at": valuation.submitted_at.isoformat(),
                "reviewed_by": valuation.reviewed_by,
                "reviewed_at": valuation.reviewed_at.isoformat() if valuation.reviewed_at else None,
                "review_comment": valuation.review_comment}

    def _dump_task(self, task):
        vehicle = self.uow.session.get(Vehicle, task.vehicle_id)
        done_field = {"gps_install": "installed_on", "gps_removal": "removed_on",
                      "mortgage_registration": "registered_on", "mortgage_release": "released_on"}[task.kind]
        done_on = task.done_on.isoformat() if task.done_on else None
        return {"id": task.id, "kind": task.kind, "kind_label": domain.TASK_KINDS[task.kind].label,
                "loan_id": task.loan_id, "vehicle_id": task.vehicle_id, "vin": vehicle.vin,
                "plate_number": vehicle.plate_number, "department_id": task.department_id,
                "status": task.status, "status_label": domain.TASK_STATUSES[task.status],
                "opened_on": task.opened_on.isoformat(), "due_on": task.due_on.isoformat(),
                "overdue": domain.is_overdue(task.status, task.due_on, clock.today()),
                "device_imei": task.device_imei, "installer": task.installer, "certificate_no": task.certificate_no,
                "done_on": done_on, done_field: done_on, "note": task.note, "completed_by": task.completed_by,
                "completed_at": task.completed_at.isoformat() if task.completed_at else None}

    @staticmethod
    def _dump_alert(alert):
        return {"id": alert.id, "device_imei": alert.device_imei, "kind": alert.kind,
                "kind_label": domain.ALERT_KINDS[alert.kind], "at": alert.at.isoformat(),
                "vehicle_id": alert.vehicle_id, "loan_id": alert.loan_id,
                "received_at": alert.received_at.isoformat()}


def _checked(field, value, problem_of, code):
    problem = problem_of(value)
    if problem:
        raise field_error(field, problem, code=code)
    return value
