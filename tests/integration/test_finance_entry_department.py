"""Journal entries posted before they carried their loan's department get it from the loan book when the
migration runs (the books stay immutable afterwards), on PostgreSQL and SQLite."""
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from services.common.migrations import alembic_config

FINANCE = Path(__file__).resolve().parents[2] / "services" / "finance"


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_existing_entries_get_their_loans_department(backend, pg_database, tmp_path):
    url = pg_database("carloan_mig_fin_dept") if backend == "postgresql" else f"sqlite:///{tmp_path}/finance.db"
    config = alembic_config(FINANCE, url)
    command.upgrade(config, "0002")
    engine = create_engine(url)
    with engine.begin() as db:
        db.execute(text("INSERT INTO loan_book (loan_id, customer_id, department_id, principal, fees_total, "
                        "disbursed_on, status, dpd, classification, provision_booked, updated_at) VALUES "
                        "('L1', 'C1', 'D1', 100, 0, '2026-01-05', 'active', 0, 'normal', 0, CURRENT_TIMESTAMP)"))
        for entry_id, loan_id in (("E1", "'L1'"), ("E2", "NULL")):
            db.execute(text("INSERT INTO journal_entry (id, posted_on, source_type, loan_id, memo, created_by, "
                            f"created_at) VALUES ('{entry_id}', '2026-01-05', 'x', {loan_id}, 'm', 'test', "
                            "CURRENT_TIMESTAMP)"))
    command.upgrade(config, "head")
    with engine.connect() as db:
        assert dict(db.execute(text("SELECT id, department_id FROM journal_entry ORDER BY id")).all()) == {
            "E1": "D1", "E2": None}
    with pytest.raises(DBAPIError, match="immutable"), engine.begin() as db:
        db.execute(text("UPDATE journal_entry SET department_id = 'D2'"))
    engine.dispose()
