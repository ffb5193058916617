"""One RabbitMQ user per service, allowed only its own queues and exchanges (`python -m services.common.broker setup`).

What each user may do, by RabbitMQ's three permissions (regular expressions over queue and exchange names):
* a service reads its RPC queue, its reply queues and its event queues, and publishes on the RPC exchange and its
  own events exchange: it cannot take another service's calls or events, nor publish an event in another's name;
* it may (re)declare the events exchanges it subscribes to, as Nameko does at start, but not write to them;
* the gateway only calls (the RPC exchange and its reply queues) and listens to the org service's changes.
A call that reaches a service through the shared RPC exchange still needs a signed actor (services/common/context.py).
"""
import argparse
import importlib
import re
import sys
import urllib.parse

from services.common import config
from services.common.consumer import reliable_handlers

SERVICES = {"org": "OrgService", "customer": "CustomerService", "collateral": "CollateralService",
            "loan": "LoanService", "finance": "FinanceService", "collection": "CollectionService",
            "document": "DocumentService"}
GATEWAY = "gateway"
RPC_EXCHANGE = "nameko-rpc"


def service_class(name):
    return getattr(importlib.import_module(f"services.{name}.service"), SERVICES[name])


def subscribed_sources(service_cls):
    return sorted({handler.source_service for _, handler in reliable_handlers(service_cls)})


def _any_of(*patterns):
    return "^(" + "|".join(patterns) + ")$"


def service_permissions(name, sources):
    """configure / write / read of the service `name`, which subscribes to the events of `sources`."""
    own = re.escape(name)
    rpc, replies = re.escape(RPC_EXCHANGE), rf"rpc\.reply-{own}-.+"
    queues = [f"rpc-{own}", replies, rf"evt-.+--{own}\..+"]
    foreign = [rf"{re.escape(source)}\.events" for source in sources]
    return {"configure": _any_of(rpc, *queues, rf"{own}\.events", *foreign),
            "write": _any_of(rpc, *queues, rf"{own}\.events"),
            "read": _any_of(rpc, *queues, *foreign)}


def gateway_permissions():
    mine = [re.escape(RPC_EXCHANGE), r"rpc\.reply-standalone_rpc_proxy-.+", r"gateway-principals-.+"]
    return {"configure": _any_of(*mine, r"org\.events"), "write": _any_of(*mine),
            "read": _any_of(*mine, r"org\.events")}


def all_permissions():
    """{user: permissions} of every service and the gateway."""
    permissions = {name: service_permissions(name, subscribed_sources(service_class(name))) for name in SERVICES}
    permissions[GATEWAY] = gateway_permissions()
    return permissions


def setup(admin_url, vhost, passwords, session=None, prefix=""):
    """Create or update each user (named `prefix` + service) with its password and set its permissions on
    `vhost` (idempotent)."""
    import requests
    session = session or requests.Session()
    url = urllib.parse.urlparse(admin_url)
    base = f"{url.scheme}://{url.hostname}:{url.port or 15672}/api"
    auth = (urllib.parse.unquote(url.username or ""), urllib.parse.unquote(url.password or ""))
    quoted_vhost = urllib.parse.quote(vhost, safe="")
    for user, permissions in all_permissions().items():
        name = urllib.parse.quote(prefix + user, safe="")
        response = session.put(f"{base}/users/{name}", json={"password": passwords[user], "tags": ""},
                               auth=auth, timeout=10)
        response.raise_for_status()
        response = session.put(f"{base}/permissions/{quoted_vhost}/{name}", json=permissions, auth=auth, timeout=10)
        response.raise_for_status()
    return sorted(all_permissions())


def passwords_from_env():
    """`CARLOAN_BROKER_PASSWORD_<USER>` for every user; all are required."""
    users = [*SERVICES, GATEWAY]
    missing = [f"CARLOAN_BROKER_PASSWORD_{user.upper()}" for user in users
               if not config.env(f"CARLOAN_BROKER_PASSWORD_{user.upper()}")]
    if missing:
        raise SystemExit(f"set {', '.join(missing)}")
    return {user: config.env(f"CARLOAN_BROKER_PASSWORD_{user.upper()}") for user in users}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m services.common.broker")
    parser.add_argument("command", choices=["setup", "show"],
                        help="setup: create the users and their permissions (management API at "
                             "CARLOAN_BROKER_ADMIN_URL, vhost CARLOAN_BROKER_VHOST); show: print the permissions")
    args = parser.parse_args(argv)
    if args.command == "show":
        for user, permissions in all_permissions().items():
            print(user, permissions["configure"], permissions["write"], permissions["read"], sep="\t")
        return
    admin_url = config.env("CARLOAN_BROKER_ADMIN_URL")
    if not admin_url:
        raise SystemExit("set CARLOAN_BROKER_ADMIN_URL, e.g. http://admin:<password>@rabbitmq:15672")
    users = setup(admin_url, config.env("CARLOAN_BROKER_VHOST", "/"), passwords_from_env())
    print(f"broker users set up: {', '.join(users)}")


if __name__ == "__main__":
    sys.exit(main())
