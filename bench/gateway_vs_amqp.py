"""Gateway vs raw AMQP request/reply: how much of the broker's request/reply throughput the gateway keeps.

Run from the repository root (RabbitMQ on 127.0.0.1:5672, guest/guest, management API on :15672):

    .venv/bin/python bench/gateway_vs_amqp.py
    .venv/bin/python bench/gateway_vs_amqp.py --concurrency 16 --duration 10 --workers 2 --threads 8
    .venv/bin/python bench/gateway_vs_amqp.py --org-processes 2 --json

What it does, in one run:

1. Creates a fresh temporary data dir and (by default) a temporary RabbitMQ vhost, so that nothing else on
   the broker (another `services.org run`, say) competes for the `rpc-org` queue; `--vhost /` turns that
   off. Runs `python -m services.org migrate`, starts `--org-processes` org service processes and the
   gateway under gunicorn (gthread, `--workers` x `--threads`), and waits for `GET /readyz` == 200.
2. Logs in as `admin` and gets a bearer token.
3. Gateway phase: `--concurrency` client threads, each with its own keep-alive `http.client` connection,
   send `GET /api/v1/departments` back to back; `--warmup` seconds are discarded, then `--duration`
   seconds are measured. Every status must be 200.
4. Raw AMQP phase: a pika echo server in a separate process, and the same number of client threads, each
   with its own pika BlockingConnection and exclusive reply queue, doing sequential request/reply.
5. Prints both figures, the ratio, and the targets (gateway >= 50 % of raw AMQP throughput, gateway p99
   <= 20 ms) marked PASS/MISS. Missing a target is a finding, not a failure: the exit status is 0 when
   the run worked, 1 when it did not (a child failed to start, a non-200, an AMQP error).

All child processes are started in their own process group and killed on exit (also on Ctrl-C / SIGTERM);
the temporary vhost is deleted and the temporary dir removed (kept, and its path printed, on failure).
"""
import argparse
import base64
import http.client
import json
import math
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pika

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"

TARGET_RATIO = 0.50      # gateway throughput / raw AMQP request/reply throughput
TARGET_P99_MS = 20.0     # gateway p99 latency
DEFAULT_ENDPOINT = "/api/v1/departments"


# --------------------------------------------------------------------------------------------- helpers

