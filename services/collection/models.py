"""Tables of the collection service: its file of each loan (built from loan events), collection tasks and their
records, early warnings, the five-level classification with its history, and manual adjustments."""
from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, MetaData, String, Text, text
from sqlalchemy.orm import DeclarativeBase

from services.common.clock import utcnow
from services.common.makerchecker import Request
from services.common.tables import MONEY, UtcDateTime, add_plumbing_tables, new_id


class Base(DeclarativeBase):
    metadata = add_plumbing_tables(MetaData())


class LoanFile(Base):
    """贷后档案: what post-loan knows of a loan, kept from the loan service's events."""
    __tablename__ = "loan_file"
    loan_id = Column(String(36), primary_key=True)
    contract_no = Column(String(40))
    customer_id = Column(String(36), nullable=False, index=True)
    customer_name = Column(String(200))
    department_id = Column(String(36), index=True)
    officer_id = Column(String(64))
    vehicle_id = Column(String(36), index=True)
    disbursed_on = Column(Date)
    status = Column(String(20), nullable=False)  # active | settled
    outstanding_principal = Column(MONEY, nullable=False)
    grace_days = Column(Integer, nullable=False, default=0)
    dpd = Column(Integer, nullable=False, default=0)
    dpd_as_of = Column(UtcDateTime())  # when the DPD applied was published: older news is not applied
    ever_overdue = Column(Boolean, nullable=False, default=False)
    late_due_dates = Column(Text, nullable=False, default="[]")  # JSON: due dates that went late
    restructured_on = Column(Date)
    grade = Column(String(20), nullable=False, default="normal")
    manual_grade = Column(String(20))
    graded_on = Column(Date)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class CollectionTask(Base):
    """催收任务: one open per loan, assigned to a collector of the loan's department."""
    __tablename__ = "collection_task"
    id = Column(String(36), primary_key=True, default=new_id)
    loan_id = Column(String(36), ForeignKey("loan_file.loan_id"), nullable=False, index=True)
    department_id = Column(String(36), index=True)
    assignee_id = Column(String(64), index=True)
    status = Column(String(20), nullable=False)  # open | closed
    stage = Column(String(20), nullable=False)  # call_sms | visit | legal
    priority = Column(String(10), nullable=False, default="normal")  # normal | high
    dpd = Column(Integer, nullable=False)
    opened_on = Column(Date, nullable=False)
    due_on = Column(Date)  # the next action is due: opened, follow-up, or the promised date
    closed_on = Column(Date)
    close_reason = Column(String(30))  # current | settled
    promised_amount = Column(MONEY)
    promised_on = Column(Date)
    promise_paid = Column(MONEY, nullable=False, default=0)  # received on or before the promised date
    promise_status = Column(String(10))  # pending | kept | broken
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    __table_args__ = (
        Index("ux_collection_task_open", "loan_id", unique=True, postgresql_where=text("status = 'open'"),
              sqlite_where=text("status = 'open'")),
    )


class CollectionRecord(Base):
    """催收记录: a contact, its result, and any promise to pay."""
    __tablename__ = "collection_record"
    id = Column(String(36), primary_key=True, default=new_id)
    task_id = Column(String(36), ForeignKey("collection_task.id"), nullable=False, index=True)
    channel = Column(String(10), nullable=False)
    result = Column(String(500), nullable=False)
    promised_amount = Column(MONEY)
    promised_on = Column(Date)
    recorded_by = Column(String(64), nullable=False)
    recorded_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class AssignmentCursor(Base):
    """The last collector given a task in a department: the next goes to the one after (round-robin)."""
    __tablename__ = "assignment_cursor"
    department_id = Column(String(36), primary_key=True)
    last_collector_id = Column(String(64))


class RiskWarning(Base):
    """预警: a risk signal on a loan, with its level, owner and resolution; one open per loan and kind."""
    __tablename__ = "warning"
    id = Column(String(36), primary_key=True, default=new_id)
    loan_id = Column(String(36), ForeignKey("loan_file.loan_id"), nullable=False, index=True)
    department_id = Column(String(36), index=True)
    kind = Column(String(30), nullable=False)
    level = Column(String(10), nullable=False)
    owner_id = Column(String(64))
    status = Column(String(10), nullable=False)  # open | resolved
    detail = Column(String(500), nullable=False)
    raised_on = Column(Date, nullable=False)
    source_event_id = Column(String(36))
    resolution = Column(String(500))
    resolved_by = Column(String(64))
    resolved_at = Column(UtcDateTime())
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    __table_args__ = (
        Index("ux_warning_open", "loan_id", "kind", unique=True, postgresql_where=text("status = 'open'"),
              sqlite_where=text("status = 'open'")),
    )


class GradeChange(Base):
    """五级分类 history: every grade a loan had, automatic or manual, from when."""
    __tablename__ = "grade_change"
    id = Column(String(36), primary_key=True, default=new_id)
    loan_id = Column(String(36), ForeignKey("loan_file.loan_id"), nullable=False, index=True)
    grade = Column(String(20), nullable=False)
    previous = Column(String(20))
    source = Column(String(10), nullable=False)  # auto | manual
    reason = Column(String(500))
    business_date = Column(Date, nullable=False)
    changed_by = Column(String(64), nullable=False)
    changed_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class GradeAdjustment(Request, Base):
    """A manual grade asked for with a reason and decided by a post-loan manager (maker-checker)."""
    __tablename__ = "grade_adjustment"
    id = Column(String(36), primary_key=True, default=new_id)
    loan_id = Column(String(36), ForeignKey("loan_file.loan_id"), nullable=False, index=True)
    department_id = Column(String(36))
    grade = Column(String(20), nullable=False)
    reason = Column(String(500), nullable=False)
    status = Column(String(10), nullable=False)  # pending | approved | rejected
    floor = Column(String(20), nullable=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
