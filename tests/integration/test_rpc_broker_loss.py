"""A reply that cannot be sent because the broker connection broke is lost, not fatal: the work stays committed
and the service goes on serving (the customer service on the real broker and PostgreSQL)."""
import secrets
from pathlib import Path

import pytest
from kombu.exceptions import OperationalError
from nameko.exceptions import RpcTimeout
from nameko.standalone.rpc import ClusterRpcProxy

from services.common import rpc
from services.common.runner import migrate
from services.customer.service import CustomerService
from tests.helpers import as_actor

CUSTOMER_DIR = Path(__file__).resolve().parents[2] / "services" / "customer"
ADMIN = {"user_id": "u-admin", "username": "admin", "data_scope": "all", "department_ids": None,
         "permissions": ["customer.view", "customer.manage"]}


def call(config, method, *args, timeout=10):
    with ClusterRpcProxy(config, context_data=as_actor(ADMIN), timeout=timeout) as cluster:
        return getattr(cluster.customer, method)(*args)


def test_a_reply_lost_with_the_broker_connection_leaves_the_service_serving(container_factory, rabbit_config,
                                                                             pg_database, monkeypatch):
    url = pg_database("carloan_customer")
    migrate(CustomerService, CUSTOMER_DIR, url=url, amqp_uri=rabbit_config["AMQP_URI"])
    container = container_factory(CustomerService, {**rabbit_config, "DATABASE_URL": url,
                                                    "PII_KEY": secrets.token_urlsafe(32)})
    container.start()

    def connection_gone(*_args, **_kwargs):
        raise OperationalError("[Errno 104] Connection reset by peer")

    with monkeypatch.context() as broken:
        broken.setattr(rpc._Responder, "send_response", connection_gone)
        with pytest.raises(RpcTimeout):  # the caller hears nothing: a 503 at the gateway, retried there
            call(rabbit_config, "create_person", {"name": "赵六", "id_number": "11010519491231002X",
                                                  "phone": "13812345678"}, timeout=3)

    assert not container._died.ready()  # was: Nameko killed the service, and every worker in flight with it
    assert call(rabbit_config, "list_customers")["total"] == 1  # the work was committed before the reply
