"""Schemas of gateway/routes/origination.py (业务中心): products, LPR, the calculator, credit lines, applications,
contracts and disbursements, and the loan a contract makes (servicing's routes answer with it too)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from gateway.i18n import Label
from gateway.schemas.common import DATE, IsoDate, PageArgs, TIMESTAMP, money
from services.common.schemas import Strict, StrictInteger, decimal_string
from services.document import contract as document_contract
from services.loan import contract as loan_contract


METHODS = tuple(loan_contract.METHODS)
APPLICATION_STATUSES = tuple(loan_contract.APPLICATION_STATUSES)
LOAN_STATUSES = tuple(loan_contract.LOAN_STATUSES)


def rate(metadata=None, **kwargs):
    """A rate as a decimal-string fraction ("0.120000" is 12 % a year), at most 6 decimals; never a float."""
    return decimal_string(2, 6, "0.120000", metadata=metadata or {}, **kwargs)


class ScheduleRequestSchema(Strict):
    amount = money(required=True)
    annual_rate = rate(required=True)
    term_months = StrictInteger(required=True)
    repayment_method = fields.String(required=True, validate=validate.OneOf(METHODS),
                                     metadata={"description": "equal_installment 等额本息, equal_principal 等额本金, "
                                                              "interest_first 先息后本, bullet 一次性还本付息, "
                                                              "flat 等本等息"})
    start_date = IsoDate(required=True)
    first_due_date = IsoDate(allow_none=True)
    upfront_fee = money(allow_none=True, metadata={"description": "fees deducted at disbursement (raise the APR)"})


class InstallmentSchema(Schema):
    no = fields.Integer()
    due_date = fields.String(metadata=DATE)
    principal = fields.String()
    interest = fields.String()
    total = fields.String()
    balance_after = fields.String()
    paid_principal = fields.String()
    paid_interest = fields.String()
    penalty = fields.String(metadata={"description": "penalty interest accrued (罚息), to the fen"})
    paid_penalty = fields.String()
    fees = fields.String()
    paid_fees = fields.String()
    status = fields.String()


class ScheduleSchema(Schema):
    amount = fields.String()
    annual_rate = fields.String()
    repayment_method = fields.String()
    repayment_method_label = Label("repayment_method", "repayment_method")
    installments = fields.List(fields.Nested(InstallmentSchema))
    total_interest = fields.String()
    total_payment = fields.String()
    net_amount = fields.String()
    apr = fields.String(metadata={"description": "年化利率: 12 × monthly IRR of the borrower's cash flows"})


class FeeSchema(Strict):
    """An upfront fee: a fixed `amount` or a `rate` of the principal, exactly one of them."""
    name = fields.String(required=True, validate=validate.Length(min=1, max=50), metadata={"example": "GPS费"})
    amount = money(allow_none=True)
    rate = rate(allow_none=True)

    @validates_schema
    def amount_or_rate(self, data, **kwargs):
        if (data.get("amount") is None) == (data.get("rate") is None):
            raise ValidationError("give either amount or rate", "amount")


class AprRangeSchema(Schema):
    min = fields.String()
    max = fields.String()


CHECKLIST_STAGES = tuple(loan_contract.CHECKLIST_STAGES)
OWNER_TYPES = tuple(document_contract.OWNER_TYPES)
CATEGORIES = tuple(document_contract.CATEGORIES)


class ChecklistItemSchema(Strict):
    owner_type = fields.String(required=True, validate=validate.OneOf(OWNER_TYPES))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    category_label = fields.String(dump_only=True)


def checklist_field(**kwargs):
    return fields.Dict(keys=fields.String(validate=validate.OneOf(CHECKLIST_STAGES)),
                       values=fields.List(fields.Nested(ChecklistItemSchema), validate=validate.Length(max=20)),
                       metadata={"description": "资料清单: per stage (approval 提交审批, signing 签约, disbursement_review "
                                                "放款复核, gps_installation GPS安装, mortgage_registration 抵押登记) the "
                                                "documents of which record (the application's customer, its vehicle, "
                                                "the loan, the task) must be on file before it passes, else 409 "
                                                "`DOCUMENTS_MISSING`; none when omitted. Changes in place, not by "
                                                "version: a stage checks the list as it is then."}, **kwargs)


class ProductSchema(Strict):
    id = fields.String(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=50))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    repayment_method = fields.String(required=True, validate=validate.OneOf(METHODS))
    repayment_method_label = Label("repayment_method", "repayment_method", dump_only=True)
    annual_rate = rate(required=True)
    min_term_months = StrictInteger(required=True)
    max_term_months = StrictInteger(required=True)
    min_amount = money(required=True)
    max_amount = money(required=True)
    max_ltv = rate(metadata={"description": "default 0.80"})
    penalty_markup = rate(metadata={"description": "罚息上浮, default 0.50"})
    grace_days = StrictInteger()
    prepayment_fee_rate = rate()
    prepayment_fee_free_after_months = StrictInteger(allow_none=True)
    allocation = fields.String(validate=validate.OneOf(("installment_first", "type_first")))
    compound_penalty = fields.Boolean()
    upfront_fees = fields.List(fields.Nested(FeeSchema))
    checklist = checklist_field()
    apr = fields.String(dump_only=True, metadata={"description": "the highest APR over the product's amount and "
                                                                 "term range, fees included"})
    apr_range = fields.Nested(AprRangeSchema, dump_only=True)
    active = fields.Boolean(dump_only=True)
    version = fields.Integer(dump_only=True, metadata={
        "description": "产品版本: the version of its pricing terms new applications are priced by (1 at creation, "
                       "one more at each change of them)"})
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class ProductVersionSchema(Schema):
    """One version of a product's pricing terms: the applications made on it, and their loans, keep it."""
    version = fields.Integer()
    current = fields.Boolean(metadata={"description": "the version new applications are priced by"})
    repayment_method = fields.String(validate=validate.OneOf(METHODS))
    repayment_method_label = Label("repayment_method", "repayment_method")
    annual_rate = fields.String()
    penalty_markup = fields.String()
    grace_days = fields.Integer()
    prepayment_fee_rate = fields.String()
    prepayment_fee_free_after_months = fields.Integer(allow_none=True)
    allocation = fields.String()
    compound_penalty = fields.Boolean()
    upfront_fees = fields.List(fields.Nested(FeeSchema))
    applications = fields.Integer(metadata={"description": "how many applications were made on this version"})
    created_by = fields.String()
    created_at = fields.String(metadata=TIMESTAMP)


