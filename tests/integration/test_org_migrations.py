"""The org service's data migrations: employee phones written in plaintext before are encrypted by the upgrade
(and given back by the downgrade)."""
import base64
import os
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from services.common.migrations import alembic_config, upgrade
from services.common.pii import PiiCipher

ORG_DIR = Path(__file__).resolve().parents[2] / "services" / "org"


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_existing_employee_phones_are_encrypted_by_the_upgrade(backend, pg_database, tmp_path, monkeypatch):
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("CARLOAN_PII_KEY", key)
    url = pg_database("carloan_orgmig") if backend == "postgresql" else f"sqlite:///{tmp_path}/org.db"
    upgrade(ORG_DIR, url, "0002")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO employee (id, username, password_hash, name, phone, status, token_version, created_at, "
            "updated_at) VALUES ('e1', 'li4', 'x', '李四', '13912345678', 'active', 1, CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP), ('e2', 'wang5', 'x', '王五', NULL, 'active', 1, CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP)"))

    upgrade(ORG_DIR, url)
    assert "phone" not in {c["name"] for c in inspect(engine).get_columns("employee")}
    with engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT id, phone_enc FROM employee")).all())
        flags = set(connection.execute(text("SELECT must_change_password FROM employee")).scalars())
    assert rows["e2"] is None and "13912345678" not in rows["e1"]
    assert PiiCipher.from_env().decrypt(rows["e1"]) == "13912345678"
    assert flags == {False}

    command.downgrade(alembic_config(ORG_DIR, url), "0002")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT phone FROM employee WHERE id = 'e1'")).scalar() == "13912345678"
    engine.dispose()
