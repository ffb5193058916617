"""Marshmallow schemas of the finance service's RPC boundary and of the events it posts from, and the loaders of
the query arguments its reports take one by one (dates as ISO text, pages)."""
import datetime as dt

from marshmallow import EXCLUDE, Schema, fields, validate

from services.common import clock
from services.common.errors import NotFound, field_error
from services.common.schemas import IsoDate, Strict, StrictDecimal, ascii_regexp, business_date
from services.finance.domain import KINDS

OPTIONAL = {"load_default": None, "allow_none": True}
LEDGER_KINDS = ("disbursements", "repayments", "balances", "overdue")
MAX_REPORT_PAGE = 10_000


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


class ScheduleSummary(Schema):
    class Meta:
        unknown = EXCLUDE

    maturity_date = IsoDate(**OPTIONAL)


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
    schedule = fields.Nested(ScheduleSummary, load_default=dict)


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


class PenaltyAdjusted(_Event):
    refunded = StrictDecimal(load_default=0, **MONEY)
    reallocation = fields.Nested(Allocation, load_default=dict)
    adjusted_on = IsoDate(**OPTIONAL)


class PenaltyAdjustmentReversed(_Event):
    adjustment_event_id = fields.String(required=True)
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
    maturity_date = IsoDate(**OPTIONAL)  # a partial one may shorten the term


class LoanExtended(_Event):
    extended_on = IsoDate(**OPTIONAL)
    maturity_date = IsoDate(required=True)
    extended_months = fields.Integer(required=True, validate=validate.Range(min=1))
    fee = StrictDecimal(load_default=0, **MONEY)
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


# -- query arguments ----------------------------------------------------------------------------
def parse_date(value, field):
    """A date from its ISO text (a date passes as it is; None stays None), else 422 DATE_INVALID on `field`."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        raise field_error(field, "a date YYYY-MM-DD", code="DATE_INVALID") from None


def _report_page(page, page_size):
    return max(int(page), 1), min(max(int(page_size), 1), MAX_REPORT_PAGE)


def entry_query(loan_id, date_from, date_to, page, page_size):
    """The journal's filters: an empty date is no filter."""
    return {"loan_id": loan_id, "from": parse_date(date_from, "from") if date_from else None,
            "to": parse_date(date_to, "to") if date_to else None, "page": page, "page_size": page_size}


def as_of_query(as_of):
    """A report as of a date, today unless given."""
    return {"as_of": parse_date(as_of, "as_of") or clock.today()}


def ledger_query(kind, date_from, date_to, as_of, page, page_size):
    """A ledger page: 404 LEDGER_NOT_FOUND for a kind there is not, then the dates (as of today unless given)."""
    if kind not in LEDGER_KINDS:
        raise NotFound("no such ledger", code="LEDGER_NOT_FOUND")
    start, end = parse_date(date_from, "from"), parse_date(date_to, "to")
    as_of = parse_date(as_of, "as_of") or clock.today()
    page, page_size = _report_page(page, page_size)
    return {"kind": kind, "from": start, "to": end, "as_of": as_of, "page": page, "page_size": page_size}


def cash_journal_query(account, date_from, date_to, page, page_size):
    """A page of one bank account's cash journal (`account` its code; None: the default account)."""
    start, end = parse_date(date_from, "from"), parse_date(date_to, "to")
    page, page_size = _report_page(page, page_size)
    return {"account": account, "from": start, "to": end, "page": page, "page_size": page_size}


def income_query(date_from, date_to):
    """A period of months: from the first of this year to today unless given."""
    return {"from": parse_date(date_from, "from") or clock.today().replace(month=1, day=1),
            "to": parse_date(date_to, "to") or clock.today()}
