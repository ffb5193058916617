"""Nameko entrypoints of the finance service (财务中心): postings from loan events, the books, ledgers, the
cash journal and reports. The accounting rules live in `services/finance/domain.py`."""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from prometheus_client import Counter, Histogram
from sqlalchemy import case, func, select

from services.common import clock, jsonutil
from services.common.consumer import subscribe
from services.common.clock import utcnow
from services.common.db import UnitOfWork
from services.common.errors import Conflict, Forbidden, NotFound, RuleViolated, ValidationFailed, field_error
from services.common.pagination import paginate
from services.common.rpc import rpc
from services.common.schemas import load
from services.common.scope import scoped
from services.common.service import ServiceBase
from services.common.tables import new_id
from services.finance import domain
from services.finance.domain import ZERO
from services.finance.models import (Account, BankAccount, Base, CashMovement, JournalEntry, JournalLine, LoanBook,
                                     ProvisionRun)
from services.finance.schemas import (AccountIn, AdvanceApplied, BankAccountIn, ClassificationChanged, DpdChanged,
                                      ExportIn, LoanDisbursed, LoanPrepaid, LoanSettled, ProvisionRunIn,
                                      RepaymentReceived, RepaymentReversed, ReverseIn)

POSTINGS = Counter("carloan_finance_postings_total", "Journal entries posted", ["source"])
POSTING_LAG = Histogram("carloan_finance_posting_lag_seconds", "From an event's occurrence to its posting",
                        buckets=(.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300))

# Accounts are only ever added, never removed or recoded: once seen, a code needs no lookup again.
_KNOWN_ACCOUNTS = set()

LEDGER_COLUMNS = {
    "disbursements": [("posted_on", "放款日期"), ("contract_no", "合同编号"), ("customer_name", "客户名称"),
                      ("principal", "放款本金"), ("fees", "扣收费用"), ("net_amount", "实付金额"),
                      ("voucher_no", "凭证号"), ("entry_id", "记账凭证")],
    "repayments": [("posted_on", "还款日期"), ("contract_no", "合同编号"), ("customer_name", "客户名称"),
                   ("amount", "实收金额"), ("principal", "本金"), ("interest", "利息"), ("penalty", "罚息"),
                   ("fees", "费用"), ("advance", "预收"), ("source", "类型"), ("entry_id", "记账凭证")],
    "balances": [("contract_no", "合同编号"), ("customer_name", "客户名称"), ("disbursed_on", "放款日期"),
                 ("principal", "放款本金"), ("outstanding_principal", "贷款余额"), ("classification", "五级分类"),
                 ("dpd", "逾期天数")],
    "overdue": [("bucket", "逾期区间"), ("contract_no", "合同编号"), ("customer_name", "客户名称"), ("dpd", "逾期天数"),
                ("outstanding_principal", "贷款余额"), ("classification", "五级分类")],
}
CASH_COLUMNS = [("occurred_on", "日期"), ("bank_account", "账户"), ("summary", "摘要"), ("counterparty", "对方"),
                ("voucher_no", "凭证号"), ("income", "收入"), ("expense", "支出"), ("balance", "余额")]


def money(value):
    """A sum, "0.00" when there is nothing to sum."""
    return jsonutil.money(value or 0)


def parse_date(value, field):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        raise field_error(field, "a date YYYY-MM-DD", code="DATE_INVALID") from None