class ProductPatchSchema(Strict):
    """A correction: only the fields given change. Name, `active` and the lending limits in place; a change of the
    terms loans are priced by (repayment method, rates, penalty, grace, prepayment fee, allocation, fees) makes the
    product's next version, for new applications: those made on an earlier version, and their loans, keep it."""
    name = fields.String(validate=validate.Length(min=1, max=100))
    active = fields.Boolean(metadata={"description": "false: no longer offered (applications are refused)"})
    repayment_method = fields.String(validate=validate.OneOf(METHODS))
    annual_rate = rate()
    min_term_months = StrictInteger()
    max_term_months = StrictInteger()
    min_amount = money()
    max_amount = money()
    max_ltv = rate()
    penalty_markup = rate()
    grace_days = StrictInteger()
    prepayment_fee_rate = rate()
    prepayment_fee_free_after_months = StrictInteger(allow_none=True)
    allocation = fields.String(validate=validate.OneOf(("installment_first", "type_first")))
    compound_penalty = fields.Boolean()
    upfront_fees = fields.List(fields.Nested(FeeSchema))
    checklist = checklist_field()


class ProductListArgs(PageArgs):
    active = fields.Boolean()


class LprSchema(Strict):
    effective_on = IsoDate(required=True)
    one_year = rate(required=True)
    five_year = rate(allow_none=True)
    created_by = fields.String(dump_only=True)


