"""财务中心 Finance: journal entries, trial balance, ledgers (台账), the cash journal (资金日记账), reports, exports."""
from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway import i18n, xlsx
from gateway.rpc import call
from gateway.auth import requires, check_permission
from gateway.schemas.common import page_of
from gateway.schemas.finance import (AccountSchema, AsOfArgs, BankAccountSchema, CashJournalArgs, CashJournalSchema,
                                     EntryListArgs, JournalEntrySchema, LedgerArgs, LedgerSchema, MonthlyIncomeSchema,
                                     PeriodArgs, PortfolioSchema, ProvisionResultSchema, ProvisionRunSchema,
                                     ReverseSchema, TrialBalanceSchema)

blp = Blueprint("finance", __name__, url_prefix="/api/v1/finance",
                description="财务中心 Finance: books, ledgers, cash journal, reports; `format=xlsx` exports")

EXPORT_PAGE = 5000


def or_xlsx(schema):
    """The 200 answer's two forms: JSON, or with `format=xlsx` a workbook."""
    return {"200": {"description": "JSON; with `format=xlsx`, every row as an .xlsx workbook",
                    "content": {"application/json": {"schema": schema},
                                xlsx.MIME: {"schema": {"type": "string", "format": "binary"}}}}}


def _iso(value):
    return value.isoformat() if value else None


def _localised(report, body):
    """A report page in the request's language: its column titles and, in the repayment ledger, each row's type
    (the finance service writes them in Chinese)."""
    body["columns"] = i18n.columns(report, body["columns"])
    if i18n.current() == i18n.EN:
        for item in body["items"]:
            if item.get("source_type"):
                item["source"] = i18n.label("ledger_source", item["source_type"]) or item["source"]
    return body


def _export(filename, title, fetch):
    """Every page of a listing into one workbook (needs `finance.export`); the finance service records the
    export in its audit log before the workbook leaves (an export it cannot record is not sent)."""
    check_permission(g.actor, "finance.export")
    first = fetch(1)
    columns = first["columns"]
    count = 0

    def rows():
        nonlocal count
        page, body = 1, first
        while True:
            for item in body["items"]:
                count += 1
                yield item
            if page * EXPORT_PAGE >= body["total"]:
                return
            page += 1
            body = fetch(page)
    response = xlsx.response(filename, title, columns, rows())
    filters = {key: value for key, value in request.args.items() if key not in ("format", "page", "page_size")}
    call("finance", "record_export", {"report": request.path.removeprefix(blp.url_prefix + "/")[:64],
                                      "filters": filters, "rows": count})
    return response


@blp.route("/journal-entries")
class JournalEntries(MethodView):
    @blp.arguments(EntryListArgs, location="query")
    @blp.response(200, page_of(JournalEntrySchema))
    @requires("finance.view")
    def get(self, args):
        """记账凭证, newest first: each balanced, with its source event."""
        return call("finance", "list_entries", loan_id=args.get("loan_id"), date_from=_iso(args.get("date_from")),
                    date_to=_iso(args.get("date_to")), page=args["page"], page_size=args["page_size"])


@blp.route("/journal-entries/<entry_id>")
class JournalEntryDetail(MethodView):
    @blp.response(200, JournalEntrySchema)
    @requires("finance.view")
    def get(self, entry_id):
        """One entry."""
        return call("finance", "get_entry", entry_id)


@blp.route("/journal-entries/<entry_id>/reverse")
class JournalEntryReverse(MethodView):
    @blp.arguments(ReverseSchema)
    @blp.response(201, JournalEntrySchema)
    @requires("finance.journal.reverse")
    def post(self, data, entry_id):
        """红字冲销: a new entry with the sides swapped (entries are never changed); 409 if already reversed; 403
        `SEGREGATION_OF_DUTIES` for who wrote the entry (the provisions' entry: who ran them)."""
        return call("finance", "reverse_entry", entry_id, data)


@blp.route("/trial-balance")
class TrialBalance(MethodView):
    @blp.arguments(AsOfArgs, location="query")
    @blp.response(200, TrialBalanceSchema)
    @requires("finance.view")
    def get(self, args):
        """试算平衡表 as of a date: total debits equal total credits."""
        return call("finance", "trial_balance", as_of=_iso(args.get("as_of")))


