"""The org service over real RPC, on PostgreSQL migrated by Alembic."""
import json
from pathlib import Path

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import create_engine, select

from services.common import jsonutil
from services.common.errors import Forbidden, NotFound, RateLimited, Unauthenticated, ValidationFailed
from services.common.runner import migrate
from services.org.models import Base
from services.org.service import OrgService
from tests import helpers

ORG_DIR = Path(__file__).resolve().parents[2] / "services" / "org"


@pytest.fixture
def org(container_factory, rabbit_config, pg_database, monkeypatch):
    url = pg_database("carloan_org")
    monkeypatch.setenv("CARLOAN_ADMIN_PASSWORD", "Seed-Key-2026!")
    from services.org.seed import seed
    migrate(OrgService, ORG_DIR, seed, url=url, amqp_uri=rabbit_config["AMQP_URI"])
    container = container_factory(OrgService, {**rabbit_config, "DATABASE_URL": url})
    container.start()
    return url


def rpc(rabbit_config, actor=None):
    """A proxy acting as `actor`, or as the gateway itself (which logs people in) when there is none."""
    signed = helpers.as_actor(actor) if actor else helpers.as_service("gateway")
    return ClusterRpcProxy(rabbit_config, context_data={**signed, "correlation_id": "corr-1"}, timeout=10)


def as_gateway(rabbit_config, method, *args):
    """A login or principal lookup, which only the gateway makes (on its own account)."""
    with rpc(rabbit_config) as gateway:
        return getattr(gateway.org, method)(*args)


def rows(url, table):
    engine = create_engine(url)
    with engine.connect() as conn:
        result = conn.execute(select(Base.metadata.tables[table])).all()
    engine.dispose()
    return result


def as_actor(principal):
    return {**principal, "user_id": principal["id"]}


def test_admin_authenticates_and_every_command_is_audited(org, rabbit_config):
    with rpc(rabbit_config) as cluster:
        admin = cluster.org.authenticate("admin", "Seed-Key-2026!")
    assert admin["data_scope"] == "all" and "org.employees.manage" in admin["permissions"]
    with rpc(rabbit_config, as_actor(admin)) as cluster:
        department = cluster.org.create_department({"code": "CD", "name": "成都分公司"})
    audit = [r for r in rows(org, "audit_log") if r.action == "create_department"]
    assert len(audit) == 1
    assert audit[0].actor_id == admin["id"] and audit[0].target_id == department["id"]
    assert audit[0].correlation_id == "corr-1"
    assert audit[0].payload_hash == jsonutil.payload_hash({"code": "CD", "name": "成都分公司", "parent_id": None})


def test_bad_passwords_are_refused_then_throttled(org, rabbit_config):
    with rpc(rabbit_config) as cluster:
        for _ in range(5):
            with pytest.raises(Unauthenticated):
                cluster.org.authenticate("admin", "wrong")
        with pytest.raises(RateLimited):
            cluster.org.authenticate("admin", "Seed-Key-2026!")


def test_disabling_an_employee_writes_one_event_and_revokes_the_principal(org, rabbit_config):
    with rpc(rabbit_config) as cluster:
        admin = cluster.org.authenticate("admin", "Seed-Key-2026!")
    with rpc(rabbit_config, as_actor(admin)) as cluster:
        employee = cluster.org.create_employee({"username": "wang", "password": "Blue-River-31", "name": "王五",
                                                "roles": ["collector"]})
        assert as_gateway(rabbit_config, "get_principal", employee["id"])["roles"] == ["collector"]
        cluster.org.disable_employee(employee["id"])
        cluster.org.disable_employee(employee["id"])  # a second disable changes nothing
        with pytest.raises(Unauthenticated):
            as_gateway(rabbit_config, "get_principal", employee["id"])
        with pytest.raises(Unauthenticated):
            as_gateway(rabbit_config, "authenticate", "wang", "Blue-River-31")
    events = [r for r in rows(org, "outbox") if r.event_type == "employee_disabled"]
    assert len(events) == 1
    envelope = json.loads(events[0].envelope)
    assert envelope["type"] == "org.employee_disabled" and envelope["payload"]["employee_id"] == employee["id"]
    assert envelope["correlation_id"] == "corr-1" and envelope["actor"]["user_id"] == admin["id"]
    assert set(envelope) >= {"event_id", "type", "occurred_at", "business_date", "source", "correlation_id",
                             "payload"}


