"""Calls from one service to another inside a worker, bounded in time (the callee may be down)."""
import eventlet
from nameko.exceptions import UnknownService

from services.common import config
from services.common.errors import Unavailable


def ask(proxy, method, *args, timeout=None, **kwargs):
    """Call another service from inside a worker, giving up after `timeout` seconds (default
    `CARLOAN_SERVICE_RPC_TIMEOUT_SECONDS`, 5, within the gateway's 10): Nameko's own RpcProxy would wait
    forever for a service that is down.
    The worker's transaction is then rolled back and the caller hears 503 `SERVICE_UNAVAILABLE`."""
    timeout = timeout or config.env_float("CARLOAN_SERVICE_RPC_TIMEOUT_SECONDS", 5)
    service = proxy.service_name
    try:
        with eventlet.Timeout(timeout):
            return getattr(proxy, method).call_async(*args, **kwargs).result()
    except eventlet.Timeout:
        raise Unavailable(f"the {service} service did not answer within {timeout:g}s",
                          extra={"service": service}) from None
    except UnknownService:
        raise Unavailable(f"the {service} service is not running", extra={"service": service}) from None