class CreditLineSchema(Strict):
    id = fields.String(dump_only=True)
    customer_id = fields.String(required=True)
    limit = money(required=True)
    expires_on = IsoDate(required=True)
    revolving = fields.Boolean()
    status = fields.String(dump_only=True, validate=validate.OneOf(("pending", "approved", "rejected")))
    expired = fields.Boolean(dump_only=True)
    available = fields.String(dump_only=True)
    officer_id = fields.String(dump_only=True)
    department_id = fields.String(dump_only=True, allow_none=True)
    decided_by = fields.String(dump_only=True, allow_none=True)
    decided_at = fields.String(dump_only=True, allow_none=True, metadata=TIMESTAMP)
    comment = fields.String(dump_only=True, allow_none=True)
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class CreditLineListArgs(PageArgs):
    customer_id = fields.String()
    status = fields.String(validate=validate.OneOf(("pending", "approved", "rejected")))


class StepSchema(Schema):
    step = fields.String()
    outcome = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    actor_id = fields.String()
    actor_name = fields.String(allow_none=True)
    at = fields.String(metadata=TIMESTAMP)


class InterestCapSchema(Schema):
    cap = fields.String(allow_none=True, metadata={"description": "4 × the one-year LPR"})
    exceeds = fields.Boolean()
    overridden_by = fields.String(allow_none=True)
    override_reason = fields.String(allow_none=True)


class ApplicationSchema(Strict):
    id = fields.String(dump_only=True)
    customer_id = fields.String(required=True)
    customer_name = fields.String(dump_only=True)
    product_id = fields.String(required=True)
    product_version = fields.Integer(dump_only=True, metadata={
        "description": "the version of the product the application was made on: its contract copies its terms"})
    repayment_method = fields.String(dump_only=True, validate=validate.OneOf(METHODS))
    annual_rate = fields.String(dump_only=True, metadata={"description": "its product version's rate"})
    vehicle_id = fields.String(required=True)
    amount = money(required=True)
    term_months = StrictInteger(required=True)
    credit_line_id = fields.String(allow_none=True)
    status = fields.String(dump_only=True, validate=validate.OneOf(APPLICATION_STATUSES))
    status_label = Label("status", "application_status", dump_only=True)
    officer_id = fields.String(dump_only=True)
    department_id = fields.String(dump_only=True, allow_none=True)
    valuation_id = fields.String(dump_only=True, allow_none=True)
    appraised_value = fields.String(dump_only=True, allow_none=True)
    apr = fields.String(dump_only=True, allow_none=True)
    interest_cap = fields.Nested(InterestCapSchema, dump_only=True)
    investigated_by = fields.String(dump_only=True, allow_none=True)
    findings = fields.String(dump_only=True, allow_none=True)
    recommendation = fields.String(dump_only=True, allow_none=True)
    income_verified = fields.Boolean(dump_only=True, allow_none=True)
    home_visit = fields.String(dump_only=True, allow_none=True)
    work_visit = fields.String(dump_only=True, allow_none=True)
    first_decision_by = fields.String(dump_only=True, allow_none=True)
    second_decision_by = fields.String(dump_only=True, allow_none=True)
    loan_id = fields.String(dump_only=True, allow_none=True)
    submitted_at = fields.String(dump_only=True, metadata=TIMESTAMP)
    steps = fields.List(fields.Nested(StepSchema), dump_only=True)


class ApplicationListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(APPLICATION_STATUSES))
    customer_id = fields.String()


class InvestigationSchema(Strict):
    findings = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    recommendation = fields.String(required=True, validate=validate.OneOf(("approve", "reject")))
    income_verified = fields.Boolean(allow_none=True)
    home_visit = fields.String(allow_none=True, validate=validate.Length(max=1000))
    work_visit = fields.String(allow_none=True, validate=validate.Length(max=1000))


class OverrideSchema(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=5, max=500))


