"""The gateway's fan-out on the real broker: calls to several services go out at once, a slow or missing service
costs at most the deadline and is named, the others' answers are kept, and the proxy serves the next request."""
import secrets
import time

import eventlet
import pytest
from nameko.rpc import rpc

from gateway.rpc import RpcClient, ServiceUnavailable
from services.common.errors import NotFound


class Quick:
    name = "fanout_quick"

    @rpc
    def inbox(self, limit):
        return {"items": [], "counts": {"quick": limit}}


class Slow:
    name = "fanout_slow"

    @rpc
    def inbox(self, limit):
        eventlet.sleep(1)
        return {"items": [], "counts": {self.name.removeprefix("fanout_"): limit}}


class Refusing:
    name = "fanout_refusing"

    @rpc(expected_exceptions=NotFound)
    def inbox(self, limit):
        raise NotFound("nothing here", code="NOTHING")


class Slower(Slow):
    name = "fanout_slower"


@pytest.fixture
def client(container_factory, rabbit_config, monkeypatch):
    monkeypatch.setenv("CARLOAN_ACTOR_KEYS", f"k:{secrets.token_urlsafe(32)}")
    for cls in (Quick, Slow, Slower, Refusing):
        container_factory(cls, rabbit_config).start()
    client = RpcClient(rabbit_config["AMQP_URI"], timeout=10)
    yield client
    client._reset()


def calls(*services):
    return {service: (f"fanout_{service}", "inbox", (5,), {}) for service in services}


def test_calls_to_several_services_run_at_once(client):
    started = time.monotonic()
    outcomes = client.call_all(calls("slow", "slower", "quick"), actor={"user_id": "u1"}, timeout=5)
    assert time.monotonic() - started < 1.8  # two one-second answers side by side, not one after the other
    assert outcomes == {"slow": {"items": [], "counts": {"slow": 5}}, "slower": {"items": [], "counts": {"slower": 5}},
                        "quick": {"items": [], "counts": {"quick": 5}}}


def test_a_late_or_missing_service_is_named_and_the_others_answers_are_kept(client):
    started = time.monotonic()
    outcomes = client.call_all(calls("quick", "slow", "nobody", "refusing"), actor={"user_id": "u1"}, timeout=0.4)
    assert time.monotonic() - started < 0.9
    assert outcomes["quick"] == {"items": [], "counts": {"quick": 5}}
    assert isinstance(outcomes["slow"], ServiceUnavailable) and outcomes["slow"].reason == "timed out"
    assert isinstance(outcomes["nobody"], ServiceUnavailable) and outcomes["nobody"].reason == "not running"
    assert isinstance(outcomes["refusing"], NotFound) and outcomes["refusing"].code == "NOTHING"

    eventlet.sleep(1)  # the late answer arrives after its caller gave up: it is not taken for the next one's
    assert client.call("fanout_quick", "inbox", 7) == {"items": [], "counts": {"quick": 7}}
    assert client.call_all(calls("slow"), timeout=5) == {"slow": {"items": [], "counts": {"slow": 5}}}