@blp.route("/ledgers/<any(disbursements, repayments, balances, overdue):kind>")
class Ledger(MethodView):
    @blp.arguments(LedgerArgs, location="query")
    @blp.response(200, LedgerSchema)
    @blp.doc(responses=or_xlsx(LedgerSchema))
    @requires("finance.view")
    def get(self, args, kind):
        """台账: disbursements and repayments between `from` and `to`; balances and overdue (by DPD bucket) as
        of `as_of`. `format=xlsx` (permission `finance.export`) exports all rows, headed in the request's language."""
        def fetch(page, page_size=None):
            return _localised(kind, call(
                "finance", "ledger", kind, date_from=_iso(args.get("date_from")), date_to=_iso(args.get("date_to")),
                as_of=_iso(args.get("as_of")), page=page,
                page_size=page_size or (EXPORT_PAGE if args["format"] == "xlsx" else args["page_size"])))
        if args["format"] == "xlsx":
            title = i18n.label("ledger", kind)
            return _export(title, title, fetch)
        return fetch(args["page"])


@blp.route("/cash-journal")
class CashJournal(MethodView):
    @blp.arguments(CashJournalArgs, location="query")
    @blp.response(200, CashJournalSchema)
    @blp.doc(responses=or_xlsx(CashJournalSchema))
    @requires("finance.view")
    def get(self, args):
        """资金日记账 of a bank account: every movement with counterparty, voucher and running balance."""
        def fetch(page):
            return _localised("cash_journal", call(
                "finance", "cash_journal", account=args.get("account"), date_from=_iso(args.get("date_from")),
                date_to=_iso(args.get("date_to")), page=page,
                page_size=EXPORT_PAGE if args["format"] == "xlsx" else args["page_size"]))
        if args["format"] == "xlsx":
            title = i18n.label("report", "cash_journal")
            return _export(title, title, fetch)
        return fetch(args["page"])


@blp.route("/reports/portfolio")
class Portfolio(MethodView):
    @blp.arguments(AsOfArgs, location="query")
    @blp.response(200, PortfolioSchema)
    @requires("finance.view")
    def get(self, args):
        """资产质量: outstanding principal by five-level grade, provisions required and booked, PAR30."""
        return call("finance", "portfolio", as_of=_iso(args.get("as_of")))


@blp.route("/reports/monthly-income")
class MonthlyIncome(MethodView):
    @blp.arguments(PeriodArgs, location="query")
    @blp.response(200, MonthlyIncomeSchema)
    @blp.doc(responses=or_xlsx(MonthlyIncomeSchema))
    @requires("finance.view")
    def get(self, args):
        """月度收入: interest, penalty and fee income, provision expense, by month (default: this year)."""
        body = _localised("monthly_income", call("finance", "monthly_income", date_from=_iso(args.get("date_from")),
                                                 date_to=_iso(args.get("date_to"))))
        if args["format"] == "xlsx":
            title = i18n.label("report", "monthly_income")
            return _export(title, title, lambda page: {**body, "total": len(body["items"])})
        return body


@blp.route("/accounts")
class Accounts(MethodView):
    @blp.response(200, AccountSchema(many=True))
    @requires("finance.view")
    def get(self):
        """会计科目 The chart of accounts."""
        return call("finance", "list_accounts")

    @blp.arguments(AccountSchema)
    @blp.response(201, AccountSchema)
    @requires("finance.manage")
    def post(self, data):
        """Add an account to the chart."""
        return call("finance", "create_account", data)


@blp.route("/bank-accounts")
class BankAccounts(MethodView):
    @blp.response(200, BankAccountSchema(many=True))
    @requires("finance.view")
    def get(self):
        """The company's bank accounts."""
        return call("finance", "list_bank_accounts")

    @blp.arguments(BankAccountSchema)
    @blp.response(201, BankAccountSchema)
    @requires("finance.manage")
    def post(self, data):
        """Add a bank account (one may be the default, which postings without an account use)."""
        return call("finance", "create_bank_account", data)


@blp.route("/provisions/run")
class Provisions(MethodView):
    @blp.arguments(ProvisionRunSchema)
    @blp.response(200, ProvisionResultSchema)
    @requires("finance.manage")
    def post(self, data):
        """计提拨备 at a month end: the change in required provision (docs/rules.md, rates by grade) in one entry."""
        return call("finance", "run_provisions", data)
