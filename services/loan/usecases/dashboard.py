"""驾驶舱 figures the loan service owns, within the caller's data scope: applications by status, the loan book
(outstanding principal, active loans, overdue rate, PAR30 / PAR90), and what was paid out and collected this
business month against the last. Each part only for an employee whose work it is (SECTIONS)."""
from sqlalchemy import case, func, select

from services.common.jsonutil import money
from services.common.scope import scoped
from services.loan.domain import portfolio
from services.loan.domain.origination import APPLICATION_STATUSES
from services.loan.models import Application, Disbursement, Loan, Prepayment, Repayment

# The parts of the loan service's cockpit, and who works with each (any one permission): officers and those who
# decide see applications and the book; finance sees what was paid out and collected; post-loan managers the book.
SECTIONS = {
    "applications": ("loan.apply", "loan.investigate", "loan.approve.first", "loan.approve.second"),
    "portfolio": ("loan.apply", "loan.investigate", "loan.approve.first", "loan.approve.second",
                  "loan.servicing.approve", "collection.task.assign", "collection.classification.approve"),
    "flows": ("loan.disbursement.register", "loan.disbursement.review", "loan.repayment.record", "finance.view"),
}


def sections_for(actor):
    return [name for name, needed in SECTIONS.items() if any(actor.has(permission) for permission in needed)]


def summary(session, actor, today):
    """The caller's figures as of business date `today`; parts they do not work with are left out."""
    result = {"as_of": today.isoformat()}
    parts = sections_for(actor)
    if "applications" in parts:
        result["applications"] = _applications(session, actor)
    if "portfolio" in parts:
        result["portfolio"] = _portfolio(session, actor)
    if "flows" in parts:
        result["flows"] = _flows(session, actor, today)
    return result


def _applications(session, actor):
    query = scoped(select(Application.status, func.count()), actor, Application.department_id,
                   Application.officer_id).group_by(Application.status)
    counts = dict(session.execute(query).all())
    return {"total": sum(counts.values()),
            "by_status": [{"status": status, "status_label": label, "count": counts.get(status, 0)}
                          for status, label in APPLICATION_STATUSES.items()]}


def _portfolio(session, actor):
    # one row per DPD band (its lowest DPD stands for it), summed by the database
    band = case((Loan.dpd <= 0, 0), (Loan.dpd <= 30, 1), (Loan.dpd <= 90, 31), else_=91)
    query = (scoped(select(band, func.count(), func.sum(Loan.outstanding_principal)), actor, Loan.department_id,
                    Loan.officer_id)
             .where(Loan.status == "active").group_by(band))
    rows = session.execute(query).all()
    quality = portfolio.book_quality((dpd, amount or 0) for dpd, _, amount in rows)
    result = {key: (str(value) if "rate" in key or key in ("par30", "par90") else money(value))
              for key, value in quality.items()}
    result["active_loans"] = sum(count for _, count, _ in rows)
    result["overdue_loans"] = sum(count for dpd, count, _ in rows if dpd > 0)
    return result


def _flows(session, actor, today):
    months = {"this_month": portfolio.this_month(today), "last_month": portfolio.last_month(today)}
    return {name: {"from": start.isoformat(), "to": end.isoformat(), **_paid_out(session, actor, start, end),
                   "collected": money(_collected(session, actor, start, end))}
            for name, (start, end) in months.items()}


def _paid_out(session, actor, start, end):
    query = (scoped(select(func.count(), func.sum(Disbursement.amount), func.sum(Loan.principal))
                    .join(Loan, Loan.id == Disbursement.loan_id), actor, Loan.department_id, Loan.officer_id)
             .where(Disbursement.status == "approved", Disbursement.disbursed_on.between(start, end)))
    count, amount, principal = session.execute(query).one()
    return {"disbursed_count": count, "disbursed_amount": money(amount or 0),
            "disbursed_principal": money(principal or 0)}


def _collected(session, actor, start, end):
    """Money received from borrowers: repayments not reversed, and early repayments (their amount is already net
    of the advance they used, counted when it came in); an advance applied at a due date is no new money."""
    repaid = session.scalar(
        scoped(select(func.sum(Repayment.amount)).join(Loan, Loan.id == Repayment.loan_id), actor,
               Loan.department_id, Loan.officer_id)
        .where(Repayment.status == "recorded", Repayment.channel != "advance",
               Repayment.paid_on.between(start, end)))
    prepaid = session.scalar(
        scoped(select(func.sum(Prepayment.amount)).join(Loan, Loan.id == Prepayment.loan_id),
               actor, Loan.department_id, Loan.officer_id)
        .where(Prepayment.paid_on.between(start, end)))
    return portfolio.ZERO + (repaid or 0) + (prepaid or 0)
