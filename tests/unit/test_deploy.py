"""The deployment artifacts agree with each other and with the code (no network, no Docker).

Checks the Kubernetes manifests against the API schemas (kubernetes-validate), that docker-compose.yml and
deploy/k8s run the same components with the same image and commands, that probes point at what the code
serves, that no secret is committed, and that the Prometheus files parse and use metrics the code exports.
"""
import re
import runpy
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S_DIR = ROOT / "deploy" / "k8s"
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

IMAGE = "carloan:0.1.0"
NAMESPACE = "carloan"
SECRET_NAME = "carloan-secrets"
# compose service -> (k8s kind, k8s name): the application components both deployments run
SERVICES = ("org", "customer", "collateral", "loan", "finance", "collection", "document")
DEPLOYMENTS = SERVICES + ("gateway",)
COMPONENTS = {
    **{f"{service}-migrate": ("Job", f"{service}-migrate") for service in SERVICES},
    **{name: ("Deployment", name) for name in DEPLOYMENTS},
}
# Values the code must never see from a committed file; compose has to substitute them.
REQUIRED_SECRETS = ("CARLOAN_JWT_SECRET", "CARLOAN_ADMIN_PASSWORD", "CARLOAN_PII_KEY", "CARLOAN_ACTOR_KEYS")
SECRET_KEY_RE = re.compile(r"SECRET|PASSWORD|PASSWD|_PASS$|TOKEN|API_KEY")
SUBSTITUTION_RE = re.compile(r"^\$\{[A-Z_][A-Z0-9_]*(:?[-?][^}]*)?\}$")


# ---------------------------------------------------------------- loading

