"""The task book: GPS installation and removal, mortgage registration and release (抵押登记 / 解押), opened by the
loan events (services/collateral/usecases/pledges.py) and completed by a collateral clerk. Each completion is dated
(not in the future; a release or removal not before the settlement), audited and published."""
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from services.collateral import domain, events
from services.collateral.models import GpsDevice, Task
from services.collateral.usecases.lookups import checked, scoped_tasks, visible_task
from services.common import clock
from services.common.ask import ask
from services.common.clock import utcnow
from services.common.errors import Conflict, ValidationFailed, field_error
from services.common.pagination import paginate


def list_tasks(uow, data):
    """A page of the tasks in the caller's scope, soonest due first: of some `kinds`, one loan, one status, and
    overdue (open and past due) or not. The page's vehicles come in one query with it."""
    query = (scoped_tasks(uow, select(Task)).options(selectinload(Task.vehicle))
             .order_by(Task.due_on, Task.created_at, Task.id))
    if data.get("kinds"):
        query = query.where(Task.kind.in_(list(data["kinds"])))
    if data.get("loan_id"):
        query = query.where(Task.loan_id == data["loan_id"])
    if data.get("status"):
        query = query.where(Task.status == data["status"])
    if data.get("overdue") is not None:
        late = (Task.status == "open") & (Task.due_on < clock.today())
        query = query.where(late if data["overdue"] else ~late)
    return paginate(uow.session, query, data.get("page"), data.get("page_size"))


def get_task(uow, task_id, *, kinds=None):
    return visible_task(uow, task_id, kinds=kinds)


def task_checklist(uow, task_id, *, loans, kinds=None, complete=False):
    """资料清单 of a task: what the product of its loan asks to be on file before it is completed (the loan service
    keeps the lists; with `complete`, it refuses with `DOCUMENTS_MISSING` what is not complete)."""
    task = visible_task(uow, task_id, kinds=kinds)
    return ask(loans, "task_checklist", task.loan_id, task.kind,
               {domain.TASK_OWNER_TYPES[task.kind]: task.id, "vehicle": task.vehicle_id}, complete=complete)


def complete_gps_task(uow, task_id, data, *, loans):
    """An installation (a valid IMEI not active on another car, the date, its photo when the product asks for
    it) or a removal (the date; every active device of the car, or the one named)."""
    task = visible_task(uow, task_id, kinds=domain.GPS_KINDS, lock=True)
    if task.kind == "gps_install":
        return _install_gps(uow, task, data, loans)
    return _remove_gps(uow, task, data)


def register_mortgage(uow, task_id, data, *, loans):
    """抵押登记: the certificate number and date of the registration (and its scan, when the product asks)."""
    task = visible_task(uow, task_id, kinds=("mortgage_registration",), lock=True)
    _complete(uow, task, data["registered_on"], "registered_on", data["note"])
    task_checklist(uow, task.id, loans=loans, complete=True)
    task.certificate_no = data["certificate_no"].strip()
    uow.emit(*events.mortgage_registered(task))
    return task


def complete_release(uow, task_id, data):
    """解押: the release carries the certificate number of the loan's latest registration."""
    task = visible_task(uow, task_id, kinds=("mortgage_release",), lock=True)
    _complete(uow, task, data["released_on"], "released_on", data["note"])
    registered = uow.session.scalars(
        select(Task).where(Task.loan_id == task.loan_id, Task.kind == "mortgage_registration",
                           Task.status == "completed").order_by(Task.done_on.desc(), Task.completed_at.desc())
    ).first()
    task.certificate_no = registered.certificate_no if registered else None
    uow.emit(*events.mortgage_released(task))
    return task


def count_open_tasks(uow, today):
    """{kind: (open, overdue on `today`)} for every task kind, for the dashboards and the overdue alert."""
    rows = uow.session.execute(
        select(Task.kind, func.count(), func.count().filter(Task.due_on < today))
        .where(Task.status == "open").group_by(Task.kind)).all()
    counts = {kind: (open_, late) for kind, open_, late in rows}
    return {kind: counts.get(kind, (0, 0)) for kind in domain.TASK_KINDS}


def _install_gps(uow, task, data, loans):
    imei = (data["device_imei"] or "").strip()
    if not imei:
        raise field_error("device_imei", "the installed device's IMEI is required", code="IMEI_REQUIRED")
    checked("device_imei", imei, domain.imei_problem, "IMEI_INVALID")
    if data["installed_on"] is None:
        raise field_error("installed_on", "the installation date is required", code="DATE_REQUIRED")
    device = uow.session.get(GpsDevice, imei, with_for_update=True)
    if device is not None and device.status == "active" and device.vehicle_id != task.vehicle_id:
        raise Conflict("this GPS device is installed on another vehicle; remove it there first",
                       code="GPS_DEVICE_IN_USE")
    _complete(uow, task, data["installed_on"], "installed_on", data["note"])
    task_checklist(uow, task.id, loans=loans, complete=True)
    task.device_imei, task.installer = imei, data["installer"] or uow.actor.username
    if device is None:
        device = GpsDevice(imei=imei)
        uow.session.add(device)
    domain.GPS_DEVICE.move(device, "active", vehicle_id=task.vehicle_id, loan_id=task.loan_id)
    device.installed_on, device.removed_on = task.done_on, None
    uow.emit(*events.gps_installed(task))
    return task


def _remove_gps(uow, task, data):
    if data["removed_on"] is None:
        raise field_error("removed_on", "the removal date is required", code="DATE_REQUIRED")
    devices = uow.session.scalars(select(GpsDevice).where(
        GpsDevice.vehicle_id == task.vehicle_id, GpsDevice.status == "active").with_for_update()).all()
    imei = (data["device_imei"] or "").strip()
    if imei:
        devices = [device for device in devices if device.imei == imei]
        if not devices:
            raise field_error("device_imei", "no active device with this IMEI on the loan's vehicle",
                              code="GPS_DEVICE_UNKNOWN", extra={"reason": "not_on_vehicle"})
    _complete(uow, task, data["removed_on"], "removed_on", data["note"])
    task.installer = data["installer"] or uow.actor.username
    for device in devices:
        domain.GPS_DEVICE.move(device, "removed", removed_on=task.done_on)
    task.device_imei = devices[0].imei if len(devices) == 1 else None  # the event lists them all
    uow.emit(*events.gps_removed(task, devices))
    return task


def _complete(uow, task, done_on, field, note):
    refused = domain.completion_problem(task.status, done_on, task.opened_on, clock.today(), task.kind)
    if refused:
        _refuse_completion(*refused, field=field, settled_on=task.opened_on)
    domain.TASK.move(task, "completed", done_on=done_on, note=note)
    task.completed_by, task.completed_at = uow.actor.user_id, utcnow()
    uow.audit(f"complete_{task.kind}", "task", task.id, {field: done_on.isoformat()})


def _refuse_completion(code, message, field, settled_on):
    """The refusal of `domain.completion_problem`: 409 for a task already done or cancelled, else 422 on `field`
    (with the settlement date when the date given is before it)."""
    if code.startswith("TASK_"):
        raise Conflict(message, code=code)
    settled = {"settled_on": settled_on.isoformat()} if code == "DATE_BEFORE_TASK" else None
    raise ValidationFailed(f"{field}: {message}", code=code, errors={field: [message]}, extra=settled)
