"""Marshmallow schemas of the customer service's RPC boundary and the events it consumes."""
from marshmallow import EXCLUDE, Schema, fields, validate

from services.common.schemas import Strict, StrictDecimal

NAME = validate.Length(min=1, max=100)
MONEY = {"places": 2, "as_string": True, "validate": validate.Range(min=0, max=10 ** 15)}


class PersonIn(Strict):
    name = fields.String(required=True, validate=NAME)
    id_number = fields.String(required=True, validate=validate.Length(max=30))
    phone = fields.String(required=True, validate=validate.Length(max=30))
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    employer = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    monthly_income = StrictDecimal(load_default=None, allow_none=True, **MONEY)


class EnterpriseIn(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    uscc = fields.String(required=True, validate=validate.Length(max=30))
    legal_representative = fields.String(required=True, validate=NAME)
    legal_representative_id_number = fields.String(required=True, validate=validate.Length(max=30))
    phone = fields.String(required=True, validate=validate.Length(max=30))
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    registered_capital = StrictDecimal(load_default=None, allow_none=True, **MONEY)
    accept_uscc_warning = fields.Boolean(load_default=False)


class CustomerPatch(Strict):
    """A correction: only the fields given change (domain.CONTACT_FIELDS, domain.IDENTITY_FIELDS)."""
    phone = fields.String(validate=validate.Length(max=30))
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    employer = fields.String(allow_none=True, validate=validate.Length(max=200))
    monthly_income = StrictDecimal(allow_none=True, **MONEY)
    legal_representative = fields.String(validate=NAME)
    legal_representative_id_number = fields.String(validate=validate.Length(max=30))
    id_number = fields.String(validate=validate.Length(max=30))
    uscc = fields.String(validate=validate.Length(max=30))
    accept_uscc_warning = fields.Boolean()


class BlacklistIn(Strict):
    customer_id = fields.String(load_default=None, allow_none=True)
    id_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=30))
    uscc = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=30))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


# -- the loan and collection events this service reads (its own contract of their payloads) -----
class _Event(Schema):
    class Meta:
        unknown = EXCLUDE


class _ApplicationEvent(_Event):
    application_id = fields.String(required=True)
    customer_id = fields.String(required=True)


class _LoanEvent(_Event):
    loan_id = fields.String(required=True)
    customer_id = fields.String(required=True)


class ApplicationSubmitted(_ApplicationEvent):
    amount = StrictDecimal(required=True)


class ApplicationRejected(_ApplicationEvent):
    pass


class LoanDisbursed(_LoanEvent):
    principal = StrictDecimal(required=True)
    application_id = fields.String(load_default=None)


class LoanSettled(_LoanEvent):
    pass


class DpdChanged(_LoanEvent):
    dpd = fields.Integer(required=True)
    outstanding_principal = StrictDecimal(load_default=None)


class LoanTransferred(_LoanEvent):
    previous_customer_id = fields.String(load_default=None)


class ClassificationChanged(_LoanEvent):
    classification = fields.String(required=True)
