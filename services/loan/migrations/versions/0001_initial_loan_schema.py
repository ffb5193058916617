"""initial loan schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 00:58:16.337043
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
    op.create_table('cob_run',
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('loans', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('started_by', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('business_date')
    )
    op.create_table('contract_sequence',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('credit_line',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('limit', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('revolving', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('officer_id', sa.String(length=64), nullable=False),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('comment', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('credit_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_line_customer_id'), ['customer_id'], unique=False)
    op.create_table('idempotent_request',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('operation', sa.String(length=100), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', 'operation')
    )
    op.create_table('lpr_rate',
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('one_year', sa.Numeric(precision=9, scale=6), nullable=False),
    sa.Column('five_year', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('effective_on')
    )
    op.create_table('product',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('repayment_method', sa.String(length=30), nullable=False),
    sa.Column('annual_rate', sa.Numeric(precision=9, scale=6), nullable=False),
    sa.Column('min_term_months', sa.Integer(), nullable=False),
    sa.Column('max_term_months', sa.Integer(), nullable=False),
    sa.Column('min_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('max_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('max_ltv', sa.Numeric(precision=9, scale=6), nullable=False),
    sa.Column('penalty_markup', sa.Numeric(precision=9, scale=6), nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('prepayment_fee_rate', sa.Numeric(precision=9, scale=6), nullable=False),
    sa.Column('prepayment_fee_free_after_months', sa.Integer(), nullable=True),
    sa.Column('allocation', sa.String(length=30), nullable=False),
    sa.Column('compound_penalty', sa.Boolean(), nullable=False),
    sa.Column('upfront_fees', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('application',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('customer_name', sa.String(length=200), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('vehicle_id', sa.String(length=36), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=False),
    sa.Column('credit_line_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('officer_id', sa.String(length=64), nullable=False),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('valuation_id', sa.String(length=36), nullable=True),
    sa.Column('appraised_value', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('apr', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('investigated_by', sa.String(length=64), nullable=True),
    sa.Column('findings', sa.Text(), nullable=True),
    sa.Column('recommendation', sa.String(length=10), nullable=True),
    sa.Column('income_verified', sa.Boolean(), nullable=True),
    sa.Column('home_visit', sa.String(length=1000), nullable=True),
    sa.Column('work_visit', sa.String(length=1000), nullable=True),
    sa.Column('first_decision_by', sa.String(length=64), nullable=True),
    sa.Column('second_decision_by', sa.String(length=64), nullable=True),
    sa.Column('cap_override_by', sa.String(length=64), nullable=True),
    sa.Column('cap_override_reason', sa.String(length=500), nullable=True),
    sa.Column('loan_id', sa.String(length=36), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['credit_line_id'], ['credit_line.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_vehicle_id'), ['vehicle_id'], unique=False)
    op.create_table('credit_draw',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('credit_line_id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=True),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['credit_line_id'], ['credit_line.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id')
    )
    with op.batch_alter_table('credit_draw', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_draw_credit_line_id'), ['credit_line_id'], unique=False)
    op.create_table('application_step',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('actor_name', sa.String(length=100), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('application_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_step_application_id'), ['application_id'], unique=False)
    op.create_table('loan',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('contract_no', sa.String(length=30), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('customer_name', sa.String(length=200), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('vehicle_id', sa.String(length=36), nullable=False),
    sa.Column('credit_line_id', sa.String(length=36), nullable=True),
    sa.Column('officer_id', sa.String(length=64), nullable=False),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('principal', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=False),
    sa.Column('repayment_method', sa.String(length=30), nullable=False),
    sa.Column('annual_rate', sa.Numeric(precision=9, scale=6), nullable=False),
    sa.Column('penalty_markup', sa.Numeric(precision=9, scale=6), nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('prepayment_fee_rate', sa.Numeric(precision=9, scale=6), nullable=False),
    sa.Column('prepayment_fee_free_after_months', sa.Integer(), nullable=True),
    sa.Column('allocation', sa.String(length=30), nullable=False),
    sa.Column('compound_penalty', sa.Boolean(), nullable=False),
    sa.Column('fees', sa.Text(), nullable=False),
    sa.Column('fees_total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('net_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('apr', sa.Numeric(precision=9, scale=6), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('requested_first_due_date', sa.Date(), nullable=True),
    sa.Column('disbursed_on', sa.Date(), nullable=True),
    sa.Column('first_due_date', sa.Date(), nullable=True),
    sa.Column('maturity_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('outstanding_principal', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('advance_balance', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('settled_on', sa.Date(), nullable=True),
    sa.Column('cob_date', sa.Date(), nullable=True),
    sa.Column('dpd', sa.Integer(), nullable=False),
    sa.Column('classification', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id'),
    sa.UniqueConstraint('contract_no')
    )
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_customer_id'), ['customer_id'], unique=False)
    op.create_table('disbursement',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('payee_name', sa.String(length=100), nullable=False),
    sa.Column('payee_account_enc', sa.Text(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('registered_by', sa.String(length=64), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by', sa.String(length=64), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voucher_no', sa.String(length=50), nullable=True),
    sa.Column('disbursed_on', sa.Date(), nullable=True),
    sa.Column('comment', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('disbursement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disbursement_loan_id'), ['loan_id'], unique=False)
    op.create_table('installment',
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('no', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('principal', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('interest', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('balance_after', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('paid_principal', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('paid_interest', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('penalty', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('penalty_through', sa.Date(), nullable=True),
    sa.Column('paid_penalty', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('fees', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('paid_fees', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], ),
    sa.PrimaryKeyConstraint('loan_id', 'no')
    )
    op.create_table('loan_transfer',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('from_customer_id', sa.String(length=36), nullable=False),
    sa.Column('to_customer_id', sa.String(length=36), nullable=False),
    sa.Column('to_customer_name', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('officer_id', sa.String(length=64), nullable=False),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('comment', sa.String(length=500), nullable=True),
    sa.Column('supplement_no', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('loan_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_transfer_loan_id'), ['loan_id'], unique=False)
    op.create_table('prepayment',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('principal', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('interest', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('fee', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('advance_used', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('channel', sa.String(length=30), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('prepayment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prepayment_loan_id'), ['loan_id'], unique=False)
    op.create_table('repayment',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('loan_id', sa.String(length=36), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=30), nullable=False),
    sa.Column('allocation', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('repayment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repayment_loan_id'), ['loan_id'], unique=False)


def downgrade():
    with op.batch_alter_table('repayment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repayment_loan_id'))
    op.drop_table('repayment')
    with op.batch_alter_table('prepayment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prepayment_loan_id'))
    op.drop_table('prepayment')
    with op.batch_alter_table('loan_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_transfer_loan_id'))
    op.drop_table('loan_transfer')
    op.drop_table('installment')
    with op.batch_alter_table('disbursement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disbursement_loan_id'))
    op.drop_table('disbursement')
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_customer_id'))
    op.drop_table('loan')
    with op.batch_alter_table('application_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_step_application_id'))
    op.drop_table('application_step')
    with op.batch_alter_table('credit_draw', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_draw_credit_line_id'))
    op.drop_table('credit_draw')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_vehicle_id'))
        batch_op.drop_index(batch_op.f('ix_application_customer_id'))
    op.drop_table('application')
    op.drop_table('product')
    op.drop_table('lpr_rate')
    op.drop_table('idempotent_request')
    with op.batch_alter_table('credit_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_line_customer_id'))
    op.drop_table('credit_line')
    op.drop_table('contract_sequence')
    op.drop_table('cob_run')
    drop_plumbing_tables()
