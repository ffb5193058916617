"""Parked events for operators: count, list, and replay into the handler's own queue.

A replayed event goes through the reliable consumer again, so its inbox check still holds: an event that
was meanwhile applied is not applied twice.
"""
from kombu import Connection, Producer
from sqlalchemy import func, select, update

from services.common.clock import utcnow
from services.common.topology import queue_name


def _table(metadata):
    return metadata.tables["parked_event"]


def count(engine, metadata):
    table = _table(metadata)
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)
                            .where(table.c.replayed_at.is_(None))).scalar_one()


def waiting(engine, metadata, limit=100):
    table = _table(metadata)
    with engine.connect() as conn:
        return conn.execute(select(table).where(table.c.replayed_at.is_(None))
                            .order_by(table.c.id).limit(limit)).all()


def replay(engine, metadata, amqp_uri, ids=None):
    """Republish parked events (all waiting ones, or those ids) to their handlers' queues."""
    table = _table(metadata)
    query = select(table).where(table.c.replayed_at.is_(None)).order_by(table.c.id)
    if ids:
        query = query.where(table.c.id.in_(ids))
    replayed = []
    with engine.begin() as conn, Connection(amqp_uri, transport_options={"confirm_publish": True}) as amqp:
        producer = Producer(amqp.channel())
        for row in conn.execute(query).all():
            service, method = row.handler.split(".", 1)
            source, event = row.event_type.split(".", 1)
            producer.publish(row.envelope, exchange="", routing_key=queue_name(source, event, service, method),
                             content_type="application/json", content_encoding="utf-8", delivery_mode=2,
                             mandatory=True)
            conn.execute(update(table).where(table.c.id == row.id).values(replayed_at=utcnow()))
            replayed.append(row.id)
    return replayed
