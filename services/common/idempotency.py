"""Exactly-once commands: a command's first answer, kept under its `Idempotency-Key` in the same transaction as
its effects, and replayed when the same command comes again.

The gateway gives every money-moving request a key (the client's `Idempotency-Key`, or a fresh one of its own),
so a request the broker redelivers after the service died between its commit and its reply carries the key it
had the first time, and finds the answer stored with the effects it committed. A service that wants this adds
the table to its metadata (`add_idempotency_table`, then a migration) and, in the command, once it holds the
lock that serialises commands on the object (so a concurrent twin waits and then sees the stored answer):

    stored = idempotency.replay(self.uow, key, f"repayment:{loan.id}", data)
    if stored is not None:
        return stored
    ...                                   # the effects
    idempotency.remember(self.uow, key, f"repayment:{loan.id}", data, result)

A use case says both in one call, `once(uow, key, operation, data, act, dump)`: the stored answer, or `dump(act())`
remembered. The same key with another body, or from another person, is 409 `IDEMPOTENCY_KEY_REUSED`.
"""
import json

from sqlalchemy import Column, PrimaryKeyConstraint, String, Table, Text, insert, select

from services.common import jsonutil
from services.common.clock import utcnow
from services.common.errors import Conflict, ValidationFailed
from services.common.tables import UtcDateTime

TABLE = "idempotent_request"
MAX_KEY_LENGTH = 200


def add_idempotency_table(metadata):
    """Define `idempotent_request` (key, operation → the request's hash and the first answer) on `metadata`."""
    Table(
        TABLE, metadata,
        Column("key", String(MAX_KEY_LENGTH), nullable=False),
        Column("operation", String(100), nullable=False),
        Column("request_hash", String(64), nullable=False),
        Column("response", Text, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        PrimaryKeyConstraint("key", "operation"),
    )
    return metadata


def require_key(key):
    """A money-moving command runs only under a key (the gateway always sends one)."""
    if not isinstance(key, str) or not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise ValidationFailed("a money-moving command needs an Idempotency-Key of 1 to 200 characters",
                               code="IDEMPOTENCY_KEY_REQUIRED",
                               errors={"Idempotency-Key": ["required, 1 to 200 characters"]})
    return key


def _hash(unit, data):
    # The actor is part of the request: someone else's key is not a way to read their answer.
    return jsonutil.payload_hash({"actor": unit.actor.user_id, "request": data})


def replay(unit, key, operation, data):
    """The answer stored for (`key`, `operation`), or None when the command has not run under that key yet; a
    command without a valid key is refused here, before any effect (`require_key`)."""
    require_key(key)
    table = unit.tables[TABLE]
    stored = unit.session.execute(select(table.c.request_hash, table.c.response).where(
        table.c.key == key, table.c.operation == operation)).first()
    if stored is None:
        return None
    if stored.request_hash != _hash(unit, data):
        raise Conflict("this Idempotency-Key was used with a different request", code="IDEMPOTENCY_KEY_REUSED")
    return json.loads(stored.response)


def remember(unit, key, operation, data, result):
    """Keep `result` as the answer to (`key`, `operation`) (the key checked by `replay`, which ran first), committed
    with the command's effects. Two commands racing under one key lose on the primary key (409
    `CONCURRENT_CHANGE`), never both take effect."""
    unit.session.execute(insert(unit.tables[TABLE]).values(
        key=key, operation=operation, request_hash=_hash(unit, data),
        response=jsonutil.dumps(result), created_at=utcnow()))
    return result


def once(unit, key, operation, data, act, dump):
    """The command under `key`, exactly once: the answer stored for it, or `act()`'s result as `dump` words it,
    remembered with the effects. Call it holding the lock that serialises commands on the object."""
    stored = replay(unit, key, operation, data)
    if stored is not None:
        return stored
    return remember(unit, key, operation, data, dump(act()))
