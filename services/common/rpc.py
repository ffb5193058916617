"""The RPC entrypoint of the platform: commits the worker's unit of work before the reply is sent."""
import sys

from nameko.rpc import Rpc
from sqlalchemy.exc import IntegrityError

from services.common.db import complete
from services.common.errors import Conflict, DomainError


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
        return super().handle_result(message, worker_ctx, result, exc_info)


rpc = TransactionalRpc.decorator
