"""The RPC entrypoint of the platform: commits the worker's unit of work before the reply is sent."""
import sys

from nameko.amqp.publish import Publisher
from nameko.constants import AMQP_SSL_CONFIG_KEY, LOGIN_METHOD_CONFIG_KEY, SERIALIZER_CONFIG_KEY
from nameko.rpc import Responder, Rpc, get_rpc_exchange
from nameko.constants import AMQP_URI_CONFIG_KEY, DEFAULT_SERIALIZER
from sqlalchemy.exc import IntegrityError

from services.common.db import complete
from services.common.errors import Conflict, DomainError


class _ReplyPublisher(Publisher):
    # A reply goes to the caller's own reply queue. A publisher confirm would cost a broker round trip per
    # call without making the reply any surer to arrive: the caller times out either way if it is lost.
    # The data itself is already committed (below), and events travel by the outbox with confirms.
    use_confirms = False


class _Responder(Responder):
    publisher_cls = _ReplyPublisher


class TransactionalRpc(Rpc):
    def __init__(self, expected_exceptions=DomainError, **kwargs):
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def handle_result(self, message, worker_ctx, result, exc_info):
        result, exc_info = complete(worker_ctx, result, exc_info)
        if exc_info is not None and isinstance(exc_info[1], IntegrityError):
            # A uniqueness or reference check lost a race with another writer: the caller may retry.
            try:
                raise Conflict("the change conflicts with data written at the same time",
                               code="CONCURRENT_CHANGE") from exc_info[1]
            except Conflict:
                exc_info = sys.exc_info()
        config = self.container.config
        responder = _Responder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
        result, exc_info = responder.send_response(result, exc_info)
        self.rpc_consumer.queue_consumer.ack_message(message)
        return result, exc_info


rpc = TransactionalRpc.decorator


def ask(proxy, method, *args, timeout=None, **kwargs):
    """Call another service from inside a worker, giving up after `timeout` seconds (default
    `CARLOAN_SERVICE_RPC_TIMEOUT_SECONDS`, 5, within the gateway's 10): Nameko's own RpcProxy would wait
    forever for a service that is down.
    The worker's transaction is then rolled back and the caller hears 503 `SERVICE_UNAVAILABLE`."""
    import eventlet
    from nameko.exceptions import UnknownService

    from services.common import config
    from services.common.errors import Unavailable

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
