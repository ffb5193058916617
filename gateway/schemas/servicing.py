"""Schemas of gateway/routes/servicing.py (贷中): the loan book's filters and schedules, repayments, reversals,
early repayment, extensions, transfers and close of business. The loan itself and its installments are
origination's (gateway/schemas/origination.py)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from gateway.i18n import Label
from gateway.schemas.common import (DATE, GRADES, GRADES_DESCRIPTION, IsoDate, PageArgs, ReviewSchema, TIMESTAMP,
                                    money)
from gateway.schemas.origination import LOAN_STATUSES, InstallmentSchema
from services.common.schemas import QueryInteger, Strict, StrictInteger
from services.loan import contract as loan_contract


MAX_DPD = 99_999  # as the loan service's filter: far beyond any loan's life


class LoanListArgs(PageArgs):
    customer_id = fields.String()
    status = fields.String(validate=validate.OneOf(LOAN_STATUSES))
    min_dpd = QueryInteger(validate=validate.Range(min=0, max=MAX_DPD), metadata={
        "description": "逾期天数 at least this (inclusive): 1 = overdue, 31 = PAR30, 91 = PAR90"})
    max_dpd = QueryInteger(validate=validate.Range(min=0, max=MAX_DPD), metadata={
        "description": "逾期天数 at most this (inclusive), not below `min_dpd`: 0 = current"})
    classification = fields.String(validate=validate.OneOf(GRADES), metadata={
        "description": f"五级分类 the loan was last given: {GRADES_DESCRIPTION}"})

    @validates_schema
    def a_range_not_upside_down(self, data, **kwargs):
        low, high = data.get("min_dpd"), data.get("max_dpd")
        if low is not None and high is not None and low > high:
            raise ValidationError("cannot be less than min_dpd", "max_dpd")


class LoanScheduleSchema(Schema):
    loan_id = fields.String()
    fixed = fields.Boolean(metadata={"description": "false: a preview until the money is paid out"})
    installments = fields.List(fields.Nested(InstallmentSchema))
    total_interest = fields.String()
    total_payment = fields.String()


class AllocationSchema(Schema):
    principal = fields.String()
    interest = fields.String()
    penalty = fields.String()
    fees = fields.String()
    advance = fields.String(metadata={"description": "beyond what is due now: held as 预收款"})


class AllocationLineSchema(Schema):
    no = fields.Integer()
    principal = fields.String()
    interest = fields.String()
    penalty = fields.String()
    fees = fields.String()


REPAYMENT_STATUSES = tuple(loan_contract.REPAYMENT_STATUSES)


class RepaymentSchema(Strict):
    id = fields.String(dump_only=True)
    loan_id = fields.String(dump_only=True)
    amount = money(required=True)
    paid_on = IsoDate(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(
        ("bank_transfer", "auto_debit", "cash", "wechat", "alipay", "other")))
    payer_name = fields.String(allow_none=True, validate=validate.Length(min=1, max=100),
                               metadata={"description": "付款人 as on the bank statement; default the borrower"})
    voucher_no = fields.String(allow_none=True, validate=validate.Length(min=1, max=50),
                               metadata={"description": "凭证号 / bank reference, to match the bank statement"})
    status = fields.String(dump_only=True, validate=validate.OneOf(REPAYMENT_STATUSES),
                           metadata={"description": "recorded 已入账, reversed 已冲正"})
    status_label = Label("status", "repayment_status", dump_only=True)
    reversal = fields.Nested(lambda: ReversalSchema(), dump_only=True, allow_none=True,
                             metadata={"description": "its latest reversal request (pending, approved or rejected)"})
    allocation = fields.Nested(AllocationSchema, dump_only=True)
    lines = fields.List(fields.Nested(AllocationLineSchema), dump_only=True)
    recorded_by = fields.String(dump_only=True)
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)
    loan_status = fields.String(dump_only=True)
    outstanding_principal = fields.String(dump_only=True)
    advance_balance = fields.String(dump_only=True)


class ReversalRequestSchema(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500),
                           metadata={"description": "why the repayment was a mistake (冲正原因)"})


class ReversalSchema(Schema):
    id = fields.String()
    loan_id = fields.String()
    repayment_id = fields.String()
    reason = fields.String()
    status = fields.String(validate=validate.OneOf(("pending", "approved", "rejected")))
    requested_by = fields.String()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True, metadata=TIMESTAMP)
    comment = fields.String(allow_none=True)
    reversed_on = fields.String(allow_none=True, metadata={**DATE, "description": "business date it took effect"})
    created_at = fields.String(metadata=TIMESTAMP)
    repayment = fields.Nested(RepaymentSchema, metadata={"description": "on approval: the repayment, reversed"})


class CobRequestSchema(Strict):
    business_date = IsoDate(required=True, metadata={"description": "close every business date up to this one"})


class CobSchema(Schema):
    business_date = fields.String(metadata=DATE)
    status = fields.String(validate=validate.OneOf(("queued", "running", "done")))
    loans = fields.Integer(metadata={"description": "active loans closed for the (last) date"})
    overdue = fields.Integer()
    events = fields.Integer()
    started_by = fields.String()
    finished_at = fields.String(allow_none=True, metadata=TIMESTAMP)
    partitions = fields.Dict(keys=fields.String(), values=fields.Integer(),
                             metadata={"description": "loan-id ranges of the date by status (pending / done)"})


class PrepaymentSchema(Strict):
    paid_on = IsoDate(required=True)
    full = fields.Boolean(required=True, metadata={"description": "true: pay the loan off; false: repay `amount` "
                                                                  "of principal early and rebuild the schedule"})
    amount = money(allow_none=True, load_only=True,
                   metadata={"description": "partial only: the principal to repay early (less than outstanding)"})
    mode = fields.String(allow_none=True, validate=validate.OneOf(("reduce_installment", "shorten_term")),
                         metadata={"description": "partial only: reduce_installment (same term, default) or "
                                                  "shorten_term (same installment)"})
    channel = fields.String(load_only=True, validate=validate.OneOf(
        ("bank_transfer", "auto_debit", "cash", "wechat", "alipay", "other")))


class RebuiltScheduleSchema(Schema):
    installments = fields.Integer()
    next_installment = fields.String()
    maturity_date = fields.String(metadata=DATE)
    lines = fields.List(fields.Nested(InstallmentSchema))


class PrepaymentQuoteSchema(Schema):
    id = fields.String(metadata={"description": "on execution: the prepayment's id"})
    loan_id = fields.String()
    paid_on = fields.String(metadata=DATE)
    full = fields.Boolean()
    principal = fields.String()
    interest = fields.String(metadata={"description": "accrued since the last due date: days × rate / 360"})
    fee = fields.String(metadata={"description": "prepayment fee, waived after the product's free period"})
    advance_used = fields.String()
    amount = fields.String(metadata={"description": "to pay now"})
    accrued_days = fields.Integer()
    loan_status = fields.String()
    schedule_after = fields.Nested(RebuiltScheduleSchema, metadata={"description": "partial: the schedule left"})


class ExtensionSchema(Strict):
    id = fields.String(dump_only=True)
    loan_id = fields.String(dump_only=True)
    extra_months = StrictInteger(required=True, validate=validate.Range(min=1, max=36))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))
    status = fields.String(dump_only=True, validate=validate.OneOf(("pending", "approved", "rejected")))
    requested_by = fields.String(dump_only=True)
    decided_by = fields.String(dump_only=True, allow_none=True)
    decided_at = fields.String(dump_only=True, allow_none=True, metadata=TIMESTAMP)
    comment = fields.String(dump_only=True, allow_none=True)
    fee = money(metadata={"description": "展期手续费 agreed with the borrower (default 0.00), at most 10 % of the "
                                         "outstanding principal; received when the extension is approved"})
    fee_voucher_no = fields.String(dump_only=True, allow_none=True,
                                   metadata={"description": "凭证号 of the fee received, given with the approval"})
    maturity_before = fields.String(dump_only=True, metadata=DATE)
    maturity_after = fields.String(dump_only=True, allow_none=True, metadata=DATE)
    next_installment = fields.String(dump_only=True, metadata={"description": "on approval: the new installment"})
    installments = fields.Integer(dump_only=True)
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class ExtensionReviewSchema(ReviewSchema):
    voucher_no = fields.String(allow_none=True, validate=validate.Length(min=1, max=50), metadata={
        "description": "凭证号 of the extension fee received (an extension with a fee is approved once it is paid)"})


class TransferSchema(Strict):
    id = fields.String(dump_only=True)
    loan_id = fields.String(dump_only=True)
    from_customer_id = fields.String(dump_only=True)
    to_customer_id = fields.String(required=True)
    to_customer_name = fields.String(dump_only=True)
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))
    status = fields.String(dump_only=True, validate=validate.OneOf(("pending", "approved", "rejected")))
    requested_by = fields.String(dump_only=True)
    decided_by = fields.String(dump_only=True, allow_none=True)
    decided_at = fields.String(dump_only=True, allow_none=True, metadata=TIMESTAMP)
    comment = fields.String(dump_only=True, allow_none=True)
    supplement_no = fields.String(dump_only=True, allow_none=True, metadata={"description": "补充协议编号"})
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)
