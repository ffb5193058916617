"""an extension carries its fee (展期手续费) and the voucher number of its receipt

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('loan_extension', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fee', sa.Numeric(precision=18, scale=2), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('fee_voucher_no', sa.String(length=50), nullable=True))


def downgrade():
    with op.batch_alter_table('loan_extension', schema=None) as batch_op:
        batch_op.drop_column('fee_voucher_no')
        batch_op.drop_column('fee')
