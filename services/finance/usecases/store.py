"""What every area of the books reads and writes the same way: an entry written with its lines, the lines of
entries, a loan's book, a bank account, the data scope over the books, and the balances summed from them."""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from services.common.clock import utcnow
from services.common.errors import RuleViolated, ValidationFailed
from services.common.scope import scoped
from services.common.tables import new_id
from services.finance import domain
from services.finance.domain import ZERO
from services.finance.models import Account, BankAccount, JournalEntry, JournalLine, LoanBook

# Accounts are only ever added, never removed or recoded: once seen, a code needs no lookup again.
_KNOWN_ACCOUNTS = set()


def in_scope(uow, query, department_column=JournalEntry.department_id):
    """Data scope over the books: an entry, like its loan, belongs to the loan's department; entries of no
    loan (provisions) are the company's, seen with scope `all` only."""
    return scoped(query, uow.actor, department_column)


def write_entry(uow, entry, posted_on, source_type, source_event_id, loan_id, reverses_id=None, memo=None):
    """A balanced `domain.Entry` as a journal entry with its lines (422 ACCOUNT_UNKNOWN for an account not in the
    chart), of the loan's department."""
    wanted = {line.account for line in entry.lines}
    if not wanted <= _KNOWN_ACCOUNTS:
        _KNOWN_ACCOUNTS.update(code for code, in uow.session.execute(
            select(Account.code).where(Account.code.in_(wanted))))
        missing = wanted - _KNOWN_ACCOUNTS
        if missing:
            raise RuleViolated(f"unknown accounts {sorted(missing)}", code="ACCOUNT_UNKNOWN",
                               extra={"accounts": sorted(missing)})
    # The id is made here, so the entry and its lines go to the database together at commit.
    book = uow.session.get(LoanBook, loan_id) if loan_id else None
    written = JournalEntry(id=new_id(), posted_on=posted_on, source_type=source_type,
                           source_event_id=source_event_id, loan_id=loan_id, memo=memo or entry.memo,
                           department_id=book.department_id if book else None,
                           reverses_id=reverses_id, created_by=uow.actor.user_id, created_at=utcnow())
    uow.session.add(written)
    uow.session.add_all(JournalLine(entry_id=written.id, account_code=line.account, loan_id=loan_id,
                                    debit=line.debit, credit=line.credit) for line in entry.lines)
    return written


def lines_of(uow, entry_ids):
    """{entry id: [its lines, in order]} of these entries, in one query."""
    lines = defaultdict(list)
    if entry_ids:
        for line in uow.session.scalars(select(JournalLine).where(JournalLine.entry_id.in_(entry_ids))
                                        .order_by(JournalLine.id)):
            lines[line.entry_id].append(line)
    return lines


def sums_of(uow, entry_ids):
    """(debit, credit) per (entry, account) of these entries, in one query."""
    sums = defaultdict(lambda: (ZERO, ZERO))
    for lines in lines_of(uow, entry_ids).values():
        for line in lines:
            debit, credit = sums[line.entry_id, line.account_code]
            sums[line.entry_id, line.account_code] = (debit + line.debit, credit + line.credit)
    return sums


def reversal_of(uow, entry_id):
    """The id of the entry reversing `entry_id`, if there is one."""
    return uow.session.scalars(select(JournalEntry.id).where(JournalEntry.reverses_id == entry_id)).first()


def loan_book(uow, loan_id):
    """A loan's book, locked; LookupError (retried, then parked) while its disbursement is not posted yet."""
    book = uow.session.get(LoanBook, loan_id, with_for_update=True)
    if book is None:
        raise LookupError(f"loan {loan_id} has no disbursement posted yet")
    return book


def bank_account(uow, code=None):
    """The bank account of this code (422 BANK_ACCOUNT_NOT_FOUND if none), or without a code the default one."""
    query = select(BankAccount)
    query = query.where(BankAccount.code == code) if code else query.where(BankAccount.is_default.is_(True))
    bank = uow.session.scalars(query).first()
    if bank is None:
        if code:
            raise ValidationFailed(f"no bank account {code}", code="BANK_ACCOUNT_NOT_FOUND",
                                   errors={"account": [f"no bank account {code}"]}, extra={"bank_account": code})
        raise LookupError("no default bank account")
    return bank


def outstanding(uow, as_of):
    """Loan principal receivable (1301) per loan as of a date, from the books."""
    rows = uow.session.execute(
        select(JournalLine.loan_id, func.sum(JournalLine.debit) - func.sum(JournalLine.credit))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.account_code == domain.PRINCIPAL, JournalEntry.posted_on <= as_of,
               JournalLine.loan_id.is_not(None))
        .group_by(JournalLine.loan_id)).all()
    return {loan_id: Decimal(amount) for loan_id, amount in rows}


def account_balance(uow, code, as_of):
    """One account's balance on its normal side as of a date, over the whole company."""
    account = uow.session.get(Account, code)
    debit, credit = uow.session.execute(
        select(func.coalesce(func.sum(JournalLine.debit), 0), func.coalesce(func.sum(JournalLine.credit), 0))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.account_code == code, JournalEntry.posted_on <= as_of)).one()
    return domain.account_balance(account.normal_side, Decimal(debit), Decimal(credit))