def test_a_refused_command_writes_nothing(org, rabbit_config):
    with rpc(rabbit_config) as cluster:
        admin = cluster.org.authenticate("admin", "Seed-Key-2026!")
    before = len(rows(org, "employee"))
    with rpc(rabbit_config, as_actor(admin)) as cluster:
        with pytest.raises(ValidationFailed) as caught:
            cluster.org.create_employee({"username": "zhao", "password": "Red-Maple-42", "name": "赵六",
                                         "roles": ["no_such_role"]})
        assert caught.value.errors == {"roles": ["unknown role(s): no_such_role"]}
    assert len(rows(org, "employee")) == before
    assert not [r for r in rows(org, "audit_log") if r.action == "create_employee"]


def test_data_scope_hides_other_departments_employees(org, rabbit_config):
    with rpc(rabbit_config) as cluster:
        admin = cluster.org.authenticate("admin", "Seed-Key-2026!")
    with rpc(rabbit_config, as_actor(admin)) as cluster:
        cd = cluster.org.create_department({"code": "CD", "name": "成都"})
        cd1 = cluster.org.create_department({"code": "CD1", "name": "成都一部", "parent_id": cd["id"]})
        bj = cluster.org.create_department({"code": "BJ", "name": "北京"})
        cluster.org.create_role({"code": "branch_manager", "name": "分公司经理", "data_scope": "department_tree",
                                 "permissions": ["org.employees.view"]})
        cluster.org.create_employee({"username": "boss", "password": "Tall-Pine-53", "name": "经理",
                                     "department_id": cd["id"], "roles": ["branch_manager"]})
        sub = cluster.org.create_employee({"username": "sub1", "password": "Calm-Lake-64", "name": "下属",
                                           "department_id": cd1["id"], "roles": []})
        far = cluster.org.create_employee({"username": "far1", "password": "Warm-Sand-75", "name": "北京员工",
                                           "department_id": bj["id"], "roles": []})
        boss = as_gateway(rabbit_config, "authenticate", "boss", "Tall-Pine-53")
    assert set(boss["department_ids"]) == {cd["id"], cd1["id"]}
    with rpc(rabbit_config, as_actor(boss)) as cluster:
        assert cluster.org.get_employee(sub["id"])["username"] == "sub1"
        with pytest.raises(NotFound):
            cluster.org.get_employee(far["id"])
        assert {e["username"] for e in cluster.org.list_employees(page_size=100)["items"]} == {"boss", "sub1"}


def test_an_org_manager_cannot_grant_more_than_they_hold(org, rabbit_config):
    with rpc(rabbit_config) as cluster:
        admin = cluster.org.authenticate("admin", "Seed-Key-2026!")
    with rpc(rabbit_config, as_actor(admin)) as cluster:
        cluster.org.create_role({"code": "hr", "name": "人事", "data_scope": "department",
                                 "permissions": ["org.employees.view", "org.employees.manage", "org.roles.manage"]})
        cluster.org.create_employee({"username": "hr1", "password": "Soft-Rain-86", "name": "人事专员",
                                     "roles": ["hr"]})
        hr = as_gateway(rabbit_config, "authenticate", "hr1", "Soft-Rain-86")
    with rpc(rabbit_config, as_actor(hr)) as cluster:
        with pytest.raises(Forbidden) as caught:
            cluster.org.create_employee({"username": "mallory", "password": "Dark-Cloud-97", "name": "x",
                                         "roles": ["admin"]})
        assert caught.value.code == "GRANT_EXCEEDS_OWN"
        with pytest.raises(Forbidden):
            cluster.org.create_role({"code": "wide", "name": "x", "data_scope": "all",
                                     "permissions": ["org.employees.view"]})
        role = cluster.org.create_role({"code": "viewer", "name": "查看", "data_scope": "department",
                                        "permissions": ["org.employees.view"]})
        assert role["permissions"] == ["org.employees.view"]
    assert not [r for r in rows(org, "employee") if r.username == "mallory"]
