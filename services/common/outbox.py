"""Outbox relay: publishes unsent outbox rows to `{service}.events` with confirms and `mandatory`.

A row is marked sent only after the broker confirmed it *and* routed it to at least one queue. A row that
comes back unroutable, is nacked, or meets a broken connection stays unsent for the next pass. Replicas
share the table safely: on PostgreSQL each pass locks its batch with `FOR UPDATE SKIP LOCKED`.
"""
import datetime as dt
import logging
import threading

from amqp.exceptions import MessageNacked
from kombu import Connection, Exchange, Producer
from sqlalchemy import func, or_, select, update

from services.common import metrics
from services.common.clock import utcnow
from services.common.config import env_float, env_int

log = logging.getLogger(__name__)


def events_exchange(service_name):
    """The exchange Nameko's event handlers bind to (see nameko.standalone.events.get_event_exchange)."""
    return Exchange(f"{service_name}.events", type="topic", durable=True, delivery_mode=2)


class OutboxRelay:
    def __init__(self, engine, outbox, service_name, amqp_uri, batch_size=None):
        self.engine = engine
        self.outbox = outbox
        self.service_name = service_name
        self.amqp_uri = amqp_uri
        self.batch_size = batch_size or env_int("CARLOAN_OUTBOX_BATCH", 200)
        self.exchange = events_exchange(service_name)
        self._connection = None
        self._producer = None
        self._returned = set()

    # -- broker ---------------------------------------------------------------------------------
    def _ensure_producer(self):
        if self._producer is None:
            connection = Connection(self.amqp_uri, transport_options={"confirm_publish": True},
                                    connect_timeout=5, heartbeat=0)
            connection.connect()
            channel = connection.channel()
            self.exchange(channel).declare()
            self._connection = connection
            self._producer = Producer(channel, exchange=self.exchange, on_return=self._on_return)
        return self._producer

    def _on_return(self, exception, exchange, routing_key, message):
        self._returned.add(message.properties.get("message_id"))

    def close(self):
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # connection may already be gone
                pass
        self._connection = self._producer = None

    def _publish(self, row):
        """Publish one row; True when confirmed and routed."""
        producer = self._ensure_producer()
        envelope_json = row.envelope
        producer.publish(
            envelope_json, routing_key=row.event_type, mandatory=True, delivery_mode=2,
            content_type="application/json", content_encoding="utf-8", message_id=row.event_id,
            retry=False)
        if row.event_id in self._returned:
            self._returned.discard(row.event_id)
            return False
        return True

    # -- one pass -------------------------------------------------------------------------------
    def run_once(self):
        """Publish one batch; returns (sent, kept) counts."""
        outbox = self.outbox
        now = utcnow()
        query = (select(outbox.c.id, outbox.c.event_id, outbox.c.event_type, outbox.c.envelope,
                        outbox.c.attempts)
                 .where(outbox.c.sent_at.is_(None))
                 .where(or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now))
                 .order_by(outbox.c.id).limit(self.batch_size))
        if self.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        sent, kept = [], []
        broker_error = None
        with self.engine.begin() as conn:
            rows = conn.execute(query).all()
            for row in rows:
                try:
                    reason = None if self._publish(row) else "unroutable: no queue bound for it yet"
                except MessageNacked:
                    reason = "nacked by the broker"
                except Exception as exc:  # broker gone: the rest waits for the next pass as it is
                    broker_error = exc
                    self.close()
                    break
                if reason is None:
                    sent.append(row.id)
                else:
                    kept.append(row)
                    # A row the broker refuses waits a little longer each time, so it never
                    # holds back the rows behind it.
                    delay = min(0.5 * 2 ** row.attempts, 30.0)
                    conn.execute(update(outbox).where(outbox.c.id == row.id).values(
                        attempts=row.attempts + 1, last_error=reason,
                        next_attempt_at=now + dt.timedelta(seconds=delay)))
            if sent:
                conn.execute(update(outbox).where(outbox.c.id.in_(sent)).values(sent_at=utcnow()))
        if sent:
            metrics.OUTBOX_PUBLISHED.labels(self.service_name).inc(len(sent))
        if broker_error is not None:
            raise broker_error
        return len(sent), len(kept)

    def backlog(self):
        """(unsent rows, of which the broker refused as unroutable: events no consumer subscribes to yet)."""
        unroutable = self.outbox.c.last_error.like("unroutable%")
        with self.engine.connect() as conn:
            row = conn.execute(select(func.count(), func.count().filter(unroutable))
                               .where(self.outbox.c.sent_at.is_(None))).one()
        return row[0], row[1]

    def drain(self):
        """Publish until nothing publishable is left; returns the number sent."""
        total = 0
        while True:
            sent, kept = self.run_once()
            total += sent
            if sent == 0 or sent + kept < self.batch_size:
                return total


class RelayLoop:
    """Runs the relay: at once after a commit that emitted events, and every poll interval otherwise. (The audit
    sealer runs in one too: anything with a `drain()`.)"""

    def __init__(self, relay, poll_interval=None, after_pass=None, name="outbox relay"):
        self.relay = relay
        self.name = name
        self.after_pass = after_pass
        self.poll_interval = poll_interval or env_float("CARLOAN_OUTBOX_POLL_SECONDS", 0.5)
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._failures = 0

    def wake(self):
        self._wake.set()

    def stop(self):
        self._stopped.set()
        self._wake.set()

    def run(self):
        while not self._stopped.is_set():
            self._wake.wait(self._delay())
            self._wake.clear()
            if self._stopped.is_set():
                break
            try:
                self.relay.drain()
                if self.after_pass is not None:
                    self.after_pass()
                self._failures = 0
            except Exception:
                self._failures += 1
                log.exception("%s pass failed", self.name)

    def _delay(self):
        # Back off while the database or broker is failing, up to 30 s.
        return min(self.poll_interval * (2 ** self._failures), 30.0)
