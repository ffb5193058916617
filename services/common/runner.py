"""Command line of every service: `python -m services.<name> run|migrate`.

`run` starts the Nameko service with its metrics port; `migrate` upgrades its database, seeds what the
service seeds, and declares its exchanges and consumer queues. Both read configuration from the environment.
"""
import argparse
import logging
import sys
from pathlib import Path

from services.common import config, logs

log = logging.getLogger(__name__)


def main(service_cls, package_dir, seed=None, argv=None):
    parser = argparse.ArgumentParser(prog=f"python -m services.{service_cls.name}")
    parser.add_argument("command", choices=["run", "migrate"])
    args = parser.parse_args(argv)
    logs.configure(service_cls.name)
    if args.command == "migrate":
        migrate(service_cls, package_dir, seed)
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
    queues = topology.declare(service_cls, amqp_uri or config.amqp_uri())
    log.info("declared exchange %s.events and %d consumer queue(s)", service_cls.name, len(queues))


def run(service_cls):
    from nameko.cli.run import run as nameko_run
    from services.common.metrics import serve_metrics
    port = config.metrics_port(service_cls.name)
    serve_metrics(port)
    log.info("%s service starting; metrics on :%d", service_cls.name, port)
    nameko_run([service_cls], config.nameko_config())
    sys.exit(0)
