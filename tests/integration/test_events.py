"""Outbox and reliable consumer against the real RabbitMQ and PostgreSQL."""
import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from kombu import Connection, Producer
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_hook
from prometheus_client import REGISTRY
from sqlalchemy import create_engine, func, select

from services.common import jsonutil, topology
from services.common import parked as parked_events
from services.common.errors import Conflict, RuleViolated
from services.common.outbox import events_exchange
from tests.helpers import as_actor, wait_until
from tests.integration import event_services
from tests.integration.event_services import (Reader, Writer, applied_counts, applied_numbers,
                                              create_schema, reader_metadata, writer_metadata)

def as_tester():
    return as_actor({"user_id": "tester", "username": "tester"})


@pytest.fixture
def dbs(pg_database):
    writer_url, reader_url = pg_database("carloan_writer"), pg_database("carloan_reader")
    create_schema(writer_metadata, writer_url)
    create_schema(reader_metadata, reader_url)
    return writer_url, reader_url


@pytest.fixture
def start(container_factory, rabbit_config, dbs):
    writer_url, reader_url = dbs
    urls = {"writer": writer_url, "reader": reader_url}

    def start_service(service_cls):
        container = container_factory(service_cls, {**rabbit_config, "DATABASE_URL": urls[service_cls.name]})
        container.start()
        return container

    return start_service


def outbox_rows(url):
    engine = create_engine(url)
    outbox = writer_metadata.tables["outbox"]
    with engine.connect() as conn:
        rows = conn.execute(select(outbox.c.event_type, outbox.c.sent_at, outbox.c.attempts,
                                   outbox.c.envelope).order_by(outbox.c.id)).all()
    engine.dispose()
    return rows


def count(url, table_name, metadata):
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(select(func.count()).select_from(metadata.tables[table_name])).scalar_one()
    engine.dispose()
    return value


def publish_raw(amqp_uri, envelope, times=1):
    with Connection(amqp_uri) as connection:
        producer = Producer(connection.channel(), exchange=events_exchange("writer"))
        for _ in range(times):
            producer.publish(jsonutil.dumps(envelope), routing_key="noted", content_type="application/json",
                             content_encoding="utf-8", delivery_mode=2, declare=[events_exchange("writer")])


def envelope(n, **payload):
    return {"event_id": str(uuid.uuid4()), "type": "writer.noted", "occurred_at": "2026-11-28T09:00:00+00:00",
            "business_date": "2026-11-28", "source": "writer", "correlation_id": "test",
            "payload": {"n": n, **payload}}


def test_a_committed_change_publishes_exactly_one_event(start, dbs, rabbit_config):
    writer_url, reader_url = dbs
    start(Reader)
    start(Writer)
    with ServiceRpcProxy("writer", rabbit_config, context_data=as_tester()) as writer:
        writer.write(1)
    wait_until(lambda: applied_counts(reader_url)[0] == 1, message="the event to be applied")
    time.sleep(1.0)
    assert applied_numbers(reader_url) == [1]
    [row] = outbox_rows(writer_url)
    assert row.sent_at is not None


def test_a_rolled_back_change_publishes_nothing(start, dbs, rabbit_config):
    writer_url, reader_url = dbs
    start(Reader)
    start(Writer)
    with ServiceRpcProxy("writer", rabbit_config, context_data=as_tester()) as writer:
        with pytest.raises(RuleViolated):
            writer.write(2, fail=True)
        writer.write(3)
    wait_until(lambda: 3 in applied_numbers(reader_url), message="the committed event")
    time.sleep(0.5)
    assert applied_numbers(reader_url) == [3]
    assert [json.loads(r.envelope)["payload"]["n"] for r in outbox_rows(writer_url)] == [3]


