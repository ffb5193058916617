"""贷款台账 Loans as staff read them: one loan with what is due next, the list with its filters, the schedule as it
stands; and the five-level grade (五级分类) the collection service gives a loan."""
from dataclasses import dataclass
from decimal import Decimal


from services.common.pagination import paginate
from services.common.scope import scoped_rows
from services.loan import cob
from services.loan.domain import portfolio, servicing
from services.loan.domain.schedule import ZERO
from services.loan.models import Disbursement, Loan
from services.loan.usecases import lookups


@dataclass(frozen=True)
class LoanDetail:
    loan: Loan
    disbursement: Disbursement | None
    accrued_penalty: Decimal
    next_due: servicing.Due | None  # the oldest installment with something left to pay


def get_loan(uow, loan_id, *, collection):
    loan = lookups.readable_loan(uow, loan_id, collection)
    unpaid = [due for due in map(cob.open_due, lookups.installments(uow, loan)) if due.total > 0]
    return LoanDetail(loan, lookups.latest_disbursement(uow, loan.id),
                      sum((due.part("penalty") for due in unpaid), ZERO), unpaid[0] if unpaid else None)


def list_loans(uow, filters, customer_id=None, status=None, page=1, page_size=20):
    """贷款台账 within the caller's data scope, by borrower and status, DPD from `min_dpd` to `max_dpd` (both
    inclusive, either open) and the five-level grade the loan was last given (`classification`)."""
    query = scoped_rows(uow.actor, Loan, "officer_id", {"customer_id": customer_id, "status": status,
                                                         "classification": filters["classification"]},
                        "customer_id", "status", "classification")
    if filters["min_dpd"] is not None:
        query = query.where(Loan.dpd >= filters["min_dpd"])
    if filters["max_dpd"] is not None:
        query = query.where(Loan.dpd <= filters["max_dpd"])
    return paginate(uow.session, query.order_by(Loan.created_at.desc(), Loan.id), page, page_size)


def get_schedule(uow, loan_id, *, collection):
    loan = lookups.readable_loan(uow, loan_id, collection)
    return loan, lookups.installments(uow, loan)


def record_grade(uow, payload):
    """The collection service graded the loan; the loan shows the grade it was last given."""
    loan = uow.session.get(Loan, payload["loan_id"], with_for_update=True)
    if loan is None:
        raise LookupError(f"no loan {payload['loan_id']}")
    grade = payload["classification"]
    if grade not in portfolio.GRADES:
        raise ValueError(f"unknown grade {grade!r}")
    loan.classification = grade
