"""servicing: cob partitions, partial prepayment, extension

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 01:57:22.745336
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cob_partition',
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('low_id', sa.String(length=36), nullable=False),
    sa.Column('high_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('loans', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('worker', sa.String(length=100), nullable=True),
    sa.Column('seconds', sa.Numeric(precision=10, scale=3), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['business_date'], ['cob_run.business_date'], ),
    sa.PrimaryKeyConstraint('business_date', 'part')
    )
    op.create_table('loan_extension',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('officer_id', sa.String(length=64), nullable=False),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('comment', sa.String(length=500), nullable=True),
    sa.Column('maturity_before', sa.Date(), nullable=False),
    sa.Column('maturity_after', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('loan_extension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_extension_loan_id'), ['loan_id'], unique=False)

    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_due_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('restructured', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('extended_months', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_column('cob_date')

    # loans made before: the earliest installment still open (paid and prepaid ones owe nothing)
    op.execute("UPDATE loan SET next_due_date = (SELECT min(i.due_date) FROM installment i WHERE i.loan_id = loan.id "
               "AND i.status NOT IN ('paid', 'prepaid')) WHERE status = 'active'")

    with op.batch_alter_table('prepayment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('full', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('mode', sa.String(length=30), nullable=True))



def downgrade():
    with op.batch_alter_table('prepayment', schema=None) as batch_op:
        batch_op.drop_column('mode')
        batch_op.drop_column('full')

    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cob_date', sa.DATE(), nullable=True))
        batch_op.drop_column('extended_months')
        batch_op.drop_column('restructured')
        batch_op.drop_column('next_due_date')

    with op.batch_alter_table('loan_extension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_extension_loan_id'))

    op.drop_table('loan_extension')
    op.drop_table('cob_partition')
