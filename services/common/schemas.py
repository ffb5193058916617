"""Marshmallow at the RPC boundary: load (validate) input, turning errors into ValidationFailed."""
from collections.abc import Mapping

from marshmallow import RAISE, Schema, ValidationError, pre_load

from services.common.errors import ValidationFailed


def _nul_fields(value, path=""):
    if isinstance(value, str):
        return [path or "_schema"] if "\x00" in value else []
    if isinstance(value, Mapping):  # also webargs' MultiDictProxy for query strings
        return [f for key in value for f in _nul_fields(value[key], f"{path}.{key}" if path else str(key))]
    if isinstance(value, list):
        return [f for item in value for f in _nul_fields(item, path)]
    return []


class Strict(Schema):
    """Input schema that refuses unknown fields (no mass assignment) and NUL characters in text
    (PostgreSQL cannot store them, and no legitimate input carries one)."""

    class Meta:
        unknown = RAISE

    @pre_load
    def refuse_nul_characters(self, data, **kwargs):
        bad = sorted(set(_nul_fields(data)))
        if bad:
            raise ValidationError({field: ["Must not contain NUL characters."] for field in bad})
        return data


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
