"""The events the collateral service publishes that other services consume (`collateral.<type>`), each built by one
function here; consumers load them through schemas of their own (tests/unit/test_event_contracts.py)."""
from services.common.jsonutil import money


def valuation_approved(valuation):
    return "valuation_approved", {
        "valuation_id": valuation.id, "vehicle_id": valuation.vehicle_id,
        "appraised_value": money(valuation.appraised_value), "method": valuation.method,
        "valued_on": valuation.valued_on.isoformat(), "approved_by": valuation.reviewed_by}


def gps_alert(alert, device, pledge):
    """An alert of the GPS platform on a device of a pledged car (collection raises a warning from it)."""
    return "gps_alert", {
        "alert_id": alert.id, "device_imei": alert.device_imei, "kind": alert.kind, "at": alert.at.isoformat(),
        "device_status": device.status, "vehicle_id": device.vehicle_id, "loan_id": device.loan_id,
        "customer_id": pledge.customer_id if pledge else None,
        "department_id": pledge.department_id if pledge else None}
