"""Tables of the customer service. ID numbers and phones are stored only encrypted, with a keyed hash."""
from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, String, Text, text
from sqlalchemy.orm import DeclarativeBase

from services.common.clock import utcnow
from services.common.tables import MONEY, UtcDateTime, add_plumbing_tables, new_id


class Base(DeclarativeBase):
    metadata = add_plumbing_tables(MetaData())


class Customer(Base):
    __tablename__ = "customer"
    id = Column(String(36), primary_key=True, default=new_id)
    type = Column(String(20), nullable=False)  # person | enterprise
    name = Column(String(200), nullable=False)
    # person: the customer's resident ID; enterprise: the legal representative's
    id_number_enc = Column(Text)
    id_number_hash = Column(String(64), index=True)
    phone_enc = Column(Text)
    phone_hash = Column(String(64), index=True)
    address = Column(String(300))
    employer = Column(String(200))
    monthly_income = Column(MONEY)
    uscc = Column(String(18), unique=True)
    uscc_warning = Column(String(200))
    legal_representative = Column(String(100))
    registered_capital = Column(MONEY)
    department_id = Column(String(36))
    officer_id = Column(String(64), nullable=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    __table_args__ = (
        # One person per ID number (enterprises are unique by USCC; their representative may recur).
        Index("ux_customer_person_id_number", "id_number_hash", unique=True,
              postgresql_where=text("type = 'person'"), sqlite_where=text("type = 'person'")),
    )


class BlacklistEntry(Base):
    """黑名单: by customer, or by a bare ID number / USCC of someone not (yet) a customer."""
    __tablename__ = "blacklist_entry"
    id = Column(String(36), primary_key=True, default=new_id)
    customer_id = Column(String(36), ForeignKey("customer.id"))
    id_number_hash = Column(String(64), index=True)
    id_number_enc = Column(Text)
    uscc = Column(String(18), index=True)
    reason = Column(String(500), nullable=False)
    created_by = Column(String(64), nullable=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    removed_by = Column(String(64))
    removed_at = Column(UtcDateTime())


class LoanHistory(Base):
    """Projection of a customer's loans, fed by loan and collection events."""
    __tablename__ = "loan_history"
    loan_id = Column(String(36), primary_key=True)
    customer_id = Column(String(36), nullable=False, index=True)
    status = Column(String(30), nullable=False)
    amount = Column(MONEY, nullable=False, default=0)
    outstanding_principal = Column(MONEY, nullable=False, default=0)
    dpd = Column(Integer, nullable=False, default=0)
    worst_dpd = Column(Integer, nullable=False, default=0)
    # Business date and time of the event each figure came from: a stale event never overwrites a newer one.
    dpd_as_of = Column(String(60))
    outstanding_as_of = Column(String(60))
    classification = Column(String(20))
    updated_at = Column(UtcDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