def test_a_caller_hears_of_a_failed_commit_and_nothing_is_published(start, dbs, rabbit_config):
    writer_url, _ = dbs
    start(Writer)
    with ServiceRpcProxy("writer", rabbit_config, context_data=as_tester()) as writer:
        assert writer.claim("plate-A") == "plate-A"
        with pytest.raises(Conflict) as caught:
            writer.claim("plate-A")
    assert caught.value.code == "CONCURRENT_CHANGE"
    assert [json.loads(r.envelope)["payload"] for r in outbox_rows(writer_url)] == [{"key": "plate-A"}]


def test_an_unroutable_event_is_kept_and_delivered_once_its_consumer_exists(start, dbs, rabbit_config):
    writer_url, reader_url = dbs
    start(Writer)
    with ServiceRpcProxy("writer", rabbit_config, context_data=as_tester()) as writer:
        writer.write_many(1, 5)
    # No queue is bound yet: the broker returns the events and the relay keeps them.
    wait_until(lambda: all(r.attempts >= 1 for r in outbox_rows(writer_url)), message="a refused pass")
    assert all(r.sent_at is None for r in outbox_rows(writer_url))
    wait_until(lambda: REGISTRY.get_sample_value("carloan_outbox_unroutable", {"service": "writer"}) == 5,
               message="the unroutable gauge")
    start(Reader)
    wait_until(lambda: applied_numbers(reader_url) == [1, 2, 3, 4, 5], timeout=40,
               message="the kept events to reach the new consumer")
    wait_until(lambda: REGISTRY.get_sample_value("carloan_outbox_backlog", {"service": "writer"}) == 0,
               message="the backlog gauge to empty")


def test_an_event_published_before_its_consumer_ever_started_is_handled(start, dbs, rabbit_config):
    writer_url, reader_url = dbs
    topology.declare(Reader, rabbit_config["AMQP_URI"])  # what `migrate` does at deploy time
    start(Writer)
    with ServiceRpcProxy("writer", rabbit_config, context_data=as_tester()) as writer:
        writer.write_many(10, 5)
    wait_until(lambda: all(r.sent_at for r in outbox_rows(writer_url)), message="all events published")
    start(Reader)
    wait_until(lambda: applied_numbers(reader_url) == [10, 11, 12, 13, 14], message="queued events")


def test_a_duplicate_delivery_is_applied_once(start, dbs, rabbit_config):
    _, reader_url = dbs
    start(Reader)
    event = envelope(42)
    publish_raw(rabbit_config["AMQP_URI"], event, times=3)
    publish_raw(rabbit_config["AMQP_URI"], envelope(43))
    wait_until(lambda: 43 in applied_numbers(reader_url), message="the later event")
    time.sleep(0.5)
    assert applied_numbers(reader_url) == [42, 43]
    assert count(reader_url, "inbox", reader_metadata) == 2


