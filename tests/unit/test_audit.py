"""The audit log's rules: what never reaches it, and a chain that any change, removal or swap breaks."""
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text, update

from services.common import audit, migrations
from services.common.db import make_engine
from services.org.models import Base

ORG_DIR = Path(__file__).resolve().parents[2] / "services" / "org"
AUDIT = Base.metadata.tables["audit_log"]


def test_secrets_and_personal_data_are_masked_at_any_depth():
    masked = audit.mask({"name": "李四", "password": "S3cret-pass!", "new_password": "x", "password_hash": "scrypt$…",
                         "phone": "13912345678", "legal_representative_id_number": "110101199003074518",
                         "contacts": [{"mobile": "13800138000", "api_token": "abc"}], "amount": "150000.00"})
    assert masked == {"name": "李四", "password": "***", "new_password": "***", "password_hash": "***",
                      "phone": "139****5678", "legal_representative_id_number": "110***********4518",
                      "contacts": [{"mobile": "138****8000", "api_token": "***"}], "amount": "150000.00"}


@pytest.fixture
def sealed_log(tmp_path):
    """An org database with five audit records, sealed."""
    url = f"sqlite:///{tmp_path}/org.db"
    migrations.upgrade(ORG_DIR, url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(AUDIT.insert(), [
            {"occurred_at": dt.datetime(2027, 1, 8, 9, n, tzinfo=dt.timezone.utc), "actor_id": "u1",
             "actor_username": "admin", "action": "create_department", "target_type": "department",
             "target_id": f"d{n}", "changes": f'{{"code":"D{n}"}}', "payload_hash": "0" * 64} for n in range(5)])
    assert audit.AuditSealer(engine, AUDIT, batch_size=2).drain() == 5
    yield engine
    engine.dispose()


def tamper(engine, *statements):
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        for statement in statements:
            conn.execute(statement)


def test_a_sealed_log_verifies(sealed_log):
    assert audit.verify(sealed_log, AUDIT) == (5, None)


def test_a_changed_record_is_named(sealed_log):
    tamper(sealed_log, update(AUDIT).where(AUDIT.c.seq == 3).values(actor_username="someone_else"))
    checked, problem = audit.verify(sealed_log, AUDIT)
    assert problem["seq"] == 3 and "changed" in problem["reason"]


def test_a_removed_record_is_named(sealed_log):
    tamper(sealed_log, AUDIT.delete().where(AUDIT.c.seq == 2))
    assert audit.verify(sealed_log, AUDIT)[1]["seq"] == 2


def test_two_records_swapped_break_the_chain(sealed_log):
    tamper(sealed_log, update(AUDIT).where(AUDIT.c.seq == 4).values(seq=-1),
           update(AUDIT).where(AUDIT.c.seq == 5).values(seq=4),
           update(AUDIT).where(AUDIT.c.seq == -1).values(seq=5))
    assert audit.verify(sealed_log, AUDIT)[1]["seq"] == 4


def test_the_database_refuses_changes_to_the_log(sealed_log):
    with pytest.raises(Exception, match="append-only"):
        with sealed_log.begin() as conn:
            conn.execute(update(AUDIT).where(AUDIT.c.seq == 1).values(action="nothing"))
    with pytest.raises(Exception, match="append-only"):
        with sealed_log.begin() as conn:
            conn.execute(AUDIT.delete())
    assert audit.verify(sealed_log, AUDIT) == (5, None)
