"""initial collateral schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 22:54:50.690239
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
    op.create_table('vehicle',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('vin', sa.String(length=17), nullable=False),
    sa.Column('plate_number', sa.String(length=10), nullable=True),
    sa.Column('brand', sa.String(length=50), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('mileage_km', sa.Integer(), nullable=True),
    sa.Column('owner_customer_id', sa.String(length=36), nullable=False),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('vin')
    )
    with op.batch_alter_table('vehicle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vehicle_owner_customer_id'), ['owner_customer_id'], unique=False)
    op.create_table('gps_device',
    sa.Column('imei', sa.String(length=15), nullable=False),
    sa.Column('vehicle_id', sa.String(length=36), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('installed_on', sa.Date(), nullable=False),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicle.id'], ),
    sa.PrimaryKeyConstraint('imei')
    )
    op.create_table('owner_change',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('vehicle_id', sa.String(length=36), nullable=False),
    sa.Column('from_customer_id', sa.String(length=36), nullable=False),
    sa.Column('to_customer_id', sa.String(length=36), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=True),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicle.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('owner_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_owner_change_vehicle_id'), ['vehicle_id'], unique=False)
    op.create_table('pledge',
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('vehicle_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('contract_no', sa.String(length=50), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('disbursed_on', sa.Date(), nullable=False),
    sa.Column('settled_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicle.id'], ),
    sa.PrimaryKeyConstraint('loan_id')
    )
    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_vehicle_id'), ['vehicle_id'], unique=False)
    op.create_table('valuation',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('vehicle_id', sa.String(length=36), nullable=False),
    sa.Column('appraised_value', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('method', sa.String(length=50), nullable=False),
    sa.Column('notes', sa.String(length=1000), nullable=True),
    sa.Column('valued_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('submitted_by', sa.String(length=64), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by', sa.String(length=64), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_comment', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicle.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('valuation', schema=None) as batch_op:
        batch_op.create_index('ix_valuation_vehicle_status', ['vehicle_id', 'status', 'valued_on'], unique=False)
    op.create_table('gps_alert',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('device_imei', sa.String(length=15), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('vehicle_id', sa.String(length=36), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_imei'], ['gps_device.imei'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('device_imei', 'kind', 'at', name='uq_gps_alert')
    )
    op.create_table('task',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('vehicle_id', sa.String(length=36), nullable=False),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('source_event_id', sa.String(length=36), nullable=False),
    sa.Column('device_imei', sa.String(length=15), nullable=True),
    sa.Column('installer', sa.String(length=100), nullable=True),
    sa.Column('certificate_no', sa.String(length=50), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('completed_by', sa.String(length=64), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['pledge.loan_id'], ),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicle.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_event_id', 'kind', name='uq_task_source_event_kind')
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_kind_status_due', ['kind', 'status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_loan_id'), ['loan_id'], unique=False)


def downgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_loan_id'))
        batch_op.drop_index('ix_task_kind_status_due')
    op.drop_table('task')
    op.drop_table('gps_alert')
    with op.batch_alter_table('valuation', schema=None) as batch_op:
        batch_op.drop_index('ix_valuation_vehicle_status')
    op.drop_table('valuation')
    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledge_vehicle_id'))
    op.drop_table('pledge')
    with op.batch_alter_table('owner_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_owner_change_vehicle_id'))
    op.drop_table('owner_change')
    op.drop_table('gps_device')
    with op.batch_alter_table('vehicle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vehicle_owner_customer_id'))
    op.drop_table('vehicle')
    drop_plumbing_tables()
