"""initial document schema: documents and their versions, the plumbing tables and the audit log's hash chain

Revision ID: 0001
Revises: 
Create Date: 2026-12-10 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

from services.common.migrations import (add_audit_chain, create_plumbing_tables, drop_audit_chain,
                                        drop_plumbing_tables)


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

LIVE = "superseded_at IS NULL AND deleted_at IS NULL"


def upgrade():
    create_plumbing_tables()
    add_audit_chain()
    op.create_table('document',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('series_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('owner_type', sa.String(length=20), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=50), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=50), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_name', sa.String(length=100), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('superseded_by', sa.String(length=36), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('series_id', 'version', name='ux_document_series_version'),
    sa.UniqueConstraint('storage_key')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index('ix_document_owner', ['owner_type', 'owner_id'], unique=False)
        batch_op.create_index('ux_document_owner_content', ['owner_type', 'owner_id', 'sha256'], unique=True,
                              postgresql_where=sa.text(LIVE), sqlite_where=sa.text(LIVE))


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ux_document_owner_content', postgresql_where=sa.text(LIVE), sqlite_where=sa.text(LIVE))
        batch_op.drop_index('ix_document_owner')
    op.drop_table('document')
    drop_audit_chain()
    drop_plumbing_tables()
