"""Small helpers shared by integration and end-to-end tests."""
import time


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
                "occurred_at": dt.datetime.now(dt.timezone.utc).isoformat(), "business_date": business_date or clock.today().isoformat(),
                "source": source, "correlation_id": "test", "payload": payload}
    with Connection(amqp_uri) as connection:
        producer = Producer(connection.channel(), exchange=events_exchange(source))
        for _ in range(times):
            producer.publish(json.dumps(envelope), routing_key=event_type, content_type="application/json",
                             content_encoding="utf-8", delivery_mode=2)
    return envelope
