"""Marshmallow at the RPC boundary: load (validate) input, turning errors into ValidationFailed."""
import datetime as dt
import re
from collections.abc import Mapping

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from services.common.errors import ValidationFailed


# Text no legitimate input carries: NUL (PostgreSQL cannot store it), and a lone surrogate (a JSON escape such
# as "\\ud800" that encodes no character: it cannot be written as UTF-8 anywhere, so it fails deep inside).
_BAD_TEXT = ((re.compile("\x00"), "Must not contain NUL characters."),
             (re.compile("[\ud800-\udfff]"), "Must not contain unpaired surrogates (\\ud800-\\udfff)."))


def bad_text(value):
    """Why this text is refused, or None."""
    return next((message for pattern, message in _BAD_TEXT if pattern.search(value)), None)


def _bad_fields(value, path=""):
    if isinstance(value, str):
        message = bad_text(value)
        return [(path or "_schema", message)] if message else []
    if isinstance(value, Mapping):  # also webargs' MultiDictProxy for query strings
        return [f for key in value for f in _bad_fields(value[key], f"{path}.{key}" if path else str(key))]
    if isinstance(value, list):
        return [f for item in value for f in _bad_fields(item, path)]
    return []


class Strict(Schema):
    """Input schema that refuses unknown fields (no mass assignment) and NUL characters or lone surrogates
    in text (PostgreSQL cannot store them, and no legitimate input carries one)."""

    class Meta:
        unknown = RAISE

    @pre_load
    def refuse_nul_characters(self, data, **kwargs):
        bad = sorted(set(_bad_fields(data)))
        if bad:
            errors = {}
            for field, message in bad:
                errors.setdefault(field, []).append(message)
            raise ValidationError(errors)
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


# -- the field types every schema uses (gateway and services) ---------------------------------------
# Python reads "１２３" (full-width) and "١٢٣" (Arabic-Indic) as 123, and date.fromisoformat reads "20270108":
# no form in this business means either, so numbers and dates are written with ASCII digits, dates as
# YYYY-MM-DD, and these types refuse everything else before Python is asked.
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
                        r"(Z|[+-][0-9]{2}:?[0-9]{2})?", re.ASCII)


class StrictDecimal(fields.Decimal):
    """A Decimal from a JSON number or a string of ASCII digits with an optional sign and decimal point
    ("150000.00"); no exponent, blanks, NaN or other digits."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not _DECIMAL.fullmatch(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def decimal_string(integer_digits, places, example, **kwargs):
    """A decimal written as a string ("150000.00"): at most `integer_digits` digits before the point and
    `places` after it, ASCII digits only. The gateway's money and rates; the service loads it as a Decimal."""
    pattern = rf"^[0-9]{{1,{integer_digits}}}(\.[0-9]{{1,{places}}})?$"
    metadata = {"example": example, "pattern": pattern, **kwargs.pop("metadata", {})}
    return fields.String(validate=validate.Regexp(re.compile(pattern.replace("$", r"\Z"), re.ASCII),
                                                  error=f"a decimal string such as \"{example}\""),
                         metadata=metadata, **kwargs)


def ascii_regexp(pattern, error):
    """A Regexp validator matching the whole value, ASCII only: `\\d` is [0-9] (Python's also takes "１" and
    "٣") and the end is the end (`$` would let a trailing newline through). Phones, account numbers, codes."""
    return validate.Regexp(re.compile(rf"(?:{pattern})\Z", re.ASCII), error=error)


class StrictInteger(fields.Integer):
    """An integer written as a JSON number: 12, not "12", "１２", 12.5 (which int() would cut to 12) or true."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)


# At most 18 digits: every integer a query takes fits, and a longer one is refused before int() (which raises an
# error of its own past 4,300 digits, and is quadratic in the length until then).
_INTEGER = re.compile(r"-?[0-9]{1,18}", re.ASCII)


class QueryInteger(fields.Integer):
    """An integer in a query string, where every value is text: up to 18 ASCII digits with an optional minus sign
    ("2", not "２", " 2", "2.0" or "1_0"); an int passed in by a caller inside the process also loads."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            if not _INTEGER.fullmatch(value):
                raise self.make_error("invalid", input=value)
            value = int(value)
        return super()._deserialize(value, attr, data, **kwargs)


class IsoDate(fields.Date):
    """A date written `YYYY-MM-DD` (ISO 8601 extended form) with ASCII digits."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value  # already a date (a caller inside the process)
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class IsoTimestamp(fields.AwareDateTime):
    """An ISO 8601 timestamp in extended form (`2027-01-08T09:30:00+08:00`) with ASCII digits."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not _TIMESTAMP.fullmatch(value):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        return super()._deserialize(value, attr, data, **kwargs)


# Dates a car-loan business deals in. Outside this window a date is a typo, and arithmetic on it (a
# 60-month schedule from 9999-12-01, a UTC shift of 0001-01-01) would overflow the calendar.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)


def business_date(**kwargs):
    """A `YYYY-MM-DD` date field between 2000-01-01 and 2099-12-31."""
    return IsoDate(validate=validate.Range(min=EARLIEST, max=LATEST,
                                           error="a date between 2000-01-01 and 2099-12-31"), **kwargs)


def business_timestamp(**kwargs):
    """An ISO 8601 timestamp with its offset, in the same window."""
    return IsoTimestamp(validate=validate.Range(
        min=dt.datetime.combine(EARLIEST, dt.time(), dt.timezone.utc),
        max=dt.datetime.combine(LATEST, dt.time(), dt.timezone.utc),
        error="a timestamp between 2000-01-01 and 2099-12-31"), **kwargs)
