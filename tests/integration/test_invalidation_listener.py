"""The gateway's principal-invalidation listener keeps its broker connection: it sends its heartbeats while it
waits, so the broker does not reset it (which dropped every worker's principal cache each minute and a half)."""
import time
import uuid

from kombu import Connection, Exchange, Queue

from gateway.events import pump

AMQP_URI = "amqp://guest:guest@127.0.0.1:5672//"


def test_a_waiting_listener_keeps_its_connection_past_several_heartbeats():
    exchange = Exchange(f"test-listener-{uuid.uuid4().hex[:8]}", type="topic", auto_delete=True)
    queue = Queue(exchange.name, exchange, routing_key="#", auto_delete=True, exclusive=True)
    received = []
    with Connection(AMQP_URI, heartbeat=2, connect_timeout=5) as connection:
        with connection.Consumer([queue], callbacks=[lambda body, message: (received.append(body), message.ack())],
                                 accept=["json"]):
            deadline = time.monotonic() + 7  # the broker gives up on a peer after two missed heartbeats: 4 s
            while time.monotonic() < deadline:
                pump(connection, heartbeat=2)
            with Connection(AMQP_URI) as other:
                other.Producer().publish({"type": "org.role_updated"}, exchange=exchange, routing_key="x",
                                         declare=[exchange], serializer="json")
            deadline = time.monotonic() + 5
            while not received and time.monotonic() < deadline:
                pump(connection, heartbeat=2)
    assert received == [{"type": "org.role_updated"}]
