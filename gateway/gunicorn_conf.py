"""gunicorn settings for the gateway: gthread workers, port from CARLOAN_GATEWAY_PORT, multiprocess metrics."""
import os
import tempfile

from services.common import logs

bind = f"{os.environ.get('CARLOAN_GATEWAY_HOST', '127.0.0.1')}:{os.environ.get('CARLOAN_GATEWAY_PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("CARLOAN_GATEWAY_WORKERS", "2"))
threads = int(os.environ.get("CARLOAN_GATEWAY_THREADS", "8"))
timeout = 30
graceful_timeout = 10
# How long an idle keep-alive connection stays open. gunicorn's default (2 s) closes it just as a client that
# paused two seconds sends its next request on it (the client sees the connection reset, nothing answered);
# behind a proxy it must also outlast the proxy's own idle timeout (nginx-ingress upstream: 60 s).
keepalive = int(os.environ.get("CARLOAN_GATEWAY_KEEPALIVE_SECONDS", "75"))
accesslog = None
# gunicorn's own ceiling for a request line (default 4094): longer ones get its plain 414 before the app.
limit_request_line = 8190
# gunicorn's control socket defaults to one path per user, shared by every gunicorn on the machine (and
# not writable on a read-only root filesystem); the gateway does not use it.
control_socket_disable = True

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="carloan-gateway-metrics-")


def on_starting(server):
    logs.configure("gateway")


def post_worker_init(worker):
    logs.configure("gateway")


def child_exit(server, worker):
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)
