"""The audit log: what each record keeps (masked), how records are chained by hash, read and verified.

A command writes its record in its own transaction, unsealed (`seq` empty), so commands never wait on one
another for the log. A sealer (one per service, one at a time) then gives each unsealed record, in the order
it seals them, the next `seq`, the previous record's hash as `prev_hash`, and
`hash = sha256(prev_hash + canonical record)`. Changing, removing or reordering a sealed record breaks the
chain at that record, which `python -m services.<name> audit-verify` reports. On PostgreSQL a trigger also
refuses UPDATE (except sealing a record not yet sealed), DELETE and TRUNCATE of the table.
"""
import datetime as dt
import hashlib
import json
import logging

from marshmallow import fields, validate
from sqlalchemy import and_, bindparam, func, or_, select, text, update

from services.common import jsonutil
from services.common.errors import Forbidden
from services.common.schemas import Strict, business_timestamp, load
from services.common.scope import scoped

log = logging.getLogger(__name__)

GENESIS = "0" * 64
MASK = "***"

# Keys whose values never reach the log: secrets are replaced by "***" (so the record still says a password
# was set), ID numbers and phones are masked as the customer service masks them on screen.
_SECRET_KEYS = {"password", "secret", "token", "password_hash", "access_token", "refresh_token", "api_key",
                "pii_key", "private_key"}
_SECRET_SUFFIXES = ("_password", "_secret", "_token", "_hash", "_key")
_ID_NUMBER_SUFFIXES = ("id_number", "id_card", "id_no")
_PHONE_SUFFIXES = ("phone", "mobile")


def _mask_id_number(value):
    value = str(value)
    return MASK if len(value) < 8 else value[:3] + "*" * (len(value) - 7) + value[-4:]


def _mask_phone(value):
    value = str(value)
    return MASK if len(value) < 7 else value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask(value, key=""):
    """A copy of a payload fit for the audit log: no secret, no full ID number or phone, at any depth."""
    if isinstance(value, dict):
        return {k: mask(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [mask(v, key) for v in value]
    lowered = key.lower()
    if value is None or value == "":
        return value
    if lowered in _SECRET_KEYS or lowered.endswith(_SECRET_SUFFIXES):
        return MASK
    if lowered.endswith(_ID_NUMBER_SUFFIXES):
        return _mask_id_number(value)
    if lowered.endswith(_PHONE_SUFFIXES):
        return _mask_phone(value)
    return value


def changes(before, after):
    """What a correction changed, for the audit log: `{field: {"from": old, "to": new}}` for every field of `after`
    whose value differs from `before`'s, each value masked as a value under that field's name is (a phone or ID
    number masked, a secret replaced). Nested under "from" and "to", a value would otherwise escape the masking,
    which goes by the key that holds it."""
    before, after = jsonutil.to_jsonable(before), jsonutil.to_jsonable(after)
    return {key: {"from": mask(before.get(key), key), "to": mask(value, key)}
            for key, value in after.items() if before.get(key) != value}


# -- the chain ----------------------------------------------------------------------------------
_CHAINED = ("id", "seq", "occurred_at", "actor_id", "actor_username", "actor_department_id", "action",
            "target_type", "target_id", "changes", "client_address", "correlation_id", "payload_hash")


def _utc_text(value):
    return value.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def canonical(row):
    """The record as hashed: its fields as stored (timestamps in UTC to the microsecond), as sorted JSON."""
    values = {name: getattr(row, name) for name in _CHAINED if name != "seq"}
    values["occurred_at"] = _utc_text(values["occurred_at"])
    return jsonutil.dumps(values)


def record_hash(prev_hash, seq, row):
    return hashlib.sha256(f"{prev_hash}\n{seq}\n{canonical(row)}".encode()).hexdigest()


class AuditSealer:
    """Seals unsealed records in batches; `drain()` seals everything committed so far (see the module doc)."""

    def __init__(self, engine, table, batch_size=500):
        self.engine = engine
        self.table = table
        self.batch_size = batch_size

    def run_once(self):
        """Seal one batch; returns how many records it sealed."""
        table = self.table
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "postgresql":
                # One sealer at a time per database (replicas share it); commands are never blocked by it.
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('carloan.audit_log.seal'))"))
            last = conn.execute(select(table.c.seq, table.c.hash).where(table.c.seq.is_not(None))
                                .order_by(table.c.seq.desc()).limit(1)).first()
            seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS)
            rows = conn.execute(select(table).where(table.c.seq.is_(None)).order_by(table.c.id)
                                .limit(self.batch_size)).all()
            if not rows:
                return 0
            sealed = []
            for row in rows:
                seq += 1
                digest = record_hash(prev_hash, seq, row)
                sealed.append({"row_id": row.id, "new_seq": seq, "new_prev": prev_hash, "new_hash": digest})
                prev_hash = digest
            conn.execute(update(table).where(and_(table.c.id == bindparam("row_id"), table.c.seq.is_(None)))
                         .values(seq=bindparam("new_seq"), prev_hash=bindparam("new_prev"),
                                 hash=bindparam("new_hash")), sealed)
        return len(sealed)

    def drain(self):
        total = 0
        while True:
            sealed = self.run_once()
            total += sealed
            if sealed < self.batch_size:
                return total


