"""Each customer's loan history, projected from the loan and collection events (`LoanHistory`, one row per
application and per loan). Events may arrive out of order and twice: a status only moves forward
(`domain.advance`), and a figure (days past due, outstanding principal) is taken only from an event at least as new
as the one it came from (`business_date` and `occurred_at` of the event's envelope)."""
from decimal import Decimal

from services.customer import domain
from services.customer.models import LoanHistory


def record_application(uow, data):
    """`loan.application_submitted`: the application, applied for its amount."""
    history = _history(uow, data["application_id"], data["customer_id"], status="applied")
    history.amount = data["amount"]
    return history


def record_rejection(uow, data):
    """`loan.application_rejected`: the application rejected."""
    return _history(uow, data["application_id"], data["customer_id"], status="rejected")


def record_disbursement(uow, data, *, business_date, occurred_at):
    """`loan.disbursed`: the loan active for its principal, and the application it came from converted (even if
    the application's own event comes later)."""
    if data["application_id"]:
        _history(uow, data["application_id"], data["customer_id"], status="converted")
    history = _history(uow, data["loan_id"], data["customer_id"], status="active")
    history.amount = data["principal"]
    domain.set_outstanding(history, data["principal"], domain.stamp(business_date, occurred_at))
    return history


def record_settlement(uow, data, *, business_date, occurred_at):
    """`loan.settled`: the loan settled, nothing outstanding and nothing past due."""
    as_of = domain.stamp(business_date, occurred_at)
    history = _history(uow, data["loan_id"], data["customer_id"], status="settled")
    domain.set_outstanding(history, Decimal("0"), as_of)
    domain.set_dpd(history, 0, as_of)
    return history


def record_dpd(uow, data, *, business_date, occurred_at):
    """`loan.dpd_changed`: the days past due (the worst kept), and the outstanding principal if the event says."""
    as_of = domain.stamp(business_date, occurred_at)
    history = _history(uow, data["loan_id"], data["customer_id"])
    history.worst_dpd = max(history.worst_dpd or 0, data["dpd"])
    domain.set_dpd(history, data["dpd"], as_of)
    if data["outstanding_principal"] is not None:
        domain.set_outstanding(history, data["outstanding_principal"], as_of)
    return history


def record_transfer(uow, data):
    """`loan.transferred` (债务转让): the loan is now the new borrower's and leaves the previous one's history."""
    history = _history(uow, data["loan_id"], data["customer_id"])
    history.customer_id = data["customer_id"]
    return history


def record_classification(uow, data):
    """`collection.classification_changed`: the loan's five-grade classification."""
    history = _history(uow, data["loan_id"], data["customer_id"])
    history.classification = data["classification"]
    return history


def _history(uow, loan_id, customer_id, status=None):
    """The loan's history row, locked (two events about one loan handled at once must not overwrite each other's
    update), made if it is the first event about the loan; moved forward to `status` if given."""
    history = uow.session.get(LoanHistory, loan_id, with_for_update=True)
    if history is None:
        history = LoanHistory(loan_id=loan_id, customer_id=customer_id, status=status or "active",
                              amount=Decimal("0"), outstanding_principal=Decimal("0"), dpd=0, worst_dpd=0)
        uow.session.add(history)
    elif status:
        domain.advance(history, status)
    return history
