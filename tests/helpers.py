"""Small helpers shared by integration and end-to-end tests."""
import datetime as dt
import json
import secrets
import time
import uuid

from services.collateral.domain import vin_check_digit

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643, computed here on its own
VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"  # what a VIN may hold: no I, O or Q


def new_id_number(birth=None):
    """A fresh valid resident ID number (GB 11643): a random birth date (1960-1999) and sequence, so the
    suite's many registrations do not collide (with one birth date there are only 1,000 numbers)."""
    if birth is None:
        born = dt.date(1960, 1, 1) + dt.timedelta(days=secrets.randbelow(40 * 365))
        birth = f"{born:%Y%m%d}"
    body = "110101" + birth + f"{secrets.randbelow(1000):03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]


def new_phone():
    return f"139{secrets.randbelow(10 ** 8):08d}"


def new_vin(prefix="LSVAM418"):
    """A fresh valid 17-character VIN: `prefix` (the maker's code and the vehicle descriptor), its check digit
    and eight random characters (33^8 of them, so a whole suite's vehicles never collide, where six random
    digits, a million VINs, collided now and then when a few hundred vehicles were registered)."""
    body = prefix + "?" + "".join(secrets.choice(VIN_ALPHABET) for _ in range(16 - len(prefix)))
    return body.replace("?", vin_check_digit(body.replace("?", "0")))


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
