"""Alembic, run programmatically for one service: each service keeps its scripts in `<service>/migrations`."""
from pathlib import Path

from alembic import command
from alembic.config import Config


def alembic_config(service_package_dir, url):
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(service_package_dir) / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(service_package_dir, url, revision="head"):
    command.upgrade(alembic_config(service_package_dir, url), revision)


def run_env(target_metadata):
    """Body of a service's `migrations/env.py`."""
    from alembic import context
    from sqlalchemy import engine_from_config, pool

    cfg = context.config
    if context.is_offline_mode():
        context.configure(url=cfg.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                          literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = engine_from_config(cfg.get_section(cfg.config_ini_section, {}),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()


# The plumbing tables (services/common/tables.py) as every service's first migration creates them.
# Frozen like any migration: a later change to those tables gets a new function and new revisions.
def create_plumbing_tables():
    from alembic import op
    import sqlalchemy as sa

    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('actor_username', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=100), nullable=False),
    sa.Column('target_type', sa.String(length=50), nullable=False),
    sa.Column('target_id', sa.String(length=64), nullable=True),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('correlation_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_target', ['target_type', 'target_id'], unique=False)
    op.create_table('inbox',
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('handler', sa.String(length=200), nullable=False),
    sa.Column('event_type', sa.String(length=100), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id', 'handler')
    )
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('event_type', sa.String(length=100), nullable=False),
    sa.Column('envelope', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_unsent', ['id'], unique=False, postgresql_where=sa.text('sent_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL'))
    op.create_table('parked_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('handler', sa.String(length=200), nullable=False),
    sa.Column('event_type', sa.String(length=100), nullable=False),
    sa.Column('envelope', sa.Text(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('parked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replayed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )


def drop_plumbing_tables():
    from alembic import op
    import sqlalchemy as sa

    op.drop_table('parked_event')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_unsent', postgresql_where=sa.text('sent_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL'))
    op.drop_table('outbox')
    op.drop_table('inbox')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_target')
    op.drop_table('audit_log')


# The audit log's hash chain (services/common/audit.py): what changed, the actor's department and address, the
# chain columns, and the triggers that keep the table append-only. Frozen like any migration.
_AUDIT_FIELDS = ("id", "occurred_at", "actor_id", "actor_username", "action", "target_type", "target_id",
                 "payload_hash", "correlation_id", "changes", "actor_department_id", "client_address")

_PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- The sealer may fill in the chain of a record not sealed yet, and change nothing else.
        IF OLD.seq IS NULL AND ({new}) IS NOT DISTINCT FROM ({old}) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
""".replace("{new}", ", ".join(f"NEW.{name}" for name in _AUDIT_FIELDS)).replace(
    "{old}", ", ".join(f"OLD.{name}" for name in _AUDIT_FIELDS))

_SQLITE_APPEND_ONLY = (
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END",
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN OLD.seq IS NOT NULL OR "
    + " OR ".join(f"NEW.{name} IS NOT OLD.{name}" for name in _AUDIT_FIELDS)
    + " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END",
)


def add_audit_chain():
    from alembic import op
    import sqlalchemy as sa

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('actor_department_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('client_address', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_audit_log_occurred_at', ['occurred_at'], unique=False)
        batch_op.create_index('ux_audit_log_seq', ['seq'], unique=True)
        batch_op.create_index('ix_audit_log_unsealed', ['id'], unique=False,
                              postgresql_where=sa.text('seq IS NULL'), sqlite_where=sa.text('seq IS NULL'))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_APPEND_ONLY)
    else:
        for statement in _SQLITE_APPEND_ONLY:
            op.execute(statement)


def drop_audit_chain():
    from alembic import op
    import sqlalchemy as sa

    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_unsealed', postgresql_where=sa.text('seq IS NULL'),
                            sqlite_where=sa.text('seq IS NULL'))
        batch_op.drop_index('ux_audit_log_seq')
        batch_op.drop_index('ix_audit_log_occurred_at')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
        batch_op.drop_column('client_address')
        batch_op.drop_column('actor_department_id')
        batch_op.drop_column('changes')
