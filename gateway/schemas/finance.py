"""Schemas of gateway/routes/finance.py: journal entries, trial balance, ledgers, cash journal, reports and
provisions (财务中心)."""
from marshmallow import Schema, fields, validate

from gateway.i18n import BuiltinName, Label
from gateway.schemas.common import DATE, IsoDate, PageArgs, TIMESTAMP, money
from services.common.schemas import Strict


FORMATS = ("json", "xlsx")


class EntryLineSchema(Schema):
    account = fields.String()
    debit = fields.String()
    credit = fields.String()


class JournalEntrySchema(Schema):
    id = fields.String()
    posted_on = fields.String(metadata=DATE)
    source_type = fields.String()
    source_event_id = fields.String(allow_none=True)
    loan_id = fields.String(allow_none=True)
    memo = fields.String()
    reverses_id = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.String(metadata=TIMESTAMP)
    lines = fields.List(fields.Nested(EntryLineSchema))


class EntryListArgs(PageArgs):
    loan_id = fields.String()
    date_from = IsoDate(data_key="from")
    date_to = IsoDate(data_key="to")


class ReverseSchema(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=200))
    posted_on = IsoDate(allow_none=True, metadata={"description": "default today"})


class AsOfArgs(Strict):
    as_of = IsoDate(metadata={"description": "default today"})


class TrialBalanceRowSchema(Schema):
    account = fields.String()
    name = BuiltinName("account", code="account")
    debit = fields.String()
    credit = fields.String()
    balance = fields.String()
    normal_side = fields.String()


class TrialBalanceSchema(Schema):
    as_of = fields.String(metadata=DATE)
    accounts = fields.List(fields.Nested(TrialBalanceRowSchema))
    total_debit = fields.String()
    total_credit = fields.String()
    balanced = fields.Boolean()


class LedgerArgs(PageArgs):
    date_from = IsoDate(data_key="from")
    date_to = IsoDate(data_key="to")
    as_of = IsoDate()
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))


class LedgerSchema(Schema):
    columns = fields.List(fields.List(fields.String()), metadata={"description": "[key, title] pairs"})
    items = fields.List(fields.Dict())
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class CashJournalArgs(LedgerArgs):
    account = fields.String(metadata={"description": "bank account code; default: the default account"})


class BankAccountSchema(Strict):
    id = fields.String(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=30))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    bank_name = fields.String(allow_none=True)
    account_no = fields.String(allow_none=True)
    opening_balance = money()
    opened_on = IsoDate(required=True)
    is_default = fields.Boolean()


class CashJournalSchema(LedgerSchema):
    bank_account = fields.Nested(BankAccountSchema)
    opening_balance = fields.String()


class GradeSchema(Schema):
    classification = fields.String()
    label = Label("classification", "grade")
    loans = fields.Integer()
    outstanding_principal = fields.String()
    provision_rate = fields.String()
    required_provision = fields.String()


class PortfolioSchema(Schema):
    as_of = fields.String(metadata=DATE)
    grades = fields.List(fields.Nested(GradeSchema))
    outstanding_principal = fields.String()
    required_provision = fields.String()
    booked_provision = fields.String()
    par30 = fields.String(metadata={"description": "share of outstanding principal more than 30 days past due"})


class PeriodArgs(Strict):
    date_from = IsoDate(data_key="from")
    date_to = IsoDate(data_key="to")
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))


class MonthlyIncomeSchema(Schema):
    columns = fields.List(fields.List(fields.String()))
    items = fields.List(fields.Dict())
    date_from = fields.String(attribute="from", data_key="from", metadata=DATE)
    date_to = fields.String(attribute="to", data_key="to", metadata=DATE)


class AccountSchema(Strict):
    code = fields.String(required=True)
    name = BuiltinName("account", required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(("asset", "liability", "equity", "income",
                                                                 "expense")))
    normal_side = fields.String(validate=validate.OneOf(("debit", "credit")))
    builtin = fields.Boolean(dump_only=True)


class ProvisionRunSchema(Strict):
    as_of = IsoDate(required=True, metadata={"description": "the month end provisioned for"})


class ProvisionResultSchema(Schema):
    as_of = fields.String(metadata=DATE)
    required = fields.String()
    change = fields.String()
    entry_id = fields.String(allow_none=True)
