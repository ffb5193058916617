"""problem+json (RFC 9457) for every error the gateway returns, with a stable `code`."""
import logging

from flask import json, make_response
from nameko.exceptions import RemoteError
from werkzeug.exceptions import HTTPException

from gateway.rpc import ServiceUnavailable
from services.common.errors import DomainError

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"

HTTP_CODES = {400: "BAD_REQUEST", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND",
              405: "METHOD_NOT_ALLOWED", 409: "CONFLICT", 413: "PAYLOAD_TOO_LARGE",
              415: "UNSUPPORTED_MEDIA_TYPE", 422: "VALIDATION_FAILED", 429: "RATE_LIMITED",
              500: "INTERNAL_ERROR", 503: "SERVICE_UNAVAILABLE"}


def problem(status, title, detail=None, code=None, errors=None, headers=None, extra=None):
    code = code or HTTP_CODES.get(status, "ERROR")
    body = {**(extra or {}), "type": f"urn:carloan:problem:{code.lower()}", "title": title, "status": status,
            "detail": detail or title, "code": code}
    if errors:
        body["errors"] = errors
    response = make_response(json.dumps(body, ensure_ascii=False), status)
    response.content_type = CONTENT_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten(messages, prefix=""):
    """webargs messages `{location: {field: [...]}}` -> `{field: [...]}`; nested fields dotted."""
    flat = {}
    for key, value in messages.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, prefix if key in ("json", "query", "path", "form", "headers")
                                 and not prefix else f"{prefix}{key}."))
        else:
            values = value if isinstance(value, list) else [value]
            flat[f"{prefix}{key}"] = [str(v) for v in values]
    return flat


def from_http_exception(exc: HTTPException):
    status = exc.code or 500
    errors = None
    data = getattr(exc, "data", None) or {}
    if "messages" in data:
        errors = _flatten(data["messages"])
    detail = exc.description if isinstance(exc.description, str) else None
    if errors:
        detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
    return problem(status, exc.name, detail, errors=errors)


def from_domain_error(exc: DomainError):
    headers = {}
    errors = dict(exc.errors or {})
    if exc.status == 429:
        headers["Retry-After"] = (errors.pop("retry_after", None) or ["60"])[0]
    return problem(exc.status, exc.title, exc.detail, code=exc.code, errors=errors or None,
                   headers=headers, extra=exc.extra)


def register(app):
    app.register_error_handler(DomainError, from_domain_error)

    @app.errorhandler(ServiceUnavailable)
    def service_unavailable(exc):
        log.warning("service unavailable: %s", exc)
        return problem(503, "Service unavailable", f"the {exc.service} service did not answer",
                       headers={"Retry-After": "5"})

    @app.errorhandler(RemoteError)
    def remote_error(exc):
        log.error("unexpected error in a service: %s %s", exc.exc_type, exc.value)
        return problem(500, "Internal error", "an unexpected error occurred; it has been logged")

    @app.errorhandler(Exception)
    def unexpected(exc):
        if isinstance(exc, HTTPException):
            return from_http_exception(exc)
        log.exception("unexpected error")
        return problem(500, "Internal error", "an unexpected error occurred; it has been logged")
