"""Marshmallow schemas of the loan service's RPC boundary."""
from decimal import Decimal

from marshmallow import ValidationError, fields, validate, validates_schema

from services.common.errors import field_error
from services.common.schemas import Strict, StrictDecimal, StrictInteger, ascii_regexp, business_date
from services.document.contract import CATEGORIES, OWNER_TYPES
from services.loan.domain.checklists import STAGES
from services.loan.domain.origination import ALLOCATIONS, DEFAULT_MAX_LTV, DEFAULT_PENALTY_MARKUP
from services.loan.domain.portfolio import GRADES
from services.loan.domain.schedule import METHODS

OPTIONAL = {"load_default": None, "allow_none": True}


def money(**kwargs):
    return StrictDecimal(places=2, as_string=True, validate=validate.Range(min=0, max=10 ** 13), **kwargs)


def positive_money(**kwargs):
    return StrictDecimal(places=2, as_string=True,
                         validate=validate.Range(min=0, max=10 ** 13, min_inclusive=False), **kwargs)


def rate(**kwargs):
    """A fraction such as 0.120000 (12 %), at most 6 decimals."""
    return StrictDecimal(places=6, as_string=True, validate=validate.Range(min=0, max=1), **kwargs)


TERM = validate.Range(min=1, max=360)


class _Exact(Strict):
    """Refuses money with more than 2 decimals and rates with more than 6 instead of rounding them."""
    MONEY_FIELDS = ()
    RATE_FIELDS = ()

    @validates_schema(pass_original=True)
    def no_hidden_rounding(self, data, original, **kwargs):
        for name, places in [*((f, 2) for f in self.MONEY_FIELDS), *((f, 6) for f in self.RATE_FIELDS)]:
            raw = original.get(name) if isinstance(original, dict) else None
            if isinstance(raw, str) and "." in raw and len(raw.split(".", 1)[1]) > places:
                raise field_error(name, f"at most {places} decimals")


class ScheduleIn(_Exact):
    MONEY_FIELDS = ("amount", "upfront_fee")
    RATE_FIELDS = ("annual_rate",)
    amount = positive_money(required=True)
    annual_rate = rate(required=True)
    term_months = StrictInteger(required=True, validate=TERM)
    repayment_method = fields.String(required=True, validate=validate.OneOf(tuple(METHODS)))
    start_date = business_date(required=True)
    first_due_date = business_date(**OPTIONAL)
    upfront_fee = money(load_default=None, allow_none=True)


class FeeIn(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    amount = money(**OPTIONAL)
    rate = rate(**OPTIONAL)

    @validates_schema
    def amount_or_rate(self, data, **kwargs):
        if (data.get("amount") is None) == (data.get("rate") is None):
            raise ValidationError("give either amount or rate", "amount")


class ChecklistItemIn(Strict):
    owner_type = fields.String(required=True, validate=validate.OneOf(tuple(OWNER_TYPES)))
    category = fields.String(required=True, validate=validate.OneOf(tuple(CATEGORIES)))


# 资料清单: {stage: [{owner_type, category}]}; which record each stage may ask of is checklists.problems'
CHECKLIST = dict(keys=fields.String(validate=validate.OneOf(tuple(STAGES))),
                 values=fields.List(fields.Nested(ChecklistItemIn), validate=validate.Length(max=20)))


class ProductIn(_Exact):
    MONEY_FIELDS = ("min_amount", "max_amount")
    RATE_FIELDS = ("annual_rate", "max_ltv", "penalty_markup", "prepayment_fee_rate")
    code = fields.String(required=True, validate=validate.Length(min=1, max=50))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    repayment_method = fields.String(required=True, validate=validate.OneOf(tuple(METHODS)))
    annual_rate = rate(required=True)
    min_term_months = StrictInteger(required=True, validate=TERM)
    max_term_months = StrictInteger(required=True, validate=TERM)
    min_amount = positive_money(required=True)
    max_amount = positive_money(required=True)
    max_ltv = StrictDecimal(places=6, as_string=True, load_default=DEFAULT_MAX_LTV,
                            validate=validate.Range(min=0, max=1, min_inclusive=False))
    penalty_markup = rate(load_default=DEFAULT_PENALTY_MARKUP)
    grace_days = StrictInteger(load_default=0, validate=validate.Range(min=0, max=30))
    prepayment_fee_rate = StrictDecimal(places=6, as_string=True, load_default=0,
                                        validate=validate.Range(min=0, max=0.1))
    prepayment_fee_free_after_months = StrictInteger(validate=validate.Range(min=0, max=360), **OPTIONAL)
    allocation = fields.String(load_default="installment_first", validate=validate.OneOf(tuple(ALLOCATIONS)))
    compound_penalty = fields.Boolean(load_default=False)
    upfront_fees = fields.List(fields.Nested(FeeIn), load_default=list, validate=validate.Length(max=10))
    checklist = fields.Dict(load_default=dict, **CHECKLIST)


class ProductPatch(_Exact):
    """A correction: only the fields given change (origination.PRODUCT_LIMITS in place, PRODUCT_TERMS as the
    product's next version)."""
    MONEY_FIELDS = ProductIn.MONEY_FIELDS
    RATE_FIELDS = ProductIn.RATE_FIELDS
    name = fields.String(validate=validate.Length(min=1, max=100))
    active = fields.Boolean()
    repayment_method = fields.String(validate=validate.OneOf(tuple(METHODS)))
    annual_rate = rate()
    min_term_months = StrictInteger(validate=TERM)
    max_term_months = StrictInteger(validate=TERM)
    min_amount = positive_money()
    max_amount = positive_money()
    max_ltv = StrictDecimal(places=6, as_string=True, validate=validate.Range(min=0, max=1, min_inclusive=False))
    penalty_markup = rate()
    grace_days = StrictInteger(validate=validate.Range(min=0, max=30))
    prepayment_fee_rate = StrictDecimal(places=6, as_string=True, validate=validate.Range(min=0, max=0.1))
    prepayment_fee_free_after_months = StrictInteger(validate=validate.Range(min=0, max=360), allow_none=True)
    allocation = fields.String(validate=validate.OneOf(tuple(ALLOCATIONS)))
    compound_penalty = fields.Boolean()
    upfront_fees = fields.List(fields.Nested(FeeIn), validate=validate.Length(max=10))
    checklist = fields.Dict(**CHECKLIST)


class LprIn(_Exact):
    RATE_FIELDS = ("one_year", "five_year")
    effective_on = business_date(required=True)
    one_year = StrictDecimal(places=6, as_string=True, required=True,
                             validate=validate.Range(min=0, max=1, min_inclusive=False))
    five_year = StrictDecimal(places=6, as_string=True, validate=validate.Range(min=0, max=1), **OPTIONAL)


class CreditLineIn(_Exact):
    MONEY_FIELDS = ("limit",)
    customer_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    limit = positive_money(required=True)
    expires_on = business_date(required=True)
    revolving = fields.Boolean(load_default=False)


class DecisionIn(Strict):
    approve = fields.Boolean(required=True)
    comment = fields.String(validate=validate.Length(max=500), **OPTIONAL)


class ApplicationIn(_Exact):
    MONEY_FIELDS = ("amount",)
    customer_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    product_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    vehicle_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    amount = positive_money(required=True)
    term_months = StrictInteger(required=True, validate=TERM)
    credit_line_id = fields.String(validate=validate.Length(max=36), **OPTIONAL)


class InvestigationIn(Strict):
    findings = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    recommendation = fields.String(required=True, validate=validate.OneOf(("approve", "reject")))
    income_verified = fields.Boolean(**OPTIONAL)
    home_visit = fields.String(validate=validate.Length(max=1000), **OPTIONAL)
    work_visit = fields.String(validate=validate.Length(max=1000), **OPTIONAL)


class OverrideIn(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=5, max=500))


