"""journal entries carry their loan's department (data scope); backfilled from the loan book

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

BACKFILL = ("UPDATE journal_entry SET department_id = (SELECT department_id FROM loan_book "
            "WHERE loan_book.loan_id = journal_entry.loan_id) WHERE loan_id IS NOT NULL")
SQLITE_NO_UPDATE = ("CREATE TRIGGER journal_entry_no_update BEFORE UPDATE ON journal_entry BEGIN "
                    "SELECT RAISE(ABORT, 'journal entries are immutable: post a reversing entry instead'); END")


def _backfill():
    """Entries are immutable (a trigger refuses every UPDATE): it is lifted for this one statement, which
    only fills the new column, in this migration's transaction."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("ALTER TABLE journal_entry DISABLE TRIGGER journal_entry_immutable")
        op.execute(BACKFILL)
        op.execute("ALTER TABLE journal_entry ENABLE TRIGGER journal_entry_immutable")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS journal_entry_no_update")
        op.execute(BACKFILL)
        op.execute(SQLITE_NO_UPDATE)
    else:
        op.execute(BACKFILL)


def upgrade():
    op.add_column('journal_entry', sa.Column('department_id', sa.String(length=36), nullable=True))
    op.create_index(op.f('ix_journal_entry_department_id'), 'journal_entry', ['department_id'], unique=False)
    _backfill()


def downgrade():
    op.drop_index(op.f('ix_journal_entry_department_id'), table_name='journal_entry')
    op.drop_column('journal_entry', 'department_id')
