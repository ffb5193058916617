"""审计日志 The audit log: every command, export, login and refusal of every service, newest first."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway import audit
from gateway.rpc import call
from gateway.auth import requires
from gateway.schemas.audit import AuditLogArgs, AuditRecordSchema
from gateway.schemas.common import page_of
from services.common.errors import ValidationFailed

blp = Blueprint("audit", __name__, url_prefix="/api/v1",
                description="审计日志 Audit log: who did what, when, from where; append-only and hash-chained")


@blp.route("/audit-log")
class AuditLog(MethodView):
    @blp.arguments(AuditLogArgs, location="query")
    @blp.response(200, page_of(AuditRecordSchema))
    @requires("audit.view")
    def get(self, args):
        """Audit records of every service (or one, `service`), newest first, filtered by actor, action, entity
        (`entity_type`, `entity_id`) and time (`from` inclusive, `to` exclusive). `changes` says what changed,
        with secrets and personal data masked; logins and refusals carry the client address."""
        services = current_app.extensions["carloan"].settings.services
        if args.get("service"):
            if args["service"] not in services:
                raise ValidationFailed(f"no service {args['service']}", code="SERVICE_UNKNOWN",
                                       errors={"service": [f"one of {', '.join(services)}"]},
                                       extra={"service": args["service"]})
            services = (args["service"],)
        filters = {key: args[key] for key in ("actor", "action", "entity_type", "entity_id") if args.get(key)}
        for key in ("time_from", "time_to"):
            if args.get(key):
                filters[key] = args[key].isoformat()
        return audit.read(call, services, filters, args["page"], args["page_size"])
