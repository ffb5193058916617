"""the loan book keeps the loan's maturity and the months extended (展期), shown in the balances ledger

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('loan_book', schema=None) as batch_op:
        batch_op.add_column(sa.Column('maturity_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('extended_months', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('loan_book', schema=None) as batch_op:
        batch_op.drop_column('extended_months')
        batch_op.drop_column('maturity_date')
