"""repayments keep their voucher number, payer, event and the installments before them; reversals

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('repayment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payer_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('voucher_no', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='recorded', nullable=False))
        batch_op.add_column(sa.Column('event_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('restore', sa.Text(), nullable=True))
    op.create_table('repayment_reversal',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('repayment_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('officer_id', sa.String(length=64), nullable=False),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('comment', sa.String(length=500), nullable=True),
    sa.Column('reversed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], ),
    sa.ForeignKeyConstraint(['repayment_id'], ['repayment.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('repayment_reversal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repayment_reversal_loan_id'), ['loan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_repayment_reversal_repayment_id'), ['repayment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('repayment_reversal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repayment_reversal_repayment_id'))
        batch_op.drop_index(batch_op.f('ix_repayment_reversal_loan_id'))
    op.drop_table('repayment_reversal')
    with op.batch_alter_table('repayment', schema=None) as batch_op:
        batch_op.drop_column('restore')
        batch_op.drop_column('event_id')
        batch_op.drop_column('status')
        batch_op.drop_column('voucher_no')
        batch_op.drop_column('payer_name')
