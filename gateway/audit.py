"""The gateway's part of the audit log: refusals (403) are recorded by the org service, never at the cost of the
answer, and the audit log is read by merging every service's newest records."""
import heapq
import json
import logging

from flask import current_app, g, request

from services.common.errors import ValidationFailed

log = logging.getLogger(__name__)

MAX_WINDOW = 10_000  # page × page_size: deeper than this, narrow the filters


def client_address():
    """The address the request came from, as the gateway sees it."""
    return request.remote_addr


def record_refusal(response):
    """Ask the org service to record a 403 answer; a failure to record is logged, and the 403 stays a 403."""
    actor = g.get("actor")
    if actor is None:
        return
    try:
        body = json.loads(response.get_data()) if response.mimetype.endswith("json") else {}
        rule = request.url_rule.rule if request.url_rule is not None else request.path
        record = {
            "actor": {"user_id": actor.user_id, "username": actor.username, "department_id": actor.department_id},
            "client_address": client_address(), "entity_type": "route", "entity_id": rule[:64],
            "changes": {"method": request.method, "path": request.path[:500], "code": body.get("code"),
                        "detail": (body.get("detail") or "")[:500]},
        }
        # On the gateway's own account (actor=None): only the gateway may record a refusal.
        current_app.extensions["carloan"].rpc.call("org", "record_audit", record, actor=None,
                                                   correlation_id=g.get("correlation_id"))
    except Exception:
        log.warning("could not record a refusal in the audit log", exc_info=True)


def read(call, services, filters, page, page_size):
    """One page of the merged audit log, newest first: each service answers its newest `page × page_size`
    matching records and their count, and the page is cut from their merge."""
    window = page * page_size
    if window > MAX_WINDOW:
        raise ValidationFailed(f"page × page_size may not exceed {MAX_WINDOW}: narrow the filters instead",
                               code="PAGE_TOO_DEEP", errors={"page": [f"page × page_size > {MAX_WINDOW}"]},
                               extra={"max_window": MAX_WINDOW})
    # A service that does not answer fails the whole read (503): a log with its records missing would mislead.
    answers = [call(service, "list_audit", filters, window) for service in services]
    merged = heapq.merge(*(answer["items"] for answer in answers), key=_newest_first, reverse=True)
    items = list(merged)[(page - 1) * page_size:window]
    return {"items": items, "total": sum(answer["total"] for answer in answers), "page": page,
            "page_size": page_size}


def _newest_first(item):
    service, _, number = item["id"].partition(":")
    return item["occurred_at"], service, int(number)