class FinanceService(ServiceBase):
    name = "finance"
    uow = UnitOfWork(Base.metadata)

    # -- postings from events ------------------------------------------------------------------
    @subscribe("loan.disbursed")
    def on_loan_disbursed(self, event):
        data = load(LoanDisbursed(), event.payload)
        posted_on = data["disbursed_on"] or event.business_day
        if self.uow.session.get(LoanBook, data["loan_id"]) is None:
            self.uow.session.add(LoanBook(
                loan_id=data["loan_id"], contract_no=data["contract_no"], customer_id=data["customer_id"],
                customer_name=data["customer_name"], department_id=data["department_id"], principal=data["principal"],
                fees_total=data["fees_total"], disbursed_on=posted_on, status="active", dpd=0,
                classification="normal", provision_booked=ZERO))
        entry = domain.disbursement(data["principal"], data["net_amount"], data["fees_total"])
        self._post(entry, event, posted_on, data["loan_id"], counterparty=data["payee_name"] or data["customer_name"],
                   voucher_no=data["voucher_no"], summary=f"放款 {data['contract_no'] or data['loan_id']}")

    @subscribe("loan.repayment_received")
    def on_repayment_received(self, event):
        data = load(RepaymentReceived(), event.payload)
        book = self._book(data["loan_id"])
        entry = domain.repayment(data["amount"], **data["allocation"])
        self._post(entry, event, data["paid_on"] or event.business_day, book.loan_id,
                   counterparty=data["payer_name"] or book.customer_name, voucher_no=data["voucher_no"],
                   summary=f"还款 {book.contract_no or book.loan_id}", bank_code=data["bank_account_code"])

    @subscribe("loan.advance_applied")
    def on_advance_applied(self, event):
        data = load(AdvanceApplied(), event.payload)
        book = self._book(data["loan_id"])
        allocation = {k: v for k, v in data["allocation"].items() if k != "advance"}
        entry = domain.advance_applied(**allocation)
        self._post(entry, event, data["applied_on"] or event.business_day, book.loan_id,
                   summary=f"预收款冲抵 {book.contract_no or book.loan_id}")

    @subscribe("loan.prepaid")
    def on_prepaid(self, event):
        data = load(LoanPrepaid(), event.payload)
        book = self._book(data["loan_id"])
        entry = domain.prepayment(data["amount"], data["principal"], data["interest"], data["fee"],
                                  data["advance_used"])
        self._post(entry, event, data["paid_on"] or event.business_day, book.loan_id,
                   counterparty=data["payer_name"] or book.customer_name, voucher_no=data["voucher_no"],
                   summary=f"提前还款 {book.contract_no or book.loan_id}", bank_code=data["bank_account_code"])

    @subscribe("loan.dpd_changed")
    def on_dpd_changed(self, event):
        data = load(DpdChanged(), event.payload)
        self._book(data["loan_id"]).dpd = data["dpd"]

    @subscribe("loan.settled")
    def on_settled(self, event):
        data = load(LoanSettled(), event.payload)
        book = self._book(data["loan_id"])
        domain.LOAN_BOOK.move(book, "settled", dpd=0)

    @subscribe("collection.classification_changed")
    def on_classification_changed(self, event):
        """The grade decides the provision required at the next provisioning run (month end)."""
        data = load(ClassificationChanged(), event.payload)
        self._book(data["loan_id"]).classification = data["classification"]

    # -- chart, bank accounts ------------------------------------------------------------------
    @rpc
    def list_accounts(self):
        rows = self.uow.session.scalars(select(Account).order_by(Account.code)).all()
        return [{"code": a.code, "name": a.name, "kind": a.kind, "normal_side": a.normal_side, "builtin": a.builtin}
                for a in rows]

    @rpc
    def create_account(self, data):
        data = load(AccountIn(), data)
        if self.uow.session.get(Account, data["code"]):
            raise Conflict(f"account {data['code']} exists", code="ACCOUNT_DUPLICATE", extra={"account": data["code"]})
        normal = data["normal_side"] or ("debit" if data["kind"] in ("asset", "expense") else "credit")
        account = Account(code=data["code"], name=data["name"], kind=data["kind"], normal_side=normal, builtin=False)
        self.uow.session.add(account)
        self.uow.audit("create_account", "account", account.code, {"name": account.name})
        return {"code": account.code, "name": account.name, "kind": account.kind, "normal_side": normal,
                "builtin": False}

    @rpc
    def list_bank_accounts(self):
        return [self._dump_bank(b) for b in self.uow.session.scalars(select(BankAccount).order_by(BankAccount.code))]

    @rpc
    def create_bank_account(self, data):
        data = load(BankAccountIn(), data)
        if self.uow.session.scalars(select(BankAccount.id).where(BankAccount.code == data["code"])).first():
            raise Conflict(f"bank account {data['code']} exists", code="BANK_ACCOUNT_DUPLICATE",
                           extra={"bank_account": data["code"]})
        if data["is_default"]:
            for other in self.uow.session.scalars(select(BankAccount).where(BankAccount.is_default.is_(True))):
                other.is_default = False
        bank = BankAccount(**data)
        self.uow.session.add(bank)
        self.uow.session.flush()
        self.uow.audit("create_bank_account", "bank_account", bank.id, {"code": bank.code})
        return self._dump_bank(bank)

    # -- journal -------------------------------------------------------------------------------
    @rpc
    def list_entries(self, loan_id=None, date_from=None, date_to=None, page=1, page_size=20):
        query = self._scoped(select(JournalEntry).order_by(JournalEntry.posted_on.desc(),
                                                           JournalEntry.created_at.desc(), JournalEntry.id))
        if loan_id:
            query = query.where(JournalEntry.loan_id == loan_id)
        if date_from:
            query = query.where(JournalEntry.posted_on >= parse_date(date_from, "from"))
        if date_to:
            query = query.where(JournalEntry.posted_on <= parse_date(date_to, "to"))
        result = paginate(self.uow.session, query, page, page_size, lambda e: e)
        lines = self._lines_of([e.id for e in result["items"]])
        result["items"] = [self._dump_entry(e, lines[e.id]) for e in result["items"]]
        return result

    @rpc
    def get_entry(self, entry_id):
        entry = self.uow.session.get(JournalEntry, entry_id)
        if entry is None or not self.uow.actor.can_see(department_id=entry.department_id):
            raise NotFound("no such journal entry", code="ENTRY_NOT_FOUND")
        return self._dump_entry(entry, self._lines_of([entry.id])[entry.id])

    @rpc
    def reverse_entry(self, entry_id, data):
        """红字冲销: a new entry with every line's sides swapped, linked to the original."""
        data = load(ReverseIn(), data)
        original = self.uow.session.get(JournalEntry, entry_id, with_for_update=True)
        if original is None or not self.uow.actor.can_see(department_id=original.department_id):
            raise NotFound("no such journal entry", code="ENTRY_NOT_FOUND")
        if original.reverses_id is not None:
            raise Conflict("a reversing entry is not reversed again; post a new entry", code="ENTRY_IS_REVERSAL")
        if self._reversal_of(original.id):
            raise Conflict("this entry was already reversed", code="ENTRY_ALREADY_REVERSED")
        posted_on = data["posted_on"] or clock.today()
        if posted_on < original.posted_on:
            raise field_error("posted_on", "a reversal cannot be dated before the entry it reverses",
                              code="DATE_BEFORE_ENTRY")
        reversing = self._reverse(original, posted_on, data["reason"], "reversal", None)
        self.uow.audit("reverse_entry", "journal_entry", original.id, {"reason": data["reason"]})
        return self._dump_entry(reversing, self._lines_of([reversing.id])[reversing.id])

    @subscribe("loan.repayment_reversed")
    def on_repayment_reversed(self, event):
        """还款冲正 on the loan: the entry posted from that repayment is reversed (红字冲销), dated the reversal's
        business date (never before the entry). Its posting not made yet: retried, then parked. Already reversed by
        hand (`POST /finance/journal-entries/{id}/reverse`): the books show it undone, nothing more is posted."""
        data = load(RepaymentReversed(), event.payload)
        book = self._book(data["loan_id"])
        original = self.uow.session.scalars(select(JournalEntry).where(
            JournalEntry.source_event_id == data["repayment_event_id"]).with_for_update()).first()
        if original is None:
            raise LookupError(f"the posting of repayment {data['repayment_id']} is not made yet")
        if self._reversal_of(original.id):
            return
        posted_on = max(data["reversed_on"] or event.business_day, original.posted_on)
        self._reverse(original, posted_on, f"还款冲正 {book.contract_no or book.loan_id}: {data['reason'] or ''}",
                      event.type, event.event_id)
        POSTINGS.labels(event.type).inc()

    def _reversal_of(self, entry_id):
        return self.uow.session.scalars(select(JournalEntry.id).where(JournalEntry.reverses_id == entry_id)).first()

    def _reverse(self, original, posted_on, reason, source_type, source_event_id):
        """红字冲销 of `original`: every line's sides swapped, and its cash movements the other way."""
        lines = [domain.Line(line.account_code, line.debit, line.credit)
                 for line in self._lines_of([original.id])[original.id]]
        movements = self.uow.session.scalars(select(CashMovement).where(CashMovement.entry_id == original.id)).all()
        entry = domain.reversal(original.memo, lines, [(m.direction, m.amount) for m in movements])
        reversing = self._write(entry, posted_on, source_type, source_event_id, original.loan_id,
                                reverses_id=original.id, memo=f"{entry.memo} ({reason})")
        for movement in movements:
            self.uow.session.add(CashMovement(
                bank_account_id=movement.bank_account_id, entry_id=reversing.id, occurred_on=posted_on,
                direction="in" if movement.direction == "out" else "out", amount=movement.amount,
                counterparty=movement.counterparty, voucher_no=movement.voucher_no,
                summary=f"冲销: {movement.summary}", loan_id=movement.loan_id))
        return reversing

    @rpc
    def run_provisions(self, data):
        """计提拨备 as of a date (month end): the change in required provision over every loan, one entry."""
        data = load(ProvisionRunIn(), data)
        as_of = data["as_of"]
        if self.uow.session.get(ProvisionRun, as_of):
            raise Conflict(f"provisions were already run as of {as_of}", code="PROVISIONS_ALREADY_RUN",
                           extra={"as_of": as_of.isoformat()})
        outstanding = self._outstanding(as_of)
        required_total = booked_total = ZERO
        for book in self.uow.session.scalars(select(LoanBook).with_for_update()):
            required = domain.required_provision(outstanding.get(book.loan_id, ZERO), book.classification)
            required_total += required
            booked_total += book.provision_booked
            book.provision_booked = required
        change = domain.provision_change(booked_total, required_total)
        entry = change and self._write(change, as_of, "provision", None, None)
        self.uow.session.add(ProvisionRun(as_of=as_of, entry_id=entry.id if entry else None,
                                          required_total=required_total, change=required_total - booked_total,
                                          created_by=self.uow.actor.user_id))
        self.uow.audit("run_provisions", "provision_run", as_of.isoformat(), {"change": money(required_total -
                                                                                               booked_total)})
        return {"as_of": as_of.isoformat(), "required": money(required_total),
                "change": money(required_total - booked_total), "entry_id": entry.id if entry else None}

    # -- reports -------------------------------------------------------------------------------
    @rpc
    def trial_balance(self, as_of=None):
        as_of = parse_date(as_of, "as_of") or clock.today()
        sums = {code: (debit, credit) for code, debit, credit in self.uow.session.execute(self._scoped(
            select(JournalLine.account_code, func.coalesce(func.sum(JournalLine.debit), 0),
                   func.coalesce(func.sum(JournalLine.credit), 0))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalEntry.posted_on <= as_of).group_by(JournalLine.account_code)))}
        rows, total_debit, total_credit = [], ZERO, ZERO
        for account in self.uow.session.scalars(select(Account).order_by(Account.code)):
            debit, credit = (Decimal(v) for v in sums.get(account.code, (0, 0)))
            total_debit += debit
            total_credit += credit
            rows.append({"account": account.code, "name": account.name, "debit": money(debit),
                         "credit": money(credit),
                         "balance": money(domain.account_balance(account.normal_side, debit, credit)),
                         "normal_side": account.normal_side})
        return {"as_of": as_of.isoformat(), "accounts": rows, "total_debit": money(total_debit),
                "total_credit": money(total_credit), "balanced": total_debit == total_credit}

    @rpc
    def ledger(self, kind, date_from=None, date_to=None, as_of=None, page=1, page_size=20):
        """台账: disbursements, repayments (between dates), balances and overdue (as of a date)."""
        if kind not in LEDGER_COLUMNS:
            raise NotFound("no such ledger", code="LEDGER_NOT_FOUND")
        start, end = parse_date(date_from, "from"), parse_date(date_to, "to")
        rows = getattr(self, f"_ledger_{kind}")(start, end, parse_date(as_of, "as_of") or clock.today())
        page, page_size = max(int(page), 1), min(max(int(page_size), 1), 10_000)
        return {"columns": [list(c) for c in LEDGER_COLUMNS[kind]], "total": len(rows), "page": page,
                "page_size": page_size, "items": rows[(page - 1) * page_size:page * page_size]}

    @rpc
    def cash_journal(self, account=None, date_from=None, date_to=None, page=1, page_size=20):
        """资金日记账 of one bank account (default: the default account), with the running balance."""
        bank = self._bank(account)
        start, end = parse_date(date_from, "from"), parse_date(date_to, "to")
        signed = case((CashMovement.direction == "in", CashMovement.amount), else_=-CashMovement.amount)
        # Scoped to some departments, the journal lists the movements of their loans and runs their net from
        # zero: the bank account's own balance is the company's.
        everything = self.uow.actor.department_ids is None
        visible = CashMovement.entry_id.in_(self._scoped(select(JournalEntry.id)))
        opening = Decimal(bank.opening_balance) if everything else ZERO
        if start:
            opening += Decimal(self.uow.session.scalar(select(func.coalesce(func.sum(signed), 0)).where(
                CashMovement.bank_account_id == bank.id, CashMovement.occurred_on < start, visible)) or 0)
        query = select(CashMovement, func.sum(signed).over(order_by=(CashMovement.occurred_on, CashMovement.id))
                       ).where(CashMovement.bank_account_id == bank.id, visible)
        if start:
            query = query.where(CashMovement.occurred_on >= start)
        if end:
            query = query.where(CashMovement.occurred_on <= end)
        query = query.order_by(CashMovement.occurred_on, CashMovement.id)
        total = self.uow.session.scalar(select(func.count()).select_from(query.subquery()))
        page, page_size = max(int(page), 1), min(max(int(page_size), 1), 10_000)
        rows = self.uow.session.execute(query.limit(page_size).offset((page - 1) * page_size)).all()
        items = [{"occurred_on": m.occurred_on.isoformat(), "bank_account": bank.code, "summary": m.summary,
                  "counterparty": m.counterparty, "voucher_no": m.voucher_no,
                  "income": money(m.amount) if m.direction == "in" else None,
                  "expense": money(m.amount) if m.direction == "out" else None,
                  "balance": money(opening + Decimal(running)), "entry_id": m.entry_id, "loan_id": m.loan_id}
                 for m, running in rows]
        return {"columns": [list(c) for c in CASH_COLUMNS], "bank_account": self._dump_bank(bank),
                "opening_balance": money(opening), "items": items, "total": total, "page": page,
                "page_size": page_size}

    @rpc
    def portfolio(self, as_of=None):
        """Outstanding principal by five-level grade, provisions required and booked, PAR30."""
        as_of = parse_date(as_of, "as_of") or clock.today()
        outstanding = self._outstanding(as_of)
        grades = {grade: {"count": 0, "outstanding": ZERO, "required": ZERO} for grade in domain.PROVISION_RATES}
        by_dpd = []
        booked = ZERO  # scoped to some departments: the provision their loans carry since the last run
        for book in self.uow.session.scalars(self._scoped(select(LoanBook), LoanBook.department_id)):
            booked += book.provision_booked
            amount = outstanding.get(book.loan_id, ZERO)
            if amount <= 0:
                continue
            grade = grades[book.classification]
            grade["count"] += 1
            grade["outstanding"] += amount
            grade["required"] += domain.required_provision(amount, book.classification)
            by_dpd.append((book.dpd, amount))
        if self.uow.actor.department_ids is None:
            booked = self._account_balance("1304", as_of)
        rows = [{"classification": grade, "label": domain.GRADE_LABELS[grade], "loans": g["count"],
                 "outstanding_principal": money(g["outstanding"]), "provision_rate": str(domain.PROVISION_RATES[grade]),
                 "required_provision": money(g["required"])} for grade, g in grades.items()]
        return {"as_of": as_of.isoformat(), "grades": rows,
                "outstanding_principal": money(sum((g["outstanding"] for g in grades.values()), ZERO)),
                "required_provision": money(sum((g["required"] for g in grades.values()), ZERO)),
                "booked_provision": money(booked), "par30": str(domain.par(by_dpd, 30))}

    @rpc
    def monthly_income(self, date_from=None, date_to=None):
        start = parse_date(date_from, "from") or clock.today().replace(month=1, day=1)
        end = parse_date(date_to, "to") or clock.today()
        accounts = ("6011", "6012", "6021", "6701")
        rows = self.uow.session.execute(self._scoped(
            select(JournalEntry.posted_on, JournalLine.account_code, func.sum(JournalLine.debit),
                   func.sum(JournalLine.credit))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.account_code.in_(accounts), JournalEntry.posted_on >= start,
                   JournalEntry.posted_on <= end)
            .group_by(JournalEntry.posted_on, JournalLine.account_code))).all()
        months = defaultdict(lambda: dict.fromkeys(accounts, ZERO))
        for posted_on, code, debit, credit in rows:
            side = Decimal(debit) - Decimal(credit) if code == "6701" else Decimal(credit) - Decimal(debit)
            months[f"{posted_on:%Y-%m}"][code] += side
        items = []
        for month in sorted(months):
            m = months[month]
            income = m["6011"] + m["6012"] + m["6021"]
            items.append({"month": month, "interest_income": money(m["6011"]), "penalty_income": money(m["6012"]),
                          "fee_income": money(m["6021"]), "total_income": money(income),
                          "provision_expense": money(m["6701"]), "net": money(income - m["6701"])})
        return {"from": start.isoformat(), "to": end.isoformat(), "items": items,
                "columns": [["month", "月份"], ["interest_income", "利息收入"], ["penalty_income", "罚息收入"],
                            ["fee_income", "手续费收入"], ["total_income", "收入合计"],
                            ["provision_expense", "拨备支出"], ["net", "净收入"]]}

    @rpc
    def record_export(self, data):
        """An `.xlsx` export the gateway built from these books: which report, with which filters, how many rows
        (permission `finance.export`). Recorded in the audit log; the figures themselves are not kept."""
        data = load(ExportIn(), data)
        if not self.uow.actor.has("finance.export"):
            raise Forbidden("exporting needs the permission finance.export", code="PERMISSION_DENIED",
                            extra={"permissions": ["finance.export"]})
        self.uow.audit("export", "report", data["report"], {"format": "xlsx", "filters": data["filters"],
                                                           "rows": data["rows"]})
        return {"recorded": True}

    # -- helpers: posting ----------------------------------------------------------------------
    def _post(self, entry, event, posted_on, loan_id, counterparty=None, voucher_no=None, summary=None,
              bank_code=None):
        written = self._write(entry, posted_on, event.type, event.event_id, loan_id)
        bank = self._bank(bank_code)
        for direction, amount in entry.cash:
            self.uow.session.add(CashMovement(bank_account_id=bank.id, entry_id=written.id, occurred_on=posted_on,
                                              direction=direction, amount=amount, counterparty=counterparty,
                                              voucher_no=voucher_no, summary=summary or entry.memo, loan_id=loan_id))
        POSTINGS.labels(event.type).inc()
        occurred = dt.datetime.fromisoformat(event.occurred_at)
        POSTING_LAG.observe(max((utcnow() - occurred).total_seconds(), 0))

    def _write(self, entry, posted_on, source_type, source_event_id, loan_id, reverses_id=None, memo=None):
        wanted = {line.account for line in entry.lines}
        if not wanted <= _KNOWN_ACCOUNTS:
            _KNOWN_ACCOUNTS.update(code for code, in self.uow.session.execute(
                select(Account.code).where(Account.code.in_(wanted))))
            missing = wanted - _KNOWN_ACCOUNTS
            if missing:
                raise RuleViolated(f"unknown accounts {sorted(missing)}", code="ACCOUNT_UNKNOWN",
                                   extra={"accounts": sorted(missing)})
        # The id is made here, so the entry and its lines go to the database together at commit.
        book = self.uow.session.get(LoanBook, loan_id) if loan_id else None
        written = JournalEntry(id=new_id(), posted_on=posted_on, source_type=source_type,
                               source_event_id=source_event_id, loan_id=loan_id, memo=memo or entry.memo,
                               department_id=book.department_id if book else None,
                               reverses_id=reverses_id, created_by=self.uow.actor.user_id, created_at=utcnow())
        self.uow.session.add(written)
        self.uow.session.add_all(JournalLine(entry_id=written.id, account_code=line.account, loan_id=loan_id,
                                             debit=line.debit, credit=line.credit) for line in entry.lines)
        return written

    def _scoped(self, query, department_column=JournalEntry.department_id):
        """Data scope over the books: an entry, like its loan, belongs to the loan's department; entries of no
        loan (provisions) are the company's, seen with scope `all` only."""
        return scoped(query, self.uow.actor, department_column)

    def _book(self, loan_id):
        book = self.uow.session.get(LoanBook, loan_id, with_for_update=True)
        if book is None:  # its disbursement is not posted yet: retried, then parked
            raise LookupError(f"loan {loan_id} has no disbursement posted yet")
        return book

    def _bank(self, code=None):
        query = select(BankAccount)
        query = query.where(BankAccount.code == code) if code else query.where(BankAccount.is_default.is_(True))
        bank = self.uow.session.scalars(query).first()
        if bank is None:
            if code:
                raise ValidationFailed(f"no bank account {code}", code="BANK_ACCOUNT_NOT_FOUND",
                                       errors={"account": [f"no bank account {code}"]}, extra={"bank_account": code})
            raise LookupError("no default bank account")
        return bank

    # -- helpers: figures ----------------------------------------------------------------------
    def _lines_of(self, entry_ids):
        lines = defaultdict(list)
        if entry_ids:
            for line in self.uow.session.scalars(select(JournalLine).where(JournalLine.entry_id.in_(entry_ids))
                                                 .order_by(JournalLine.id)):
                lines[line.entry_id].append(line)
        return lines

    def _outstanding(self, as_of):
        """Loan principal receivable (1301) per loan as of a date, from the books."""
        rows = self.uow.session.execute(
            select(JournalLine.loan_id, func.sum(JournalLine.debit) - func.sum(JournalLine.credit))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.account_code == "1301", JournalEntry.posted_on <= as_of,
                   JournalLine.loan_id.is_not(None))
            .group_by(JournalLine.loan_id)).all()
        return {loan_id: Decimal(amount) for loan_id, amount in rows}

    def _account_balance(self, code, as_of):
        account = self.uow.session.get(Account, code)
        debit, credit = self.uow.session.execute(
            select(func.coalesce(func.sum(JournalLine.debit), 0), func.coalesce(func.sum(JournalLine.credit), 0))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.account_code == code, JournalEntry.posted_on <= as_of)).one()
        return domain.account_balance(account.normal_side, Decimal(debit), Decimal(credit))

    def _ledger_disbursements(self, start, end, _as_of):
        pairs = self._entries_with_books(("loan.disbursed",), start, end)
        sums = self._sums([entry.id for entry, _ in pairs])
        vouchers = dict(self.uow.session.execute(select(CashMovement.entry_id, CashMovement.voucher_no).where(
            CashMovement.entry_id.in_([entry.id for entry, _ in pairs]))).all()) if pairs else {}
        rows = []
        for entry, book in pairs:
            rows.append({"posted_on": entry.posted_on.isoformat(), "contract_no": book.contract_no,
                         "customer_name": book.customer_name, "principal": money(sums[entry.id, "1301"][0]),
                         "fees": money(sums[entry.id, "6021"][1]), "net_amount": money(sums[entry.id, "1002"][1]),
                         "voucher_no": vouchers.get(entry.id), "entry_id": entry.id,
                         "loan_id": book.loan_id})
        return rows

    def _ledger_repayments(self, start, end, _as_of):
        pairs = self._entries_with_books(("loan.repayment_received", "loan.prepaid", "loan.repayment_reversed"),
                                         start, end)
        sums = self._sums([entry.id for entry, _ in pairs])
        sources = {"loan.prepaid": "提前还款", "loan.repayment_reversed": "还款冲正"}
        rows = []
        for entry, book in pairs:
            # (debit, credit) per account; a reversal's row shows the repayment's figures, negative
            flip = entry.source_type == "loan.repayment_reversed"
            cash, other = (1, 0) if flip else (0, 1)
            line = {code: sums[entry.id, code] for code in ("1002", "1301", "6011", "6012", "6021", "2241")}
            shown = {code: money(-value if flip and value else value)
                     for code, value in [("1002", line["1002"][cash])] + [
                         (code, line[code][other]) for code in ("1301", "6011", "6012", "6021", "2241")]}
            rows.append({"posted_on": entry.posted_on.isoformat(), "contract_no": book.contract_no,
                         "customer_name": book.customer_name, "amount": shown["1002"],
                         "principal": shown["1301"], "interest": shown["6011"], "penalty": shown["6012"],
                         "fees": shown["6021"], "advance": shown["2241"],
                         "source": sources.get(entry.source_type, "还款"), "source_type": entry.source_type,
                         "entry_id": entry.id, "loan_id": book.loan_id})
        return rows

    def _ledger_balances(self, _start, _end, as_of):
        outstanding = self._outstanding(as_of)
        books = self.uow.session.scalars(self._scoped(select(LoanBook), LoanBook.department_id)
                                         .where(LoanBook.disbursed_on <= as_of)
                                         .order_by(LoanBook.disbursed_on, LoanBook.contract_no)).all()
        return [{"contract_no": b.contract_no, "customer_name": b.customer_name,
                 "disbursed_on": b.disbursed_on.isoformat(), "principal": money(b.principal),
                 "outstanding_principal": money(outstanding.get(b.loan_id, ZERO)), "classification": b.classification,
                 "dpd": b.dpd, "loan_id": b.loan_id} for b in books]

    def _ledger_overdue(self, _start, _end, as_of):
        outstanding = self._outstanding(as_of)
        books = self.uow.session.scalars(self._scoped(select(LoanBook), LoanBook.department_id)
                                         .where(LoanBook.dpd > 0)
                                         .order_by(LoanBook.dpd.desc(), LoanBook.contract_no)).all()
        return [{"bucket": domain.dpd_bucket(b.dpd), "contract_no": b.contract_no, "customer_name": b.customer_name,
                 "dpd": b.dpd, "outstanding_principal": money(outstanding.get(b.loan_id, ZERO)),
                 "classification": b.classification, "loan_id": b.loan_id} for b in books]

    def _entries_with_books(self, source_types, start, end):
        query = (select(JournalEntry, LoanBook).join(LoanBook, LoanBook.loan_id == JournalEntry.loan_id)
                 .where(JournalEntry.source_type.in_(source_types))
                 .order_by(JournalEntry.posted_on, JournalEntry.created_at, JournalEntry.id))
        query = self._scoped(query)
        if start:
            query = query.where(JournalEntry.posted_on >= start)
        if end:
            query = query.where(JournalEntry.posted_on <= end)
        return self.uow.session.execute(query).all()

    def _sums(self, entry_ids):
        """(debit, credit) per (entry, account) of these entries, in one query."""
        sums = defaultdict(lambda: (ZERO, ZERO))
        for lines in self._lines_of(entry_ids).values():
            for line in lines:
                debit, credit = sums[line.entry_id, line.account_code]
                sums[line.entry_id, line.account_code] = (debit + line.debit, credit + line.credit)
        return sums

    # -- dumps ---------------------------------------------------------------------------------
    @staticmethod
    def _dump_entry(entry, lines):
        return {"id": entry.id, "posted_on": entry.posted_on.isoformat(), "source_type": entry.source_type,
                "source_event_id": entry.source_event_id, "loan_id": entry.loan_id, "memo": entry.memo,
                "reverses_id": entry.reverses_id, "created_by": entry.created_by,
                "created_at": entry.created_at.isoformat(),
                "lines": [{"account": line.account_code, "debit": money(line.debit), "credit": money(line.credit)}
                          for line in lines]}

    @staticmethod
    def _dump_bank(bank):
        return {"id": bank.id, "code": bank.code, "name": bank.name, "bank_name": bank.bank_name,
                "account_no": bank.account_no, "opening_balance": money(bank.opening_balance),
                "opened_on": bank.opened_on.isoformat(), "is_default": bank.is_default}
