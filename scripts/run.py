"""`make run`: start the whole platform on this machine on its embedded default.

RabbitMQ from the machine (started if installed but stopped), one SQLite file per service under
CARLOAN_DATA_DIR (default ./var), every service migrated and seeded, then the services and the gateway.

It supervises them: a process that dies is logged and started again after a back-off (1 s, doubling up to
CARLOAN_RESTART_MAX_SECONDS, back to 1 s once it has stayed up CARLOAN_RESTART_RESET_SECONDS). Each child runs
in a process group of its own. Ctrl-C or SIGTERM stops everything: the gateway, then the services, each group
asked with SIGTERM, what is left after CARLOAN_STOP_GRACE_SECONDS killed; a second signal kills at once.
Either way every child is reaped before this script exits.

On a new data directory it then seeds the demo book (scripts/demo.py, through the gateway's API) while it
supervises, and prints the demo staff's credentials; CARLOAN_DEMO=0 leaves the book empty, and it is never seeded
when CARLOAN_ENV=production.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ["org", "customer", "collateral", "loan", "finance", "collection", "document"]
PYTHON = sys.executable


def say(message):
    print(f"[carloan] {message}", flush=True)


def broker_address():
    uri = urllib.parse.urlparse(os.environ.get("CARLOAN_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"))
    return uri.hostname or "127.0.0.1", uri.port or 5672


def reachable(host, port, timeout=1.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def ensure_rabbitmq():
    host, port = broker_address()
    if reachable(host, port):
        return
    local = host in ("127.0.0.1", "localhost", "::1")
    if not local or shutil.which("rabbitmq-server") is None:
        say(f"RabbitMQ is not reachable at {host}:{port}.")
        say("Install and start it, then run `make run` again:")
        say("  Debian/Ubuntu: sudo apt-get install -y rabbitmq-server && sudo rabbitmq-server -detached")
        say("  or with Docker: docker run -d -p 5672:5672 -p 15672:15672 rabbitmq:3.13-management")
        say("  or point CARLOAN_AMQP_URI at a running broker.")
        sys.exit(1)
    say("RabbitMQ is installed but stopped; starting it (rabbitmq-server -detached)...")
    subprocess.run(["rabbitmq-server", "-detached"], check=False)
    deadline = time.monotonic() + 90
    while not reachable(host, port):
        if time.monotonic() > deadline:
            say("RabbitMQ did not come up within 90 s; see its log under /var/log/rabbitmq.")
            sys.exit(1)
        time.sleep(1)
    say("RabbitMQ is up.")


def admin_password(data_dir):
    return os.environ.get("CARLOAN_ADMIN_PASSWORD") or (data_dir / "admin-password").read_text().strip()


def env_seconds(name, default):
    return float(os.environ.get(name) or default)


RESTART_MAX_SECONDS = env_seconds("CARLOAN_RESTART_MAX_SECONDS", 30)
RESTART_RESET_SECONDS = env_seconds("CARLOAN_RESTART_RESET_SECONDS", 60)
STOP_GRACE_SECONDS = env_seconds("CARLOAN_STOP_GRACE_SECONDS", 15)


def _die_with_parent():
    """In the child, before exec: SIGTERM it if this script dies without stopping it (kill -9 of the script)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the stop below is then the only guard


def group_alive(pgid):
    """Whether any process of the group still runs (zombies do not count: nobody here may reap them)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
            return True
        except (ProcessLookupError, PermissionError):
            return False
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


class Child:
    """One supervised process (and its process group: the gateway's workers are in its master's)."""

    def __init__(self, name, command, log_path):
        self.name, self.command, self.log_path = name, command, log_path
        self.process = None
        self.started_at = 0.0
        self.failures = 0  # deaths in a row without staying up RESTART_RESET_SECONDS
        self.restart_at = None

    def start(self):
        # A session (and process group) of its own: Ctrl-C reaches only this script, which stops the children in
        # order, and a signal to the group reaches whatever the child started.
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True, preexec_fn=_die_with_parent)
        self.started_at, self.restart_at = time.monotonic(), None

    @property
    def pgid(self):
        return self.process.pid if self.process else None

    def signal(self, signum):
        if self.process is None:
            return
        try:
            os.killpg(self.pgid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def running(self):
        """Reaps the leader if it exited; true while anything of its group is left."""
        if self.process is None:
            return False
        self.process.poll()
        return group_alive(self.pgid)

    def exited(self):
        return self.process is not None and self.process.poll() is not None

    def schedule_restart(self, now):
        """After an unexpected exit: kill what the child left, and start it again after the back-off."""
        code, up = self.process.returncode, now - self.started_at
        self.signal(signal.SIGKILL)
        if up >= RESTART_RESET_SECONDS:
            self.failures = 0
        delay = min(2 ** self.failures, RESTART_MAX_SECONDS)
        self.failures += 1
        how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"
        say(f"{self.name} {how} after {up:.0f} s; restarting it in {delay:g} s (log: {self.log_path})")
        self.restart_at = now + delay


class Stop:
    """Ctrl-C / SIGTERM: the first asks for a stop, the second for an immediate one."""

    def __init__(self):
        self.count = 0
        self.announced = False

    def __call__(self, _signum, _frame):
        self.count += 1  # nothing else here: the handler may interrupt a print of the main loop

    @property
    def requested(self):
        return self.count > 0

    @property
    def urgent(self):
        return self.count > 1


def wait_ready(url, children, stop, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stop.requested:
        for child in children:
            if child.exited():
                raise RuntimeError(f"{child.name} exited with code {child.process.returncode} while starting")
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    if not stop.requested:
        raise RuntimeError("the platform did not become ready in time")


class DemoBook:
    """The demo book (演示数据): scripts/demo.py run once, beside the supervision, on a data directory it has not
    been seeded into (or only half: the script resumes). Its lines go to this script's output."""

    def __init__(self, data_dir, url):
        self.data_dir, self.url = data_dir, url
        self.process = None

    @staticmethod
    def wanted(data_dir):
        """Whether to seed now, and if not, why (None when there is nothing worth saying)."""
        switch = (os.environ.get("CARLOAN_DEMO") or "").strip().lower()
        if os.environ.get("CARLOAN_ENV", "development") == "production":
            return False, "CARLOAN_DEMO ignored: the demo book is never seeded in production" if switch and \
                switch not in DEMO_OFF else None
        if switch in DEMO_OFF:
            return False, None
        return not (data_dir / "demo-seeded").exists(), None

    def start(self):
        say("seeding the demo book (演示数据); the platform is usable meanwhile")
        self.process = subprocess.Popen([PYTHON, str(ROOT / "scripts" / "demo.py"), "--url", self.url,
                                         "--data-dir", str(self.data_dir)], start_new_session=True,
                                        preexec_fn=_die_with_parent)

    def poll(self):
        if self.process is None or self.process.poll() is None:
            return
        code, self.process = self.process.returncode, None
        if code == 0:
            show_demo_users(self.data_dir)
        else:
            say(f"the demo book is incomplete (exit code {code}); it is resumed at the next start, or now with "
                f"`{Path(PYTHON).name} scripts/demo.py --url {self.url} --data-dir {self.data_dir}`")

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            say("stopping the demo seeding; it is resumed at the next start")
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


