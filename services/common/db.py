"""Database engines and the unit of work: one session per worker, committed on success, rolled back on error.

A service declares `uow = UnitOfWork(metadata)`. Inside an entrypoint, `self.uow.session` is the worker's
SQLAlchemy session, `self.uow.emit(...)` writes an event to the outbox and `self.uow.audit(...)` an audit
record, all in the same transaction. The project's `rpc` and `subscribe` entrypoints commit *before* the
reply or ack is sent, so a caller never hears "done" about something that was not committed.
"""
import logging
import sys
import uuid

from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine, event, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from services.common import clock, config, context, jsonutil
from services.common.clock import utcnow
from services.common.audit import mask
from services.common.errors import Conflict

log = logging.getLogger(__name__)


def make_engine(url, pool_size=None):
    if url.startswith("sqlite"):
        # One connection, handed out in turn: SQLite has a single writer, and under eventlet a
        # greenthread blocked on SQLite's busy wait would stall the one holding the lock.
        engine = create_engine(url, pool_size=1, max_overflow=0, pool_timeout=60,
                               connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    if pool_size == 0:
        return create_engine(url, poolclass=NullPool)
    size = pool_size or config.env_int("CARLOAN_DB_POOL_SIZE", 10)
    return create_engine(url, pool_size=size, max_overflow=size, pool_pre_ping=True)


def is_postgres(engine):
    return engine.dialect.name == "postgresql"


class Unit:
    """The worker's transaction: session, actor, correlation id, and the outbox and audit writers."""

    def __init__(self, provider, session, actor, correlation_id):
        self._provider = provider
        self.session = session
        self.actor = actor
        self.correlation_id = correlation_id
        self.service_name = provider.service_name
        self.emitted = []
        self.memo = {}  # what a use case looked up once in this transaction (e.g. the LPR of a day)
        self.audited = False
        self.finished = False

    @property
    def tables(self):
        return self._provider.metadata.tables

    def emit(self, event_type, payload, business_date=None):
        """Add an event to the outbox in this transaction; returns its envelope."""
        return self.emit_many([(event_type, payload)], business_date)[0]

    def emit_many(self, events, business_date=None):
        """Add events of this transaction to the outbox in one statement: `events` are (type, payload) pairs, all
        of one business date (a date or its ISO text; default today). Returns their envelopes."""
        if not events:
            return []
        now = utcnow()
        business_date = business_date or clock.today()
        business_date = business_date if isinstance(business_date, str) else business_date.isoformat()
        actor = {"user_id": self.actor.user_id, "username": self.actor.username}
        envelopes = [{"event_id": str(uuid.uuid4()), "type": f"{self.service_name}.{event_type}",
                      "occurred_at": now.isoformat(), "business_date": business_date, "source": self.service_name,
                      "correlation_id": self.correlation_id, "actor": actor,
                      "payload": jsonutil.to_jsonable(payload)} for event_type, payload in events]
        self.session.execute(insert(self.tables["outbox"]), [
            {"event_id": envelope["event_id"], "event_type": event_type, "envelope": jsonutil.dumps(envelope),
             "created_at": now, "attempts": 0} for (event_type, _), envelope in zip(events, envelopes)])
        self.emitted.extend(envelopes)
        return envelopes

    def audit(self, action, target_type, target_id=None, payload=None, actor=None, client_address=None):
        """Record who did what to which object, in the same transaction as the change: `payload` is what changed
        (stored with secrets and personal data masked); `actor` (default this unit's) an Actor or a dict with
        `user_id`, `username` and `department_id`, e.g. the employee who logs in."""
        if not isinstance(actor, dict):
            actor = actor or self.actor
            actor = {"user_id": actor.user_id, "username": actor.username, "department_id": actor.department_id}
        changes = mask(jsonutil.to_jsonable(payload or {}))
        self.session.execute(insert(self.tables["audit_log"]).values(
            occurred_at=utcnow(), actor_id=str(actor["user_id"])[:64],
            actor_username=str(actor.get("username") or actor["user_id"])[:100],
            actor_department_id=actor.get("department_id"), action=action, target_type=target_type,
            target_id=None if target_id is None else str(target_id)[:64], changes=jsonutil.dumps(changes),
            payload_hash=jsonutil.payload_hash(changes), client_address=client_address and client_address[:64],
            correlation_id=self.correlation_id))
        self.audited = True

    def commit(self):
        try:
            self.session.commit()
        except IntegrityError as exc:
            self.session.rollback()
            raise Conflict("the change conflicts with data written at the same time",
                           code="CONCURRENT_CHANGE") from exc
        finally:
            self.finished = True
        self._provider.committed(self)

    def rollback(self):
        self.finished = True
        self.session.rollback()

    def close(self):
        self.session.close()


def complete(worker_ctx, result, exc_info):
    """Commit the worker's unit if the entrypoint succeeded, else roll it back (before reply/ack)."""
    unit = getattr(worker_ctx, "unit_of_work", None)
    if unit is None or unit.finished:
        return result, exc_info
    if exc_info is not None:
        unit.rollback()
        return result, exc_info
    try:
        unit.commit()
    except Exception:
        log.exception("commit failed")
        return None, sys.exc_info()
    return result, exc_info


class UnitOfWork(DependencyProvider):
    """Nameko dependency giving each worker a `Unit` on the service's database. What runs after a commit (the
    outbox relay, the audit sealer: `services.common.relay.Relays`) registers with `on_commit`."""

    def __init__(self, metadata):
        self.metadata = metadata
        self.engine = None
        self._commit_listeners = []

    def setup(self):
        self.service_name = self.container.service_name
        url = self.container.config.get("DATABASE_URL") or config.database_url(self.service_name)
        self.engine = make_engine(url)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)

    def on_commit(self, listener):
        """Call `listener(unit)` after each unit committed."""
        self._commit_listeners.append(listener)

    def committed(self, unit):
        for listener in self._commit_listeners:
            listener(unit)

    def get_dependency(self, worker_ctx):
        # Nameko injects dependencies before `worker_setup`, so the unit is made here.
        actor, correlation_id = context.from_worker(worker_ctx, self.service_name)
        context.bind(correlation_id)
        worker_ctx.unit_of_work = Unit(self, self.session_factory(), actor, correlation_id)
        return worker_ctx.unit_of_work

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        complete(worker_ctx, result, exc_info)

    def worker_teardown(self, worker_ctx):
        unit = getattr(worker_ctx, "unit_of_work", None)
        if unit is not None:
            unit.close()
            del worker_ctx.unit_of_work
        context.bind(None)

