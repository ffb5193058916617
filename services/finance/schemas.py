"""Marshmallow schemas of the finance service's RPC boundary and of the events it posts from."""
from marshmallow import EXCLUDE, Schema, fields, validate

from services.common.schemas import IsoDate, Strict, StrictDecimal, ascii_regexp, business_date
from services.finance.domain import KINDS

OPTIONAL = {"load_default": None, "allow_none": True}


class AccountIn(Strict):
    code = fields.String(required=True, validate=ascii_regexp(r"[0-9]{4,8}", error="4 to 8 digits"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    normal_side = fields.String(load_default=None, validate=validate.OneOf(("debit", "credit")))


class BankAccountIn(Strict):
    code = fields.String(required=True, validate=validate.Length(min=1, max=30))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    bank_name = fields.String(validate=validate.Length(max=100), **OPTIONAL)
    account_no = fields.String(validate=ascii_regexp(r"[0-9]{8,30}", error="8 to 30 digits"), **OPTIONAL)
    opening_balance = StrictDecimal(places=2, as_string=True, load_default=0,
                                    validate=validate.Range(min=0, max=10 ** 13))
    opened_on = business_date(required=True)
    is_default = fields.Boolean(load_default=False)


class ReverseIn(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=200))
    posted_on = business_date(**OPTIONAL)


class ProvisionRunIn(Strict):
    as_of = business_date(required=True)


class ExportIn(Strict):
    report = fields.String(required=True, validate=validate.Length(min=1, max=64))
    filters = fields.Dict(keys=fields.String(), load_default=dict)
    rows = fields.Integer(required=True, validate=validate.Range(min=0))


# -- the events finance posts from (its own contract of their payloads) ---------------------------
class _Event(Schema):
    class Meta:
        unknown = EXCLUDE

    loan_id = fields.String(required=True)


MONEY = {"places": 2, "validate": validate.Range(min=0)}


class LoanDisbursed(_Event):
    customer_id = fields.String(required=True)
    customer_name = fields.String(**OPTIONAL)
    contract_no = fields.String(**OPTIONAL)
    department_id = fields.String(**OPTIONAL)
    principal = StrictDecimal(required=True, **MONEY)
    net_amount = StrictDecimal(required=True, **MONEY)
    fees_total = StrictDecimal(load_default=0, **MONEY)
    disbursed_on = IsoDate(**OPTIONAL)
    voucher_no = fields.String(**OPTIONAL)
    payee_name = fields.String(**OPTIONAL)


class Allocation(Schema):
    class Meta:
        unknown = EXCLUDE

    principal = StrictDecimal(load_default=0, **MONEY)
    interest = StrictDecimal(load_default=0, **MONEY)
    penalty = StrictDecimal(load_default=0, **MONEY)
    fees = StrictDecimal(load_default=0, **MONEY)
    advance = StrictDecimal(load_default=0, **MONEY)


class RepaymentReceived(_Event):
    amount = StrictDecimal(required=True, **MONEY)
    allocation = fields.Nested(Allocation, required=True)
    paid_on = IsoDate(**OPTIONAL)
    channel = fields.String(**OPTIONAL)
    voucher_no = fields.String(**OPTIONAL)
    payer_name = fields.String(**OPTIONAL)
    bank_account_code = fields.String(**OPTIONAL)


class RepaymentReversed(_Event):
    repayment_id = fields.String(required=True)
    repayment_event_id = fields.String(required=True)
    reversed_on = IsoDate(**OPTIONAL)
    reason = fields.String(**OPTIONAL)


class AdvanceApplied(_Event):
    amount = StrictDecimal(required=True, **MONEY)
    allocation = fields.Nested(Allocation, required=True)
    applied_on = IsoDate(**OPTIONAL)


class LoanPrepaid(_Event):
    amount = StrictDecimal(required=True, **MONEY)
    principal = StrictDecimal(required=True, **MONEY)
    interest = StrictDecimal(load_default=0, **MONEY)
    fee = StrictDecimal(load_default=0, **MONEY)
    advance_used = StrictDecimal(load_default=0, **MONEY)
    paid_on = IsoDate(**OPTIONAL)
    voucher_no = fields.String(**OPTIONAL)
    payer_name = fields.String(**OPTIONAL)
    bank_account_code = fields.String(**OPTIONAL)


class DpdChanged(_Event):
    dpd = fields.Integer(required=True, validate=validate.Range(min=0))


class LoanSettled(_Event):
    pass


class ClassificationChanged(_Event):
    classification = fields.String(required=True, validate=validate.OneOf(
        ("normal", "special_mention", "substandard", "doubtful", "loss")))
