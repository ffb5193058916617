"""The RPC entrypoint of the platform: commits the worker's unit of work before the reply is sent."""
from nameko.rpc import Rpc

from services.common.db import complete
from services.common.errors import DomainError


class TransactionalRpc(Rpc):
    def __init__(self, expected_exceptions=DomainError, **kwargs):
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def handle_result(self, message, worker_ctx, result, exc_info):
        result, exc_info = complete(worker_ctx, result, exc_info)
        return super().handle_result(message, worker_ctx, result, exc_info)


rpc = TransactionalRpc.decorator
