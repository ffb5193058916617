"""initial finance schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 23:42:34.970598
"""
from alembic import op
import sqlalchemy as sa

from services.common.migrations import create_plumbing_tables, drop_plumbing_tables


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


IMMUTABLE = ("journal_entry", "journal_line")


def _immutable_books():
    """Journal entries and lines are never updated or deleted: the database itself refuses it."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("""
            CREATE FUNCTION refuse_book_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'journal entries are immutable: post a reversing entry instead';
            END $$ LANGUAGE plpgsql""")
        for table in IMMUTABLE:
            op.execute(f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION refuse_book_change()")
    elif dialect == "sqlite":
        for table in IMMUTABLE:
            for action in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} BEGIN "
                           "SELECT RAISE(ABORT, 'journal entries are immutable: post a reversing entry instead'); "
                           "END")


def _mutable_books():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in IMMUTABLE:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        op.execute("DROP FUNCTION IF EXISTS refuse_book_change()")
    elif dialect == "sqlite":
        for table in IMMUTABLE:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


def upgrade():
    create_plumbing_tables()
    op.create_table('account',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('normal_side', sa.String(length=6), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('bank_account',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('bank_name', sa.String(length=100), nullable=True),
    sa.Column('account_no', sa.String(length=40), nullable=True),
    sa.Column('opening_balance', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('journal_entry',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('posted_on', sa.Date(), nullable=False),
    sa.Column('source_type', sa.String(length=60), nullable=False),
    sa.Column('source_event_id', sa.String(length=36), nullable=True),
    sa.Column('loan_id', sa.String(length=36), nullable=True),
    sa.Column('memo', sa.String(length=200), nullable=False),
    sa.Column('reverses_id', sa.String(length=36), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reverses_id'], ['journal_entry.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reverses_id'),
    sa.UniqueConstraint('source_event_id')
    )
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_entry_loan_id'), ['loan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_entry_posted_on'), ['posted_on'], unique=False)
    op.create_table('loan_book',
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('contract_no', sa.String(length=30), nullable=True),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('customer_name', sa.String(length=200), nullable=True),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('principal', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('fees_total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('disbursed_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('dpd', sa.Integer(), nullable=False),
    sa.Column('classification', sa.String(length=20), nullable=False),
    sa.Column('provision_booked', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('loan_id')
    )
    op.create_table('cash_movement',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('bank_account_id', sa.String(length=36), nullable=False),
    sa.Column('entry_id', sa.String(length=36), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('counterparty', sa.String(length=200), nullable=True),
    sa.Column('voucher_no', sa.String(length=50), nullable=True),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['bank_account_id'], ['bank_account.id'], ),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cash_movement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cash_movement_entry_id'), ['entry_id'], unique=False)
    op.create_table('journal_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('entry_id', sa.String(length=36), nullable=False),
    sa.Column('account_code', sa.String(length=10), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=True),
    sa.Column('debit', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('credit', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['account_code'], ['account.code'], ),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('journal_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_line_account_code'), ['account_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_line_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_line_loan_id'), ['loan_id'], unique=False)
    op.create_table('provision_run',
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('entry_id', sa.String(length=36), nullable=True),
    sa.Column('required_total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('change', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], ),
    sa.PrimaryKeyConstraint('as_of'),
    sa.UniqueConstraint('entry_id', name='uq_provision_run_entry')
    )
    _immutable_books()


def downgrade():
    _mutable_books()
    op.drop_table('provision_run')
    with op.batch_alter_table('journal_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_line_loan_id'))
        batch_op.drop_index(batch_op.f('ix_journal_line_entry_id'))
        batch_op.drop_index(batch_op.f('ix_journal_line_account_code'))
    op.drop_table('journal_line')
    with op.batch_alter_table('cash_movement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cash_movement_entry_id'))
    op.drop_table('cash_movement')
    op.drop_table('loan_book')
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_entry_posted_on'))
        batch_op.drop_index(batch_op.f('ix_journal_entry_loan_id'))
    op.drop_table('journal_entry')
    op.drop_table('bank_account')
    op.drop_table('account')
    drop_plumbing_tables()
