"""The events the collateral service publishes (`collateral.<type>`), each built by one function here: what a
payload holds is decided in this file and nowhere else. Each builder returns `(type, payload)`; a use case emits it
with `uow.emit(*events.gps_installed(task))`.

Other services consume `valuation_approved` and `gps_alert` through schemas of their own
(tests/unit/test_event_contracts.py loads these builders' payloads through them); the vehicle, mortgage and GPS task
events are for the audit trail and dashboards and have no consumer yet."""
from services.common.jsonutil import money


def _task(task):
    """What every task event says: which task, for which loan and vehicle."""
    return {"task_id": task.id, "loan_id": task.loan_id, "vehicle_id": task.vehicle_id}


# -- vehicles and valuations -----------------------------------------------------------------------------
def vehicle_registered(vehicle):
    return "vehicle_registered", {"vehicle_id": vehicle.id, "vin": vehicle.vin,
                                  "owner_customer_id": vehicle.owner_customer_id}


def valuation_approved(valuation):
    return "valuation_approved", {
        "valuation_id": valuation.id, "vehicle_id": valuation.vehicle_id,
        "appraised_value": money(valuation.appraised_value), "method": valuation.method,
        "valued_on": valuation.valued_on.isoformat(), "approved_by": valuation.reviewed_by}


# -- the task book: mortgage (抵押登记 / 解押) and GPS ----------------------------------------------------
def mortgage_registered(task):
    return "mortgage_registered", {**_task(task), "certificate_no": task.certificate_no,
                                   "registered_on": task.done_on.isoformat()}


def mortgage_released(task):
    """The release names the certificate of the loan's latest registration (None if none was recorded)."""
    return "mortgage_released", {**_task(task), "certificate_no": task.certificate_no,
                                 "released_on": task.done_on.isoformat()}


def gps_installed(task):
    return "gps_installed", {**_task(task), "device_imei": task.device_imei, "installer": task.installer,
                             "installed_on": task.done_on.isoformat()}


def gps_removed(task, devices):
    """Every device taken off the loan's vehicle (the task itself names one only when there was one)."""
    return "gps_removed", {**_task(task), "device_imeis": [device.imei for device in devices],
                           "removed_on": task.done_on.isoformat()}


# -- GPS platform ----------------------------------------------------------------------------------------
def gps_alert(alert, device, pledge):
    """An alert of the GPS platform on a device of a pledged car (collection raises a warning from it)."""
    return "gps_alert", {
        "alert_id": alert.id, "device_imei": alert.device_imei, "kind": alert.kind, "at": alert.at.isoformat(),
        "device_status": device.status, "vehicle_id": device.vehicle_id, "loan_id": device.loan_id,
        "customer_id": pledge.customer_id if pledge else None,
        "department_id": pledge.department_id if pledge else None}
