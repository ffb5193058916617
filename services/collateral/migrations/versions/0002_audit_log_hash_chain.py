"""audit log: what changed (masked), actor department and address, hash chain, append-only triggers

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 23:00:00.000000
"""
from services.common.migrations import add_audit_chain, drop_audit_chain


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    add_audit_chain()


def downgrade():
    drop_audit_chain()
