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
