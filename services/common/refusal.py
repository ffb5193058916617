"""A business rule's refusal, as the domain modules raise it: framework-free (no Nameko, no HTTP), so the rules
stay plain functions a unit test calls directly.

`Refused(code, message, field=None, kind="rule", **extra)`: `code` is stable (clients branch on it), `field` names
the input at fault (if one is), `kind` says what sort of refusal it is — `"rule"` (the command breaks a business
rule), `"conflict"` (the object's state does not allow it now), `"forbidden"` (this person may not, e.g. maker and
checker would be one) — and `extra` is what a client needs to act on it. The platform's RPC entrypoint turns it
into the error the caller sees, in one place (`services.common.errors.from_refusal`)."""

KINDS = ("rule", "conflict", "forbidden")


class Refused(Exception):
    def __init__(self, code, message, field=None, kind="rule", **extra):
        if kind not in KINDS:
            raise ValueError(f"kind is one of {KINDS}, not {kind!r}")
        super().__init__(message)
        self.code, self.message, self.field, self.kind, self.extra = code, message, field, kind, extra

    def __repr__(self):
        return f"Refused({self.code!r}, {self.message!r}, field={self.field!r}, kind={self.kind!r})"
