"""The whole platform as a user meets it: org service and gunicorn gateway as real processes, on a
PostgreSQL database and a RabbitMQ virtual host of their own."""
import os
import secrets
import socket
import subprocess
import sys
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest
import requests
import requests.adapters

from tests.conftest import PG_ADMIN_URL
from tests.helpers import wait_until

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("org", "customer", "collateral", "loan", "finance", "collection")
MANAGEMENT = os.environ.get("CARLOAN_TEST_RABBIT_MANAGEMENT", "http://guest:guest@127.0.0.1:15672")
# The one address the platform's gateway takes to be a reverse proxy (its X-Forwarded-For is believed).
TRUSTED_PROXY = "127.14.0.5"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _management(method, path, **kwargs):
    url = urllib.parse.urlparse(MANAGEMENT)
    base = f"{url.scheme}://{url.hostname}:{url.port}/api"
    response = requests.request(method, base + path, auth=(url.username, url.password), timeout=10, **kwargs)
    response.raise_for_status()


def _pg(sql):
    connection = psycopg2.connect(PG_ADMIN_URL)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


@dataclass
class Platform:
    url: str
    admin_password: str
    jwt_secret: str
    org_metrics_url: str
    env: dict
    metrics_urls: dict = field(default_factory=dict)
    processes: list = field(default_factory=list)

    def login(self, username, password):
        response = requests.post(f"{self.url}/api/v1/auth/login",
                                 json={"username": username, "password": password}, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def client(self, token):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        return _Client(session, self.url)


class _Client:
    def __init__(self, session, base):
        self.session, self.base = session, base

    def __getattr__(self, verb):
        def call(path, **kwargs):
            kwargs.setdefault("timeout", 15)
            return self.session.request(verb.upper(), self.base + path, **kwargs)
        return call


@pytest.fixture(scope="session")
def platform(tmp_path_factory):
    tag = uuid.uuid4().hex[:8]
    vhost = f"carloan-e2e-{tag}"
    databases = {service: f"carloan_e2e_{service}_{tag}" for service in SERVICES}
    _management("PUT", f"/vhosts/{vhost}")
    _management("PUT", f"/permissions/{vhost}/guest", json={"configure": ".*", "write": ".*", "read": ".*"})
    for database in databases.values():
        _pg(f'CREATE DATABASE "{database}"')
    data_dir = str(tmp_path_factory.mktemp("platform"))  # logs stay there for a failed run
    port = free_port()
    metrics_ports = {service: free_port() for service in SERVICES}
    env = {
        **os.environ,
        "CARLOAN_DATA_DIR": data_dir,
        "CARLOAN_AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
        "CARLOAN_ADMIN_PASSWORD": secrets.token_urlsafe(12),
        "CARLOAN_JWT_SECRET": secrets.token_urlsafe(48),
        "CARLOAN_PII_KEY": secrets.token_urlsafe(32),
        "CARLOAN_ACTOR_KEYS": f"e2e:{secrets.token_urlsafe(32)}",
        "CARLOAN_GATEWAY_PORT": str(port),
        "CARLOAN_GATEWAY_WORKERS": "2",
        "CARLOAN_SERVICES": ",".join(SERVICES),
        "PYTHONWARNINGS": "ignore",
        "CARLOAN_COLLATERAL_GAUGE_SECONDS": "1",
        "CARLOAN_COLLECTION_GAUGE_SECONDS": "1",
        "CARLOAN_TRUSTED_PROXIES": TRUSTED_PROXY,
    }
    for service in SERVICES:
        env[f"{service.upper()}_DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{databases[service]}"
        env[f"{service.upper()}_METRICS_PORT"] = str(metrics_ports[service])
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    logs = Path(data_dir)
    for service in SERVICES:
        subprocess.run([sys.executable, "-m", f"services.{service}", "migrate"], env=env, cwd=ROOT, check=True,
                       stdout=open(logs / f"{service}-migrate.log", "w"), stderr=subprocess.STDOUT)
    platform = Platform(url=f"http://127.0.0.1:{port}", admin_password=env["CARLOAN_ADMIN_PASSWORD"],
                        jwt_secret=env["CARLOAN_JWT_SECRET"],
                        org_metrics_url=f"http://127.0.0.1:{metrics_ports['org']}/metrics", env=env,
                        metrics_urls={s: f"http://127.0.0.1:{port}/metrics" for s, port in metrics_ports.items()})
    platform.processes = [
        subprocess.Popen([sys.executable, "-m", f"services.{service}", "run"], env=env, cwd=ROOT,
                         stdout=open(logs / f"{service}.log", "w"), stderr=subprocess.STDOUT)
        for service in SERVICES
    ] + [
        subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "python:gateway.gunicorn_conf",
                          "gateway.wsgi:app"], env=env, cwd=ROOT,
                         stdout=open(logs / "gateway.log", "w"), stderr=subprocess.STDOUT),
    ]

    def ready():
        try:
            return requests.get(platform.url + "/readyz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    try:
        wait_until(ready, timeout=180, interval=0.3, message=f"the platform to be ready (logs in {data_dir})")
        yield platform
    finally:
        for process in platform.processes:
            process.terminate()
        for process in platform.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        for database in databases.values():
            _pg(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        _management("DELETE", f"/vhosts/{vhost}")


@pytest.fixture(scope="session")
def admin(platform):
    return platform.client(platform.login("admin", platform.admin_password))


# -- helpers and fixtures the e2e modules share ------------------------------------------------------
PROBLEM = "application/problem+json"
ROLES = {"officer": "loan_officer", "appraiser_a": "appraiser", "appraiser_b": "appraiser",
         "reviewer_1": "risk_reviewer", "reviewer_2": "risk_reviewer", "approver": "approver",
         "clerk": "finance_clerk", "checker": "finance_reviewer", "collateral": "collateral_clerk",
         "collector": "collector", "post_loan": "post_loan_manager"}


def unique(prefix):
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def create_employee(admin, roles, department_id=None, password="Passw0rd!x"):
    username = unique("e2e")
    response = admin.post("/api/v1/employees", json={
        "username": username, "password": password, "name": "測試員工", "phone": "13800138000",
        "department_id": department_id, "roles": roles})
    assert response.status_code == 201, response.text
    return response.json(), username, password


class _FromAddress(requests.adapters.HTTPAdapter):
    """Connect from a chosen loopback address (127.0.0.0/8 is all this machine), as a client elsewhere on the
    network would appear to the gateway."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def from_address(address):
    """A requests session whose connections come from `address` (login throttling counts per address)."""
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session


def assert_problem(response, status, code=None):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["code"]
    if code:
        assert body["code"] == code
    return body


@pytest.fixture(scope="module")
def staff(platform, admin):
    """A branch with one employee per role of the loan's life: officer, two appraisers, two risk reviewers,
    an approver, a finance clerk and reviewer, a collateral clerk, a collector and a post-loan manager."""
    department = admin.post("/api/v1/departments", json={"code": unique("FS"), "name": "佛山分公司"}).json()
    people = {"department_id": department["id"]}
    for name, role in ROLES.items():
        employee, username, password = create_employee(admin, [role], department_id=department["id"])
        people[name] = platform.client(platform.login(username, password))
        people[name].id = employee["id"]
    return people


@pytest.fixture(scope="module")
def product(admin):
    """A 36-month 等額本息 product with a fixed GPS fee and a 1 % service fee."""
    response = admin.post("/api/v1/products", json={
        "code": unique("CAR36-"), "name": "二手車按揭 36期", "repayment_method": "equal_installment",
        "annual_rate": "0.088800", "min_term_months": 12, "max_term_months": 36, "min_amount": "10000.00",
        "max_amount": "500000.00", "max_ltv": "0.80", "grace_days": 3, "prepayment_fee_rate": "0.02",
        "upfront_fees": [{"name": "GPS費", "amount": "1500.00"}, {"name": "服務費", "rate": "0.01"}]})
    assert response.status_code == 201, response.text
    return response.json()
