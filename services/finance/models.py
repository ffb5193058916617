"""Tables of the finance service: chart of accounts, journal entries and lines, bank accounts and the cash
journal, and the loan book (what the ledgers describe each loan by)."""
from sqlalchemy import (BigInteger, Boolean, Column, Date, ForeignKey, Integer, MetaData, String, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, relationship

from services.common.clock import utcnow
from services.common.tables import MONEY, UtcDateTime, add_plumbing_tables, new_id

SEQ = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = add_plumbing_tables(MetaData())


class Account(Base):
    """会计科目."""
    __tablename__ = "account"
    code = Column(String(10), primary_key=True)
    name = Column(String(100), nullable=False)
    kind = Column(String(20), nullable=False)  # asset | liability | equity | income | expense
    normal_side = Column(String(6), nullable=False)  # debit | credit
    builtin = Column(Boolean, nullable=False, default=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class JournalEntry(Base):
    """记账凭证: balanced, never updated or deleted; a correction is a reversing entry."""
    __tablename__ = "journal_entry"
    id = Column(String(36), primary_key=True, default=new_id)
    posted_on = Column(Date, nullable=False, index=True)
    source_type = Column(String(60), nullable=False)
    # The event it was posted from: one event is posted once.
    source_event_id = Column(String(36), unique=True)
    loan_id = Column(String(36), index=True)
    # The loan's department, for data scope (a department-scoped viewer sees its loans' entries); none for
    # company-wide entries such as provisions.
    department_id = Column(String(36), index=True)
    memo = Column(String(200), nullable=False)
    reverses_id = Column(String(36), ForeignKey("journal_entry.id"), unique=True)
    created_by = Column(String(64), nullable=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class JournalLine(Base):
    __tablename__ = "journal_line"
    id = Column(SEQ, primary_key=True, autoincrement=True)
    entry_id = Column(String(36), ForeignKey("journal_entry.id"), nullable=False, index=True)
    account_code = Column(String(10), ForeignKey("account.code"), nullable=False, index=True)
    loan_id = Column(String(36), index=True)
    debit = Column(MONEY, nullable=False)
    credit = Column(MONEY, nullable=False)
    # Declared so a flush writes the entry before its lines (without it the order of tables is not known).
    entry = relationship(JournalEntry)


class BankAccount(Base):
    """The company's own bank accounts (银行账户), each with its cash journal."""
    __tablename__ = "bank_account"
    id = Column(String(36), primary_key=True, default=new_id)
    code = Column(String(30), nullable=False, unique=True)
    name = Column(String(100), nullable=False)
    bank_name = Column(String(100))
    account_no = Column(String(40))
    opening_balance = Column(MONEY, nullable=False)
    opened_on = Column(Date, nullable=False)
    is_default = Column(Boolean, nullable=False, default=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class CashMovement(Base):
    """资金日记账: one line per cash movement on a bank account; the running balance is summed in order."""
    __tablename__ = "cash_movement"
    id = Column(SEQ, primary_key=True, autoincrement=True)
    bank_account_id = Column(String(36), ForeignKey("bank_account.id"), nullable=False)
    entry_id = Column(String(36), ForeignKey("journal_entry.id"), nullable=False, index=True)
    occurred_on = Column(Date, nullable=False)
    direction = Column(String(3), nullable=False)  # in | out
    amount = Column(MONEY, nullable=False)
    counterparty = Column(String(200))
    voucher_no = Column(String(50))
    summary = Column(String(200), nullable=False)
    loan_id = Column(String(36))
    entry = relationship(JournalEntry)


class LoanBook(Base):
    """What finance knows of each loan besides its postings: names, dates, DPD, grade, provision booked."""
    __tablename__ = "loan_book"
    loan_id = Column(String(36), primary_key=True)
    contract_no = Column(String(30))
    customer_id = Column(String(36), nullable=False)
    customer_name = Column(String(200))
    department_id = Column(String(36))
    principal = Column(MONEY, nullable=False)
    fees_total = Column(MONEY, nullable=False)
    disbursed_on = Column(Date, nullable=False)
    # The schedule as the loan service last changed it (disbursement, 展期, a partial early repayment)
    maturity_date = Column(Date)
    extended_months = Column(Integer, nullable=False, default=0, server_default="0")
    status = Column(String(20), nullable=False)  # active | settled
    dpd = Column(Integer, nullable=False, default=0)
    classification = Column(String(20), nullable=False, default="normal")
    provision_booked = Column(MONEY, nullable=False, default=0)
    updated_at = Column(UtcDateTime(), nullable=False, default=utcnow, onupdate=utcnow)


class ProvisionRun(Base):
    """A provisioning run (计提拨备) as of a date: at most one per date."""
    __tablename__ = "provision_run"
    as_of = Column(Date, primary_key=True)
    entry_id = Column(String(36), ForeignKey("journal_entry.id"))
    required_total = Column(MONEY, nullable=False)
    change = Column(MONEY, nullable=False)
    created_by = Column(String(64), nullable=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    entry = relationship(JournalEntry)
    __table_args__ = (UniqueConstraint("entry_id", name="uq_provision_run_entry"),)
