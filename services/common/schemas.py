"""Marshmallow at the RPC boundary: load (validate) input, turning errors into ValidationFailed."""
from marshmallow import RAISE, Schema, ValidationError

from services.common.errors import ValidationFailed


class Strict(Schema):
    """Input schema that refuses unknown fields (no mass assignment)."""

    class Meta:
        unknown = RAISE


def _flatten(messages, prefix=""):
    flat = {}
    for field, value in (messages.items() if isinstance(messages, dict) else [("_schema", messages)]):
        key = f"{prefix}{field}"
        if isinstance(value, dict):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = [str(m) for m in (value if isinstance(value, list) else [value])]
    return flat


def load(schema, data, **kwargs):
    try:
        return schema.load(data, **kwargs)
    except ValidationError as exc:
        errors = _flatten(exc.messages)
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
        raise ValidationFailed(detail, errors=errors) from None
