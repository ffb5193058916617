"""The customer service on the real broker: the loan-history projection, and PII at rest in SQLite."""
import secrets
from pathlib import Path

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_hook

from services.common.runner import migrate
from services.customer.service import CustomerService
from tests.helpers import as_actor, publish_event as publish, wait_until

CUSTOMER_DIR = Path(__file__).resolve().parents[2] / "services" / "customer"
ADMIN = {"user_id": "u-admin", "username": "admin", "data_scope": "all", "department_ids": None,
         "permissions": ["customer.view", "customer.manage", "customer.unmask"]}


@pytest.fixture
def start_customer(container_factory, rabbit_config):
    def start(url):
        migrate(CustomerService, CUSTOMER_DIR, url=url, amqp_uri=rabbit_config["AMQP_URI"])
        container = container_factory(CustomerService, {**rabbit_config, "DATABASE_URL": url,
                                                        "PII_KEY": secrets.token_urlsafe(32)})
        container.start()
        return container
    return start


def test_loan_history_and_credit_status_from_events_delivered_twice(start_customer, pg_database, rabbit_config):
    start_customer(pg_database("carloan_customer"))
    uri = rabbit_config["AMQP_URI"]
    with ClusterRpcProxy(rabbit_config, context_data=as_actor(ADMIN)) as cluster:
        person = cluster.customer.create_person({"name": "赵六", "id_number": "11010519491231002X",
                                                 "phone": "13812345678"})
        cid = person["id"]
        publish(uri, "loan", "application_submitted", {"application_id": "app-1", "customer_id": cid,
                                                       "amount": "150000.00"})
        publish(uri, "loan", "disbursed", {"loan_id": "loan-1", "application_id": "app-1", "customer_id": cid,
                                           "principal": "150000.00"})
        publish(uri, "loan", "disbursed", {"loan_id": "loan-2", "customer_id": cid, "principal": "80000.00"})
        publish(uri, "loan", "dpd_changed", {"loan_id": "loan-1", "customer_id": cid, "dpd": 45,
                                             "outstanding_principal": "120000.00"})
        publish(uri, "loan", "dpd_changed", {"loan_id": "loan-1", "customer_id": cid, "dpd": 0})
        publish(uri, "collection", "classification_changed", {"loan_id": "loan-1", "customer_id": cid,
                                                              "classification": "special_mention"})
        publish(uri, "loan", "settled", {"loan_id": "loan-2", "customer_id": cid})
        # Out of order: the disbursement is delivered before the application it came from.
        publish(uri, "loan", "disbursed", {"loan_id": "loan-3", "application_id": "app-3", "customer_id": cid,
                                           "principal": "10000.00"})
        publish(uri, "loan", "application_submitted", {"application_id": "app-3", "customer_id": cid,
                                                       "amount": "10000.00"})
        publish(uri, "loan", "application_submitted", {"application_id": "app-4", "customer_id": cid,
                                                       "amount": "5000.00"})
        publish(uri, "loan", "application_rejected", {"application_id": "app-4", "customer_id": cid})

        expected = {"loans_count": 3, "applications_pending": 0, "total_amount": "240000.00",
                    "exposure": "130000.00", "worst_dpd": 45, "worst_classification": "special_mention"}
        last = []

        def settled_view():
            customer = cluster.customer.get_customer(cid)
            loan_1 = {loan["loan_id"]: loan for loan in customer["loans"]}["loan-1"]
            last.append(customer)
            app_4 = {loan["loan_id"]: loan for loan in customer["loans"]}.get("app-4", {})
            return (customer["credit"] == expected and loan_1["dpd"] == 0 and app_4.get("status") == "rejected"
                    and customer)

        try:
            customer = wait_until(settled_view, timeout=20, message="the projection")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; last seen: {last[-1:]}") from None
        loans = {loan["loan_id"]: loan for loan in customer["loans"]}
        assert loans["loan-1"]["worst_dpd"] == 45 and set(loans) == {"loan-1", "loan-2", "loan-3", "app-4"}
        assert loans["loan-2"]["status"] == "settled" and loans["loan-2"]["outstanding_principal"] == "0.00"


def test_the_sqlite_file_holds_no_plaintext_id_number_or_phone(start_customer, tmp_path):
    path = tmp_path / "customer.db"
    container = start_customer(f"sqlite:///{path}")
    with entrypoint_hook(container, "create_person", context_data=as_actor(ADMIN)) as create_person:
        create_person({"name": "钱七", "id_number": "110101199003077272", "phone": "13912345678"})
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("customer.db"))
    assert "钱七".encode() in raw  # the data is there...
    assert b"110101199003077272" not in raw and b"13912345678" not in raw  # ...but not in clear
