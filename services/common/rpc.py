"""The RPC entrypoint of the platform: commits the worker's unit of work before the reply is sent."""
import logging
import sys

from amqp.exceptions import AMQPError
from kombu.exceptions import KombuError
from nameko.amqp.publish import Publisher
from nameko.constants import AMQP_SSL_CONFIG_KEY, LOGIN_METHOD_CONFIG_KEY, SERIALIZER_CONFIG_KEY
from nameko.rpc import Responder, Rpc, get_rpc_exchange
from nameko.constants import AMQP_URI_CONFIG_KEY, DEFAULT_SERIALIZER
from sqlalchemy.exc import IntegrityError

from services.common import context, faults
from services.common.db import complete
from services.common.errors import Conflict, DomainError, from_refusal
from services.common.refusal import Refused

log = logging.getLogger(__name__)
BROKER_ERRORS = (OSError, KombuError, AMQPError)


class _ReplyPublisher(Publisher):
    # A reply goes to the caller's own reply queue. A publisher confirm would cost a broker round trip per
    # call without making the reply any surer to arrive: the caller times out either way if it is lost.
    # The data itself is already committed (below), and events travel by the outbox with confirms.
    use_confirms = False


class _Responder(Responder):
    publisher_cls = _ReplyPublisher


class TransactionalRpc(Rpc):
    """An RPC method that runs only for a caller with a valid signed actor: an employee (whose data scope the
    method applies), or one of the `services` named here calling on its own account."""

    def __init__(self, expected_exceptions=(DomainError, Refused), services=(), employees=True, **kwargs):
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)
        self.services = frozenset(services)
        self.employees = employees

    def handle_message(self, body, message):
        # Raised here, the refusal is the reply (Nameko's RpcConsumer answers it): no worker, no transaction.
        caller = context.verify(self.unpack_message_headers(message).get(context.ACTOR_KEY))
        context.authorise(caller, f"{self.container.service_name}.{self.method_name}", self.services,
                          self.employees)
        super().handle_message(body, message)

    def handle_result(self, message, worker_ctx, result, exc_info):
        result, exc_info = complete(worker_ctx, result, exc_info)
        faults.after_commit(self.method_name, exc_info)  # tests only: CARLOAN_FAULT_EXIT_AFTER_COMMIT
        if exc_info is not None and isinstance(exc_info[1], Refused):
            # A rule refused the command (rolled back above): the caller hears it as its error, in one place.
            try:
                raise from_refusal(exc_info[1]) from None
            except DomainError:
                exc_info = sys.exc_info()
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
        # A broken broker connection must not escape from here: Nameko would kill the whole service (and every
        # worker in flight with it). The reply is then lost and the caller times out (503), while the work
        # stays committed and a retry under the same Idempotency-Key replays it; a request not acked is
        # redelivered by the broker, and replayed the same way.
        try:
            result, exc_info = responder.send_response(result, exc_info)
        except BROKER_ERRORS as exc:
            log.warning("reply of %s.%s not sent: %s", self.container.service_name, self.method_name, exc)
        try:
            self.rpc_consumer.queue_consumer.ack_message(message)
        except BROKER_ERRORS as exc:
            log.warning("request of %s.%s not acked: %s", self.container.service_name, self.method_name, exc)
        return result, exc_info


rpc = TransactionalRpc.decorator
"""`@rpc` for employees' calls (through the gateway); `@rpc(services=("loan",))` also lets the loan service call
the method on its own account, e.g. from an event handler; `employees=False` keeps employees out of a method
only services call (the gateway's login and principal lookup)."""
