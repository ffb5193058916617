"""Maker ≠ checker (职责分离), the one rule every review in the platform applies: valuations, applications
(investigation and each decision), credit lines, disbursements, extensions, transfers, repayment reversals,
classification adjustments and journal reversals (docs/architecture.md, "Maker ≠ checker: one helper").

Framework-free (a domain module calls it as it calls `Refused`): it raises `Refused(kind="forbidden")`, which the
platform's RPC entrypoint answers as 403 with the code given, so each review keeps the code its API documents
(`SEGREGATION_OF_DUTIES` with a `reason` member naming the step, `SELF_REVIEW` for a valuation)."""
from services.common.refusal import Refused

SEGREGATION_OF_DUTIES = "SEGREGATION_OF_DUTIES"


def refuse_maker(makers, actor_id, message, reason=None, code=SEGREGATION_OF_DUTIES, **extra):
    """403 `code` when `actor_id` is the maker, or one of the `makers` (an id or a collection of ids; None is
    nobody), of what it is about to check; `reason` (the problem's `reason` member) says which rule, `extra`
    what else the client is told."""
    if makers is None or isinstance(makers, str):
        makers = (makers,)
    if actor_id is not None and actor_id in {maker for maker in makers if maker is not None}:
        if reason is not None:
            extra["reason"] = reason
        raise Refused(code, message, kind="forbidden", **extra)
