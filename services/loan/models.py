"""Tables of the loan service: products, LPR, credit lines, applications, loans, schedules, disbursements."""
from sqlalchemy import (Boolean, Column, Date, ForeignKey, ForeignKeyConstraint, Integer, MetaData, Numeric,
                        PrimaryKeyConstraint, String, Text, false, true)
from sqlalchemy.orm import DeclarativeBase, relationship

from services.common.clock import utcnow
from services.common.idempotency import add_idempotency_table
from services.common.makerchecker import Decision, Request
from services.common.tables import MONEY, UtcDateTime, add_plumbing_tables, new_id

RATE = Numeric(9, 6)
PENALTY = Numeric(18, 4)  # penalty interest accrues to 4 decimals and is paid to the fen


class Base(DeclarativeBase):
    metadata = add_idempotency_table(add_plumbing_tables(MetaData()))


class Product(Base):
    """贷款产品: its lending limits, and its pricing terms as of its current `version` (`ProductVersion`)."""
    __tablename__ = "product"
    id = Column(String(36), primary_key=True, default=new_id)
    code = Column(String(50), nullable=False, unique=True)
    name = Column(String(100), nullable=False)
    repayment_method = Column(String(30), nullable=False)
    annual_rate = Column(RATE, nullable=False)
    min_term_months = Column(Integer, nullable=False)
    max_term_months = Column(Integer, nullable=False)
    min_amount = Column(MONEY, nullable=False)
    max_amount = Column(MONEY, nullable=False)
    max_ltv = Column(RATE, nullable=False)
    penalty_markup = Column(RATE, nullable=False)
    grace_days = Column(Integer, nullable=False)
    prepayment_fee_rate = Column(RATE, nullable=False)
    prepayment_fee_free_after_months = Column(Integer)
    allocation = Column(String(30), nullable=False)
    compound_penalty = Column(Boolean, nullable=False, default=False)
    upfront_fees = Column(Text, nullable=False, default="[]")  # JSON [{name, amount?, rate?}]
    active = Column(Boolean, nullable=False, default=True)
    # 资料清单: JSON {stage: [{owner_type, category}]} (domain/checklists.py); changes in place, not by version
    checklist = Column(Text, nullable=False, default="{}", server_default="{}")
    version = Column(Integer, nullable=False, default=1, server_default="1")
    created_by = Column(String(64), nullable=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class ProductVersion(Base):
    """产品版本: a product's pricing terms from one change of them to the next. An application keeps the version it
    was made on, and its loan copies that version's terms at signing."""
    __tablename__ = "product_version"
    product_id = Column(String(36), ForeignKey("product.id"), primary_key=True)
    version = Column(Integer, primary_key=True)
    repayment_method = Column(String(30), nullable=False)
    annual_rate = Column(RATE, nullable=False)
    penalty_markup = Column(RATE, nullable=False)
    grace_days = Column(Integer, nullable=False)
    prepayment_fee_rate = Column(RATE, nullable=False)
    prepayment_fee_free_after_months = Column(Integer)
    allocation = Column(String(30), nullable=False)
    compound_penalty = Column(Boolean, nullable=False, default=False)
    upfront_fees = Column(Text, nullable=False, default="[]")  # JSON [{name, amount?, rate?}]
    created_by = Column(String(64), nullable=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


def _priced_by(table):
    """The (product, version) a row was priced by, as a foreign key to `product_version`."""
    return ForeignKeyConstraint(("product_id", "product_version"),
                                ("product_version.product_id", "product_version.version"),
                                name=f"fk_{table}_product_version")


class LprRate(Base):
    """贷款市场报价利率 as published by the NIFC, maintained by an administrator."""
    __tablename__ = "lpr_rate"
    effective_on = Column(Date, primary_key=True)
    one_year = Column(RATE, nullable=False)
    five_year = Column(RATE)
    created_by = Column(String(64), nullable=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class CreditLine(Decision, Base):
    """授信: a limit a customer's applications may draw on, approved by maker-checker."""
    __tablename__ = "credit_line"
    id = Column(String(36), primary_key=True, default=new_id)
    customer_id = Column(String(36), nullable=False, index=True)
    limit = Column(MONEY, nullable=False)
    expires_on = Column(Date, nullable=False)
    revolving = Column(Boolean, nullable=False)
    status = Column(String(20), nullable=False)  # pending | approved | rejected
    officer_id = Column(String(64), nullable=False)
    department_id = Column(String(36))
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class CreditDraw(Base):
    """An application's claim on a credit line: held while it is decided, drawn once disbursed."""
    __tablename__ = "credit_draw"
    id = Column(String(36), primary_key=True, default=new_id)
    credit_line_id = Column(String(36), ForeignKey("credit_line.id"), nullable=False, index=True)
    application_id = Column(String(36), nullable=False, unique=True)
    loan_id = Column(String(36))
    amount = Column(MONEY, nullable=False)
    status = Column(String(20), nullable=False)  # held | drawn | released


class Application(Base):
    """贷款申请, from submission through investigation and decisions to the contract, priced by the version of its
    product it was made on (`terms`)."""
    __tablename__ = "application"
    __table_args__ = (_priced_by("application"),)
    id = Column(String(36), primary_key=True, default=new_id)
    customer_id = Column(String(36), nullable=False, index=True)
    customer_name = Column(String(200), nullable=False)
    product_id = Column(String(36), ForeignKey("product.id"), nullable=False)
    product_version = Column(Integer, nullable=False, server_default="1")
    vehicle_id = Column(String(36), nullable=False, index=True)
    amount = Column(MONEY, nullable=False)
    term_months = Column(Integer, nullable=False)
    credit_line_id = Column(String(36), ForeignKey("credit_line.id"))
    status = Column(String(30), nullable=False)
    officer_id = Column(String(64), nullable=False)
    department_id = Column(String(36))
    valuation_id = Column(String(36))
    appraised_value = Column(MONEY)
    apr = Column(RATE)
    investigated_by = Column(String(64))
    findings = Column(Text)
    recommendation = Column(String(10))
    income_verified = Column(Boolean)
    home_visit = Column(String(1000))
    work_visit = Column(String(1000))
    first_decision_by = Column(String(64))
    second_decision_by = Column(String(64))
    cap_override_by = Column(String(64))
    cap_override_reason = Column(String(500))
    loan_id = Column(String(36))
    submitted_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    updated_at = Column(UtcDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    terms = relationship(ProductVersion, viewonly=True)


class ApplicationStep(Base):
    """Every step an application went through: who, when, what they decided and why."""
    __tablename__ = "application_step"
    id = Column(String(36), primary_key=True, default=new_id)
    application_id = Column(String(36), ForeignKey("application.id"), nullable=False, index=True)
    step = Column(String(40), nullable=False)
    outcome = Column(String(40))
    comment = Column(Text)
    actor_id = Column(String(64), nullable=False)
    actor_name = Column(String(100))
    at = Column(UtcDateTime(), nullable=False, default=utcnow)


class ContractSequence(Base):
    """The day's last contract number (CL20261128-0001, -0002, ...)."""
    __tablename__ = "contract_sequence"
    day = Column(Date, primary_key=True)
    last = Column(Integer, nullable=False)


class Loan(Base):
    """贷款: made at signing with a copy of the terms of its application's product version; active once the money
    is out."""
    __tablename__ = "loan"
    __table_args__ = (_priced_by("loan"),)
    id = Column(String(36), primary_key=True, default=new_id)
    contract_no = Column(String(30), nullable=False, unique=True)
    application_id = Column(String(36), ForeignKey("application.id"), nullable=False, unique=True)
    customer_id = Column(String(36), nullable=False, index=True)
    customer_name = Column(String(200), nullable=False)
    product_id = Column(String(36), ForeignKey("product.id"), nullable=False)
    product_version = Column(Integer, nullable=False, server_default="1")
    vehicle_id = Column(String(36), nullable=False)
    credit_line_id = Column(String(36))
    officer_id = Column(String(64), nullable=False)
    department_id = Column(String(36))
    principal = Column(MONEY, nullable=False)
    term_months = Column(Integer, nullable=False)
    repayment_method = Column(String(30), nullable=False)
    annual_rate = Column(RATE, nullable=False)
    penalty_markup = Column(RATE, nullable=False)
    grace_days = Column(Integer, nullable=False)
    prepayment_fee_rate = Column(RATE, nullable=False)
    prepayment_fee_free_after_months = Column(Integer)
    allocation = Column(String(30), nullable=False)
    compound_penalty = Column(Boolean, nullable=False)
    fees = Column(Text, nullable=False)  # JSON [{name, amount}] charged on this principal
    fees_total = Column(MONEY, nullable=False)
    net_amount = Column(MONEY, nullable=False)
    apr = Column(RATE, nullable=False)
    signed_on = Column(Date, nullable=False)
    requested_first_due_date = Column(Date)
    disbursed_on = Column(Date)
    first_due_date = Column(Date)
    maturity_date = Column(Date)
    status = Column(String(20), nullable=False)
    outstanding_principal = Column(MONEY, nullable=False)
    advance_balance = Column(MONEY, nullable=False, default=0)  # 预收款 held for the next due date
    settled_on = Column(Date)
    dpd = Column(Integer, nullable=False, default=0)
    # servicing.oldest_unpaid_due, kept by every payment: close of business reads late loans, and DPD, from it
    next_due_date = Column(Date)
    classification = Column(String(20))
    restructured = Column(Boolean, nullable=False, default=False, server_default=false())  # 重组: after 展期
    extended_months = Column(Integer, nullable=False, default=0, server_default="0")  # 展期 granted so far
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class Installment(Base):
    """One line of a loan's schedule: previewed at signing, fixed at disbursement."""
    __tablename__ = "installment"
    loan_id = Column(String(36), ForeignKey("loan.id"), nullable=False)
    no = Column(Integer, nullable=False)
    due_date = Column(Date, nullable=False)
    principal = Column(MONEY, nullable=False)
    interest = Column(MONEY, nullable=False)
    total = Column(MONEY, nullable=False)
    balance_after = Column(MONEY, nullable=False)
    paid_principal = Column(MONEY, nullable=False, default=0)
    paid_interest = Column(MONEY, nullable=False, default=0)
    penalty = Column(PENALTY, nullable=False, default=0)  # accrued by close of business, 4 decimals
    penalty_through = Column(Date)  # the last business date whose penalty is in `penalty`
    paid_penalty = Column(MONEY, nullable=False, default=0)
    fees = Column(MONEY, nullable=False, default=0)
    paid_fees = Column(MONEY, nullable=False, default=0)
    status = Column(String(20), nullable=False, default="pending")  # pending | partial | overdue | paid | prepaid
    __table_args__ = (PrimaryKeyConstraint("loan_id", "no"),)


class Disbursement(Base):
    """放款: registered by a finance clerk, reviewed by another user; approval pays the loan out."""
    __tablename__ = "disbursement"
    id = Column(String(36), primary_key=True, default=new_id)
    loan_id = Column(String(36), ForeignKey("loan.id"), nullable=False, index=True)
    payee_name = Column(String(100), nullable=False)
    payee_account_enc = Column(Text, nullable=False)
    amount = Column(MONEY, nullable=False)
    status = Column(String(20), nullable=False)  # pending_review | approved | rejected
    registered_by = Column(String(64), nullable=False)
    registered_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    reviewed_by = Column(String(64))
    reviewed_at = Column(UtcDateTime())
    voucher_no = Column(String(50))
    disbursed_on = Column(Date)
    comment = Column(String(500))


class Repayment(Base):
    """还款: an amount received on a date, and how it was allocated."""
    __tablename__ = "repayment"
    id = Column(String(36), primary_key=True, default=new_id)
    loan_id = Column(String(36), ForeignKey("loan.id"), nullable=False, index=True)
    amount = Column(MONEY, nullable=False)
    paid_on = Column(Date, nullable=False)
    channel = Column(String(30), nullable=False)
    allocation = Column(Text, nullable=False)  # JSON {principal, interest, penalty, fees, advance, lines}
    recorded_by = Column(String(64), nullable=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    payer_name = Column(String(100))  # 付款人, as on the bank statement
    voucher_no = Column(String(50))  # 凭证号 / bank reference
    status = Column(String(20), nullable=False, default="recorded", server_default="recorded")  # | reversed
    event_id = Column(String(36))  # its loan.repayment_received: finance reverses the entry posted from it
    # JSON {no: {penalty, penalty_through, status}}: the installments it paid as they were before it (a reversal
    # restores them)
    restore = Column(Text)


class RepaymentReversal(Request, Base):
    """还款冲正: a mistaken repayment undone on the loan, asked for by one person (with a reason) and approved by
    another who neither asked for it nor recorded the repayment; finance reverses its posting."""
    __tablename__ = "repayment_reversal"
    id = Column(String(36), primary_key=True, default=new_id)
    loan_id = Column(String(36), ForeignKey("loan.id"), nullable=False, index=True)
    repayment_id = Column(String(36), ForeignKey("repayment.id"), nullable=False, index=True)
    reason = Column(String(500), nullable=False)
    status = Column(String(20), nullable=False)  # pending | approved | rejected
    officer_id = Column(String(64), nullable=False)
    department_id = Column(String(36))
    reversed_on = Column(Date)  # the business date the reversal took effect
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class CobRun(Base):
    """日终批处理: one row per business date closed; `running` until every active loan is done."""
    __tablename__ = "cob_run"
    business_date = Column(Date, primary_key=True)
    status = Column(String(20), nullable=False)  # queued | running | done
    loans = Column(Integer, nullable=False, default=0)
    overdue = Column(Integer, nullable=False, default=0)
    events = Column(Integer, nullable=False, default=0)
    started_by = Column(String(64), nullable=False)
    started_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    finished_at = Column(UtcDateTime())


class CobPartition(Base):
    """One loan-id range of a business date's close: replicas claim pending ranges (SKIP LOCKED) and close each
    in one transaction, so a range is either wholly closed for the date or not at all."""
    __tablename__ = "cob_partition"
    business_date = Column(Date, ForeignKey("cob_run.business_date"), nullable=False)
    part = Column(Integer, nullable=False)
    low_id = Column(String(36), nullable=False)  # loan ids >= low_id
    high_id = Column(String(36), nullable=False)  # and < high_id
    status = Column(String(20), nullable=False)  # pending | done
    loans = Column(Integer, nullable=False, default=0)
    overdue = Column(Integer, nullable=False, default=0)
    events = Column(Integer, nullable=False, default=0)
    worker = Column(String(100))
    seconds = Column(Numeric(10, 3))
    finished_at = Column(UtcDateTime())
    __table_args__ = (PrimaryKeyConstraint("business_date", "part"),)


class Prepayment(Base):
    """提前还款: in full (settles the loan) or in part (the schedule is rebuilt by `mode`), as quoted."""
    __tablename__ = "prepayment"
    id = Column(String(36), primary_key=True, default=new_id)
    loan_id = Column(String(36), ForeignKey("loan.id"), nullable=False, index=True)
    full = Column(Boolean, nullable=False, default=True, server_default=true())
    mode = Column(String(30))  # reduce_installment | shorten_term, for a partial one
    paid_on = Column(Date, nullable=False)
    amount = Column(MONEY, nullable=False)
    principal = Column(MONEY, nullable=False)
    interest = Column(MONEY, nullable=False)
    fee = Column(MONEY, nullable=False)
    advance_used = Column(MONEY, nullable=False)
    channel = Column(String(30), nullable=False)
    recorded_by = Column(String(64), nullable=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class LoanTransfer(Request, Base):
    """债务转让 / 债务承担: the borrower changes to another customer, approved by an approver; the approval is the
    contract's supplement (补充协议) and keeps the contract number."""
    __tablename__ = "loan_transfer"
    id = Column(String(36), primary_key=True, default=new_id)
    loan_id = Column(String(36), ForeignKey("loan.id"), nullable=False, index=True)
    from_customer_id = Column(String(36), nullable=False)
    to_customer_id = Column(String(36), nullable=False)
    to_customer_name = Column(String(200), nullable=False)
    reason = Column(String(500), nullable=False)
    status = Column(String(20), nullable=False)  # pending | approved | rejected
    officer_id = Column(String(64), nullable=False)
    department_id = Column(String(36))
    supplement_no = Column(String(40))
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class LoanExtension(Request, Base):
    """展期: more months for the remaining principal, requested before maturity and decided by an approver."""
    __tablename__ = "loan_extension"
    id = Column(String(36), primary_key=True, default=new_id)
    loan_id = Column(String(36), ForeignKey("loan.id"), nullable=False, index=True)
    months = Column(Integer, nullable=False)
    reason = Column(String(500), nullable=False)
    status = Column(String(20), nullable=False)  # pending | approved | rejected
    officer_id = Column(String(64), nullable=False)
    department_id = Column(String(36))
    maturity_before = Column(Date, nullable=False)
    maturity_after = Column(Date)
    # 展期手续费 agreed with the request, received when the extension is approved (its voucher number then)
    fee = Column(MONEY, nullable=False, default=0, server_default="0")
    fee_voucher_no = Column(String(50))
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
