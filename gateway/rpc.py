"""Nameko RPC from gunicorn threads: one standalone proxy per thread, reused, with a timeout.

Nameko's standalone proxy is not thread-safe, so each thread keeps its own; the actor of the current request,
signed (or the gateway's own identity when no one is logged in), and its correlation id are written into that
proxy's context data before each call.
"""
import logging
import threading
import time

from flask import current_app, g
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy

import services.common.errors  # noqa: F401  (registers domain errors for deserialisation)
from services.common import context, jsonutil
from services.common.context import ACTOR_KEY, CORRELATION_KEY

log = logging.getLogger(__name__)


class ServiceUnavailable(Exception):
    def __init__(self, service, reason):
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


class RpcClient:
    def __init__(self, amqp_uri, timeout):
        self.config = {"AMQP_URI": amqp_uri, "serializer": "json"}
        self.timeout = timeout
        self._local = threading.local()

    def _standalone(self):
        standalone = getattr(self._local, "standalone", None)
        if standalone is None:
            standalone = ClusterRpcProxy(self.config, context_data={}, timeout=self.timeout)
            self._local.proxy = standalone.start()
            self._local.standalone = standalone
        return standalone

    def _reset(self):
        standalone = getattr(self._local, "standalone", None)
        self._local.standalone = None
        if standalone is not None:
            try:
                standalone.stop()
            except Exception:  # the connection is already broken
                pass

    def call(self, service, method, *args, actor=None, correlation_id=None, **kwargs):
        standalone = self._standalone()
        data = standalone._worker_ctx.data
        data.clear()
        data[ACTOR_KEY] = context.sign_actor(actor) if actor else context.sign_service("gateway")
        data[CORRELATION_KEY] = correlation_id
        try:
            return getattr(getattr(self._local.proxy, service), method)(*args, **kwargs)
        except RpcTimeout:
            # A late reply could otherwise be taken for the next call's: start afresh.
            self._reset()
            raise ServiceUnavailable(service, "timed out") from None
        except UnknownService:
            raise ServiceUnavailable(service, "not running") from None
        except (OSError, ConnectionError) as exc:
            self._reset()
            raise ServiceUnavailable(service, f"broker connection failed: {exc}") from None

    def call_all(self, calls, actor=None, correlation_id=None, timeout=None):
        """Several calls at once on this thread's proxy: every request is sent before any reply is awaited, and
        the replies are taken as they arrive, for at most `timeout` seconds in all (default: this client's).
        `calls` maps a key to `(service, method, args, kwargs)`; the answer maps each key to its result, or to the
        exception it ended with: the service's own error, or ServiceUnavailable when it is not running or did not
        answer in time (the others' answers are kept)."""
        standalone = self._standalone()
        data = standalone._worker_ctx.data
        data.clear()
        data[ACTOR_KEY] = context.sign_actor(actor) if actor else context.sign_service("gateway")
        data[CORRELATION_KEY] = correlation_id
        consumer = standalone._reply_listener.queue_consumer
        outcomes, pending = {}, {}
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        try:
            for key, (service, method, args, kwargs) in calls.items():
                try:
                    pending[key] = service, getattr(getattr(self._local.proxy, service), method).call_async(
                        *args, **kwargs)
                except UnknownService:
                    outcomes[key] = ServiceUnavailable(service, "not running")
            while pending:
                for key in [key for key, (_, reply) in pending.items()
                            if reply.reply_event.correlation_id in consumer.replies]:
                    _, reply = pending.pop(key)
                    try:
                        outcomes[key] = reply.result()
                    except Exception as exc:  # the service's answer was an error: it is the outcome
                        outcomes[key] = exc
                remaining = deadline - time.monotonic()
                if not pending or remaining <= 0:
                    break
                try:
                    consumer.consumer.connection.drain_events(timeout=remaining)
                except TimeoutError:  # socket.timeout
                    break
        except (OSError, ConnectionError) as exc:
            self._reset()
            failure = f"broker connection failed: {exc}"
            return {key: outcomes[key] if key in outcomes else ServiceUnavailable(calls[key][0], failure)
                    for key in calls}
        if pending:
            # Their replies may still come, and could be taken for a later call's: start afresh.
            self._reset()
            for key, (service, _) in pending.items():
                outcomes[key] = ServiceUnavailable(service, "timed out")
        return {key: outcomes[key] for key in calls}


def call(service, method, *args, **kwargs):
    """RPC from a view, on behalf of the current request's actor, with its correlation id (through the app's
    `RpcClient`)."""
    actor = getattr(g, "actor", None)
    if any(isinstance(arg, dict) for arg in args):  # loaded bodies may hold dates: send them as ISO 8601
        args = jsonutil.to_jsonable(args)
    return current_app.extensions["carloan"].rpc.call(
        service, method, *args, actor=actor.to_dict() if actor else None,
        correlation_id=g.correlation_id, **kwargs)
