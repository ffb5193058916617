"""GPS alerts from the GPS platform's account (permission `collateral.gps.alert`): recorded and published once per
device, kind and instant, for a device this platform installed; `collateral.gps_alert` carries the loan, customer
and department for collection's post-loan warnings."""
import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.collateral import events
from services.collateral.models import GpsAlert, GpsDevice, Pledge
from services.common.errors import field_error
from services.common.pagination import paginate
from services.common.scope import scoped


def receive_gps_alert(uow, data):
    """(alert, created): `created` is False when the same alert (device, kind, instant, whatever offset it is
    written with) was recorded before, or by a delivery racing this one; it is then not published again."""
    imei = data["device_imei"].strip()
    at = data["at"].astimezone(dt.timezone.utc)
    device = uow.session.get(GpsDevice, imei)
    if device is None:
        raise field_error("device_imei", "no GPS device with this IMEI is installed on a financed vehicle",
                          code="GPS_DEVICE_UNKNOWN")
    existing = _alert(uow, imei, data["kind"], at)
    if existing:
        return existing, False
    alert = GpsAlert(device_imei=imei, kind=data["kind"], at=at, vehicle_id=device.vehicle_id,
                     loan_id=device.loan_id)
    try:
        with uow.session.begin_nested():
            uow.session.add(alert)
    except IntegrityError:  # the same alert, delivered twice at once
        return _alert(uow, imei, data["kind"], at), False
    pledge = uow.session.get(Pledge, device.loan_id)
    uow.audit("receive_gps_alert", "gps_alert", alert.id, {"device_imei": imei, "kind": alert.kind,
                                                          "at": at.isoformat()})
    uow.emit(*events.gps_alert(alert, device, pledge))
    return alert, True


def list_gps_alerts(uow, data):
    """A page of the alerts on the loans in the caller's scope, newest first, of one loan or kind if asked."""
    query = select(GpsAlert).join(Pledge, Pledge.loan_id == GpsAlert.loan_id)
    query = scoped(query, uow.actor, Pledge.department_id).order_by(GpsAlert.at.desc(), GpsAlert.id)
    if data.get("loan_id"):
        query = query.where(GpsAlert.loan_id == data["loan_id"])
    if data.get("kind"):
        query = query.where(GpsAlert.kind == data["kind"])
    return paginate(uow.session, query, data.get("page"), data.get("page_size"))


def _alert(uow, imei, kind, at):
    return uow.session.scalars(select(GpsAlert).where(
        GpsAlert.device_imei == imei, GpsAlert.kind == kind, GpsAlert.at == at)).first()