def test_a_failing_handler_is_retried_then_parked_while_other_events_flow(start, dbs, rabbit_config,
                                                                           monkeypatch):
    _, reader_url = dbs
    monkeypatch.setenv("CARLOAN_EVENT_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("CARLOAN_EVENT_RETRY_SECONDS", "0.05")
    parked_before = REGISTRY.get_sample_value(
        "carloan_events_parked_total", {"service": "reader", "event_type": "writer.noted"}) or 0
    start(Reader)
    poison = envelope(0, poison=True)
    publish_raw(rabbit_config["AMQP_URI"], poison)
    for n in range(1, 6):
        publish_raw(rabbit_config["AMQP_URI"], envelope(n))
    wait_until(lambda: applied_numbers(reader_url) == [1, 2, 3, 4, 5], message="healthy events")
    wait_until(lambda: count(reader_url, "parked_event", reader_metadata) == 1, message="the parked event")
    engine = create_engine(reader_url)
    with engine.connect() as conn:
        parked = conn.execute(select(reader_metadata.tables["parked_event"])).one()
    engine.dispose()
    assert parked.event_id == poison["event_id"] and parked.attempts == 3
    assert "this event can never be applied" in parked.error
    assert REGISTRY.get_sample_value(
        "carloan_events_parked_total", {"service": "reader", "event_type": "writer.noted"}) == parked_before + 1
    wait_until(lambda: REGISTRY.get_sample_value("carloan_parked_events", {"service": "reader"}) == 1,
               message="the parked-events gauge")

    # The operator fixes the cause and replays: the event is applied once and no longer waits.
    monkeypatch.setitem(event_services.POISON_FAILS, "enabled", False)
    engine = create_engine(reader_url)
    assert parked_events.replay(engine, reader_metadata, rabbit_config["AMQP_URI"]) == [parked.id]
    wait_until(lambda: applied_numbers(reader_url) == [0, 1, 2, 3, 4, 5], message="the replayed event")
    assert parked_events.count(engine, reader_metadata) == 0
    engine.dispose()


def test_a_conflict_in_the_handlers_own_data_is_parked_not_taken_for_a_duplicate(start, dbs, rabbit_config,
                                                                                  monkeypatch):
    _, reader_url = dbs
    monkeypatch.setenv("CARLOAN_EVENT_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("CARLOAN_EVENT_RETRY_SECONDS", "0.05")
    start(Reader)
    first, clash = envelope(1, claim="plate-A"), envelope(2, claim="plate-A")
    publish_raw(rabbit_config["AMQP_URI"], first)
    wait_until(lambda: applied_numbers(reader_url) == [1], message="the first claim")
    publish_raw(rabbit_config["AMQP_URI"], clash)
    wait_until(lambda: count(reader_url, "parked_event", reader_metadata) == 1, message="the clash to be parked")
    assert applied_numbers(reader_url) == [1]


def _rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)


def test_events_written_while_rabbitmq_is_down_are_all_delivered_when_it_returns(start, dbs):
    writer_url, reader_url = dbs
    start(Reader)
    writer = start(Writer)
    _rabbitmqctl("stop_app")
    try:
        with entrypoint_hook(writer, "write_many", context_data=as_tester()) as write_many:
            write_many(100, 20)
        time.sleep(1.0)
        assert len(outbox_rows(writer_url)) == 20
        assert all(r.sent_at is None for r in outbox_rows(writer_url))
    finally:
        _rabbitmqctl("start_app")
    wait_until(lambda: applied_numbers(reader_url) == list(range(100, 120)), timeout=90,
               message="every event written during the outage")


@pytest.mark.slow
def test_a_consumer_killed_mid_stream_loses_nothing_and_applies_nothing_twice(start, dbs, rabbit_config):
    writer_url, reader_url = dbs
    topology.declare(Reader, rabbit_config["AMQP_URI"])
    env = {**os.environ, "CARLOAN_AMQP_URI": rabbit_config["AMQP_URI"], "READER_DATABASE_URL": reader_url,
           "PYTHONWARNINGS": "ignore"}

    def spawn_reader():
        return subprocess.Popen([sys.executable, "-m", "tests.integration.reader_main"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    reader = spawn_reader()
    try:
        start(Writer)
        with ServiceRpcProxy("writer", rabbit_config, context_data=as_tester()) as writer:
            for batch in range(10):
                writer.write_many(batch * 100, 100)
        wait_until(lambda: applied_counts(reader_url)[0] >= 150, timeout=60, interval=0.02,
                   message="the reader to be mid-stream")
        reader.send_signal(signal.SIGKILL)
        reader.wait()
        killed_at = applied_counts(reader_url)[0]
        assert killed_at < 1000, "the stream finished before the kill; the test proves nothing"
        reader = spawn_reader()
        wait_until(lambda: applied_counts(reader_url)[0] >= 1000, timeout=120, message="all 1,000 events")
        time.sleep(1.0)
        assert applied_counts(reader_url) == (1000, 1000)
        assert applied_numbers(reader_url) == list(range(1000))
    finally:
        reader.kill()
        reader.wait()
