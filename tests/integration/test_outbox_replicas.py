"""Several relay replicas on one PostgreSQL outbox publish every event exactly once."""
import datetime as dt
import json
import uuid

import eventlet
from kombu import Connection, Queue
from sqlalchemy import create_engine, func, insert, select

from services.common.outbox import OutboxRelay, events_exchange
from tests.integration.event_services import create_schema, writer_metadata


def test_two_relays_share_the_outbox_without_publishing_anything_twice(pg_database, rabbit_config):
    url = pg_database("carloan_outbox")
    create_schema(writer_metadata, url)
    outbox = writer_metadata.tables["outbox"]
    amqp_uri = rabbit_config["AMQP_URI"]
    queue = Queue("replica-check", exchange=events_exchange("writer"), routing_key="noted", durable=True)
    with Connection(amqp_uri) as connection:
        queue(connection.channel()).declare()

    engine = create_engine(url)
    now = dt.datetime.now(dt.timezone.utc)
    with engine.begin() as conn:
        conn.execute(insert(outbox), [
            {"event_id": str(uuid.uuid4()), "event_type": "noted", "created_at": now, "attempts": 0,
             "envelope": json.dumps({"type": "writer.noted", "payload": {"n": n}})} for n in range(500)])

    relays = [OutboxRelay(create_engine(url), outbox, "writer", amqp_uri, batch_size=25) for _ in range(2)]
    sent = [eventlet.spawn(relay.drain) for relay in relays]
    counts = [thread.wait() for thread in sent]
    for relay in relays:
        relay.close()

    assert sum(counts) == 500 and all(counts), counts  # both took part, neither repeated the other
    with Connection(amqp_uri) as connection:
        _, messages, _ = queue(connection.channel()).queue_declare(passive=True)
    assert messages == 500
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))).scalar_one() == 0
    engine.dispose()