class ContractSchema(Strict):
    signed_on = IsoDate(required=True)
    first_due_date = IsoDate(allow_none=True)


class LoanFeeSchema(Schema):
    name = fields.String()
    amount = fields.String()


class DisbursementSchema(Strict):
    id = fields.String(dump_only=True)
    loan_id = fields.String(dump_only=True)
    payee_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    payee_account = fields.String(required=True, metadata={"description": "bank account; masked in responses"})
    amount = money(required=True, metadata={"description": "principal − deducted fees"})
    status = fields.String(dump_only=True, validate=validate.OneOf(("pending_review", "approved", "rejected")))
    registered_by = fields.String(dump_only=True)
    registered_at = fields.String(dump_only=True, metadata=TIMESTAMP)
    reviewed_by = fields.String(dump_only=True, allow_none=True)
    reviewed_at = fields.String(dump_only=True, allow_none=True, metadata=TIMESTAMP)
    voucher_no = fields.String(dump_only=True, allow_none=True)
    disbursed_on = fields.String(dump_only=True, allow_none=True, metadata=DATE)
    comment = fields.String(dump_only=True, allow_none=True)


class DisbursementReviewSchema(Strict):
    approve = fields.Boolean(required=True)
    voucher_no = fields.String(allow_none=True, validate=validate.Length(min=1, max=50),
                               metadata={"description": "required to approve"})
    disbursed_on = IsoDate(allow_none=True, metadata={"description": "required to approve"})
    comment = fields.String(allow_none=True, validate=validate.Length(max=500))


class NextDueSchema(Schema):
    no = fields.Integer()
    due_date = fields.String(metadata=DATE)
    amount = fields.String(metadata={"description": "what the installment still owes"})


class LoanSchema(Schema):
    id = fields.String()
    contract_no = fields.String()
    application_id = fields.String()
    customer_id = fields.String()
    customer_name = fields.String()
    product_id = fields.String()
    product_version = fields.Integer(metadata={"description": "the product version whose terms it copied"})
    vehicle_id = fields.String()
    credit_line_id = fields.String(allow_none=True)
    officer_id = fields.String()
    department_id = fields.String(allow_none=True)
    principal = fields.String()
    term_months = fields.Integer()
    repayment_method = fields.String()
    repayment_method_label = Label("repayment_method", "repayment_method")
    annual_rate = fields.String()
    apr = fields.String()
    penalty_markup = fields.String()
    grace_days = fields.Integer()
    prepayment_fee_rate = fields.String()
    prepayment_fee_free_after_months = fields.Integer(allow_none=True)
    allocation = fields.String()
    compound_penalty = fields.Boolean()
    fees = fields.List(fields.Nested(LoanFeeSchema))
    fees_total = fields.String()
    net_amount = fields.String()
    signed_on = fields.String(metadata=DATE)
    disbursed_on = fields.String(allow_none=True, metadata=DATE)
    first_due_date = fields.String(allow_none=True, metadata=DATE)
    maturity_date = fields.String(allow_none=True, metadata=DATE)
    status = fields.String(validate=validate.OneOf(LOAN_STATUSES))
    status_label = Label("status", "loan_status")
    outstanding_principal = fields.String()
    advance_balance = fields.String(metadata={"description": "预收款 held for the next due date"})
    settled_on = fields.String(allow_none=True, metadata=DATE)
    dpd = fields.Integer()
    classification = fields.String(allow_none=True, metadata={"description": "五级分类, as post-loan graded it"})
    classification_label = Label("classification", "grade", allow_none=True)
    restructured = fields.Boolean(metadata={"description": "重组: extended (展期)"})
    extended_months = fields.Integer()
    created_at = fields.String(metadata=TIMESTAMP)
    disbursement = fields.Nested(DisbursementSchema, allow_none=True)
    accrued_penalty = fields.String(metadata={"description": "罚息 accrued and unpaid, to the fen"})
    next_due = fields.Nested(NextDueSchema, allow_none=True)