def load_yaml(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def k8s_documents():
    """(file name, document) for every YAML document under deploy/k8s."""
    documents = []
    for path in sorted(K8S_DIR.glob("*.y*ml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc is not None:
                documents.append((path.name, doc))
    return documents


def k8s_object(kind, name):
    matches = [doc for _, doc in k8s_documents()
               if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected exactly one {kind}/{name} under deploy/k8s, found {len(matches)}"
    return matches[0]


def k8s_objects(kind):
    return [doc for _, doc in k8s_documents() if doc["kind"] == kind]


def pod_spec(workload):
    return workload["spec"]["template"]["spec"]


def only_container(workload):
    containers = pod_spec(workload)["containers"]
    assert len(containers) == 1, f"{workload['metadata']['name']}: expected one container"
    return containers[0]


def named_port(container, port):
    """A probe's port (a name or a number) as a number, resolved through the container's ports."""
    if isinstance(port, int):
        return port
    by_name = {p["name"]: p["containerPort"] for p in container.get("ports", []) if "name" in p}
    assert port in by_name, f"container {container['name']} has no port named {port!r}"
    return by_name[port]


def container_env(container):
    """The container's literal env: the ConfigMaps it imports, then its own `value`s."""
    env = {}
    for source in container.get("envFrom", []):
        config_map = k8s_object("ConfigMap", source["configMapRef"]["name"])
        env.update(config_map["data"])
    for var in container.get("env", []):
        if "value" in var:
            env[var["name"]] = var["value"]
    return env


def compose():
    return load_yaml(COMPOSE_FILE)


def compose_service(name):
    services = compose()["services"]
    assert name in services, f"docker-compose.yml has no service {name!r}"
    return services[name]


def compose_environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {key: (None if value is None else str(value)) for key, value in env.items()}


def dockerfile_instructions():
    """(INSTRUCTION, arguments) pairs of the Dockerfile, continuation lines joined, comments dropped."""
    lines, current = [], ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        current += " " + line.rstrip("\\").strip()
        if not line.endswith("\\"):
            lines.append(current.strip())
            current = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
            for line in lines]


def dockerfile_args(instruction):
    return [args for name, args in dockerfile_instructions() if name == instruction]


def project_version():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


# ---------------------------------------------------------------- (a) Kubernetes schemas

K8S_VERSION = kubernetes_validate.latest_version()


def _doc_id(item):
    file_name, doc = item
    return f"{file_name}:{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


@pytest.mark.parametrize("item", k8s_documents(), ids=_doc_id)
def test_k8s_document_validates_against_the_api_schema(item):
    _, doc = item
    try:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        where = "/".join(map(str, exc.path)) or "(root)"
        raise AssertionError(f"invalid for Kubernetes {exc.version} at {where}: {exc.message}") from None


def test_k8s_has_every_expected_object():
    present = {(doc["kind"], doc["metadata"]["name"]) for _, doc in k8s_documents()}
    expected = {("Namespace", NAMESPACE), ("ConfigMap", "carloan-config")}
    expected |= {("Job", f"{service}-migrate") for service in SERVICES}
    for component in DEPLOYMENTS:
        expected |= {(kind, component) for kind in
                     ("Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler")}
    assert expected <= present, f"missing: {sorted(expected - present)}"


def test_k8s_objects_live_in_the_carloan_namespace():
    for _, doc in k8s_documents():
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == NAMESPACE, _doc_id((_, doc))


def test_no_secret_is_committed_only_referenced():
    assert not k8s_objects("Secret"), "Secrets are created with kubectl (see config.yaml), never committed"
    for kind, name in COMPONENTS.values():
        for var in only_container(k8s_object(kind, name)).get("env", []):
            ref = var.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                assert ref["name"] == SECRET_NAME and ref["key"] == var["name"], var
            else:
                assert not SECRET_KEY_RE.search(var["name"]), f"{name}: {var['name']} must come from a Secret"
    config_map = k8s_object("ConfigMap", "carloan-config")["data"]
    assert not [key for key in config_map if SECRET_KEY_RE.search(key) or key.endswith(("_URI", "_URL"))]


def test_k8s_secret_creation_is_documented():
    text = (K8S_DIR / "config.yaml").read_text(encoding="utf-8")
    assert f"kubectl -n {NAMESPACE} create secret generic {SECRET_NAME}" in text
    for key in REQUIRED_SECRETS + tuple(f"{s.upper()}_DATABASE_URL" for s in SERVICES) + tuple(
            f"{user.upper()}_AMQP_URI" for user in DEPLOYMENTS) + tuple(
            f"CARLOAN_BROKER_PASSWORD_{user.upper()}" for user in DEPLOYMENTS) + ("CARLOAN_BROKER_ADMIN_URL",):
        assert f"--from-literal={key}=" in text, key


@pytest.mark.parametrize("kind", ["Service", "PodDisruptionBudget"])
def test_selectors_match_the_deployment_pods(kind):
    for component in DEPLOYMENTS:
        pod_labels = k8s_object("Deployment", component)["spec"]["template"]["metadata"]["labels"]
        spec = k8s_object(kind, component)["spec"]
        selector = spec["selector"] if kind == "Service" else spec["selector"]["matchLabels"]
        assert selector.items() <= pod_labels.items(), f"{kind}/{component} selects no {component} pod"


def test_autoscalers_target_their_deployment_on_cpu():
    for component in DEPLOYMENTS:
        spec = k8s_object("HorizontalPodAutoscaler", component)["spec"]
        assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": component}
        assert spec["minReplicas"] >= 2 and spec["maxReplicas"] >= spec["minReplicas"]
        assert [m["resource"]["name"] for m in spec["metrics"] if m["type"] == "Resource"] == ["cpu"]


# ---------------------------------------------------------------- (b) compose and k8s agree

@pytest.mark.parametrize("service", sorted(COMPONENTS))
def test_compose_and_k8s_run_the_same_image_and_command(service):
    kind, name = COMPONENTS[service]
    in_compose = compose_service(service)
    in_k8s = only_container(k8s_object(kind, name))
    assert in_compose["image"] == IMAGE
    assert in_k8s["image"] == IMAGE
    # The image has no ENTRYPOINT, so compose's `command` is the whole argv, as is k8s command + args.
    assert isinstance(in_compose["command"], list), "use the exec (list) form of command"
    assert in_k8s["command"] + in_k8s.get("args", []) == in_compose["command"]


@pytest.mark.parametrize("service", SERVICES)
def test_compose_runs_migrations_before_the_service(service):
    depends = compose_service(service)["depends_on"]
    assert depends[f"{service}-migrate"]["condition"] == "service_completed_successfully"
    migrate_depends = compose_service(f"{service}-migrate")["depends_on"]
    assert {migrate_depends[s]["condition"] for s in ("rabbitmq", "postgres")} == {"service_healthy"}


def test_compose_and_k8s_give_the_same_non_secret_configuration():
    for service, (kind, name) in COMPONENTS.items():
        k8s_env = container_env(only_container(k8s_object(kind, name)))
        compose_env = compose_environment(compose_service(service))
        for key, value in k8s_env.items():
            assert compose_env.get(key) == value, f"{service}: {key} is {compose_env.get(key)!r} in compose, " \
                                                  f"{value!r} in k8s"


def test_every_service_has_its_database_and_is_asked_by_readiness():
    created = set(re.findall(r"CREATE DATABASE (\w+);", (ROOT / "deploy" / "postgres" / "init.sql").read_text()))
    assert set(SERVICES) <= created, f"init.sql creates no database for {sorted(set(SERVICES) - created)}"
    config_map = k8s_object("ConfigMap", "carloan-config")["data"]
    for service in SERVICES:
        url = compose_environment(compose_service(service))[f"{service.upper()}_DATABASE_URL"]
        assert urlsplit(url).path == f"/{service}", f"{service}: {url}"
    for env in (config_map, compose_environment(compose_service("gateway"))):
        assert env["CARLOAN_SERVICES"].split(",") == list(SERVICES)


# ---------------------------------------------------------------- (c) workloads are production-shaped

@pytest.mark.parametrize("name", DEPLOYMENTS)
def test_deployment_has_probes_and_resources(name):
    deployment = k8s_object("Deployment", name)
    assert deployment["spec"]["replicas"] >= 2
    for container in pod_spec(deployment)["containers"]:
        for probe in ("readinessProbe", "livenessProbe"):
            assert "httpGet" in container.get(probe, {}), f"{name}/{container['name']}: no {probe}"
        assert_resources(container)


def test_every_deployment_is_checked():
    assert sorted(d["metadata"]["name"] for d in k8s_objects("Deployment")) == sorted(DEPLOYMENTS)


def assert_resources(container):
    resources = container.get("resources", {})
    for section in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources.get(section, {})), \
            f"{container['name']}: resources.{section} needs cpu and memory"


@pytest.mark.parametrize("kind", ["Deployment", "Job"])
def test_every_container_runs_as_non_root_with_resources(kind):
    for workload in k8s_objects(kind):
        assert pod_spec(workload).get("securityContext", {}).get("runAsNonRoot") is True
        for container in pod_spec(workload)["containers"]:
            assert container["image"] == IMAGE
            assert container.get("securityContext", {}).get("runAsNonRoot") is True, container["name"]
            assert container["securityContext"].get("allowPrivilegeEscalation") is False, container["name"]
            assert_resources(container)


# ---------------------------------------------------------------- (d) probes match what the code serves

def probe_target(deployment, probe):
    container = only_container(deployment)
    get = container[probe]["httpGet"]
    return get["path"], named_port(container, get["port"])


def test_gateway_probes_hit_routes_the_gateway_serves(monkeypatch):
    from flask import Flask
    from gateway.routes import ops

    app = Flask("probe-check")
    ops.register(app)
    served = {rule.rule for rule in app.url_map.iter_rules()}
    gateway = k8s_object("Deployment", "gateway")
    assert probe_target(gateway, "readinessProbe") == ("/readyz", 8000)
    assert probe_target(gateway, "livenessProbe") == ("/healthz", 8000)
    assert {"/readyz", "/healthz"} <= served


def test_gateway_binds_where_the_probes_and_services_look(monkeypatch):
    """gunicorn_conf, given the env the manifests give it, binds the port the probes, Service and compose use."""
    container = only_container(k8s_object("Deployment", "gateway"))
    for key, value in container_env(container).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "/nonexistent")  # keeps gunicorn_conf from making a dir
    bind = runpy.run_path(str(ROOT / "gateway" / "gunicorn_conf.py"))["bind"]
    assert bind == "0.0.0.0:8000"
    assert named_port(container, "http") == 8000
    assert k8s_object("Service", "gateway")["spec"]["ports"][0]["targetPort"] in ("http", 8000)
    assert k8s_object("Service", "gateway")["spec"]["ports"][0]["port"] == 80
    gateway = compose_service("gateway")
    assert compose_environment(gateway)["CARLOAN_GATEWAY_HOST"] == "0.0.0.0"
    assert "8000:8000" in [str(p) for p in gateway["ports"]]


def wsgi_status(app, path):
    statuses = []
    body = app({"PATH_INFO": path, "REQUEST_METHOD": "GET", "QUERY_STRING": ""},
               lambda status, headers: statuses.append(status))
    list(body)
    return statuses[0]


@pytest.mark.parametrize("service, default_port", [("org", 9101), ("customer", 9102), ("collateral", 9105),
                                                       ("loan", 9103), ("finance", 9104), ("collection", 9106),
                                                       ("document", 9107)])
def test_service_probes_hit_the_metrics_port_the_service_serves(monkeypatch, service, default_port):
    from services.common import config
    from services.common.metrics import metrics_app

    variable = f"{service.upper()}_METRICS_PORT"
    env = container_env(only_container(k8s_object("Deployment", service)))
    monkeypatch.setenv(variable, env[variable])
    port = config.metrics_port(service)
    monkeypatch.delenv(variable)
    assert port == config.metrics_port(service) == default_port  # the manifests agree with the code
    deployment = k8s_object("Deployment", service)
    assert probe_target(deployment, "readinessProbe") == ("/healthz", port)
    assert probe_target(deployment, "livenessProbe") == ("/healthz", port)
    assert wsgi_status(metrics_app(), "/healthz").startswith("200")
    assert wsgi_status(metrics_app(), "/metrics").startswith("200")
    assert k8s_object("Service", service)["spec"]["ports"][0]["port"] == port
    assert str(port) in [str(p) for p in compose_service(service)["expose"]]
    assert compose_environment(compose_service(service))[variable] == str(port)


@pytest.mark.parametrize("name,port", [("org", 9101), ("customer", 9102), ("collateral", 9105), ("loan", 9103),
                                       ("finance", 9104), ("collection", 9106), ("document", 9107),
                                       ("gateway", 8000)])
def test_scrape_annotations_point_at_the_metrics_port(name, port):
    annotations = k8s_object("Deployment", name)["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations.get("prometheus.io/path", "/metrics") == "/metrics"


# ---------------------------------------------------------------- (e) compose secrets and the image

def test_compose_commits_no_secret_values():
    for service_name, service in compose()["services"].items():
        for key, value in compose_environment(service).items():
            if value is None:
                continue
            if SECRET_KEY_RE.search(key):
                assert SUBSTITUTION_RE.match(value), f"{service_name}: {key} must be ${{VAR}} substitution"
            password = urlsplit(value).password if "://" in value else None
            if password is not None:
                assert SUBSTITUTION_RE.match(password), f"{service_name}: {key} carries a literal password"


def test_compose_requires_the_application_secrets():
    """JWT secret and admin password have no default: compose refuses to start without them."""
    for service in COMPONENTS:
        env = compose_environment(compose_service(service))
        for key in REQUIRED_SECRETS:
            assert re.fullmatch(r"\$\{" + key + r":\?[^}]*\}", env.get(key) or ""), f"{service}: {key}"


def test_compose_builds_the_image_from_this_dockerfile():
    builders = {name: s for name, s in compose()["services"].items() if "build" in s}
    assert list(builders) == ["org-migrate"], "exactly one service builds the application image"
    build = builders["org-migrate"]["build"]
    context, dockerfile = (build, "Dockerfile") if isinstance(build, str) else \
        (build.get("context", "."), build.get("dockerfile", "Dockerfile"))
    assert (COMPOSE_FILE.parent / context / dockerfile).resolve() == DOCKERFILE
    assert builders["org-migrate"]["image"] == IMAGE
    for name, service in compose()["services"].items():
        if name in COMPONENTS:
            assert service["image"] == IMAGE, name


def test_dockerfile_matches_the_image_tag():
    assert dockerfile_args("FROM") == ["node:20-slim AS console", "python:3.11-slim"]  # the console, then the image
    assert "--from=console /web/dist web/dist/" in dockerfile_args("COPY"), "the gateway serves the built console"
    version = IMAGE.split(":", 1)[1]
    assert version == project_version()
    assert any(f'org.opencontainers.image.version="{version}"' in args for args in dockerfile_args("LABEL"))
    assert dockerfile_args("WORKDIR")[-1] == "/app"
    user = dockerfile_args("USER")
    assert user and user[-1].split(":")[0] not in ("root", "0"), "the image must run as a non-root user"
    exposed = {port for args in dockerfile_args("EXPOSE") for port in args.split()}
    assert {"8000", "9101"} <= exposed
    copied = " ".join(dockerfile_args("COPY"))
    for source in ("pyproject.toml", "services/", "gateway/"):
        assert source in copied, f"Dockerfile does not copy {source}"
    assert any("pip install --no-cache-dir -c constraints.txt ." in args for args in dockerfile_args("RUN"))


# ---------------------------------------------------------------- (f) Prometheus

def exported_metric_names():
    """Metric names declared in the code (Counter/Gauge/Histogram first arguments)."""
    names = set()
    for path in [*(ROOT / "services").rglob("*.py"), *(ROOT / "gateway").rglob("*.py")]:
        names |= set(re.findall(r"\b(?:Counter|Gauge|Histogram)\(\s*\"(carloan_\w+)\"", path.read_text()))
    return names


def series_names(name):
    """What Prometheus sees for a declared metric (histograms add _bucket, _sum, _count)."""
    return {name, f"{name}_bucket", f"{name}_sum", f"{name}_count", f"{name}_created"}


def alert_rules():
    groups = load_yaml(PROMETHEUS_DIR / "rules.yml")["groups"]
    return [rule for group in groups for rule in group["rules"]]


def test_prometheus_config_parses_and_loads_the_rules_file():
    config = load_yaml(PROMETHEUS_DIR / "prometheus.yml")
    rule_files = config["rule_files"]
    mounts = {}
    for volume in compose_service("prometheus")["volumes"]:
        source, target = str(volume).split(":")[:2]
        mounts[target] = (COMPOSE_FILE.parent / source).resolve()
    assert mounts["/etc/prometheus/prometheus.yml"] == PROMETHEUS_DIR / "prometheus.yml"
    for rule_file in rule_files:
        assert mounts.get(rule_file) == PROMETHEUS_DIR / "rules.yml", f"{rule_file} is not mounted from rules.yml"


def test_prometheus_scrapes_the_gateway_and_the_org_service():
    config = load_yaml(PROMETHEUS_DIR / "prometheus.yml")
    targets = {target for job in config["scrape_configs"] for static in job.get("static_configs", [])
               for target in static["targets"]}
    assert {"gateway:8000", "org:9101", "customer:9102", "collateral:9105", "loan:9103", "finance:9104",
            "collection:9106", "document:9107"} <= targets
    assert all(job.get("metrics_path", "/metrics") == "/metrics" for job in config["scrape_configs"])


def test_rules_file_parses_and_each_rule_is_complete():
    rules = alert_rules()
    assert len(rules) >= 4
    for rule in rules:
        assert rule.get("alert") and rule.get("expr"), rule
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        expr = rule["expr"]
        assert expr.count("(") == expr.count(")") and expr.count("[") == expr.count("]"), rule["alert"]


def test_rules_use_only_metrics_the_code_exports():
    known = set().union(*(series_names(name) for name in exported_metric_names()))
    used = {name for rule in alert_rules() for name in re.findall(r"\bcarloan_\w+", rule["expr"])}
    assert used, "the rules should watch the platform's own metrics"
    assert used <= known, f"unknown metrics: {sorted(used - known)}"
    for required in ("carloan_outbox_backlog", "carloan_events_parked_total",
                     "carloan_entrypoint_failures_total", "carloan_gateway_requests_total"):
        assert required in used, f"no alert on {required}"


# ---------------------------------------------------------------- (f) who may do what on the broker

def _component_user(component):
    return component.removesuffix("-migrate")


@pytest.mark.parametrize("component", sorted(COMPONENTS))
def test_each_component_reaches_the_broker_as_its_own_user(component):
    user = _component_user(component)
    key = f"{user.upper()}_AMQP_URI"
    compose_env = compose_environment(compose_service(component))
    assert "CARLOAN_AMQP_URI" not in compose_env, f"{component} must not share the broker's administrator"
    assert urlsplit(compose_env[key]).username == user
    kind, name = COMPONENTS[component]
    refs = {var["name"]: var.get("valueFrom", {}).get("secretKeyRef", {}).get("key")
            for var in only_container(k8s_object(kind, name)).get("env", [])}
    assert refs.get(key) == key and "CARLOAN_AMQP_URI" not in refs, f"{kind}/{name}"


def test_every_running_component_verifies_signed_actors_with_the_shared_keys():
    for component in DEPLOYMENTS:
        refs = {var["name"] for var in only_container(k8s_object("Deployment", component)).get("env", [])}
        assert "CARLOAN_ACTOR_KEYS" in refs, component


def test_broker_users_are_created_before_any_migration_by_the_same_command_in_both():
    setup = compose_service("broker-setup")
    job = only_container(k8s_object("Job", "broker-setup"))
    assert setup["command"] == job["command"] == ["python", "-m", "services.common.broker", "setup"]
    from services.common import broker
    for user in [*broker.SERVICES, broker.GATEWAY]:
        key = f"CARLOAN_BROKER_PASSWORD_{user.upper()}"
        assert re.fullmatch(r"\$\{" + key + r":\?[^}]*\}", compose_environment(setup)[key]), key
        assert key in {var["name"] for var in job["env"]}
    for service in SERVICES:
        depends = compose_service(f"{service}-migrate")["depends_on"]
        assert depends["broker-setup"]["condition"] == "service_completed_successfully", service


# ---------------------------------------------------------------- (g) the documents' object store

def test_documents_bytes_go_to_one_s3_store_created_by_the_same_command_in_both():
    setup = compose_service("storage-setup")
    job = only_container(k8s_object("Job", "storage-setup"))
    assert setup["command"] == job["command"] == ["python", "-m", "services.common.storage", "setup"]
    assert setup["depends_on"]["minio"]["condition"] == "service_healthy"
    assert compose_service("gateway")["depends_on"]["storage-setup"]["condition"] == "service_completed_successfully"
    config_map = k8s_object("ConfigMap", "carloan-config")["data"]
    for env in (config_map, compose_environment(compose_service("gateway"))):
        assert env["CARLOAN_S3_ENDPOINT"] == "http://minio:9000" and env["CARLOAN_S3_BUCKET"]
    minio = k8s_object("StatefulSet", "minio")
    assert k8s_object("Service", "minio")["spec"]["ports"][0]["port"] == 9000
    assert k8s_object("Service", "minio")["spec"]["selector"].items() <= \
        minio["spec"]["template"]["metadata"]["labels"].items()
    # the store's root keys are the gateway's keys, from the Secret (never committed)
    keys = {"CARLOAN_S3_ACCESS_KEY", "CARLOAN_S3_SECRET_KEY"}
    for container in (only_container(k8s_object("Deployment", "gateway")), job):
        refs = {var["name"]: var["valueFrom"]["secretKeyRef"]["key"] for var in container["env"]
                if "valueFrom" in var}
        assert keys <= set(refs) and all(refs[key] == key for key in keys)
    minio_refs = {var["name"]: var["valueFrom"]["secretKeyRef"]["key"] for var in only_container(minio)["env"]}
    assert minio_refs == {"MINIO_ROOT_USER": "CARLOAN_S3_ACCESS_KEY", "MINIO_ROOT_PASSWORD": "CARLOAN_S3_SECRET_KEY"}
    text = (K8S_DIR / "config.yaml").read_text(encoding="utf-8")
    assert all(f"--from-literal={key}=" in text for key in keys)
    for service in ("gateway", "storage-setup", "minio"):
        for key, value in compose_environment(compose_service(service)).items():
            if key.startswith(("CARLOAN_S3_", "MINIO_ROOT_")) and key not in ("CARLOAN_S3_ENDPOINT", "CARLOAN_S3_BUCKET"):
                assert SUBSTITUTION_RE.match(value) and ":?" in value, f"{service}: {key}"
