"""What the collateral service's RPCs answer: each model object as a dict of JSON values (money as strings, dates
as ISO text, codes with their Chinese labels). A view only formats; the use cases find what it is given."""
from services.collateral import domain
from services.common import clock
from services.common.jsonutil import money

# the name each task kind gives its completion date, besides `done_on`
DONE_FIELDS = {"gps_install": "installed_on", "gps_removal": "removed_on",
               "mortgage_registration": "registered_on", "mortgage_release": "released_on"}


def _iso(value):
    return value.isoformat() if value else None


def page(result, dump):
    """A page of `services.common.pagination.paginate` with each item formatted by `dump`."""
    return {**result, "items": [dump(item) for item in result["items"]]}


# -- vehicles --------------------------------------------------------------------------------------------
def vehicle(v):
    return {"id": v.id, "vin": v.vin, "plate_number": v.plate_number, "brand": v.brand, "model": v.model,
            "year": v.year, "mileage_km": v.mileage_km, "colour": v.colour, "owner_customer_id": v.owner_customer_id,
            "department_id": v.department_id, "created_by": v.created_by, "created_at": v.created_at.isoformat()}


def owner_change(change):
    return {"from_customer_id": change.from_customer_id, "to_customer_id": change.to_customer_id,
            "loan_id": change.loan_id, "changed_on": change.changed_on.isoformat()}


def vehicle_file(v, current, owners):
    """GET /vehicles/{id}: the vehicle, the valuation in force today (or None) and its owners over time."""
    return {**vehicle(v), "current_valuation": current and valuation(current),
            "owner_history": [owner_change(change) for change in owners]}


def lending_value(v, current):
    return {"vehicle": vehicle(v), "valuation": current and valuation(current)}


# -- valuations ------------------------------------------------------------------------------------------
def valuation(v):
    return {"id": v.id, "vehicle_id": v.vehicle_id, "appraised_value": money(v.appraised_value), "method": v.method,
            "method_label": domain.METHODS.get(v.method), "notes": v.notes, "valued_on": v.valued_on.isoformat(),
            "status": v.status, "status_label": domain.VALUATION_STATUSES[v.status],
            "submitted_by": v.submitted_by, "submitted_at": v.submitted_at.isoformat(),
            "reviewed_by": v.reviewed_by, "reviewed_at": _iso(v.reviewed_at), "review_comment": v.review_comment}


# -- the task book ---------------------------------------------------------------------------------------
def task(t):
    done_on = _iso(t.done_on)
    return {"id": t.id, "kind": t.kind, "kind_label": domain.TASK_KINDS[t.kind].label,
            "loan_id": t.loan_id, "vehicle_id": t.vehicle_id, "vin": t.vehicle.vin,
            "plate_number": t.vehicle.plate_number, "department_id": t.department_id,
            "status": t.status, "status_label": domain.TASK_STATUSES[t.status],
            "opened_on": t.opened_on.isoformat(), "due_on": t.due_on.isoformat(),
            "overdue": domain.is_overdue(t.status, t.due_on, clock.today()),
            "device_imei": t.device_imei, "installer": t.installer, "certificate_no": t.certificate_no,
            "done_on": done_on, DONE_FIELDS[t.kind]: done_on, "note": t.note, "completed_by": t.completed_by,
            "completed_at": _iso(t.completed_at)}


# -- GPS alerts ------------------------------------------------------------------------------------------
def alert(a):
    return {"id": a.id, "device_imei": a.device_imei, "kind": a.kind, "kind_label": domain.ALERT_KINDS[a.kind],
            "at": a.at.isoformat(), "vehicle_id": a.vehicle_id, "loan_id": a.loan_id,
            "received_at": a.received_at.isoformat()}


def alert_received(a, created):
    """POST /gps/alerts: the alert, and whether this call recorded it (False: it was known already)."""
    return {"alert": alert(a), "created": created}
