"""Plumbing tables every service keeps in its own database (outbox, inbox, parked events, audit log), and
the column types all services share."""
import datetime as dt
import uuid

from sqlalchemy import (BigInteger, Column, DateTime, Index, Integer, MetaData, Numeric, String, Table, Text,
                        text)
from sqlalchemy.types import TypeDecorator

ID = BigInteger().with_variant(Integer(), "sqlite")
MONEY = Numeric(18, 2)  # yuan to the fen


def new_id():
    """Primary keys of business objects: opaque UUID strings."""
    return str(uuid.uuid4())


class UtcDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite hands back naive values otherwise)."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC value")
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value


def add_plumbing_tables(metadata: MetaData):
    """Define the plumbing tables on a service's metadata (called once from its models module)."""
    Table(
        "outbox", metadata,
        Column("id", ID, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(100), nullable=False),
        Column("envelope", Text, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("sent_at", UtcDateTime()),
        Column("attempts", Integer, nullable=False, default=0),
        Column("next_attempt_at", UtcDateTime()),
        Column("last_error", Text),
        Index("ix_outbox_unsent", "id", postgresql_where=text("sent_at IS NULL"),
              sqlite_where=text("sent_at IS NULL")),
    )
    Table(
        "inbox", metadata,
        Column("event_id", String(36), primary_key=True),
        Column("handler", String(200), primary_key=True),
        Column("event_type", String(100), nullable=False),
        Column("handled_at", UtcDateTime(), nullable=False),
    )
    Table(
        "parked_event", metadata,
        Column("id", ID, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False),
        Column("handler", String(200), nullable=False),
        Column("event_type", String(100), nullable=False),
        Column("envelope", Text, nullable=False),
        Column("error", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("parked_at", UtcDateTime(), nullable=False),
        Column("replayed_at", UtcDateTime()),
    )
    Table(
        "audit_log", metadata,
        Column("id", ID, primary_key=True, autoincrement=True),
        Column("occurred_at", UtcDateTime(), nullable=False),
        Column("actor_id", String(64), nullable=False),
        Column("actor_username", String(100), nullable=False),
        Column("action", String(100), nullable=False),
        Column("target_type", String(50), nullable=False),
        Column("target_id", String(64)),
        Column("payload_hash", String(64), nullable=False),
        Column("correlation_id", String(64)),
        # What changed, as JSON with secrets and personal data masked (services/common/audit.py).
        Column("changes", Text),
        Column("actor_department_id", String(36)),
        Column("client_address", String(64)),
        # The hash chain, filled in by the sealer after the command committed.
        Column("seq", BigInteger),
        Column("prev_hash", String(64)),
        Column("hash", String(64)),
        Index("ix_audit_log_target", "target_type", "target_id"),
        Index("ix_audit_log_occurred_at", "occurred_at"),
        Index("ux_audit_log_seq", "seq", unique=True),
        Index("ix_audit_log_unsealed", "id", postgresql_where=text("seq IS NULL"), sqlite_where=text("seq IS NULL")),
    )
    return metadata
