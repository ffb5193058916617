"""资料清单: the documents a product requires before each stage (JSON {stage: [{owner_type, category}]}); existing
products require none, as before

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 21:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checklist', sa.Text(), server_default='{}', nullable=False))


def downgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_column('checklist')
