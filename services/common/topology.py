"""Declares a service's exchanges and durable consumer queues ahead of its first start.

Run at deploy time (the migration step), so an event published before the consumer ever ran is routed to
its queue and waits there, rather than coming back unroutable.
"""
from kombu import Connection, Queue

from services.common.consumer import reliable_handlers
from services.common.outbox import events_exchange


def queue_name(source_service, event_type, service_name, method_name):
    return f"evt-{source_service}-{event_type}--{service_name}.{method_name}"


def declare(service_cls, amqp_uri):
    """Declare the service's own events exchange and a bound queue per reliable handler."""
    declared = []
    with Connection(amqp_uri, connect_timeout=10) as connection:
        channel = connection.channel()
        events_exchange(service_cls.name)(channel).declare()
        for method_name, handler in reliable_handlers(service_cls):
            exchange = events_exchange(handler.source_service)
            exchange(channel).declare()
            queue = Queue(queue_name(handler.source_service, handler.event_type, service_cls.name,
                                     method_name),
                          exchange=exchange, routing_key=handler.event_type, durable=True,
                          auto_delete=False)
            queue(channel).declare()
            declared.append(queue.name)
    return declared
