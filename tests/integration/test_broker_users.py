"""Each service on the broker with its own user: it runs and serves its calls and events, but cannot take another
service's calls or events, nor publish an event in another's name (the real RabbitMQ)."""
import json
import secrets
import urllib.parse
import uuid
from pathlib import Path

import pytest
from amqp.exceptions import AccessRefused
from kombu import Connection, Exchange, Producer, Queue
from nameko.standalone.rpc import ClusterRpcProxy

from services.common import broker
from services.common.runner import migrate
from services.customer.service import CustomerService
from tests.helpers import as_actor, wait_until

MANAGEMENT = "http://guest:guest@127.0.0.1:15672"
ADMIN = {"user_id": "u-admin", "username": "admin", "data_scope": "all", "department_ids": None,
         "permissions": ["customer.view", "customer.manage"]}


@pytest.fixture
def users(rabbit_config):
    """The platform's users on the test's vhost, named with a prefix of the test's own; their AMQP URIs."""
    import requests
    prefix = f"t{uuid.uuid4().hex[:6]}-"
    vhost = rabbit_config["vhost"]
    passwords = {user: secrets.token_urlsafe(16) for user in [*broker.SERVICES, broker.GATEWAY]}
    broker.setup(MANAGEMENT, vhost, passwords, prefix=prefix)
    yield {user: f"amqp://{prefix}{user}:{password}@127.0.0.1:5672/{urllib.parse.quote(vhost, safe='')}"
           for user, password in passwords.items()}
    for user in passwords:
        requests.delete(f"http://127.0.0.1:15672/api/users/{prefix}{user}", auth=("guest", "guest"), timeout=10)


@pytest.fixture
def customer(users, rabbit_config, container_factory, pg_database):
    """The customer service running as its own broker user (its topology declared at deploy time)."""
    url = pg_database("carloan_customer")
    migrate(CustomerService, Path(__file__).resolve().parents[2] / "services" / "customer", url=url,
            amqp_uri=users["customer"])
    container = container_factory(CustomerService, {**rabbit_config, "AMQP_URI": users["customer"],
                                                    "DATABASE_URL": url, "PII_KEY": secrets.token_urlsafe(32)})
    container.start()
    return container


def refused(uri, action):
    with Connection(uri, transport_options={"confirm_publish": True}) as connection:  # a refusal comes back
        with pytest.raises(AccessRefused):
            action(connection.channel())
    return True


def test_a_service_runs_as_its_own_user_and_serves_calls_and_events(users, customer):
    with ClusterRpcProxy({"AMQP_URI": users["gateway"]}, context_data=as_actor(ADMIN), timeout=10) as cluster:
        person = cluster.customer.create_person({"name": "赵六", "id_number": "11010519491231002X",
                                                 "phone": "13812345678"})
    event = {"event_id": str(uuid.uuid4()), "type": "loan.disbursed", "occurred_at": "2026-12-01T00:00:00+00:00",
             "business_date": "2026-12-01", "source": "loan", "correlation_id": "t",
             "payload": {"loan_id": "loan-1", "customer_id": person["id"], "principal": "80000.00"}}
    with Connection(users["loan"]) as connection:
        Producer(connection.channel(), exchange=Exchange("loan.events", type="topic", durable=True)).publish(
            json.dumps(event), routing_key="disbursed", content_type="application/json", delivery_mode=2)

    def loans_count():
        with ClusterRpcProxy({"AMQP_URI": users["gateway"]}, context_data=as_actor(ADMIN), timeout=10) as cluster:
            return cluster.customer.get_customer(person["id"])["credit"]["loans_count"]
    assert wait_until(lambda: loans_count() == 1, timeout=20, message="the customer's loan history")


def test_no_service_can_publish_an_event_in_another_services_name(users, customer):
    def publish_as(uri, source):
        return lambda channel: Producer(channel, exchange=Exchange(f"{source}.events", type="topic", durable=True),
                                        auto_declare=False).publish("{}", routing_key="disbursed")
    assert refused(users["collection"], publish_as(users["collection"], "loan"))
    assert refused(users["gateway"], publish_as(users["gateway"], "loan"))
    assert refused(users["loan"], publish_as(users["loan"], "finance"))


def test_no_service_can_take_another_services_calls_or_events(users, customer):
    def consume(queue):
        return lambda channel: channel.basic_consume(queue, callback=lambda message: None)
    assert refused(users["loan"], consume("rpc-customer"))
    assert refused(users["gateway"], consume("rpc-customer"))
    assert refused(users["finance"], consume("evt-loan-disbursed--customer.on_loan_disbursed"))

    def steal(channel):  # a queue of its own, bound to events it does not subscribe to
        Queue("rpc.reply-org-steal", exchange=Exchange("loan.events", type="topic", durable=True),
              routing_key="#", auto_delete=True)(channel).declare()
    assert refused(users["org"], steal)
