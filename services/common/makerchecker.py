"""Maker-checker (docs/architecture.md, "Loan origination": segregation of duties): a request that moves money or
risk is decided once, by someone other than who made it. The request row has `status` (pending | approved |
rejected), `requested_by`, `decided_by`, `decided_at` and `comment`."""
from services.common.clock import utcnow
from services.common.errors import Conflict, Forbidden


def decide(request, actor, data, noun, code):
    """Record `actor`'s decision on `request` (`data`: approve, comment); returns whether it is approved. A
    rejection is final here; an approval leaves the status for the caller to set once its effects are made.
    409 `<code>_ALREADY_DECIDED` when decided before, 403 `SEGREGATION_OF_DUTIES` for the one who asked."""
    if request.status != "pending":
        raise Conflict(f"this {noun} was already {request.status}", code=f"{code}_ALREADY_DECIDED",
                       extra={"status": request.status})
    if request.requested_by == actor.user_id:
        raise Forbidden(f"a {noun} is decided by someone other than who asked for it", code="SEGREGATION_OF_DUTIES",
                        extra={"reason": "requester"})
    request.decided_by, request.decided_at, request.comment = actor.user_id, utcnow(), data["comment"]
    if not data["approve"]:
        request.status = "rejected"
    return data["approve"]
