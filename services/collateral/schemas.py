"""Marshmallow schemas of the collateral service's RPC boundary and of the loan events it consumes."""
import datetime as dt

from marshmallow import EXCLUDE, Schema, fields, validate

from services.collateral import domain
from services.common.schemas import Strict, StrictDecimal, StrictInteger, business_date, business_timestamp

OPTIONAL = {"load_default": None, "allow_none": True}


class VehicleIn(Strict):
    vin = fields.String(required=True, validate=validate.Length(max=40))
    plate_number = fields.String(validate=validate.Length(max=20), **OPTIONAL)
    brand = fields.String(required=True, validate=validate.Length(min=1, max=50))
    model = fields.String(required=True, validate=validate.Length(min=1, max=100))
    year = StrictInteger(required=True, validate=validate.Range(min=1950, max=dt.date.today().year + 1))
    mileage_km = StrictInteger(validate=validate.Range(min=0, max=5_000_000), **OPTIONAL)
    colour = fields.String(validate=validate.Length(min=1, max=20), **OPTIONAL)
    owner_customer_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class VehiclePatch(Strict):
    """A correction: only the fields given change (the VIN and the owner only while nothing depends on the car)."""
    vin = fields.String(validate=validate.Length(max=40))
    plate_number = fields.String(allow_none=True, validate=validate.Length(max=20))
    brand = fields.String(validate=validate.Length(min=1, max=50))
    model = fields.String(validate=validate.Length(min=1, max=100))
    year = StrictInteger(validate=validate.Range(min=1950, max=dt.date.today().year + 1))
    mileage_km = StrictInteger(allow_none=True, validate=validate.Range(min=0, max=5_000_000))
    colour = fields.String(allow_none=True, validate=validate.Length(min=1, max=20))
    owner_customer_id = fields.String(validate=validate.Length(min=1, max=36))


class ValuationIn(Strict):
    appraised_value = StrictDecimal(required=True, places=2, as_string=True,
                                    validate=validate.Range(min=0, max=10 ** 12, min_inclusive=False))
    method = fields.String(required=True, validate=validate.Length(min=1, max=50))
    notes = fields.String(validate=validate.Length(max=1000), **OPTIONAL)
    valued_on = business_date(**OPTIONAL)


class ReviewIn(Strict):
    approve = fields.Boolean(required=True)
    comment = fields.String(validate=validate.Length(max=500), **OPTIONAL)


class GpsTaskDone(Strict):
    device_imei = fields.String(validate=validate.Length(max=20), **OPTIONAL)
    installed_on = business_date(**OPTIONAL)
    removed_on = business_date(**OPTIONAL)
    installer = fields.String(validate=validate.Length(min=1, max=100), **OPTIONAL)
    note = fields.String(validate=validate.Length(max=500), **OPTIONAL)


class MortgageRegistered(Strict):
    certificate_no = fields.String(required=True, validate=validate.Length(min=1, max=50))
    registered_on = business_date(required=True)
    note = fields.String(validate=validate.Length(max=500), **OPTIONAL)


class ReleaseDone(Strict):
    released_on = business_date(required=True)
    note = fields.String(validate=validate.Length(max=500), **OPTIONAL)


class GpsAlertIn(Strict):
    device_imei = fields.String(required=True, validate=validate.Length(max=20))
    kind = fields.String(required=True, validate=validate.OneOf(tuple(domain.ALERT_KINDS)))
    at = business_timestamp(required=True)


# -- the loan events this service reads (its own contract of their payloads) --------------------
class _LoanEvent(Schema):
    class Meta:
        unknown = EXCLUDE

    loan_id = fields.String(required=True)


class LoanDisbursed(_LoanEvent):
    customer_id = fields.String(required=True)
    vehicle_id = fields.String(required=True)
    department_id = fields.String(load_default=None, allow_none=True)
    contract_no = fields.String(load_default=None, allow_none=True)


class LoanSettled(_LoanEvent):
    pass


class LoanTransferred(_LoanEvent):
    customer_id = fields.String(required=True)  # the new borrower
