"""Reliable consumer: the way every service subscribes to events.

    @subscribe("loan.disbursed")
    def on_loan_disbursed(self, event): ...   # event: Envelope; effects go through self.uow

* The handler's effects and an `inbox` row (event_id, handler) commit in one transaction, so a
  redelivered event is acknowledged without being applied again.
* A failing handler is retried with exponential backoff (its message stays unacknowledged meanwhile);
  after `CARLOAN_EVENT_MAX_ATTEMPTS` attempts the event is parked in `parked_event` and counted in
  `carloan_events_parked_total`; only then is the message acknowledged. Nothing is acked and forgotten.
* Queues are durable and named as Nameko names them; `declare_topology` creates them at deploy time,
  so events published before a consumer first runs wait in its queue.
"""
import datetime as dt
import logging
import sys
import traceback
from dataclasses import dataclass
from functools import partial

from nameko.events import SERVICE_POOL, EventHandler
from nameko.exceptions import ContainerBeingKilled
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from services.common import clock, config, jsonutil, metrics
from services.common.context import ACTOR_KEY, CORRELATION_KEY
from services.common.clock import utcnow
from services.common.db import UnitOfWork
from services.common.errors import Conflict

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Envelope:
    event_id: str
    type: str
    occurred_at: str
    business_date: str
    source: str
    correlation_id: str | None
    payload: dict
    actor: dict | None = None

    @property
    def business_day(self):
        """The business date as a date (today's in the business time zone if the event carries none)."""
        return dt.date.fromisoformat(self.business_date) if self.business_date else clock.today()

    @classmethod
    def from_body(cls, body):
        return cls(event_id=body["event_id"], type=body["type"], occurred_at=body["occurred_at"],
                   business_date=body.get("business_date"), source=body["source"],
                   correlation_id=body.get("correlation_id"), payload=body.get("payload") or {},
                   actor=body.get("actor"))

    def to_dict(self):
        return {"event_id": self.event_id, "type": self.type, "occurred_at": self.occurred_at,
                "business_date": self.business_date, "source": self.source,
                "correlation_id": self.correlation_id, "payload": self.payload, "actor": self.actor}


