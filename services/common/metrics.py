"""Prometheus metrics of the services (one process per service, each on its own port).

Labels are bounded (service, entrypoint, event type, error code); never a customer, loan or user id.
"""
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, make_server

from nameko.extensions import DependencyProvider
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, make_wsgi_app

from services.common import config

ENTRYPOINT_CALLS = Counter(
    "carloan_entrypoint_calls_total", "Entrypoint calls (RPC and event handlers)",
    ["service", "entrypoint"])
ENTRYPOINT_FAILURES = Counter(
    "carloan_entrypoint_failures_total", "Entrypoint calls that ended in an error",
    ["service", "entrypoint", "error"])
ENTRYPOINT_LATENCY = Histogram(
    "carloan_entrypoint_duration_seconds", "Entrypoint latency",
    ["service", "entrypoint"],
    buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
OUTBOX_BACKLOG = Gauge(
    "carloan_outbox_backlog", "Outbox rows not yet published", ["service"])
OUTBOX_UNROUTABLE = Gauge(
    "carloan_outbox_unroutable", "Unsent outbox rows the broker returned: no queue subscribes to them yet",
    ["service"])
OUTBOX_PUBLISHED = Counter(
    "carloan_outbox_published_total", "Outbox rows published and confirmed", ["service"])
EVENTS_HANDLED = Counter(
    "carloan_events_handled_total", "Events handled by reliable consumers",
    ["service", "event_type", "outcome"])
PARKED_EVENTS = Gauge(
    "carloan_parked_events", "Parked events not yet replayed (waiting for an operator)", ["service"])
EVENTS_PARKED = Counter(
    "carloan_events_parked_total", "Events parked after exhausting their retries",
    ["service", "event_type"])


class EntrypointMetrics(DependencyProvider):
    """Counts and times every entrypoint of the service it is declared on."""

    def __init__(self):
        self._started = {}

    def worker_setup(self, worker_ctx):
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self._started.pop(worker_ctx, None)
        service = self.container.service_name
        name = worker_ctx.entrypoint.method_name
        ENTRYPOINT_CALLS.labels(service, name).inc()
        if started is not None:
            ENTRYPOINT_LATENCY.labels(service, name).observe(time.perf_counter() - started)
        if exc_info is not None:
            error = getattr(exc_info[1], "code", None) or type(exc_info[1]).__name__
            ENTRYPOINT_FAILURES.labels(service, name, error).inc()

    def worker_teardown(self, worker_ctx):
        self._started.pop(worker_ctx, None)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def metrics_app(registry=REGISTRY):
    """`/metrics` and `/healthz` for a service's metrics port."""
    prometheus = make_wsgi_app(registry)

    def app(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        return prometheus(environ, start_response)

    return app


def serve_metrics(port, host=None):
    """Serve metrics in a background (green) thread on `host` (default `CARLOAN_METRICS_HOST`, 127.0.0.1: only
    this machine; compose and Kubernetes set 0.0.0.0 so Prometheus can scrape); returns the server."""
    host = host or config.env("CARLOAN_METRICS_HOST", "127.0.0.1")
    server = make_server(host, port, metrics_app(), handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True, name="metrics").start()
    return server
