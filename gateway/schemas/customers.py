"""Schemas of gateway/routes/customers.py: persons, enterprises and the blacklist (客户管理)."""
from marshmallow import Schema, fields, validate

from gateway.schemas.common import PageArgs, TIMESTAMP, money
from services.common.schemas import Strict


class PersonSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    id_number = fields.String(required=True, metadata={"description": "居民身份证号 (GB 11643)"})
    phone = fields.String(required=True, metadata={"description": "mainland mobile, 11 digits"})
    address = fields.String(allow_none=True)
    employer = fields.String(allow_none=True)
    monthly_income = money(allow_none=True)


class EnterpriseSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    uscc = fields.String(required=True, metadata={"description": "统一社会信用代码 (GB 32100)"})
    legal_representative = fields.String(required=True, validate=validate.Length(min=1, max=100))
    legal_representative_id_number = fields.String(required=True)
    phone = fields.String(required=True)
    address = fields.String(allow_none=True)
    registered_capital = money(allow_none=True)
    accept_uscc_warning = fields.Boolean(
        metadata={"description": "register a code whose check character fails (some early codes do)"})


class CustomerPatchSchema(Strict):
    """A correction: only the fields given change; each is checked as at registration."""
    phone = fields.String(metadata={"description": "mainland mobile, 11 digits"})
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    employer = fields.String(allow_none=True, validate=validate.Length(max=200),
                             metadata={"description": "persons only"})
    monthly_income = money(allow_none=True, metadata={"description": "persons only"})
    legal_representative = fields.String(validate=validate.Length(min=1, max=100),
                                         metadata={"description": "enterprises only"})
    legal_representative_id_number = fields.String(metadata={"description": "enterprises only; 居民身份证号"})
    id_number = fields.String(metadata={
        "description": "persons only: a corrected ID number (needs customer.identity.correct; 409 "
                       "CUSTOMER_DUPLICATE if another customer has it)"})
    uscc = fields.String(metadata={
        "description": "enterprises only: a corrected credit code (needs customer.identity.correct; 409 "
                       "CUSTOMER_DUPLICATE if another customer has it)"})
    accept_uscc_warning = fields.Boolean(
        metadata={"description": "keep a corrected code whose check character fails (some early codes do)"})


class LoanSummarySchema(Schema):
    loan_id = fields.String()
    status = fields.String()
    amount = fields.String()
    outstanding_principal = fields.String()
    dpd = fields.Integer()
    worst_dpd = fields.Integer()
    classification = fields.String(allow_none=True)


class CreditSchema(Schema):
    loans_count = fields.Integer()
    applications_pending = fields.Integer()
    total_amount = fields.String()
    exposure = fields.String()
    worst_dpd = fields.Integer()
    worst_classification = fields.String(allow_none=True)


class CustomerSchema(Schema):
    id = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(("person", "enterprise")))
    name = fields.String(required=True)
    id_number = fields.String(allow_none=True, metadata={"description": "masked unless ?unmask=true"})
    phone = fields.String(allow_none=True, metadata={"description": "masked unless ?unmask=true"})
    address = fields.String(allow_none=True)
    employer = fields.String(allow_none=True)
    monthly_income = fields.String(allow_none=True)
    uscc = fields.String(allow_none=True)
    uscc_warning = fields.String(allow_none=True)
    legal_representative = fields.String(allow_none=True)
    legal_representative_id_number = fields.String(allow_none=True)
    registered_capital = fields.String(allow_none=True)
    department_id = fields.String(allow_none=True)
    officer_id = fields.String()
    created_at = fields.String(metadata=TIMESTAMP)
    blacklisted = fields.Boolean()
    loans = fields.List(fields.Nested(LoanSummarySchema))
    credit = fields.Nested(CreditSchema)


class CustomerListArgs(PageArgs):
    type = fields.String(validate=validate.OneOf(("person", "enterprise")))
    q = fields.String(validate=validate.Length(min=1, max=100),
                      metadata={"description": "name (contains), or an exact ID number, phone or USCC"})


class UnmaskArgs(Strict):
    unmask = fields.Boolean(load_default=False)


class BlacklistSchema(Strict):
    id = fields.String(dump_only=True)
    customer_id = fields.String(allow_none=True)
    id_number = fields.String(allow_none=True, metadata={"description": "masked in responses"})
    uscc = fields.String(allow_none=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    created_by = fields.String(dump_only=True)
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)
    removed_by = fields.String(dump_only=True, allow_none=True)
    removed_at = fields.String(dump_only=True, allow_none=True, metadata=TIMESTAMP)


class BlacklistListArgs(PageArgs):
    active = fields.Boolean(load_default=True, metadata={"description": "false: include removed entries"})
