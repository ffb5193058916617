"""Maker-checker (docs/architecture.md, "Loan origination": segregation of duties): a request that moves money or
risk is decided once, by someone other than who made it. The request row has `status` (pending | approved |
rejected) and the columns of `Request` (`requested_by`, `decided_by`, `decided_at`, `comment`); a row whose maker is
named otherwise (a credit line's officer) has those of `Decision`. At most one request of a kind waits per loan
(`one_waiting`). Who may not decide is said once for every review: `segregation.refuse_maker`."""
from sqlalchemy import Column, String, select

from services.common.clock import utcnow
from services.common.errors import Conflict
from services.common.segregation import refuse_maker
from services.common.tables import UtcDateTime


class Decision:
    """Who decided, when, and what they said (a declarative mixin)."""
    decided_by = Column(String(64))
    decided_at = Column(UtcDateTime())
    comment = Column(String(500))


class Request(Decision):
    """A request made by one person and decided by another (a declarative mixin)."""
    requested_by = Column(String(64), nullable=False)


def one_waiting(session, model, loan_id, message, code):
    """409 `code` (with the waiting one's id) when a `model` request on the loan already waits for a decision."""
    pending = session.scalars(select(model.id).where(model.loan_id == loan_id, model.status == "pending")).first()
    if pending:
        raise Conflict(message, code=code, extra={"existing_id": pending})


def decide(request, actor, data, noun, code):
    """Record `actor`'s decision on `request` (`data`: approve, comment); returns whether it is approved. A
    rejection is final here; an approval leaves the status for the caller to set once its effects are made.
    409 `<code>_ALREADY_DECIDED` when decided before, 403 `SEGREGATION_OF_DUTIES` for the one who asked."""
    if request.status != "pending":
        raise Conflict(f"this {noun} was already {request.status}", code=f"{code}_ALREADY_DECIDED",
                       extra={"status": request.status})
    refuse_maker(request.requested_by, actor.user_id, f"a {noun} is decided by someone other than who asked for it",
                 reason="requester")
    request.decided_by, request.decided_at, request.comment = actor.user_id, utcnow(), data["comment"]
    if not data["approve"]:
        request.status = "rejected"
    return data["approve"]
