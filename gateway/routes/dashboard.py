"""驾驶舱 The home dashboard: in one call, the figures of the caller's work, each counted by the service that owns
it within the caller's data scope; the gateway only asks and merges."""
import logging

from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.auth import authenticated
from gateway.rpc import ServiceUnavailable
from gateway.schemas.dashboard import DashboardSchema

log = logging.getLogger(__name__)

blp = Blueprint("dashboard", __name__, url_prefix="/api/v1",
                description="驾驶舱 Dashboard: the book, arrears, money paid out and collected, grades, collection "
                            "and applications, for the caller's work and data scope")

# The services that keep figures and the permissions someone who works with them holds: a service is asked only
# of an employee holding one (it decides, by the same permissions, which of its parts to answer).
SOURCES = {
    "loan": ("loan.apply", "loan.investigate", "loan.approve.first", "loan.approve.second", "loan.servicing.approve",
             "loan.disbursement.register", "loan.disbursement.review", "loan.repayment.record", "finance.view",
             "collection.task.assign", "collection.classification.approve"),
    "collection": ("collection.classification.adjust", "collection.classification.approve", "collection.task.work",
                   "collection.task.assign"),
}


def sources(permissions, deployed):
    """The services to ask for an employee holding `permissions`, among those `deployed`."""
    return [service for service, needed in SOURCES.items()
            if service in deployed and any(permission in permissions for permission in needed)]


def merge(outcomes):
    """One summary of each service's parts; a service that failed is named in `unavailable`."""
    summary, unavailable = {"as_of": None}, []
    for service, outcome in outcomes.items():
        if isinstance(outcome, Exception):
            unavailable.append(service)
            if not isinstance(outcome, ServiceUnavailable):
                log.error("dashboard of %s failed: %r", service, outcome)
            continue
        summary.update({key: value for key, value in outcome.items() if value is not None})
    summary["unavailable"] = sorted(unavailable)
    return summary


@blp.route("/dashboard/summary")
class DashboardSummary(MethodView):
    @blp.response(200, DashboardSchema)
    @authenticated
    def get(self):
        """驾驶舱: the figures of the caller's work within their data scope, money as decimal strings and shares
        as fractions to 4 decimals. `applications` (by status) for those who apply for or decide loans;
        `portfolio` (outstanding principal, active loans, overdue rate = principal of loans past due / outstanding,
        PAR30, PAR90) for them and post-loan managers; `flows` (disbursements and money collected this business
        month to date against the whole last month) for finance; `grades` (balance by five-level grade) for
        post-loan managers; `collection_funnel` (open tasks by stage) for collectors and their managers. A part
        the caller does not work with is absent. The services are asked at once; one that does not answer within
        `CARLOAN_INBOX_TIMEOUT_SECONDS` (3) is named in `unavailable` and its parts are absent (still 200)."""
        gateway = current_app.extensions["carloan"]
        actor = g.actor
        calls = {service: (service, "dashboard", (), {})
                 for service in sources(actor.permissions, gateway.settings.services)}
        outcomes = gateway.rpc.call_all(calls, actor=actor.to_dict(), correlation_id=g.correlation_id,
                                        timeout=gateway.settings.inbox_timeout_seconds) if calls else {}
        return merge(outcomes)
