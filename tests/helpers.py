"""Small helpers shared by integration and end-to-end tests."""
import json
import time
import uuid


def wait_until(predicate, timeout=30.0, interval=0.1, message="condition"):
    """Poll until `predicate()` is truthy; returns its value or fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message} (last: {value!r})")
        time.sleep(interval)


def publish_event(amqp_uri, source, event_type, payload, times=2, business_date=None, event_id=None):
    """Publish one event as `source`'s outbox relay would, `times` times (a redelivery); returns its envelope."""
    import datetime as dt
    import json
    import uuid

    from kombu import Connection, Producer

    from services.common import clock
    from services.common.outbox import events_exchange

    envelope = {"event_id": event_id or str(uuid.uuid4()), "type": f"{source}.{event_type}",
                "occurred_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                "business_date": business_date or clock.today().isoformat(),
                "source": source, "correlation_id": "test", "payload": payload}
    with Connection(amqp_uri) as connection:
        producer = Producer(connection.channel(), exchange=events_exchange(source))
        for _ in range(times):
            producer.publish(json.dumps(envelope), routing_key=event_type, content_type="application/json",
                             content_encoding="utf-8", delivery_mode=2)
    return envelope


class EventTap:
    """What `source` publishes from now on (events matching `routing_key`), on a queue of the test's own:
    `tap()` returns every event seen so far, `tap("disbursed")` those of one type."""

    def __init__(self, amqp_uri, source, routing_key="#"):
        from kombu import Connection, Queue

        from services.common.outbox import events_exchange
        self.source, self.seen = source, []
        self.connection = Connection(amqp_uri)
        self.queue = Queue(f"test-{source}-{uuid.uuid4().hex[:6]}", events_exchange(source), routing_key=routing_key,
                           auto_delete=True)
        self.queue(self.connection.channel()).declare()

    def __call__(self, event_type=None):
        simple = self.connection.SimpleQueue(self.queue)
        while True:
            try:
                message = simple.get(block=True, timeout=0.2)
            except simple.Empty:
                break
            self.seen.append(json.loads(message.body))
            message.ack()
        return [e for e in self.seen if event_type is None or e["type"] == f"{self.source}.{event_type}"]

    def close(self):
        self.connection.release()



def as_actor(actor, keys=None):
    """Nameko context data that makes a direct RPC call act as `actor` (a dict with `user_id`, `permissions`…),
    signed as the gateway signs it for a logged-in employee (`keys`: the platform's `CARLOAN_ACTOR_KEYS`)."""
    from services.common.context import ACTOR_KEY, sign_actor
    return {ACTOR_KEY: sign_actor(actor, keys, ttl=3600)}  # a test may hold its proxy for minutes


def as_service(service_name, keys=None):
    """Nameko context data of a direct RPC call made by `service_name` on its own account."""
    from services.common.context import ACTOR_KEY, sign_service
    return {ACTOR_KEY: sign_service(service_name, keys, ttl=3600)}
