"""JSON for events and payload hashes: Decimal as string, dates as ISO 8601, keys sorted."""
import datetime as dt
import hashlib
import json
import uuid
from decimal import ROUND_HALF_UP, Decimal


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def money(value):
    """An amount as JSON carries it: a decimal string to the fen ("150000.00"); None stays None."""
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def rate(value, places="0.000001"):
    """A rate as JSON carries it: a decimal fraction string ("0.072000", 6 places; APR 4); None stays None."""
    return None if value is None else str(Decimal(value).quantize(Decimal(places)))


def iso(value):
    """A date or timestamp as JSON carries it (ISO 8601); None stays None."""
    return None if value is None else value.isoformat()


def dumps(value):
    return json.dumps(value, default=_default, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def to_jsonable(value):
    return json.loads(dumps(value))


def payload_hash(value):
    return hashlib.sha256(dumps(value).encode()).hexdigest()
