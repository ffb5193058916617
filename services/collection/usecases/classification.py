"""五级分类 Five-level classification: every loan's grade is its floor (from DPD, and at least special mention
while a restructured loan is under observation) or a manual grade where that is worse; each change is kept in the
history and published as `collection.classification_changed`. A manual grade is asked for with a reason, never
better than the floor, and decided by a post-loan manager who did not ask for it (maker-checker)."""
from sqlalchemy import select

from services.collection import domain, events
from services.collection.models import GradeAdjustment, GradeChange, LoanFile
from services.collection.usecases.lookup import visible_row
from services.common import clock, config, makerchecker
from services.common.pagination import paginate
from services.common.scope import scoped_rows


def thresholds():
    """The DPD thresholds of substandard, doubtful and loss (CARLOAN_GRADE_THRESHOLDS, e.g. "90,270,360")."""
    raw = config.env("CARLOAN_GRADE_THRESHOLDS", "")
    return tuple(int(part) for part in raw.split(",")) if raw else domain.DEFAULT_THRESHOLDS


def floor(loan, day):
    """The grade the loan's DPD and restructuring require on `day`."""
    return domain.grade_floor(loan.dpd, day, loan.restructured_on, thresholds())


def record_grade(uow, loan, grade, previous, source, reason, day):
    """A line of the loan's grade history."""
    change = GradeChange(loan_id=loan.loan_id, grade=grade, previous=previous, source=source, reason=reason,
                         business_date=day, changed_by=uow.actor.user_id)
    uow.session.add(change)
    return change


def regrade(uow, loan, day, source="auto", reason=None):
    """The grade now: the floor, or the manual grade where that is worse; kept and published when it changes.
    Returns the grade."""
    grade = domain.effective_grade(floor(loan, day), loan.manual_grade)
    if grade == loan.grade:
        return grade
    previous, loan.grade, loan.graded_on = loan.grade, grade, day
    record_grade(uow, loan, grade, previous, source, reason, day)
    uow.emit(*events.classification_changed(loan, grade, previous, source), business_date=day)
    return grade


def list_classifications(uow, data):
    """Loans within the caller's scope (`data`: loan_id, grade, page, page_size), newest first. Items are
    (loan file, its floor on the day it was graded, its grade history oldest first)."""
    query = scoped_rows(uow.actor, LoanFile, "officer_id", data, "loan_id", "grade").order_by(LoanFile.created_at.desc(), LoanFile.loan_id)
    result = paginate(uow.session, query, data.get("page", 1), data.get("page_size", 20), lambda loan: loan)
    history = {}
    ids = [loan.loan_id for loan in result["items"]]
    for change in uow.session.scalars(select(GradeChange).where(GradeChange.loan_id.in_(ids))
                                      .order_by(GradeChange.changed_at, GradeChange.id)):
        history.setdefault(change.loan_id, []).append(change)
    result["items"] = [(loan, floor(loan, loan.graded_on or clock.today()), history.get(loan.loan_id, []))
                       for loan in result["items"]]
    return result


def request_adjustment(uow, loan_id, data):
    """A manual grade with its reason (one waiting per loan), never better than today's floor."""
    loan = visible_row(uow, LoanFile, loan_id, "LOAN_NOT_FOUND")
    least = floor(loan, clock.today())
    domain.check_adjustment(data["grade"], least)
    makerchecker.one_waiting(uow.session, GradeAdjustment, loan.loan_id,
                             "an adjustment of this loan is waiting for a decision", "ADJUSTMENT_PENDING")
    adjustment = GradeAdjustment(loan_id=loan.loan_id, department_id=loan.department_id, grade=data["grade"],
                                 reason=data["reason"], status="pending", floor=least,
                                 requested_by=uow.actor.user_id)
    uow.session.add(adjustment)
    uow.session.flush()
    uow.audit("request_grade_adjustment", "grade_adjustment", adjustment.id, data)
    return adjustment


def decide_adjustment(uow, adjustment_id, data):
    """A post-loan manager's decision (`data`: approve, comment): an approved grade becomes the loan's manual
    grade, checked again against the floor, which may have moved since it was asked for."""
    adjustment = visible_row(uow, GradeAdjustment, adjustment_id, "ADJUSTMENT_NOT_FOUND", lock=True)
    if not makerchecker.decide(adjustment, uow.actor, data, "grade adjustment", "ADJUSTMENT"):
        uow.audit("reject_grade_adjustment", "grade_adjustment", adjustment.id, data)
        return adjustment
    loan = uow.session.get(LoanFile, adjustment.loan_id, with_for_update=True)
    today = max(clock.today(), loan.graded_on or clock.today())
    domain.check_adjustment(adjustment.grade, floor(loan, today))
    domain.ADJUSTMENT.move(adjustment, "approved")
    loan.manual_grade = adjustment.grade
    uow.audit("approve_grade_adjustment", "grade_adjustment", adjustment.id, data)
    regrade(uow, loan, today, source="manual", reason=adjustment.reason)
    return adjustment


def regrade_observed(uow, data=None):
    """A restructured loan that performs sends no event when its observation year ends: regrade the active ones
    whose year is over and that still carry the restructuring floor. Returns them."""
    today = clock.today()
    ended = uow.session.scalars(select(LoanFile).where(
        LoanFile.status == "active", LoanFile.restructured_on.is_not(None),
        LoanFile.restructured_on <= domain.add_months(today, -domain.OBSERVATION_MONTHS),
        LoanFile.grade != "normal").with_for_update()).all()
    for loan in ended:
        regrade(uow, loan, today)
    return ended