def log(message):
    """Progress goes to stderr so that stdout carries only the results (table or JSON)."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def tail(path, lines=40):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(cannot read {path}: {exc})"


class BenchError(Exception):
    """The run did not work (as opposed to a target being missed)."""


@dataclass
class PhaseResult:
    name: str
    concurrency: int
    duration_s: float
    completed: int = 0
    errors: int = 0
    per_second: float = 0.0
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    max_ms: float = float("nan")
    mean_ms: float = float("nan")
    reconnects: int = 0
    error_samples: list = field(default_factory=list)


# ------------------------------------------------------------------------------------ load generation

class Window:
    """A shared schedule: threads run until `end`; only calls completing in [measure_from, end) count."""

    def __init__(self, warmup, duration):
        self.measure_from = time.perf_counter() + warmup
        self.end = self.measure_from + duration
        self.duration = duration


def run_phase(name, concurrency, warmup, duration, make_client, stop):
    """Run `concurrency` threads, each calling its client's `call()` back to back; aggregate the window.

    `make_client()` is called inside each thread and returns an object with `call() -> (ok, detail)`,
    `reconnects` and `close()`.
    """
    window = None

    def start_clock():  # run by the barrier once every client is connected, before any is released
        nonlocal window
        window = Window(warmup, duration)

    ready = threading.Barrier(concurrency + 1, action=start_clock)
    samples = [[] for _ in range(concurrency)]      # latencies (s) of successful calls in the window
    errors = [[] for _ in range(concurrency)]       # (time, detail) of failed calls in the window
    reconnects = [0] * concurrency
    setup_failures = []

    def worker(index):
        try:
            client = make_client()
        except Exception as exc:  # noqa: BLE001 - report whatever went wrong
            setup_failures.append(f"{type(exc).__name__}: {exc}")
            client = None
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            return
        if client is None:
            return
        mine, my_errors = samples[index], errors[index]
        try:
            while not stop.is_set():
                started = time.perf_counter()
                if started >= window.end:
                    break
                try:
                    ok, detail = client.call()
                except Exception as exc:  # noqa: BLE001
                    ok, detail = False, f"{type(exc).__name__}: {exc}"
                finished = time.perf_counter()
                if window.measure_from <= finished < window.end:
                    if ok:
                        mine.append(finished - started)
                    else:
                        my_errors.append(detail)
                elif not ok and finished < window.measure_from:
                    my_errors.append(f"(warm-up) {detail}")
        finally:
            reconnects[index] = client.reconnects
            client.close()

    threads = [threading.Thread(target=worker, args=(i,), name=f"{name}-{i}", daemon=True)
               for i in range(concurrency)]
    for thread in threads:
        thread.start()
    ready.wait()  # every client is connected; the barrier's action started the clock
    for thread in threads:
        thread.join(warmup + duration + 30)
    if setup_failures:
        raise BenchError(f"{name}: {len(setup_failures)} client(s) failed to connect: {setup_failures[0]}")

    latencies = sorted(x for per_thread in samples for x in per_thread)
    all_errors = [e for per_thread in errors for e in per_thread]
    result = PhaseResult(name=name, concurrency=concurrency, duration_s=duration,
                         completed=len(latencies), errors=len(all_errors),
                         reconnects=sum(reconnects), error_samples=all_errors[:5])
    if latencies:
        result.per_second = len(latencies) / duration
        result.p50_ms = percentile(latencies, 0.50) * 1000
        result.p99_ms = percentile(latencies, 0.99) * 1000
        result.max_ms = latencies[-1] * 1000
        result.mean_ms = sum(latencies) / len(latencies) * 1000
    return result


class HttpClient:
    """One keep-alive HTTP/1.1 connection; reconnects (and retries once) if the server closed it."""

    def __init__(self, port, path, token, method="GET", body=None):
        self.port, self.path, self.method = port, path, method
        self.body = json.dumps(body).encode() if body is not None else None
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if body is not None:
            self.headers["Content-Type"] = "application/json"
        self.reconnects = 0
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.connect()
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _request(self):
        self.conn.request(self.method, self.path, body=self.body, headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        if response.will_close:
            self._reconnect()
        return response.status, body

    def _reconnect(self):
        self.conn.close()
        self.reconnects += 1
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def call(self):
        try:
            status, body = self._request()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self._reconnect()  # idle keep-alive closed by the server: one retry on a new connection
            status, body = self._request()
        if status == 200:
            return True, None
        return False, f"HTTP {status}: {body[:300].decode(errors='replace')}"

    def close(self):
        self.conn.close()


class AmqpClient:
    """Sequential request/reply over its own pika connection and exclusive reply queue."""

    def __init__(self, amqp_url, queue):
        self.queue = queue
        self.reconnects = 0
        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        self.channel = self.connection.channel()
        self.reply_to = self.channel.queue_declare(queue="", exclusive=True).method.queue
        self.channel.basic_consume(self.reply_to, self._on_reply, auto_ack=True)
        self.body = json.dumps({"args": [1, 20], "kwargs": {}}).encode()
        self.expected = None
        self.reply = None

    def _on_reply(self, channel, method, properties, body):
        if properties.correlation_id == self.expected:
            self.reply = body

    def call(self):
        self.expected, self.reply = uuid.uuid4().hex, None
        self.channel.basic_publish(
            exchange="", routing_key=self.queue, body=self.body,
            properties=pika.BasicProperties(reply_to=self.reply_to, correlation_id=self.expected,
                                            content_type="application/json"))
        deadline = time.monotonic() + 10
        while self.reply is None:
            if time.monotonic() > deadline:
                return False, "no reply within 10 s"
            self.connection.process_data_events(time_limit=1)
        return (True, None) if self.reply == self.body else (False, "reply differs from request")

    def close(self):
        try:
            self.connection.close()
        except Exception:  # noqa: BLE001 - already closed
            pass


def echo_server(amqp_url, queue, prefetch, ready, stop):
    """Runs in its own process: consume `queue`, publish each body back to reply_to, then ack."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent stops us
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.queue_declare(queue=queue, exclusive=True, auto_delete=True)
    channel.basic_qos(prefetch_count=prefetch)

    def on_request(ch, method, properties, body):
        ch.basic_publish(exchange="", routing_key=properties.reply_to, body=body,
                         properties=pika.BasicProperties(correlation_id=properties.correlation_id,
                                                         content_type=properties.content_type))
        ch.basic_ack(delivery_tag=method.delivery_tag)

    channel.basic_consume(queue, on_request)
    ready.set()
    while not stop.is_set():
        connection.process_data_events(time_limit=0.2)
    connection.close()