DEMO_OFF = ("0", "false", "no", "off")


def show_demo_users(data_dir):
    users = data_dir / "demo-users"
    if users.exists():
        say(f"demo staff ({users}):")
        for line in users.read_text().splitlines():
            if not line.startswith("#"):
                say(f"  {line}")


def supervise(children, stop, demo=None):
    while not stop.requested:
        if demo is not None:
            demo.poll()
        now = time.monotonic()
        for child in children:
            if child.restart_at is None and child.exited():
                child.schedule_restart(now)
            elif child.restart_at is not None and now >= child.restart_at and not child.running():
                child.start()
                say(f"{child.name} started again (pid {child.process.pid})")
        time.sleep(0.2)


def stop_all(children, stop):
    """The gateway first (no new requests), then the services: SIGTERM to each group, SIGKILL to what is left
    after the grace period, or at once on a second signal; then every leader is reaped."""
    gateway = [child for child in children if child.name == "gateway"]
    for phase in (gateway, [child for child in children if child not in gateway]):
        for child in phase:
            if child.running():
                child.signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while any(child.running() for child in phase) and time.monotonic() < deadline and not stop.urgent:
            time.sleep(0.1)
        if stop.urgent and not stop.announced:
            stop.announced = True
            say("second signal: killing what is left")
        for child in phase:
            if child.running():
                if not stop.urgent:
                    say(f"{child.name} did not stop within {STOP_GRACE_SECONDS:g} s; killing it")
                child.signal(signal.SIGKILL)
    for child in children:
        if child.process is not None:
            child.process.wait()
    deadline = time.monotonic() + 10  # leaders are reaped; what they left dies of the SIGKILL above
    while any(child.running() for child in children) and time.monotonic() < deadline:
        time.sleep(0.05)


def main():
    os.chdir(ROOT)
    data_dir = Path(os.environ.setdefault("CARLOAN_DATA_DIR", str(ROOT / "var"))).resolve()
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CARLOAN_SERVICES", ",".join(SERVICES))
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")  # as in the image: see the Dockerfile
    port = os.environ.setdefault("CARLOAN_GATEWAY_PORT", "8000")
    ensure_rabbitmq()

    for service in SERVICES:
        say(f"migrating {service} ({data_dir / (service + '.db')})")
        with open(logs / f"{service}-migrate.log", "w") as log:
            if subprocess.run([PYTHON, "-m", f"services.{service}", "migrate"], stdout=log,
                              stderr=subprocess.STDOUT).returncode != 0:
                say(f"migration of {service} failed; see {logs / (service + '-migrate.log')}")
                sys.exit(1)

    children = [Child(service, [PYTHON, "-m", f"services.{service}", "run"], logs / f"{service}.log")
                for service in SERVICES]
    children.append(Child("gateway", [str(Path(PYTHON).parent / "gunicorn"), "-c", "python:gateway.gunicorn_conf",
                                      "gateway.wsgi:app"], logs / "gateway.log"))
    stop = Stop()
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    failed = False
    url = f"http://127.0.0.1:{port}"
    demo = DemoBook(data_dir, url)
    try:
        for child in children:
            child.start()
        wait_ready(url, children, stop)
        if not stop.requested:
            say("")
            say(f"车贷管理系统 is running at {url}")
            if (ROOT / "web" / "dist" / "index.html").is_file():
                say(f"  console:     {url}/  (open it in a browser and log in)")
            else:
                say("  console:     not built (Node.js 20 and npm are needed); the API runs alone")
            say(f"  API docs:    {url}/api/docs")
            say(f"  log in as:   admin / {admin_password(data_dir)}")
            say(f"  logs:        {logs}/")
            seed, why_not = DemoBook.wanted(data_dir)
            if why_not:
                say(why_not)
            if seed:
                demo.start()
            else:
                show_demo_users(data_dir)
            say("Press Ctrl-C to stop.")
            supervise(children, stop, demo)
        say("stopping...")
    except RuntimeError as exc:
        say(f"{exc}; see {logs}/")
        failed = True
    finally:
        demo.stop()
        stop_all(children, stop)
        say("stopped.")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
