"""products change by versions: product_version keeps each version's pricing terms; a product knows its current
version, and an application and its loan the version they were priced by

Every product gets its version 1 from its terms as they are: until now those terms could not change while an
application other than a rejected one used the product, so they are the terms of every live application and loan.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TERMS = ('repayment_method', 'annual_rate', 'penalty_markup', 'grace_days', 'prepayment_fee_rate',
         'prepayment_fee_free_after_months', 'allocation', 'compound_penalty', 'upfront_fees')


def upgrade():
    op.create_table('product_version',
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('repayment_method', sa.String(length=30), nullable=False),
    sa.Column('annual_rate', sa.Numeric(precision=9, scale=6), nullable=False),
    sa.Column('penalty_markup', sa.Numeric(precision=9, scale=6), nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('prepayment_fee_rate', sa.Numeric(precision=9, scale=6), nullable=False),
    sa.Column('prepayment_fee_free_after_months', sa.Integer(), nullable=True),
    sa.Column('allocation', sa.String(length=30), nullable=False),
    sa.Column('compound_penalty', sa.Boolean(), nullable=False),
    sa.Column('upfront_fees', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.PrimaryKeyConstraint('product_id', 'version')
    )
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    columns = ', '.join(TERMS)
    op.execute(f"INSERT INTO product_version (product_id, version, {columns}, created_by, created_at) "
               f"SELECT id, 1, {columns}, created_by, created_at FROM product")
    for table in ('application', 'loan'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('product_version', sa.Integer(), server_default='1', nullable=False))
            batch_op.create_foreign_key(f'fk_{table}_product_version', 'product_version',
                                        ['product_id', 'product_version'], ['product_id', 'version'])


def downgrade():
    for table in ('loan', 'application'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_product_version', type_='foreignkey')
            batch_op.drop_column('product_version')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_column('version')
    op.drop_table('product_version')
