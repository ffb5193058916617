"""Reports and month-end: the portfolio by five-level grade (provisions required and booked, PAR30), income by
month, the provisioning run (计提拨备) that books the change in required provision, and the record of an export
the gateway built from these books."""
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, select

from services.common import jsonutil
from services.common.errors import Conflict, Forbidden
from services.finance import domain
from services.finance.domain import ZERO
from services.finance.models import JournalEntry, JournalLine, LoanBook, ProvisionRun
from services.finance.usecases import store

INCOME_ACCOUNTS = (domain.INTEREST_INCOME, domain.PENALTY_INCOME, domain.FEE_INCOME, domain.PROVISION_EXPENSE)


class Portfolio(NamedTuple):
    as_of: object
    grades: dict  # grade: {"count", "outstanding", "required"}
    outstanding: Decimal
    required: Decimal
    booked: Decimal
    par30: Decimal


class MonthIncome(NamedTuple):
    month: str  # YYYY-MM
    interest: Decimal
    penalty: Decimal
    fees: Decimal
    provision_expense: Decimal

    @property
    def total(self):
        return self.interest + self.penalty + self.fees

    @property
    def net(self):
        return self.total - self.provision_expense


class Income(NamedTuple):
    start: object
    end: object
    months: list  # MonthIncome, in order


def get_portfolio(uow, data):
    """Outstanding principal by five-level grade as of `data["as_of"]`, provisions required and booked, PAR30."""
    as_of = data["as_of"]
    outstanding = store.outstanding(uow, as_of)
    grades = {grade: {"count": 0, "outstanding": ZERO, "required": ZERO} for grade in domain.PROVISION_RATES}
    by_dpd = []
    booked = ZERO  # scoped to some departments: the provision their loans carry since the last run
    for book in uow.session.scalars(store.in_scope(uow, select(LoanBook), LoanBook.department_id)):
        booked += book.provision_booked
        amount = outstanding.get(book.loan_id, ZERO)
        if amount <= 0:
            continue
        grade = grades[book.classification]
        grade["count"] += 1
        grade["outstanding"] += amount
        grade["required"] += domain.required_provision(amount, book.classification)
        by_dpd.append((book.dpd, amount))
    if uow.actor.department_ids is None:
        booked = store.account_balance(uow, domain.PROVISION, as_of)
    return Portfolio(as_of, grades, sum((g["outstanding"] for g in grades.values()), ZERO),
                     sum((g["required"] for g in grades.values()), ZERO), booked, domain.par(by_dpd, 30))


def get_monthly_income(uow, data):
    """Interest, penalty and fee income and provision expense per month between `from` and `to`."""
    start, end = data["from"], data["to"]
    rows = uow.session.execute(store.in_scope(
        uow, select(JournalEntry.posted_on, JournalLine.account_code, func.sum(JournalLine.debit),
                    func.sum(JournalLine.credit))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.account_code.in_(INCOME_ACCOUNTS), JournalEntry.posted_on >= start,
               JournalEntry.posted_on <= end)
        .group_by(JournalEntry.posted_on, JournalLine.account_code))).all()
    months = defaultdict(lambda: dict.fromkeys(INCOME_ACCOUNTS, ZERO))
    for posted_on, code, debit, credit in rows:
        debit, credit = Decimal(debit), Decimal(credit)
        months[f"{posted_on:%Y-%m}"][code] += debit - credit if code == domain.PROVISION_EXPENSE else credit - debit
    return Income(start, end, [MonthIncome(month, *(months[month][code] for code in INCOME_ACCOUNTS))
                               for month in sorted(months)])


def run_provisions(uow, data):
    """计提拨备 as of `data["as_of"]` (month end): each loan's required provision by its grade, and the change over
    every loan booked as one entry (none if nothing changed). Once per date (409 PROVISIONS_ALREADY_RUN)."""
    as_of = data["as_of"]
    if uow.session.get(ProvisionRun, as_of):
        raise Conflict(f"provisions were already run as of {as_of}", code="PROVISIONS_ALREADY_RUN",
                       extra={"as_of": as_of.isoformat()})
    outstanding = store.outstanding(uow, as_of)
    required_total = booked_total = ZERO
    for book in uow.session.scalars(select(LoanBook).with_for_update()):
        required = domain.required_provision(outstanding.get(book.loan_id, ZERO), book.classification)
        required_total += required
        booked_total += book.provision_booked
        book.provision_booked = required
    change = domain.provision_change(booked_total, required_total)
    entry = change and store.write_entry(uow, change, as_of, "provision", None, None)
    run = ProvisionRun(as_of=as_of, entry_id=entry.id if entry else None, required_total=required_total,
                       change=required_total - booked_total, created_by=uow.actor.user_id)
    uow.session.add(run)
    uow.audit("run_provisions", "provision_run", as_of.isoformat(),
              {"change": jsonutil.money(run.change or 0)})
    return run


def record_export(uow, data):
    """An `.xlsx` export the gateway built from these books: which report, with which filters, how many rows, in
    the audit log (permission `finance.export`; 403 PERMISSION_DENIED without it). The figures are not kept."""
    if not uow.actor.has("finance.export"):
        raise Forbidden("exporting needs the permission finance.export", code="PERMISSION_DENIED",
                        extra={"permissions": ["finance.export"]})
    uow.audit("export", "report", data["report"], {"format": "xlsx", "filters": data["filters"], "rows": data["rows"]})
