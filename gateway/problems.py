"""problem+json (RFC 9457) for every error the gateway returns, with a stable `code` and its title, detail and
field messages in the request's language (gateway/i18n.py); and the JSON bodies it refuses before any view reads
them."""
import json as std_json
import logging

from flask import json, make_response
from nameko.exceptions import RemoteError
from werkzeug.exceptions import HTTPException

from gateway import i18n
from gateway.rpc import ServiceUnavailable
from services.common.errors import DomainError, ValidationFailed
from services.common.schemas import bad_text

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"

# No body of this API nests deeper than a few levels; 32 leaves room and keeps every recursive reader (the
# JSON decoder, marshmallow, the RPC serialiser) far from Python's recursion limit.
MAX_JSON_DEPTH = 32

HTTP_CODES = {400: "BAD_REQUEST", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND",
              405: "METHOD_NOT_ALLOWED", 409: "CONFLICT", 413: "PAYLOAD_TOO_LARGE",
              415: "UNSUPPORTED_MEDIA_TYPE", 422: "VALIDATION_FAILED", 429: "RATE_LIMITED",
              500: "INTERNAL_ERROR", 503: "SERVICE_UNAVAILABLE"}


def problem(status, title, detail=None, code=None, errors=None, headers=None, extra=None):
    code = code or HTTP_CODES.get(status, "ERROR")
    title, detail, errors = i18n.problem_text(code, status, title, detail or title, errors, extra)
    body = {**(extra or {}), "type": f"urn:carloan:problem:{code.lower()}", "title": title, "status": status,
            "detail": detail, "code": code}
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


def _readable(key):
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def check_json_body(request):
    """Refuse a JSON body no view can safely read, before one does: one that does not parse (or parses only
    into something Python cannot hold, e.g. an integer of 5,000 digits), nests deeper than MAX_JSON_DEPTH
    (400), or holds a NUL or a lone surrogate ("\\ud800") in any string or key (422, by field, as the
    services' schemas report them). Such text cannot be encoded as UTF-8, so it would fail deep inside."""
    if not request.is_json:
        return
    raw = request.get_data(cache=True)
    if not raw:
        return
    try:
        body = std_json.loads(raw)
    except RecursionError:
        raise DomainError(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels", code="JSON_TOO_DEEP",
                          extra={"max_depth": MAX_JSON_DEPTH}) from None
    except ValueError as exc:  # also UnicodeDecodeError, and a number Python refuses to convert
        raise DomainError(f"the body is not valid JSON: {exc}", code="INVALID_JSON") from None
    errors, stack = {}, [(body, "", 1)]
    while stack:  # iterative: the walk itself must not recurse
        value, path, depth = stack.pop()
        if isinstance(value, str):
            message = bad_text(value)
            if message:
                errors.setdefault(path or "_schema", [message])
        elif isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise DomainError(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels", code="JSON_TOO_DEEP",
                                  extra={"max_depth": MAX_JSON_DEPTH})
            if isinstance(value, list):
                stack.extend((item, path, depth + 1) for item in value)
                continue
            for key, item in value.items():
                name = f"{path}.{_readable(key)}" if path else _readable(key)
                message = bad_text(key)
                if message:
                    errors.setdefault(name, [message])
                stack.append((item, name, depth + 1))
    if errors:
        raise ValidationFailed("; ".join(f"{field}: {' '.join(m)}" for field, m in sorted(errors.items())),
                               errors=dict(sorted(errors.items())))


def register(app):
    app.register_error_handler(DomainError, from_domain_error)

    @app.errorhandler(ServiceUnavailable)
    def service_unavailable(exc):
        log.warning("service unavailable: %s", exc)
        return problem(503, "Service unavailable", f"the {exc.service} service did not answer",
                       headers={"Retry-After": "5"}, extra={"service": exc.service})

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
