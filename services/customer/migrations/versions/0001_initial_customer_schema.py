"""initial customer schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 21:30:02.967315
"""
from alembic import op
import sqlalchemy as sa

from services.common.migrations import create_plumbing_tables, drop_plumbing_tables


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_plumbing_tables()
    op.create_table('customer',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('id_number_enc', sa.Text(), nullable=True),
    sa.Column('id_number_hash', sa.String(length=64), nullable=True),
    sa.Column('phone_enc', sa.Text(), nullable=True),
    sa.Column('phone_hash', sa.String(length=64), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('employer', sa.String(length=200), nullable=True),
    sa.Column('monthly_income', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('uscc_warning', sa.String(length=200), nullable=True),
    sa.Column('legal_representative', sa.String(length=100), nullable=True),
    sa.Column('registered_capital', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('officer_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uscc')
    )
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_id_number_hash'), ['id_number_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_phone_hash'), ['phone_hash'], unique=False)
        batch_op.create_index('ux_customer_person_id_number', ['id_number_hash'], unique=True, postgresql_where=sa.text("type = 'person'"), sqlite_where=sa.text("type = 'person'"))
    op.create_table('loan_history',
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('outstanding_principal', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('dpd', sa.Integer(), nullable=False),
    sa.Column('worst_dpd', sa.Integer(), nullable=False),
    sa.Column('dpd_as_of', sa.String(length=60), nullable=True),
    sa.Column('outstanding_as_of', sa.String(length=60), nullable=True),
    sa.Column('classification', sa.String(length=20), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('loan_id')
    )
    with op.batch_alter_table('loan_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_history_customer_id'), ['customer_id'], unique=False)
    op.create_table('blacklist_entry',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=True),
    sa.Column('id_number_hash', sa.String(length=64), nullable=True),
    sa.Column('id_number_enc', sa.Text(), nullable=True),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_by', sa.String(length=64), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('blacklist_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blacklist_entry_id_number_hash'), ['id_number_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_blacklist_entry_uscc'), ['uscc'], unique=False)


def downgrade():
    with op.batch_alter_table('blacklist_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blacklist_entry_uscc'))
        batch_op.drop_index(batch_op.f('ix_blacklist_entry_id_number_hash'))
    op.drop_table('blacklist_entry')
    with op.batch_alter_table('loan_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_history_customer_id'))
    op.drop_table('loan_history')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index('ux_customer_person_id_number', postgresql_where=sa.text("type = 'person'"), sqlite_where=sa.text("type = 'person'"))
        batch_op.drop_index(batch_op.f('ix_customer_phone_hash'))
        batch_op.drop_index(batch_op.f('ix_customer_id_number_hash'))
    op.drop_table('customer')
    drop_plumbing_tables()