class ReliableEventHandler(EventHandler):
    def __init__(self, source_service, event_type=None, **kwargs):
        if event_type is None:  # subscribe("loan.disbursed")
            source_service, event_type = source_service.split(".", 1)
        kwargs.update(handler_type=SERVICE_POOL, reliable_delivery=True, requeue_on_error=True)
        super().__init__(source_service, event_type, **kwargs)
        self.max_attempts = config.env_int("CARLOAN_EVENT_MAX_ATTEMPTS", 5)
        self.backoff = config.env_float("CARLOAN_EVENT_RETRY_SECONDS", 0.2)

    @property
    def handler_name(self):
        return f"{self.container.service_name}.{self.method_name}"

    def _uow(self):
        for dependency in self.container.dependencies:
            if isinstance(dependency, UnitOfWork):
                return dependency
        raise TypeError(f"{self.container.service_name} subscribes to events but has no UnitOfWork")

    def _already_handled(self, event_id):
        inbox = self._uow().metadata.tables["inbox"]
        with self._uow().engine.connect() as conn:
            return conn.execute(select(inbox.c.event_id).where(
                inbox.c.event_id == event_id, inbox.c.handler == self.handler_name)).first() is not None

    def _duplicate_after_conflict(self, event_id):
        """Was the conflict the inbox row of another delivery (not a conflict in the handler's data)?"""
        try:
            return self._already_handled(event_id)
        except Exception:
            return False  # unknown: treat as a failure, so the event is retried rather than dropped

    def handle_message(self, body, message, attempt=1):
        try:
            self._dispatch(body, message, attempt)
        except Exception:
            # E.g. the database is down for the inbox check. Never let the container die for it or lose
            # the message: give it back to the broker after a pause.
            log.exception("could not dispatch an event; requeueing it")
            import eventlet
            eventlet.sleep(self.backoff)
            self.queue_consumer.requeue_message(message)

    def _dispatch(self, body, message, attempt):
        try:
            envelope = Envelope.from_body(body)
        except (KeyError, TypeError, AttributeError) as exc:
            self._park(body if isinstance(body, dict) else {"body": repr(body)}, message,
                       f"malformed envelope: {exc!r}", 0)
            return
        if self._already_handled(envelope.event_id):
            metrics.EVENTS_HANDLED.labels(self.container.service_name, envelope.type, "duplicate").inc()
            self.queue_consumer.ack_message(message)
            return
        context_data = {CORRELATION_KEY: envelope.correlation_id, ACTOR_KEY: None}
        handle_result = partial(self._handle_result, message, envelope, attempt)
        try:
            self.container.spawn_worker(self, (envelope,), {}, context_data=context_data,
                                        handle_result=handle_result)
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def _handle_result(self, message, envelope, attempt, worker_ctx, result, exc_info):
        unit = worker_ctx.unit_of_work
        service = self.container.service_name
        if exc_info is None:
            try:
                unit.session.execute(insert(unit.tables["inbox"]).values(
                    event_id=envelope.event_id, handler=self.handler_name,
                    event_type=envelope.type, handled_at=utcnow()))
                unit.commit()
                metrics.EVENTS_HANDLED.labels(service, envelope.type, "applied").inc()
                self.queue_consumer.ack_message(message)
                return result, None
            except (Conflict, IntegrityError):
                # On PostgreSQL a concurrent delivery of the same event blocks on the inbox key, then fails.
                exc_info = sys.exc_info()
                unit.rollback()
                if self._duplicate_after_conflict(envelope.event_id):
                    # Another delivery of this event committed first: nothing more to do.
                    metrics.EVENTS_HANDLED.labels(service, envelope.type, "duplicate").inc()
                    self.queue_consumer.ack_message(message)
                    return result, None
            except Exception as exc:
                exc_info = sys.exc_info()
                log.warning("event %s: commit failed: %r", envelope.event_id, exc)
        else:
            unit.rollback()
        metrics.EVENTS_HANDLED.labels(service, envelope.type, "failed").inc()
        if attempt < self.max_attempts:
            delay = self.backoff * 2 ** (attempt - 1)
            log.warning("event %s (%s) failed on attempt %d, retrying in %.1fs",
                        envelope.event_id, envelope.type, attempt, delay)
            self.container.spawn_managed_thread(
                partial(self._retry_later, envelope.to_dict(), message, attempt + 1, delay),
                identifier="event-retry")
        else:
            error = "".join(traceback.format_exception(*exc_info))
            self._park(envelope.to_dict(), message, error, attempt)
        return result, exc_info

    def _retry_later(self, body, message, attempt, delay):
        import eventlet
        eventlet.sleep(delay)
        self.handle_message(body, message, attempt=attempt)

    def _park(self, body, message, error, attempts):
        uow = self._uow()
        parked = uow.metadata.tables["parked_event"]
        try:
            with uow.engine.begin() as conn:
                conn.execute(insert(parked).values(
                    event_id=str(body.get("event_id", "?")), handler=self.handler_name,
                    event_type=str(body.get("type", "?")), envelope=jsonutil.dumps(body),
                    error=error[-8000:], attempts=attempts, parked_at=utcnow()))
        except Exception:
            # Cannot park (database down): give the message back to the broker rather than lose it.
            log.exception("could not park event %s; requeueing it", body.get("event_id"))
            self.queue_consumer.requeue_message(message)
            return
        log.error("event %s (%s) parked after %d attempts", body.get("event_id"), body.get("type"),
                  attempts)
        metrics.EVENTS_PARKED.labels(self.container.service_name, str(body.get("type", "?"))).inc()
        self.queue_consumer.ack_message(message)


subscribe = ReliableEventHandler.decorator


def reliable_handlers(service_cls):
    """The ReliableEventHandler entrypoints declared on a service class (for topology declaration)."""
    for name in dir(service_cls):
        for entrypoint in getattr(getattr(service_cls, name, None), "nameko_entrypoints", ()):
            if isinstance(entrypoint, ReliableEventHandler):
                yield name, entrypoint
