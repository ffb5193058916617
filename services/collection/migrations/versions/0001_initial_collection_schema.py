"""initial collection schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 02:13:46.433486
"""
from alembic import op
import sqlalchemy as sa

from services.common.migrations import create_plumbing_tables, drop_plumbing_tables


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade():
    create_plumbing_tables()
    op.create_table('assignment_cursor',
    sa.Column('department_id', sa.String(length=36), nullable=False),
    sa.Column('last_collector_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('department_id')
    )
    op.create_table('loan_file',
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('contract_no', sa.String(length=40), nullable=True),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('customer_name', sa.String(length=200), nullable=True),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('officer_id', sa.String(length=64), nullable=True),
    sa.Column('vehicle_id', sa.String(length=36), nullable=True),
    sa.Column('disbursed_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('outstanding_principal', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('dpd', sa.Integer(), nullable=False),
    sa.Column('dpd_as_of', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ever_overdue', sa.Boolean(), nullable=False),
    sa.Column('late_due_dates', sa.Text(), nullable=False),
    sa.Column('restructured_on', sa.Date(), nullable=True),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('manual_grade', sa.String(length=20), nullable=True),
    sa.Column('graded_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('loan_id')
    )
    with op.batch_alter_table('loan_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_file_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loan_file_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loan_file_vehicle_id'), ['vehicle_id'], unique=False)
    op.create_table('collection_task',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('assignee_id', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('dpd', sa.Integer(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('close_reason', sa.String(length=30), nullable=True),
    sa.Column('promised_amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('promised_on', sa.Date(), nullable=True),
    sa.Column('promise_paid', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('promise_status', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan_file.loan_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('collection_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collection_task_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collection_task_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collection_task_loan_id'), ['loan_id'], unique=False)
        batch_op.create_index('ux_collection_task_open', ['loan_id'], unique=True,
                              postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_table('grade_adjustment',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('floor', sa.String(length=20), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('comment', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan_file.loan_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('grade_adjustment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grade_adjustment_loan_id'), ['loan_id'], unique=False)
    op.create_table('grade_change',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('previous', sa.String(length=20), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('changed_by', sa.String(length=64), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan_file.loan_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('grade_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grade_change_loan_id'), ['loan_id'], unique=False)
    op.create_table('warning',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('source_event_id', sa.String(length=36), nullable=True),
    sa.Column('resolution', sa.String(length=500), nullable=True),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan_file.loan_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('warning', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_warning_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_warning_loan_id'), ['loan_id'], unique=False)
        batch_op.create_index('ux_warning_open', ['loan_id', 'kind'], unique=True,
                              postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_table('collection_record',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('result', sa.String(length=500), nullable=False),
    sa.Column('promised_amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('promised_on', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['collection_task.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('collection_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collection_record_task_id'), ['task_id'], unique=False)


def downgrade():
    with op.batch_alter_table('collection_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collection_record_task_id'))
    op.drop_table('collection_record')
    with op.batch_alter_table('warning', schema=None) as batch_op:
        batch_op.drop_index('ux_warning_open',
                              postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.drop_index(batch_op.f('ix_warning_loan_id'))
        batch_op.drop_index(batch_op.f('ix_warning_department_id'))
    op.drop_table('warning')
    with op.batch_alter_table('grade_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grade_change_loan_id'))
    op.drop_table('grade_change')
    with op.batch_alter_table('grade_adjustment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grade_adjustment_loan_id'))
    op.drop_table('grade_adjustment')
    with op.batch_alter_table('collection_task', schema=None) as batch_op:
        batch_op.drop_index('ux_collection_task_open',
                              postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.drop_index(batch_op.f('ix_collection_task_loan_id'))
        batch_op.drop_index(batch_op.f('ix_collection_task_department_id'))
        batch_op.drop_index(batch_op.f('ix_collection_task_assignee_id'))
    op.drop_table('collection_task')
    with op.batch_alter_table('loan_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_file_vehicle_id'))
        batch_op.drop_index(batch_op.f('ix_loan_file_department_id'))
        batch_op.drop_index(batch_op.f('ix_loan_file_customer_id'))
    op.drop_table('loan_file')
    op.drop_table('assignment_cursor')
    drop_plumbing_tables()
