"""Metrics ports listen where they are told: on this machine only by default, on every interface where
Prometheus scrapes them from elsewhere (compose, Kubernetes)."""
import pytest

from services.common.metrics import serve_metrics
from tests.unit.test_deploy import compose_environment, compose_service, container_env, k8s_object, only_container

SERVICES = ("org", "customer", "collateral", "loan", "finance", "collection", "document")


def _bound_host(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CARLOAN_METRICS_HOST", raising=False)
    else:
        monkeypatch.setenv("CARLOAN_METRICS_HOST", value)
    server = serve_metrics(0)
    try:
        return server.server_address[0]
    finally:
        server.shutdown()
        server.server_close()


def test_a_service_serves_metrics_on_localhost_unless_told_otherwise(monkeypatch):
    assert _bound_host(monkeypatch, None) == "127.0.0.1"
    assert _bound_host(monkeypatch, "0.0.0.0") == "0.0.0.0"


@pytest.mark.parametrize("service", SERVICES)
def test_compose_and_kubernetes_open_the_metrics_port_to_prometheus(service):
    assert container_env(only_container(k8s_object("Deployment", service)))["CARLOAN_METRICS_HOST"] == "0.0.0.0"
    assert compose_environment(compose_service(service))["CARLOAN_METRICS_HOST"] == "0.0.0.0"
