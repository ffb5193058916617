"""The audit log on PostgreSQL: every record chained by hash, a changed record found by `audit-verify`, the
table append-only, what changed kept with secrets and personal data masked, read only with `audit.view`."""
import threading
from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import create_engine, insert, select

from services.common import audit
from services.common.clock import utcnow
from services.common.errors import Forbidden
from services.common.runner import audit_verify, migrate
from services.org.models import Base
from services.org.service import OrgService
from tests import helpers

ORG_DIR = Path(__file__).resolve().parents[2] / "services" / "org"
AUDIT = Base.metadata.tables["audit_log"]


@pytest.fixture
def org(container_factory, rabbit_config, pg_database, monkeypatch):
    url = pg_database("carloan_audit")
    monkeypatch.setenv("CARLOAN_ADMIN_PASSWORD", "Admin-pass-1")
    monkeypatch.setenv("CARLOAN_AUDIT_SEAL_SECONDS", "0.2")
    from services.org.seed import seed
    migrate(OrgService, ORG_DIR, seed, url=url, amqp_uri=rabbit_config["AMQP_URI"])
    container = container_factory(OrgService, {**rabbit_config, "DATABASE_URL": url})
    container.start()
    return url


def rpc(rabbit_config, actor=None):
    signed = helpers.as_actor(actor) if actor else helpers.as_service("gateway")
    return ClusterRpcProxy(rabbit_config, context_data={**signed, "correlation_id": "corr-audit"}, timeout=10)


