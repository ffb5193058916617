"""Drops cached principals when the org service announces a change (disable, update, role change, a department
moved in the tree, which changes what department-tree scopes cover).

A per-process, non-durable queue: a missed message only means the cache entry lives out its short TTL.
"""
import logging
import threading
import time
import uuid

from kombu import Connection, Queue, binding

from services.common.outbox import events_exchange

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 30

ROUTING_KEYS = ("employee_disabled", "employee_updated", "role_updated", "department_updated")


def _listen(amqp_uri, cache):
    name = f"gateway-principals-{uuid.uuid4().hex[:12]}"
    exchange = events_exchange("org")
    queues = [Queue(name, bindings=[binding(exchange, routing_key=key) for key in ROUTING_KEYS],
                    exclusive=True, auto_delete=True, durable=False)]

    def on_message(body, message):
        body = body if isinstance(body, dict) else {}
        employee_id = (body.get("payload") or {}).get("employee_id")
        if body.get("type") == "org.role_updated" or employee_id is None:
            cache.drop()
        else:
            cache.drop(employee_id)
        message.ack()

    while True:
        try:
            with Connection(amqp_uri, heartbeat=HEARTBEAT_SECONDS, connect_timeout=5) as connection:
                with connection.Consumer(queues, callbacks=[on_message], accept=["json"]):
                    cache.drop()  # whatever was missed while disconnected
                    while True:
                        pump(connection)
        except Exception as exc:  # broker away: retry, the cache TTL covers the gap
            log.warning("principal invalidation listener: %s; reconnecting", exc)
            time.sleep(2)


def pump(connection, heartbeat=HEARTBEAT_SECONDS):
    """Deliver what has arrived (or wait a quarter of the heartbeat), then send our heartbeat if it is due. Checked
    after every wait, messages or not: checked only after a quiet 30 s, the broker missed our heartbeats and
    reset the connection every minute and a half, dropping the principal cache each time."""
    try:
        connection.drain_events(timeout=heartbeat / 4)
    except TimeoutError:
        pass
    connection.heartbeat_check()


def start_invalidation_listener(amqp_uri, cache):
    thread = threading.Thread(target=_listen, args=(amqp_uri, cache), daemon=True,
                              name="principal-invalidation")
    thread.start()
    return thread
