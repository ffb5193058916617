"""Whoever reaches the broker cannot act as anyone: services run a call only for a validly signed actor, and a
service's own calls only where the method names it (the customer service on the real broker and PostgreSQL)."""
import secrets
import time
from pathlib import Path

import jwt
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.errors import Forbidden, Unauthenticated
from services.common.runner import migrate
from services.customer.service import CustomerService
from tests.helpers import as_actor, as_service

CUSTOMER_DIR = Path(__file__).resolve().parents[2] / "services" / "customer"
OLD_KEY, NEW_KEY = f"old:{secrets.token_urlsafe(32)}", f"new:{secrets.token_urlsafe(32)}"
ADMIN = {"user_id": "u-admin", "username": "admin", "data_scope": "all", "department_ids": None,
         "permissions": ["customer.view", "customer.manage", "customer.unmask"]}
BRANCH_OFFICER = {"user_id": "u-officer", "username": "officer", "data_scope": "department",
                  "department_id": "d-branch", "department_ids": ["d-branch"], "permissions": ["customer.view"]}
PERSON = {"name": "赵六", "id_number": "11010519491231002X", "phone": "13812345678"}


@pytest.fixture
def customers(container_factory, rabbit_config, pg_database, monkeypatch):
    """The customer service holding one customer of the head office, its keys rotating from old to new."""
    monkeypatch.setenv("CARLOAN_ACTOR_KEYS", f"{NEW_KEY},{OLD_KEY}")
    url = pg_database("carloan_customer")
    migrate(CustomerService, CUSTOMER_DIR, url=url, amqp_uri=rabbit_config["AMQP_URI"])
    container_factory(CustomerService, {**rabbit_config, "DATABASE_URL": url,
                                        "PII_KEY": secrets.token_urlsafe(32)}).start()
    with ClusterRpcProxy(rabbit_config, context_data=as_actor(ADMIN)) as cluster:
        customer = cluster.customer.create_person(PERSON)
    return rabbit_config, customer


def call(config, context_data, method, *args, **kwargs):
    with ClusterRpcProxy(config, context_data=context_data, timeout=10) as cluster:
        return getattr(cluster.customer, method)(*args, **kwargs)


def count_customers(config):
    return call(config, as_actor(ADMIN), "list_customers")["total"]


def test_a_made_up_actor_reads_nothing_and_a_call_without_one_does_nothing(customers):
    config, customer = customers
    for forged in ({"actor": ADMIN}, {"actor": {**BRANCH_OFFICER, "department_ids": None}}, {}):
        with pytest.raises(Unauthenticated) as refused:
            call(config, forged, "get_customer", customer["id"], unmask=True)
        assert refused.value.code == "ACTOR_MISSING"
        with pytest.raises(Unauthenticated):
            call(config, forged, "create_person", {**PERSON, "id_number": "110105194912310021"})
    assert count_customers(config) == 1


def test_a_signed_actor_can_not_be_altered_or_signed_with_another_key(customers):
    config, customer = customers
    header, payload, signature = as_actor(BRANCH_OFFICER)["actor"].split(".")
    widened = jwt.encode({**jwt.decode(as_actor(BRANCH_OFFICER)["actor"], options={"verify_signature": False}),
                          "act": {**BRANCH_OFFICER, "department_ids": None}}, "x" * 32, headers={"kid": "new"})
    altered = ".".join([header, widened.split(".")[1], signature])
    stranger = as_actor(ADMIN, keys=f"new:{secrets.token_urlsafe(32)}")["actor"]
    for token in (altered, stranger, widened):
        with pytest.raises(Unauthenticated) as refused:
            call(config, {"actor": token}, "get_customer", customer["id"], unmask=True)
        assert refused.value.code == "ACTOR_INVALID"


def test_an_expired_actor_is_refused(customers):
    config, customer = customers
    expired = jwt.encode({"act": ADMIN, "iat": int(time.time()) - 120, "exp": int(time.time()) - 60},
                         NEW_KEY.split(":", 1)[1], headers={"kid": "new"})
    with pytest.raises(Unauthenticated) as refused:
        call(config, {"actor": expired}, "get_customer", customer["id"])
    assert refused.value.code == "ACTOR_EXPIRED"


def test_the_signed_actor_keeps_its_data_scope(customers):
    config, customer = customers
    assert call(config, as_actor(ADMIN), "get_customer", customer["id"])["id"] == customer["id"]
    with pytest.raises(Exception) as hidden:
        call(config, as_actor(BRANCH_OFFICER), "get_customer", customer["id"])
    assert getattr(hidden.value, "code", None) == "CUSTOMER_NOT_FOUND"


def test_a_service_calls_only_the_methods_that_name_it(customers):
    config, customer = customers
    assert call(config, as_service("loan"), "may_borrow", customer_id=customer["id"])["may_borrow"] is True
    with pytest.raises(Forbidden) as refused:
        call(config, as_service("loan"), "create_person", {**PERSON, "id_number": "110105194912310021"})
    assert refused.value.code == "CALLER_NOT_ALLOWED"
    with pytest.raises(Forbidden):
        call(config, as_service("collection"), "may_borrow", customer_id=customer["id"])
    assert count_customers(config) == 1


def test_keys_rotate_without_downtime(customers):
    config, customer = customers
    for keys in (OLD_KEY, NEW_KEY, f"{NEW_KEY},{OLD_KEY}"):  # callers not yet rolled, rolled, in between
        assert call(config, as_actor(ADMIN, keys=keys), "get_customer", customer["id"])["id"] == customer["id"]
