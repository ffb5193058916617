"""Marshmallow schemas of the collection service's RPC boundary and of the events it consumes (its own
contract of their payloads: unknown fields are ignored, what it needs is required)."""
from marshmallow import EXCLUDE, Schema, fields, validate

from services.collection import domain
from services.common.schemas import IsoDate, Strict, StrictDecimal, business_date

OPTIONAL = {"load_default": None, "allow_none": True}
MONEY = {"places": 2, "as_string": True}


class AssignIn(Strict):
    collector_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class RecordIn(Strict):
    channel = fields.String(required=True, validate=validate.OneOf(tuple(domain.CHANNELS)))
    result = fields.String(required=True, validate=validate.Length(min=1, max=500))
    promised_amount = StrictDecimal(validate=validate.Range(min=0, max=10 ** 12, min_inclusive=False), **MONEY,
                                    **OPTIONAL)
    promised_on = business_date(**OPTIONAL)


class ResolveIn(Strict):
    resolution = fields.String(required=True, validate=validate.Length(min=2, max=500))


class AdjustmentIn(Strict):
    grade = fields.String(required=True, validate=validate.OneOf(tuple(domain.GRADES)))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class DecisionIn(Strict):
    approve = fields.Boolean(required=True)
    comment = fields.String(validate=validate.Length(max=500), **OPTIONAL)


# -- events this service reads ---------------------------------------------------------------------------
class _Event(Schema):
    class Meta:
        unknown = EXCLUDE


class _LoanEvent(_Event):
    loan_id = fields.String(required=True)


class LoanDisbursed(_LoanEvent):
    contract_no = fields.String(**OPTIONAL)
    customer_id = fields.String(required=True)
    customer_name = fields.String(**OPTIONAL)
    department_id = fields.String(**OPTIONAL)
    officer_id = fields.String(**OPTIONAL)
    vehicle_id = fields.String(**OPTIONAL)
    principal = StrictDecimal(required=True, **MONEY)
    disbursed_on = IsoDate(**OPTIONAL)


class DpdChanged(_LoanEvent):
    dpd = fields.Integer(required=True)
    previous_dpd = fields.Integer(load_default=0)
    grace_days = fields.Integer(load_default=0)
    oldest_unpaid_due_date = IsoDate(**OPTIONAL)
    outstanding_principal = StrictDecimal(**MONEY, **OPTIONAL)


class Amounts(_LoanEvent):
    amount = StrictDecimal(load_default=None, allow_none=True, **MONEY)
    paid_on = IsoDate(**OPTIONAL)
    outstanding_principal = StrictDecimal(**MONEY, **OPTIONAL)


class LoanExtended(_LoanEvent):
    outstanding_principal = StrictDecimal(**MONEY, **OPTIONAL)


class LoanTransferred(_LoanEvent):
    customer_id = fields.String(required=True)
    customer_name = fields.String(**OPTIONAL)


class CustomerBlacklisted(_Event):
    customer_id = fields.String(required=True)
    reason = fields.String(**OPTIONAL)


class GpsAlert(_Event):
    alert_id = fields.String(**OPTIONAL)
    kind = fields.String(required=True)
    at = fields.String(**OPTIONAL)
    loan_id = fields.String(**OPTIONAL)
    device_imei = fields.String(**OPTIONAL)


class ValuationApproved(_Event):
    vehicle_id = fields.String(required=True)
    appraised_value = StrictDecimal(required=True, **MONEY)
    valued_on = IsoDate(**OPTIONAL)
