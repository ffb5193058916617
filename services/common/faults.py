"""Fault injection for tests that crash a real service process at the worst moment (never set in production).

`CARLOAN_FAULT_EXIT_AFTER_COMMIT=record_repayment` (a comma-separated list of RPC method names) makes the service
process end at once (`os._exit`, no clean-up, like kill -9) right after such a method's transaction committed and
before its reply is sent: the broker then redelivers the unacknowledged request to the next process, which must
find the effect already done. Ignored when `CARLOAN_ENV=production`.
"""
import logging
import os

log = logging.getLogger(__name__)
EXIT_CODE = 70


def after_commit(method_name, exc_info):
    """Called by the RPC entrypoint between its commit and its reply."""
    wanted = os.environ.get("CARLOAN_FAULT_EXIT_AFTER_COMMIT", "")
    if not wanted or exc_info is not None or os.environ.get("CARLOAN_ENV") == "production":
        return
    if method_name in {name.strip() for name in wanted.split(",")}:
        log.error("fault injection: exiting after the commit of %s, before its reply", method_name)
        for handler in logging.getLogger().handlers:
            handler.flush()
        os._exit(EXIT_CODE)
