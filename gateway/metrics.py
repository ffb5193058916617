"""Gateway metrics; with PROMETHEUS_MULTIPROC_DIR set (under gunicorn) every worker's figures are summed."""
import os
import time

from flask import Response, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram,
                               generate_latest)

REQUESTS = Counter("carloan_gateway_requests_total", "HTTP requests answered",
                   ["method", "route", "status"])
LATENCY = Histogram("carloan_gateway_request_duration_seconds", "HTTP request latency",
                    ["method", "route"],
                    buckets=(.0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5, 10))


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def register(app):
    @app.after_request
    def observe(response):
        route = request.url_rule.rule if request.url_rule else "unmatched"
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        started = g.get("started")
        if started is not None:
            LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def metrics():
        return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)

    metrics.required_permission = None
