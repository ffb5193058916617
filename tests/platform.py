"""The platform as processes, for the end-to-end and chaos suites and the soak benchmark: a RabbitMQ vhost and
PostgreSQL databases of its own, every service and the gunicorn gateway started, killed and started again, and
what runs on this machine read from /proc."""
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import requests

ROOT = Path(__file__).resolve().parents[1]
PROC = Path("/proc")
SERVICES = ("org", "customer", "collateral", "loan", "finance", "collection", "document")
PG_ADMIN_URL = os.environ.get("CARLOAN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
MANAGEMENT = os.environ.get("CARLOAN_TEST_RABBIT_MANAGEMENT", "http://guest:guest@127.0.0.1:15672")
AMQP_PORT = 5672


def die_with_parent():
    """In a child, before exec: have it sent SIGTERM when the process that started it dies (Linux)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def management(method, path, **kwargs):
    """A call to RabbitMQ's management API (path after /api); raises on an error status."""
    url = urllib.parse.urlparse(MANAGEMENT)
    base = f"{url.scheme}://{url.hostname}:{url.port}/api"
    response = requests.request(method, base + path, auth=(url.username, url.password), timeout=10, **kwargs)
    response.raise_for_status()
    return response


def pg(sql, params=None, database=None):
    """Run one statement as the PostgreSQL superuser (autocommit), on `database` or the admin one; its rows."""
    url = PG_ADMIN_URL if database is None else PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}"
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


