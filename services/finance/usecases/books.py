"""The books as they are read: the trial balance (试算平衡表), the ledgers (台账: disbursements and repayments
between dates, balances and overdue loans as of a date) and a bank account's cash journal (资金日记账) with its
running balance. Every figure is summed from the journal, within the caller's data scope."""
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import case, func, select

from services.finance import domain
from services.finance.domain import ZERO
from services.finance.models import Account, BankAccount, CashMovement, JournalEntry, JournalLine, LoanBook
from services.finance.usecases import store


class TrialBalance(NamedTuple):
    as_of: object
    accounts: list  # (account, debit, credit, balance on its normal side)
    total_debit: Decimal
    total_credit: Decimal

    @property
    def balanced(self):
        return self.total_debit == self.total_credit


class LedgerPage(NamedTuple):
    kind: str
    rows: list  # what each row of the kind shows (figures as Decimal)
    total: int
    page: int
    page_size: int


class CashJournal(NamedTuple):
    bank: BankAccount
    opening: Decimal
    movements: list  # (movement, balance after it)
    total: int
    page: int
    page_size: int


def get_trial_balance(uow, data):
    """Debits, credits and balance of every account as of `data["as_of"]`."""
    sums = {code: (debit, credit) for code, debit, credit in uow.session.execute(store.in_scope(
        uow, select(JournalLine.account_code, func.coalesce(func.sum(JournalLine.debit), 0),
                    func.coalesce(func.sum(JournalLine.credit), 0))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalEntry.posted_on <= data["as_of"]).group_by(JournalLine.account_code)))}
    rows, total_debit, total_credit = [], ZERO, ZERO
    for account in uow.session.scalars(select(Account).order_by(Account.code)):
        debit, credit = (Decimal(v) for v in sums.get(account.code, (0, 0)))
        total_debit += debit
        total_credit += credit
        rows.append((account, debit, credit, domain.account_balance(account.normal_side, debit, credit)))
    return TrialBalance(data["as_of"], rows, total_debit, total_credit)


def get_ledger(uow, data):
    """One page of the ledger `data["kind"]` (between `from` and `to`, or as of `as_of`)."""
    rows = _LEDGERS[data["kind"]](uow, data["from"], data["to"], data["as_of"])
    page, page_size = data["page"], data["page_size"]
    return LedgerPage(data["kind"], rows[(page - 1) * page_size:page * page_size], len(rows), page, page_size)


def get_cash_journal(uow, data):
    """A page of one bank account's movements (default: the default account) between `from` and `to`, each with
    the balance after it. Scoped to some departments, the journal lists the movements of their loans and runs
    their net from zero: the bank account's own balance is the company's."""
    bank = store.bank_account(uow, data["account"])
    start, end = data["from"], data["to"]
    signed = case((CashMovement.direction == "in", CashMovement.amount), else_=-CashMovement.amount)
    everything = uow.actor.department_ids is None
    visible = CashMovement.entry_id.in_(store.in_scope(uow, select(JournalEntry.id)))
    opening = Decimal(bank.opening_balance) if everything else ZERO
    if start:
        opening += Decimal(uow.session.scalar(select(func.coalesce(func.sum(signed), 0)).where(
            CashMovement.bank_account_id == bank.id, CashMovement.occurred_on < start, visible)) or 0)
    query = select(CashMovement, func.sum(signed).over(order_by=(CashMovement.occurred_on, CashMovement.id))
                   ).where(CashMovement.bank_account_id == bank.id, visible)
    if start:
        query = query.where(CashMovement.occurred_on >= start)
    if end:
        query = query.where(CashMovement.occurred_on <= end)
    query = query.order_by(CashMovement.occurred_on, CashMovement.id)
    total = uow.session.scalar(select(func.count()).select_from(query.subquery()))
    page, page_size = data["page"], data["page_size"]
    rows = uow.session.execute(query.limit(page_size).offset((page - 1) * page_size)).all()
    return CashJournal(bank, opening, [(m, opening + Decimal(running)) for m, running in rows], total, page,
                       page_size)


# -- the ledgers: one function per kind, (start, end, as_of) → rows ---------------------------------------------
def _disbursements(uow, start, end, _as_of):
    """(entry, book, {principal, fees, net_amount, voucher_no}) of each disbursement posted."""
    pairs = _entries_with_books(uow, ("loan.disbursed",), start, end)
    sums = store.sums_of(uow, [entry.id for entry, _ in pairs])
    vouchers = dict(uow.session.execute(select(CashMovement.entry_id, CashMovement.voucher_no).where(
        CashMovement.entry_id.in_([entry.id for entry, _ in pairs]))).all()) if pairs else {}
    return [(entry, book, {"principal": sums[entry.id, domain.PRINCIPAL][0],
                           "fees": sums[entry.id, domain.FEE_INCOME][1], "net_amount": sums[entry.id, domain.BANK][1],
                           "voucher_no": vouchers.get(entry.id)}) for entry, book in pairs]


def _repayments(uow, start, end, _as_of):
    """(entry, book, {account: figure}) of each repayment, prepayment, repayment reversal and extension fee posted:
    the money received from borrowers."""
    pairs = _entries_with_books(uow, ("loan.repayment_received", "loan.prepaid", "loan.repayment_reversed",
                                      "loan.extended"), start, end)
    sums = store.sums_of(uow, [entry.id for entry, _ in pairs])
    return [(entry, book, domain.repayment_figures(
        {code: sums[entry.id, code] for code in domain.REPAYMENT_ACCOUNTS},
        reversed_=entry.source_type == "loan.repayment_reversed")) for entry, book in pairs]


def _balances(uow, _start, _end, as_of):
    """(book, outstanding principal) of each loan disbursed by `as_of`."""
    outstanding = store.outstanding(uow, as_of)
    books = uow.session.scalars(store.in_scope(uow, select(LoanBook), LoanBook.department_id)
                                .where(LoanBook.disbursed_on <= as_of)
                                .order_by(LoanBook.disbursed_on, LoanBook.contract_no)).all()
    return [(b, outstanding.get(b.loan_id, ZERO)) for b in books]


def _overdue(uow, _start, _end, as_of):
    """(book, outstanding principal) of each loan past due, most days first."""
    outstanding = store.outstanding(uow, as_of)
    books = uow.session.scalars(store.in_scope(uow, select(LoanBook), LoanBook.department_id)
                                .where(LoanBook.dpd > 0)
                                .order_by(LoanBook.dpd.desc(), LoanBook.contract_no)).all()
    return [(b, outstanding.get(b.loan_id, ZERO)) for b in books]


_LEDGERS = {"disbursements": _disbursements, "repayments": _repayments, "balances": _balances, "overdue": _overdue}


def _entries_with_books(uow, source_types, start, end):
    query = (select(JournalEntry, LoanBook).join(LoanBook, LoanBook.loan_id == JournalEntry.loan_id)
             .where(JournalEntry.source_type.in_(source_types))
             .order_by(JournalEntry.posted_on, JournalEntry.created_at, JournalEntry.id))
    query = store.in_scope(uow, query)
    if start:
        query = query.where(JournalEntry.posted_on >= start)
    if end:
        query = query.where(JournalEntry.posted_on <= end)
    return uow.session.execute(query).all()
