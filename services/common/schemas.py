"""Marshmallow at the RPC boundary: load (validate) input, turning errors into ValidationFailed."""
import datetime as dt
from collections.abc import Mapping

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

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


# Dates a car-loan business deals in. Outside this window a date is a typo, and arithmetic on it (a
# 60-month schedule from 9999-12-01, a UTC shift of 0001-01-01) would overflow the calendar.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)


def business_date(**kwargs):
    """A `YYYY-MM-DD` date field between 2000-01-01 and 2099-12-31."""
    return fields.Date(validate=validate.Range(min=EARLIEST, max=LATEST,
                                               error="a date between 2000-01-01 and 2099-12-31"), **kwargs)


def business_timestamp(**kwargs):
    """An ISO 8601 timestamp with its offset, in the same window."""
    return fields.AwareDateTime(validate=validate.Range(
        min=dt.datetime.combine(EARLIEST, dt.time(), dt.timezone.utc),
        max=dt.datetime.combine(LATEST, dt.time(), dt.timezone.utc),
        error="a timestamp between 2000-01-01 and 2099-12-31"), **kwargs)