@dataclass
class Platform:
    url: str
    admin_password: str
    jwt_secret: str
    org_metrics_url: str
    env: dict
    metrics_urls: dict = field(default_factory=dict)
    vhost: str = ""
    databases: dict = field(default_factory=dict)
    data_dir: Path = None
    children: dict = field(default_factory=dict)  # name (a service, "gateway") -> its Popen, own process group
    processes: list = field(default_factory=list)  # every process started for the platform; a test may add its own

    def login(self, username, password):
        response = requests.post(f"{self.url}/api/v1/auth/login",
                                 json={"username": username, "password": password}, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def client(self, token):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        return _Client(session, self.url)

    # -- processes ---------------------------------------------------------------------------------
    def command(self, name):
        if name == "gateway":
            return [str(Path(sys.executable).parent / "gunicorn"), "-c", "python:gateway.gunicorn_conf",
                    "gateway.wsgi:app"]
        return [sys.executable, "-m", f"services.{name}", "run"]

    def start(self, name):
        # A group of its own, so that a signal reaches the gateway's workers too; and SIGTERM if the test process
        # dies without stopping it (killed on a timeout): out of the test's process group, nothing else would.
        with open(self.data_dir / f"{name}.log", "a") as log:
            process = subprocess.Popen(self.command(name), env=self.env, cwd=ROOT, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True,
                                       preexec_fn=die_with_parent)
        process.carloan_group = True
        self.children[name] = process
        self.processes.append(process)

    def kill(self, name, signum=signal.SIGKILL):
        """Signal a process's whole group (the gateway's workers with it) and reap its leader."""
        process = self.children[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
        process.wait()

    def stop(self, grace=15):
        """SIGTERM to every process (to the group of those started here), SIGKILL to what is left after `grace`."""
        def send(process, signum):
            if process.poll() is not None:  # reaped: its pid (and group id) may be someone else's by now
                return
            with contextlib.suppress(ProcessLookupError):
                if getattr(process, "carloan_group", False):
                    os.killpg(process.pid, signum)
                else:
                    process.send_signal(signum)

        for process in self.processes:
            send(process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.processes:
            try:
                process.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                pass
            send(process, signal.SIGKILL)
            process.wait()

    def pids(self, name):
        """The process and what it started (the gateway's workers)."""
        leader = self.children[name].pid
        return [leader, *descendants(leader)]

    def ready(self):
        try:
            return requests.get(self.url + "/readyz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    # -- faults ------------------------------------------------------------------------------------
    def broker_connections(self, name):
        """The names of the RabbitMQ connections a process (and its children) holds, found by their local
        ports: a connection's peer port on the broker is the client's local port."""
        ports = amqp_client_ports(self.pids(name))
        listed = management("GET", f"/vhosts/{urllib.parse.quote(self.vhost, safe='')}/connections",
                            params={"columns": "name,peer_port"}).json()
        return [connection["name"] for connection in listed if connection["peer_port"] in ports]

    def drop_broker_connections(self, name):
        dropped = self.broker_connections(name)
        for connection in dropped:
            with contextlib.suppress(requests.HTTPError):  # already gone
                management("DELETE", f"/connections/{urllib.parse.quote(connection, safe='')}",
                           headers={"X-Reason": "chaos: connection dropped"})
        return dropped

    def terminate_database_sessions(self, service):
        rows = pg("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                  "pg_backend_pid()", (self.databases[service],))
        return len(rows)


class _Client:
    def __init__(self, session, base):
        self.session, self.base = session, base

    def __getattr__(self, verb):
        def call(path, **kwargs):
            kwargs.setdefault("timeout", 15)
            return self.session.request(verb.upper(), self.base + path, **kwargs)
        return call


def amqp_client_ports(pids):
    """Local ports of the TCP connections to the broker that these processes hold (Linux /proc)."""
    inodes = set()
    for pid in pids:
        try:
            for fd in (PROC / str(pid) / "fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
        except OSError:
            continue
    ports = set()
    for table in ("tcp", "tcp6"):
        with contextlib.suppress(OSError):
            for line in (PROC / "net" / table).read_text().splitlines()[1:]:
                fields = line.split()
                local, remote, inode = fields[1], fields[2], fields[9]
                if inode in inodes and int(remote.rsplit(":", 1)[1], 16) == AMQP_PORT:
                    ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


@contextlib.contextmanager
def running_platform(data_dir, prefix="e2e", env=None, ready_timeout=90):
    """Every service and the gateway as processes on a vhost and PostgreSQL databases of their own (dropped at
    the end; logs stay in `data_dir`). `env` adds to or overrides the platform's environment."""
    from tests.helpers import wait_until

    data_dir = Path(data_dir)
    tag = uuid.uuid4().hex[:8]
    vhost = f"carloan-{prefix}-{tag}"
    databases = {service: f"carloan_{prefix}_{service}_{tag}" for service in SERVICES}
    management("PUT", f"/vhosts/{vhost}")
    management("PUT", f"/permissions/{vhost}/guest", json={"configure": ".*", "write": ".*", "read": ".*"})
    for database in databases.values():
        pg(f'CREATE DATABASE "{database}"')
    platform_env = {
        **os.environ,
        "MALLOC_ARENA_MAX": "2",  # as in the image: see the Dockerfile
        "CARLOAN_DATA_DIR": str(data_dir),
        "CARLOAN_AMQP_URI": f"amqp://guest:guest@127.0.0.1:{AMQP_PORT}/{vhost}",
        "CARLOAN_ADMIN_PASSWORD": secrets.token_urlsafe(12),
        "CARLOAN_JWT_SECRET": secrets.token_urlsafe(48),
        "CARLOAN_PII_KEY": secrets.token_urlsafe(32),
        "CARLOAN_ACTOR_KEYS": f"{prefix}:{secrets.token_urlsafe(32)}",
        "CARLOAN_GATEWAY_WORKERS": "2",
        "CARLOAN_SERVICES": ",".join(SERVICES),
        "PYTHONWARNINGS": "ignore",
    }
    for service in SERVICES:
        platform_env[f"{service.upper()}_DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{databases[service]}"
    platform_env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    platform_env.update(env or {})
    platform = Platform(url="", admin_password=platform_env["CARLOAN_ADMIN_PASSWORD"],
                        jwt_secret=platform_env["CARLOAN_JWT_SECRET"], org_metrics_url="", env=platform_env,
                        vhost=vhost, databases=databases, data_dir=data_dir)
    try:
        for service in SERVICES:
            with open(data_dir / f"{service}-migrate.log", "w") as log:
                subprocess.run([sys.executable, "-m", f"services.{service}", "migrate"], env=platform_env, cwd=ROOT,
                               check=True, stdout=log, stderr=subprocess.STDOUT)
        # Ports are taken as late as possible: the machine's own outgoing connections may take a free one.
        port = free_port()
        metrics_ports = {service: free_port() for service in SERVICES}
        platform_env["CARLOAN_GATEWAY_PORT"] = str(port)
        for service in SERVICES:
            platform_env[f"{service.upper()}_METRICS_PORT"] = str(metrics_ports[service])
        platform.url = f"http://127.0.0.1:{port}"
        platform.org_metrics_url = f"http://127.0.0.1:{metrics_ports['org']}/metrics"
        platform.metrics_urls = {s: f"http://127.0.0.1:{p}/metrics" for s, p in metrics_ports.items()}
        for name in (*SERVICES, "gateway"):
            platform.start(name)
        wait_until(platform.ready, timeout=ready_timeout, interval=0.3,
                   message=f"the platform to be ready (logs in {data_dir})")
        yield platform
    finally:
        platform.stop()
        for database in databases.values():
            pg(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        management("DELETE", f"/vhosts/{vhost}")


def process_table():
    """{pid: {ppid, pgid, state, start, cmdline}} of every process on this machine (Linux)."""
    table = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        table[int(entry.name)] = {"ppid": int(fields[1]), "pgid": int(fields[2]), "state": fields[0],
                                  "start": int(fields[19]), "cmdline": cmdline}
    return table


def descendants(root_pid):
    """Processes started (directly or not) by `root_pid`, as {pid: row of process_table}."""
    table = process_table()
    found, frontier = {}, {root_pid}
    while frontier:
        children = {pid: row for pid, row in table.items() if row["ppid"] in frontier and pid not in found}
        found.update(children)
        frontier = set(children)
    return found


def survivors(recorded):
    """Of the processes `recorded` ({pid: row}), those still running (same pid and start time, not a zombie),
    and any process now in one of their process groups."""
    groups = {row["pgid"] for row in recorded.values()}
    return {pid: row for pid, row in process_table().items() if row["state"] != "Z" and (
        pid in recorded and recorded[pid]["start"] == row["start"] or row["pgid"] in groups)}


def resident_kib(pid):
    """Resident set size of a process in KiB (VmRSS), None once it is gone."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None
