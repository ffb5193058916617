"""我的待办 The inbox: in one call, what waits for the logged-in employee in every service that keeps work for them."""
import logging

from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.auth import authenticated
from gateway.rpc import ServiceUnavailable
from gateway.schemas.inbox import InboxArgs, InboxSchema

log = logging.getLogger(__name__)

blp = Blueprint("inbox", __name__, url_prefix="/api/v1",
                description="我的待办 Inbox: valuations, applications, disbursements, decisions and tasks waiting for "
                            "the caller")

# The services that keep work for someone, and the permissions that work needs: a service is asked only of an
# employee holding one of them (it decides, by the same permissions and its maker-checker rules, what to list).
SOURCES = {
    "collateral": ("collateral.valuation.review", "collateral.task.complete"),
    "loan": ("loan.investigate", "loan.approve.first", "loan.approve.second", "loan.disbursement.review",
             "loan.credit_line.approve", "loan.servicing.approve", "loan.repayment.reverse.approve"),
    "collection": ("collection.task.work", "collection.classification.approve"),
}


def sources(permissions, deployed):
    """The services to ask for an employee holding `permissions`, among those `deployed`."""
    return [service for service, needed in SOURCES.items()
            if service in deployed and any(permission in permissions for permission in needed)]


def merge(outcomes, limit):
    """One inbox from each service's answer ({items, counts}) or failure: items oldest first, counts by kind and
    their total; a service that failed is named in `unavailable`, and what it holds is missing."""
    items, counts, unavailable = [], {}, []
    for service, outcome in outcomes.items():
        if isinstance(outcome, Exception):
            unavailable.append(service)
            if not isinstance(outcome, ServiceUnavailable):
                log.error("inbox of %s failed: %r", service, outcome)
            continue
        items.extend(outcome["items"])
        counts.update(outcome["counts"])
    items.sort(key=lambda item: item["created_at"])
    return {"items": items, "counts": counts, "total": sum(counts.values()), "limit": limit,
            "unavailable": sorted(unavailable)}


@blp.route("/inbox")
class Inbox(MethodView):
    @blp.arguments(InboxArgs, location="query")
    @blp.response(200, InboxSchema)
    @authenticated
    def get(self, args):
        """我的待办: what waits for the caller to act on, oldest first: valuations to review (not their own),
        applications to investigate, decide or second-approve, disbursements to review, credit lines, extensions,
        transfers, repayment reversals and classification adjustments to decide (never what they asked for or
        recorded: maker ≠ checker), collection tasks assigned to them, GPS / mortgage / release tasks open for a
        collateral clerk; each only with the permission it needs and within their data scope. At most `limit`
        (default 20, ≤ 100) items of each kind; `counts` counts them all, `total` is their sum. The services are
        asked at once; one that does not answer within `CARLOAN_INBOX_TIMEOUT_SECONDS` (3) is named in
        `unavailable` and the answer is what the others hold (still 200)."""
        gateway = current_app.extensions["carloan"]
        actor = g.actor
        calls = {service: (service, "inbox", (args["limit"],), {})
                 for service in sources(actor.permissions, gateway.settings.services)}
        outcomes = gateway.rpc.call_all(calls, actor=actor.to_dict(), correlation_id=g.correlation_id,
                                        timeout=gateway.settings.inbox_timeout_seconds) if calls else {}
        return merge(outcomes, args["limit"])