class ContractIn(Strict):
    signed_on = business_date(required=True)
    first_due_date = business_date(**OPTIONAL)


MAX_DPD = 99_999  # days past due a filter may name: far beyond any loan's life (30 years is under 11 000 days)
DPD = validate.Range(min=0, max=MAX_DPD)


class LoanFilterIn(Strict):
    """The loan book's filters (贷款台账): days past due from `min_dpd` to `max_dpd`, both inclusive and either
    open, and the five-level grade the loan was last given."""
    min_dpd = StrictInteger(validate=DPD, **OPTIONAL)
    max_dpd = StrictInteger(validate=DPD, **OPTIONAL)
    classification = fields.String(validate=validate.OneOf(GRADES), **OPTIONAL)

    @validates_schema
    def a_range_not_upside_down(self, data, **kwargs):
        low, high = data.get("min_dpd"), data.get("max_dpd")
        if low is not None and high is not None and low > high:
            raise ValidationError("cannot be less than min_dpd", "max_dpd")


class DisbursementIn(_Exact):
    MONEY_FIELDS = ("amount",)
    payee_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    payee_account = fields.String(required=True, validate=ascii_regexp(r"[0-9]{8,30}", error="8 to 30 digits"))
    amount = positive_money(required=True)


class DisbursementReviewIn(Strict):
    approve = fields.Boolean(required=True)
    voucher_no = fields.String(validate=validate.Length(min=1, max=50), **OPTIONAL)
    disbursed_on = business_date(**OPTIONAL)
    comment = fields.String(validate=validate.Length(max=500), **OPTIONAL)


CHANNELS = ("bank_transfer", "auto_debit", "cash", "wechat", "alipay", "other")


class RepaymentIn(_Exact):
    MONEY_FIELDS = ("amount",)
    amount = positive_money(required=True)
    paid_on = business_date(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    payer_name = fields.String(validate=validate.Length(min=1, max=100), **OPTIONAL)
    voucher_no = fields.String(validate=validate.Length(min=1, max=50), **OPTIONAL)


class CobIn(Strict):
    business_date = business_date(required=True)


class PrepaymentIn(_Exact):
    MONEY_FIELDS = ("amount",)
    paid_on = business_date(required=True)
    full = fields.Boolean(required=True)
    amount = positive_money(**OPTIONAL)
    mode = fields.String(validate=validate.OneOf(("reduce_installment", "shorten_term")), **OPTIONAL)
    channel = fields.String(load_default="bank_transfer", validate=validate.OneOf(CHANNELS))


class ExtensionIn(_Exact):
    MONEY_FIELDS = ("fee",)
    extra_months = StrictInteger(required=True, validate=validate.Range(min=1, max=36))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))
    fee = money(load_default=Decimal("0.00"))  # 展期手续费, received at approval


class ExtensionDecisionIn(DecisionIn):
    voucher_no = fields.String(validate=validate.Length(min=1, max=50), **OPTIONAL)  # of the fee received


class ReversalIn(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class TransferIn(Strict):
    to_customer_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))