def records(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        result = conn.execute(select(AUDIT).order_by(AUDIT.c.id)).all()
    engine.dispose()
    return result


def all_sealed(url):
    rows = records(url)
    return rows if rows and all(r.seq is not None for r in rows) else None


def psql(url, sql):
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def admin_of(rabbit_config):
    with rpc(rabbit_config) as cluster:
        admin = cluster.org.authenticate("admin", "Admin-pass-1", client_address="10.1.2.3")
    return {**admin, "user_id": admin["id"]}


def test_records_are_chained_and_a_changed_record_is_found(org, rabbit_config, capsys):
    admin = admin_of(rabbit_config)
    with rpc(rabbit_config, admin) as cluster:
        for n in range(3):
            cluster.org.create_department({"code": f"D{n}", "name": f"分公司{n}"})
    rows = helpers.wait_until(lambda: all_sealed(org), timeout=10, message="every record sealed")
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    for before, after in zip(rows, rows[1:]):
        assert after.prev_hash == before.hash
    assert audit_verify(OrgService, url=org) == 0
    assert f"OK: {len(rows)} sealed record(s) chained" in capsys.readouterr().out

    # Someone with the database owner's rights switches the trigger off and rewrites history.
    target = next(r for r in rows if r.action == "create_department" and r.target_id)
    psql(org, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    psql(org, f"UPDATE audit_log SET changes = '{{\"code\": \"XX\"}}' WHERE id = {target.id}")
    assert audit_verify(OrgService, url=org) == 1
    assert f"BROKEN at record seq={target.seq} (id {target.id})" in capsys.readouterr().out


def test_a_removed_record_breaks_the_chain(org, rabbit_config, capsys):
    admin = admin_of(rabbit_config)
    with rpc(rabbit_config, admin) as cluster:
        cluster.org.create_position({"code": "P1", "name": "客户经理"})
        cluster.org.create_position({"code": "P2", "name": "风控"})
    rows = helpers.wait_until(lambda: all_sealed(org), timeout=10, message="every record sealed")
    psql(org, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    psql(org, f"DELETE FROM audit_log WHERE seq = {rows[0].seq}")
    assert audit_verify(OrgService, url=org) == 1
    assert f"BROKEN at record seq={rows[0].seq}" in capsys.readouterr().out


def test_the_audit_log_refuses_update_delete_and_truncate(org, rabbit_config):
    admin_of(rabbit_config)
    rows = helpers.wait_until(lambda: all_sealed(org), timeout=10, message="the login sealed")
    for sql in (f"UPDATE audit_log SET action = 'nothing' WHERE id = {rows[0].id}",
                f"UPDATE audit_log SET hash = NULL, seq = NULL WHERE id = {rows[0].id}",
                f"DELETE FROM audit_log WHERE id = {rows[0].id}",
                "TRUNCATE audit_log"):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            psql(org, sql)
    # Not even a record not sealed yet may be changed, except by sealing it.
    engine = create_engine(org)
    with engine.begin() as conn:
        row_id = conn.execute(insert(AUDIT).values(
            occurred_at=utcnow(), actor_id="x", actor_username="x", action="test", target_type="test",
            payload_hash="0" * 64).returning(AUDIT.c.id)).scalar_one()
    engine.dispose()
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        psql(org, f"UPDATE audit_log SET action = 'other' WHERE id = {row_id}")
    assert [r.action for r in records(org)] == [r.action for r in rows] + ["test"]


def test_concurrent_commands_and_two_sealers_make_one_chain(org, rabbit_config):
    admin = admin_of(rabbit_config)

    def create(n):
        with rpc(rabbit_config, admin) as cluster:
            for k in range(5):
                cluster.org.create_position({"code": f"C{n}-{k}", "name": "职务"})

    engine = create_engine(org)
    sealers = [audit.AuditSealer(engine, AUDIT, batch_size=3) for _ in range(2)]
    stop = threading.Event()

    def seal(sealer):
        while not stop.is_set():
            sealer.drain()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=seal, args=(s,)) for s in sealers]
    for thread in threads:
        thread.start()
    for thread in threads[:4]:
        thread.join()
    stop.set()
    for thread in threads[4:]:
        thread.join()
    rows = helpers.wait_until(lambda: all_sealed(org), timeout=10, message="every record sealed")
    engine.dispose()
    assert len([r for r in rows if r.action == "create_position"]) == 20
    assert sorted(r.seq for r in rows) == list(range(1, len(rows) + 1))
    assert audit_verify(OrgService, url=org) == 0


def test_changes_are_kept_masked_and_logins_carry_the_address(org, rabbit_config):
    admin = admin_of(rabbit_config)
    with rpc(rabbit_config, admin) as cluster:
        employee = cluster.org.create_employee({"username": "li4", "password": "Li-si-pass-1", "name": "李四",
                                                "phone": "13912345678", "roles": ["collector"]})
    rows = records(org)
    created = next(r for r in rows if r.action == "create_employee")
    assert created.target_id == employee["id"] and created.actor_id == admin["id"]
    assert '"phone":"139****5678"' in created.changes and '"name":"李四"' in created.changes
    assert all("Li-si-pass-1" not in (r.changes or "") and "13912345678" not in (r.changes or "") for r in rows)
    login = next(r for r in rows if r.action == "login")
    assert login.actor_id == admin["id"] and login.actor_username == "admin"
    assert login.client_address == "10.1.2.3"


def test_reading_the_log_needs_audit_view_and_filters(org, rabbit_config):
    admin = admin_of(rabbit_config)
    with rpc(rabbit_config, admin) as cluster:
        department = cluster.org.create_department({"code": "AU", "name": "审计部"})
        cluster.org.create_employee({"username": "clerk1", "password": "Clerk-pass-1", "name": "职员",
                                     "roles": ["loan_officer"]})
        page = cluster.org.list_audit({"action": "create_department", "entity_id": department["id"]}, 10)
        assert page["total"] == 1
        assert page["items"][0]["changes"] == {"code": "AU", "name": "审计部", "parent_id": None}
        assert page["items"][0]["actor_username"] == "admin" and page["items"][0]["id"].startswith("org:")
        newest = cluster.org.list_audit({"actor": "admin"}, 1)
        assert newest["total"] >= 3 and newest["items"][0]["action"] == "create_employee"
        with rpc(rabbit_config) as gateway:  # logins come from the gateway alone
            clerk = gateway.org.authenticate("clerk1", "Clerk-pass-1")
    with rpc(rabbit_config, {**clerk, "user_id": clerk["id"]}) as cluster:
        with pytest.raises(Forbidden):
            cluster.org.list_audit({}, 10)


def test_only_the_gateway_records_refusals(org, rabbit_config):
    admin = admin_of(rabbit_config)
    refusal = {"actor": {"user_id": admin["id"], "username": "admin"}, "client_address": "10.9.9.9",
               "entity_type": "route", "entity_id": "/api/v1/audit-log",
               "changes": {"method": "GET", "path": "/api/v1/audit-log", "code": "PERMISSION_DENIED"}}
    with rpc(rabbit_config, admin) as cluster:
        with pytest.raises(Forbidden):
            cluster.org.record_audit(refusal)
    with rpc(rabbit_config) as cluster:
        assert cluster.org.record_audit(refusal) == {"recorded": True}
    refused = [r for r in records(org) if r.action == "refused"]
    assert len(refused) == 1
    assert refused[0].actor_id == admin["id"] and refused[0].client_address == "10.9.9.9"
