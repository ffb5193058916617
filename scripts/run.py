"""`make run`: start the whole platform on this machine on its embedded default.

RabbitMQ from the machine (started if installed but stopped), one SQLite file per service under
CARLOAN_DATA_DIR (default ./var), every service migrated and seeded, then the services and the gateway.
Ctrl-C stops everything.
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
SERVICES = ["org", "customer", "collateral", "loan", "finance", "collection"]
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


def wait_ready(url, processes, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the platform did not become ready in time")


def stop(processes):
    """Gateway first, then the services, each asked to finish its work (SIGTERM), killed after 15 s."""
    for _, process in reversed(processes):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def start(name, command, log_path):
    # A session of its own: Ctrl-C reaches only this script, which then stops the children in order.
    log = open(log_path, "a")
    return name, subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def interrupt(*_):
    raise KeyboardInterrupt


def main():
    os.chdir(ROOT)
    data_dir = Path(os.environ.setdefault("CARLOAN_DATA_DIR", str(ROOT / "var"))).resolve()
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CARLOAN_SERVICES", ",".join(SERVICES))
    port = os.environ.setdefault("CARLOAN_GATEWAY_PORT", "8000")
    ensure_rabbitmq()

    for service in SERVICES:
        say(f"migrating {service} ({data_dir / (service + '.db')})")
        with open(logs / f"{service}-migrate.log", "w") as log:
            if subprocess.run([PYTHON, "-m", f"services.{service}", "migrate"], stdout=log,
                              stderr=subprocess.STDOUT).returncode != 0:
                say(f"migration of {service} failed; see {logs / (service + '-migrate.log')}")
                sys.exit(1)

    processes = []
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        for service in SERVICES:
            processes.append(start(service, [PYTHON, "-m", f"services.{service}", "run"],
                                   logs / f"{service}.log"))
        processes.append(start("gateway", [str(Path(PYTHON).parent / "gunicorn"), "-c",
                                           "python:gateway.gunicorn_conf", "gateway.wsgi:app"],
                               logs / "gateway.log"))
        url = f"http://127.0.0.1:{port}"
        wait_ready(url, processes)
        say("")
        say(f"車貸管理系統(tǒng) is running at {url}")
        say(f"  API docs:    {url}/api/docs")
        say(f"  log in as:   admin / {admin_password(data_dir)}")
        say(f"  logs:        {logs}/")
        say("Press Ctrl-C to stop.")
        while all(process.poll() is None for _, process in processes):
            time.sleep(1)
        dead = [name for name, process in processes if process.poll() is not None]
        say(f"{', '.join(dead)} stopped unexpectedly; see {logs}/. Stopping the rest.")
        sys.exit(1)
    except KeyboardInterrupt:
        say("stopping...")
    except RuntimeError as exc:
        say(f"{exc}; see {logs}/")
        sys.exit(1)
    finally:
        stop(processes)
        say("stopped.")


if __name__ == "__main__":
    main()
