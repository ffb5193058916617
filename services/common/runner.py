"""Command line of every service: `python -m services.<name> run|migrate`.

`run` starts the Nameko service with its metrics port; `migrate` upgrades its database, seeds what the
service seeds, and declares its exchanges and consumer queues. Both read configuration from the environment.
"""
import argparse
import logging
import sys
from pathlib import Path

from sqlalchemy import func, select

from services.common import config, logs

log = logging.getLogger(__name__)


def main(service_cls, package_dir, seed=None, argv=None):
    parser = argparse.ArgumentParser(prog=f"python -m services.{service_cls.name}")
    parser.add_argument("command", choices=["run", "migrate", "parked", "replay", "audit-verify"],
                        help="run the service; migrate its database and queues; list parked events; "
                             "replay parked events (all, or the ids given); verify the audit log's hash chain")
    parser.add_argument("ids", nargs="*", type=int, help="parked event ids for `replay`")
    args = parser.parse_args(argv)
    logs.configure(service_cls.name)
    if args.command == "migrate":
        migrate(service_cls, package_dir, seed)
    elif args.command in ("parked", "replay"):
        parked_events(service_cls, args.command, args.ids)
    elif args.command == "audit-verify":
        sys.exit(audit_verify(service_cls))
    else:
        run(service_cls)


def migrate(service_cls, package_dir, seed=None, url=None, amqp_uri=None):
    """Upgrade the service's database, seed it, and declare its exchange and consumer queues."""
    from services.common import migrations, topology
    url = url or config.database_url(service_cls.name)
    migrations.upgrade(Path(package_dir), url)
    log.info("database migrated")
    if seed is not None:
        seed(url)
    queues = topology.declare(service_cls, amqp_uri or config.amqp_uri(service_cls.name))
    log.info("declared exchange %s.events and %d consumer queue(s)", service_cls.name, len(queues))


def parked_events(service_cls, command, ids):
    from services.common import parked
    from services.common.db import make_engine, UnitOfWork
    metadata = next(d.metadata for d in vars(service_cls).values() if isinstance(d, UnitOfWork))
    engine = make_engine(config.database_url(service_cls.name), pool_size=0)
    if command == "replay":
        # Replay writes straight into the handlers' queues, which a service's own broker user may not do: in
        # production it runs with an operator's URI.
        uri = config.env("CARLOAN_REPLAY_AMQP_URI") or config.amqp_uri(service_cls.name)
        replayed = parked.replay(engine, metadata, uri, ids)
        print(f"replayed {len(replayed)} parked event(s): {replayed}")
        return
    for row in parked.waiting(engine, metadata):
        last_line = row.error.strip().splitlines()[-1] if row.error else ""
        print(f"{row.id}\t{row.parked_at:%Y-%m-%d %H:%M:%S}\t{row.event_type}\t{row.handler}\t"
              f"attempts={row.attempts}\t{last_line}")


def audit_verify(service_cls, url=None):
    """Check the audit log's hash chain; prints the outcome and returns the exit status (1: broken)."""
    from services.common import audit
    from services.common.db import make_engine, UnitOfWork
    metadata = next(d.metadata for d in vars(service_cls).values() if isinstance(d, UnitOfWork))
    engine = make_engine(url or config.database_url(service_cls.name), pool_size=0)
    try:
        table = metadata.tables["audit_log"]
        checked, problem = audit.verify(engine, table)
        with engine.connect() as conn:
            unsealed = conn.execute(select(func.count()).where(table.c.seq.is_(None))).scalar_one()
            head = conn.execute(select(table.c.seq, table.c.hash).where(table.c.seq.is_not(None))
                                .order_by(table.c.seq.desc()).limit(1)).first()
    finally:
        engine.dispose()
    if problem:
        print(f"BROKEN at record seq={problem['seq']} (id {problem['id']}): {problem['reason']}; "
              f"{checked - 1} record(s) before it are intact")
        return 1
    # The head's hash, kept outside the database (e.g. in the operations log), later shows a chain recomputed.
    print(f"OK: {checked} sealed record(s) chained; {unsealed} not sealed yet"
          + (f"; head seq={head.seq} hash={head.hash}" if head else ""))
    return 0


def run(service_cls):
    from nameko.cli.run import run as nameko_run
    from services.common.metrics import serve_metrics
    port = config.metrics_port(service_cls.name)
    serve_metrics(port)
    log.info("%s service starting; metrics on :%d", service_cls.name, port)
    nameko_run([service_cls], config.nameko_config(service_cls.name))
    sys.exit(0)