# ------------------------------------------------------------------------------------- the broker side

class Broker:
    """Connection details, and (optionally) a temporary vhost made through the management API."""

    def __init__(self, args):
        self.host, self.port = args.amqp_host, args.amqp_port
        self.user, self.password = args.amqp_user, args.amqp_password
        self.management = f"http://{args.amqp_host}:{args.management_port}"
        self.temporary = args.vhost is None
        self.vhost = args.vhost or f"carloan-bench-{uuid.uuid4().hex[:8]}"
        self.created = False

    @property
    def url(self):
        return (f"amqp://{urllib.parse.quote(self.user, safe='')}:{urllib.parse.quote(self.password, safe='')}"
                f"@{self.host}:{self.port}/{urllib.parse.quote(self.vhost, safe='')}")

    def _management(self, method, path, body=None):
        auth = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        request = urllib.request.Request(
            self.management + path, method=method, data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status

    def setup(self):
        if not self.temporary:
            return
        quoted = urllib.parse.quote(self.vhost, safe="")
        try:
            self._management("PUT", f"/api/vhosts/{quoted}", {})
            self.created = True
            self._management("PUT", f"/api/permissions/{quoted}/{urllib.parse.quote(self.user, safe='')}",
                             {"configure": ".*", "write": ".*", "read": ".*"})
        except (urllib.error.URLError, OSError) as exc:
            raise BenchError(f"cannot create a temporary vhost through {self.management} ({exc}); "
                             "pass --vhost / to run on an existing vhost") from None
        log(f"temporary vhost {self.vhost!r}")

    def teardown(self):
        if self.created:
            try:
                self._management("DELETE", f"/api/vhosts/{urllib.parse.quote(self.vhost, safe='')}")
            except (urllib.error.URLError, OSError) as exc:
                log(f"could not delete vhost {self.vhost!r}: {exc}")

    def consumers(self, queue):
        """Consumers of `queue` on our vhost, or None if it does not exist."""
        connection = pika.BlockingConnection(pika.URLParameters(self.url))
        try:
            channel = connection.channel()
            try:
                return channel.queue_declare(queue=queue, passive=True).method.consumer_count
            except pika.exceptions.ChannelClosedByBroker:
                return None
        finally:
            if connection.is_open:
                connection.close()


# ---------------------------------------------------------------------------------- the system under test

class Stack:
    """The org service process(es), any further services (`args.services`, one process each) and the
    gunicorn gateway, each in its own process group."""

    def __init__(self, args, broker, workdir):
        self.args, self.broker, self.workdir = args, broker, workdir
        self.extra_services = tuple(getattr(args, "services", ()))
        self.children = []  # (label, Popen, log path)
        self.gateway_port = free_port()
        self.admin_password = secrets.token_urlsafe(16)
        data_dir = workdir / "data"
        metrics_dir = workdir / "prometheus"
        data_dir.mkdir()
        metrics_dir.mkdir()
        self.env = dict(os.environ)
        for inherited in ("ORG_DATABASE_URL", "LOAN_DATABASE_URL", "CARLOAN_ENV", "CARLOAN_SERVICES"):
            self.env.pop(inherited, None)
        self.env.update(
            PYTHONUNBUFFERED="1",
            CARLOAN_DATA_DIR=str(data_dir),
            CARLOAN_ADMIN_PASSWORD=self.admin_password,
            CARLOAN_JWT_SECRET=secrets.token_urlsafe(48),
            CARLOAN_AMQP_URI=broker.url,
            # the gateway's readiness asks only the services the bench starts
            CARLOAN_SERVICES=",".join(("org", *self.extra_services)),
        )
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.metrics_dir = metrics_dir

    def _start(self, label, argv, **extra_env):
        log_path = self.workdir / f"{label}.log"
        env = dict(self.env, **extra_env)
        with open(log_path, "wb") as out:
            process = subprocess.Popen([str(a) for a in argv], cwd=REPO, env=env, stdout=out,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
        self.children.append((label, process, log_path))
        log(f"started {label} (pid {process.pid}), log {log_path}")
        return process

    def migrate(self):
        for service in ("org", *self.extra_services):
            log_path = self.workdir / f"{service}-migrate.log"
            with open(log_path, "wb") as out:
                done = subprocess.run([str(PYTHON), "-m", f"services.{service}", "migrate"], cwd=REPO,
                                      env=self.env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      timeout=120)
            if done.returncode != 0:
                raise BenchError(f"{service} migrate exited {done.returncode}:\n{tail(log_path)}")
            log(f"{service} database migrated and seeded")

    def start(self):
        self.migrate()
        for n in range(1, self.args.org_processes + 1):
            self._start(f"org-{n}", [PYTHON, "-m", "services.org", "run"], ORG_METRICS_PORT=str(free_port()))
        for service in self.extra_services:
            self._start(service, [PYTHON, "-m", f"services.{service}", "run"],
                        **{f"{service.upper()}_METRICS_PORT": str(free_port())})
        # Own control socket path: the default (~/.gunicorn/gunicorn.ctl) is shared with any other gunicorn.
        self._start("gateway", [GUNICORN, "-c", "python:gateway.gunicorn_conf",
                                "--control-socket", self.workdir / "gunicorn.ctl", "gateway.wsgi:app"],
                    CARLOAN_GATEWAY_HOST="127.0.0.1", CARLOAN_GATEWAY_PORT=str(self.gateway_port),
                    CARLOAN_GATEWAY_WORKERS=str(self.args.workers),
                    CARLOAN_GATEWAY_THREADS=str(self.args.threads),
                    PROMETHEUS_MULTIPROC_DIR=str(self.metrics_dir))
        self.wait_ready()

    def check_alive(self):
        for label, process, log_path in self.children:
            if process.poll() is not None:
                raise BenchError(f"{label} exited with {process.returncode}:\n{tail(log_path)}")

    def wait_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                status, body = self.http("GET", "/readyz")
                last = f"{status} {body[:200]!r}"
                if status == 200:
                    break
            except OSError as exc:
                last = f"{type(exc).__name__}: {exc}"
            time.sleep(0.5)
        else:
            raise BenchError(f"/readyz not 200 after {timeout} s (last: {last})")
        # /readyz needs one org process to answer; with several, wait until all of them consume.
        while time.monotonic() < deadline:
            self.check_alive()
            if (self.broker.consumers("rpc-org") or 0) >= self.args.org_processes:
                log(f"ready: gateway on :{self.gateway_port}, {self.args.org_processes} org process(es)")
                return
            time.sleep(0.5)
        raise BenchError(f"fewer than {self.args.org_processes} consumers on rpc-org after {timeout} s")

    def http(self, method, path, body=None, token=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.gateway_port, timeout=15)
        try:
            headers = {"Accept": "application/json"}
            if body is not None:
                headers["Content-Type"] = "application/json"
            if token:
                headers["Authorization"] = f"Bearer {token}"
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def login(self):
        status, body = self.http("POST", "/api/v1/auth/login",
                                 {"username": "admin", "password": self.admin_password})
        if status != 200:
            raise BenchError(f"login: HTTP {status}: {body[:300]!r}")
        return json.loads(body)["access_token"]

    def dump_logs(self, lines=40):
        for label, _, log_path in self.children:
            print(f"----- tail of {label} ({log_path}) -----", file=sys.stderr)
            print(tail(log_path, lines), file=sys.stderr)

    def stop(self):
        """SIGTERM each child's process group, wait, then SIGKILL what is left."""
        for label, process, _ in self.children:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 15
        for label, process, _ in self.children:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{label} did not stop on SIGTERM; killing")
            # The group may outlive its leader (gunicorn workers): make sure it is gone.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                log(f"{label} (pid {process.pid}) still running after SIGKILL")


# ---------------------------------------------------------------------------------------------- phases

def gateway_phase(args, stack, token, stop):
    log(f"gateway phase: {args.concurrency} clients, GET {args.path}, {args.warmup:g} s warm-up + "
        f"{args.duration:g} s")
    status, body = stack.http("GET", args.path, token=token)
    if status != 200:
        raise BenchError(f"GET {args.path}: HTTP {status}: {body[:300]!r}")
    return run_phase("gateway", args.concurrency, args.warmup, args.duration,
                     lambda: HttpClient(stack.gateway_port, args.path, token), stop)


def amqp_phase(args, broker, stop):
    log(f"raw AMQP phase: {args.concurrency} clients, pika request/reply to an echo process, "
        f"{args.warmup:g} s warm-up + {args.duration:g} s")
    queue = f"bench-echo-{uuid.uuid4().hex[:8]}"
    context = multiprocessing.get_context("spawn")
    ready, server_stop = context.Event(), context.Event()
    server = context.Process(target=echo_server, name="bench-echo",
                             args=(broker.url, queue, max(16, 2 * args.concurrency), ready, server_stop),
                             daemon=True)
    server.start()
    try:
        deadline = time.monotonic() + 30
        while not ready.wait(0.2):
            if not server.is_alive() or time.monotonic() > deadline:
                raise BenchError(f"the echo server did not start (exit code {server.exitcode})")
        return run_phase("raw AMQP", args.concurrency, args.warmup, args.duration,
                         lambda: AmqpClient(broker.url, queue), stop)
    finally:
        server_stop.set()
        server.join(5)
        if server.is_alive():
            server.kill()
            server.join(5)


# ---------------------------------------------------------------------------------------------- report

def mark(ok):
    return "PASS" if ok else "MISS"


def verdict(gateway, raw):
    ratio = gateway.per_second / raw.per_second if raw.per_second else float("nan")
    return {
        "ratio": ratio,
        "throughput_target": TARGET_RATIO,
        "throughput_pass": ratio >= TARGET_RATIO,
        "p99_target_ms": TARGET_P99_MS,
        "p99_pass": gateway.p99_ms <= TARGET_P99_MS,
    }


def print_table(args, gateway, raw, result):
    print(f"Gateway vs raw AMQP request/reply -- {args.concurrency} concurrent clients, {args.duration:g} s "
          f"measured after {args.warmup:g} s warm-up")
    print(f"gateway: gunicorn gthread {args.workers} workers x {args.threads} threads, "
          f"{args.org_processes} org process(es); GET {args.path}")
    print(f"cpus: {os.cpu_count()}")
    print()
    header = f"{'path':<10} {'calls':>8} {'per s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}"
    print(header)
    print("-" * len(header))
    for phase in (gateway, raw):
        print(f"{phase.name:<10} {phase.completed:>8} {phase.per_second:>9.1f} {phase.p50_ms:>8.2f} "
              f"{phase.p99_ms:>8.2f} {phase.max_ms:>8.2f} {phase.errors:>7}")
    print()
    print(f"gateway / raw AMQP throughput: {result['ratio'] * 100:.1f} %")
    print(f"target: gateway >= {TARGET_RATIO * 100:.0f} % of raw AMQP request/reply throughput  "
          f"[{mark(result['throughput_pass'])}] ({result['ratio'] * 100:.1f} %)")
    print(f"target: gateway p99 <= {TARGET_P99_MS:g} ms                                  "
          f"[{mark(result['p99_pass'])}] ({gateway.p99_ms:.2f} ms)")
    if gateway.reconnects:
        print(f"note: the gateway clients reconnected {gateway.reconnects} time(s)")


# ------------------------------------------------------------------------------------------------ main

def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("-c", "--concurrency", type=int, default=16, help="concurrent clients, both phases")
    parser.add_argument("-d", "--duration", type=float, default=10.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=2.0, help="discarded seconds before each phase")
    parser.add_argument("--workers", type=int, default=2, help="CARLOAN_GATEWAY_WORKERS (gunicorn workers)")
    parser.add_argument("--threads", type=int, default=8, help="CARLOAN_GATEWAY_THREADS (threads per worker)")
    parser.add_argument("--org-processes", type=int, default=1,
                        help="org service processes (competing consumers of rpc-org)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--amqp-host", default="127.0.0.1")
    parser.add_argument("--amqp-port", type=int, default=5672)
    parser.add_argument("--amqp-user", default="guest")
    parser.add_argument("--amqp-password", default="guest")
    parser.add_argument("--management-port", type=int, default=15672,
                        help="RabbitMQ management API, used to create and delete the temporary vhost")
    parser.add_argument("--vhost", default=None,
                        help="use this existing vhost (e.g. /) instead of a temporary one")
    parser.add_argument("--keep", action="store_true", help="keep the temporary dir (logs, database)")
    parser.add_argument("--path", default=DEFAULT_ENDPOINT,
                        help="authenticated GET to measure: /api/v1/departments (one org RPC per request) "
                             "or /api/v1/me (served from the gateway's principal cache)")
    args = parser.parse_args(argv)
    if args.concurrency < 1 or args.org_processes < 1 or args.duration <= 0 or args.warmup < 0:
        parser.error("concurrency and org-processes must be >= 1, duration > 0, warmup >= 0")
    return args


def _terminate(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
    workdir = Path(tempfile.mkdtemp(prefix="carloan-bench-"))
    broker = Broker(args)
    stack = None
    stop = threading.Event()
    keep = args.keep
    try:
        broker.setup()
        if not broker.temporary:
            others = broker.consumers("rpc-org")
            if others:
                log(f"WARNING: rpc-org on vhost {broker.vhost!r} already has {others} consumer(s) not "
                    "started by this run; they will take part of the gateway's calls")
        stack = Stack(args, broker, workdir)
        stack.start()
        token = stack.login()
        log("logged in as admin")

        gateway = gateway_phase(args, stack, token, stop)
        stack.check_alive()
        raw = amqp_phase(args, broker, stop)
        result = verdict(gateway, raw)

        if args.json:
            print(json.dumps({
                "config": {k: v for k, v in vars(args).items() if k not in ("json", "amqp_password", "keep")}
                | {"vhost": broker.vhost, "cpus": os.cpu_count(), "endpoint": args.path},
                "gateway": asdict(gateway), "raw_amqp": asdict(raw), "result": result,
            }, indent=2))
        else:
            print_table(args, gateway, raw, result)

        failures = []
        if gateway.errors or not gateway.completed:
            failures.append(f"gateway: {gateway.errors} non-200 / failed requests, {gateway.completed} ok; "
                            f"e.g. {gateway.error_samples[:3]}")
        if raw.errors or not raw.completed:
            failures.append(f"raw AMQP: {raw.errors} failed calls, {raw.completed} ok; e.g. {raw.error_samples[:3]}")
        if failures:
            raise BenchError("; ".join(failures))
        return 0
    except BenchError as exc:
        log(f"FAILED: {exc}")
        keep = True
        if stack is not None:
            stack.dump_logs()
        return 1
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        stop.set()
        if stack is not None:
            stack.stop()
        broker.teardown()
        if keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