def verify(engine, table, batch_size=2000):
    """Walk the chain from the first record. Returns `(checked, problem)`: the number of sealed records read,
    and None when the chain holds, else a dict naming the first broken record (`seq`, `id`, `reason`)."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    with engine.connect() as conn:
        while True:
            rows = conn.execute(select(table).where(table.c.seq >= expected_seq).order_by(table.c.seq)
                                .limit(batch_size)).all()
            for row in rows:
                checked += 1
                problem = None
                if row.seq != expected_seq:
                    problem = f"record {expected_seq} is missing (the next is {row.seq})"
                elif row.prev_hash != prev_hash:
                    problem = "its prev_hash is not the hash of the record before it"
                elif row.hash != record_hash(prev_hash, row.seq, row):
                    problem = "its content does not match its hash (the record was changed)"
                if problem:
                    return checked, {"seq": expected_seq, "id": row.id, "reason": problem}
                prev_hash, expected_seq = row.hash, expected_seq + 1
            if len(rows) < batch_size:
                return checked, None


# -- reading ------------------------------------------------------------------------------------
MAX_LIMIT = 10_000


def dump(row, service_name):
    return {
        "id": f"{service_name}:{row.id}", "service": service_name, "seq": row.seq,
        "occurred_at": _utc_text(row.occurred_at), "actor_id": row.actor_id, "actor_username": row.actor_username,
        "action": row.action, "entity_type": row.target_type, "entity_id": row.target_id,
        "changes": None if row.changes is None else json.loads(row.changes),
        "client_address": row.client_address, "correlation_id": row.correlation_id,
        "sealed": row.seq is not None, "hash": row.hash,
    }


def list_records(session, table, service_name, viewer, filters, limit):
    """The newest `limit` records matching `filters` and their total. A viewer whose data scope is not `all`
    sees what the staff of the departments it covers did (scope `own`: what the viewer did)."""
    query = scoped(select(table), viewer, table.c.actor_department_id, table.c.actor_id)
    if filters.get("actor"):
        query = query.where(or_(table.c.actor_id == filters["actor"], table.c.actor_username == filters["actor"]))
    if filters.get("action"):
        query = query.where(table.c.action == filters["action"])
    if filters.get("entity_type"):
        query = query.where(table.c.target_type == filters["entity_type"])
    if filters.get("entity_id"):
        query = query.where(table.c.target_id == str(filters["entity_id"]))
    if filters.get("time_from"):
        query = query.where(table.c.occurred_at >= _aware(filters["time_from"]))
    if filters.get("time_to"):
        query = query.where(table.c.occurred_at < _aware(filters["time_to"]))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    limit = min(max(int(limit or 20), 1), MAX_LIMIT)
    rows = session.execute(query.order_by(table.c.occurred_at.desc(), table.c.id.desc()).limit(limit)).all()
    return {"items": [dump(row, service_name) for row in rows], "total": total}


class AuditFilters(Strict):
    actor = fields.String(validate=validate.Length(max=100))
    action = fields.String(validate=validate.Length(max=100))
    entity_type = fields.String(validate=validate.Length(max=50))
    entity_id = fields.String(validate=validate.Length(max=64))
    time_from = business_timestamp()
    time_to = business_timestamp()


def read(unit, service_name, filters=None, limit=20):
    """`list_audit` of every service: needs `audit.view`, whoever asks."""
    if not unit.actor.has("audit.view"):
        raise Forbidden("reading the audit log needs the permission audit.view", code="PERMISSION_DENIED",
                        extra={"permissions": ["audit.view"]})
    filters = load(AuditFilters(), filters or {})
    return list_records(unit.session, unit.tables["audit_log"], service_name, unit.actor, filters, limit)


def _aware(value):
    value = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if value.tzinfo is None:
        raise ValueError("naive datetime: pass an aware value")
    return value.astimezone(dt.timezone.utc)
