"""Domain errors with a stable code, serialisable across Nameko RPC and mapped to HTTP by the gateway.

The English `detail` is for logs and callers that are not people; the gateway shows people the catalogue's text for
the `code` in their language (gateway/messages.toml), filled from `extra`. So a value a message needs (an amount
range, a date, a status) goes into `extra`, and a code raised for different reasons says which in `extra["reason"]`.

Each error travels as its constructor arguments (Nameko's `deserialize_to_instance`), so the gateway
receives the same class with the same `code`, `detail` and field `errors`. Nameko turns every value that is not
a string, dict or list into its `str()`, so the `extra` members travel as one JSON text: a number stays a number.
"""
import json

from nameko.exceptions import deserialize_to_instance


class DomainError(Exception):
    status = 400
    code = "BAD_REQUEST"
    title = "Bad request"

    def __init__(self, detail=None, code=None, errors=None, extra=None):
        detail = detail or self.title
        code = code or type(self).code
        if isinstance(extra, str):  # as it arrives over RPC
            extra = json.loads(extra)
        super().__init__(detail, code, errors or {}, json.dumps(extra or {}, ensure_ascii=False, default=str))
        self.detail = detail
        self.code = code
        self.errors = errors or {}
        self.extra = extra or {}  # extension members of the problem, e.g. the id of an existing record

    def __str__(self):
        return f"{self.code}: {self.detail}"


@deserialize_to_instance
class ValidationFailed(DomainError):
    status = 422
    code = "VALIDATION_FAILED"
    title = "Validation failed"


@deserialize_to_instance
class NotFound(DomainError):
    status = 404
    code = "NOT_FOUND"
    title = "Not found"


@deserialize_to_instance
class Conflict(DomainError):
    status = 409
    code = "CONFLICT"
    title = "Conflict"


@deserialize_to_instance
class Forbidden(DomainError):
    status = 403
    code = "FORBIDDEN"
    title = "Forbidden"


@deserialize_to_instance
class Unauthenticated(DomainError):
    status = 401
    code = "UNAUTHENTICATED"
    title = "Authentication required"


@deserialize_to_instance
class RateLimited(DomainError):
    status = 429
    code = "RATE_LIMITED"
    title = "Too many requests"


@deserialize_to_instance
class Unavailable(DomainError):
    """A service this one depends on did not answer in time: nothing was changed, try again."""
    status = 503
    code = "SERVICE_UNAVAILABLE"
    title = "Service unavailable"


@deserialize_to_instance
class RuleViolated(DomainError):
    """A business rule refuses the command (e.g. a customer on the blacklist)."""
    status = 422
    code = "RULE_VIOLATED"
    title = "Refused by a business rule"


def field_error(field, message, code=None, extra=None):
    return ValidationFailed(f"{field}: {message}", code=code, errors={field: [message]}, extra=extra)


def from_refusal(refusal):
    """A domain `Refused` as the error the caller sees: 422 `RuleViolated` (with the field at fault), 409
    `Conflict` for a state that does not allow it, 403 `Forbidden` for a person who may not."""
    error = {"rule": RuleViolated, "conflict": Conflict, "forbidden": Forbidden}[refusal.kind]
    errors = {refusal.field: [refusal.message]} if refusal.field and refusal.kind == "rule" else None
    return error(refusal.message, code=refusal.code, errors=errors, extra=refusal.extra)
