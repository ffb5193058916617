"""The Quick start's platform: `scripts/run.py` (what `make run` starts) on its embedded default, one SQLite file
per service, on a vhost of its own. On its new data directory it seeds the demo book and prints the demo staff. A
loan goes late and the close of business takes the per-loan path (the one SQLite gets): DPD and penalty to the fen,
then the collection task and 关注 from the events. The script keeps the platform up (a service killed is started
again) and leaves nothing behind when stopped, even twice over."""
import datetime as dt
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from services.common import clock
from tests.e2e.conftest import _management, free_port
from tests.helpers import new_id_number, new_phone, new_vin, wait_until
from tests.platform import descendants, survivors

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("org", "customer", "collateral", "loan", "finance", "collection")
STAFF = {"officer": "loan_officer", "appraiser_a": "appraiser", "appraiser_b": "appraiser",
         "reviewer_1": "risk_reviewer", "reviewer_2": "risk_reviewer", "clerk": "finance_clerk",
         "checker": "finance_reviewer", "collector": "collector", "post_loan": "post_loan_manager"}


def session_for(url, username, password):
    response = requests.post(f"{url}/auth/login", json={"username": username, "password": password}, timeout=10)
    assert response.status_code == 200, response.text
    client = requests.Session()
    client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    return client


def demo_users_printed(run):
    users = run.data_dir / "demo-users"
    if not users.exists():
        return False
    printed = run.log()
    return all(line in printed for line in users.read_text().splitlines() if line and not line.startswith("#"))


@pytest.fixture(scope="module")
def quick_start(tmp_path_factory):
    """`scripts/run.py` running, in a session of its own (as from a terminal); the last test stops it."""
    tmp_path = tmp_path_factory.mktemp("quick-start")
    vhost = f"carloan-embedded-{uuid.uuid4().hex[:8]}"
    _management("PUT", f"/vhosts/{vhost}")
    _management("PUT", f"/permissions/{vhost}/guest", json={"configure": ".*", "write": ".*", "read": ".*"})
    port, password = free_port(), secrets.token_urlsafe(12)
    env = {key: value for key, value in os.environ.items() if not key.endswith("_DATABASE_URL")}
    env.update({"CARLOAN_DATA_DIR": str(tmp_path), "CARLOAN_GATEWAY_PORT": str(port), "PYTHONWARNINGS": "ignore",
                "CARLOAN_AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}", "CARLOAN_ADMIN_PASSWORD": password})
    for service in SERVICES:
        env[f"{service.upper()}_METRICS_PORT"] = str(free_port())
    process = subprocess.Popen([sys.executable, "scripts/run.py"], cwd=ROOT, env=env, start_new_session=True,
                               stdout=open(tmp_path / "run.log", "w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    run = SimpleNamespace(process=process, base=base, url=f"{base}/api/v1", password=password,
                          log=lambda: (tmp_path / "run.log").read_text(), data_dir=tmp_path)

    def ready():
        if process.poll() is not None:
            raise AssertionError(f"scripts/run.py exited:\n{run.log()[-3000:]}")
        try:
            return requests.get(f"{base}/readyz", timeout=3).status_code == 200
        except requests.RequestException:
            return False

    started = {}
    try:
        wait_until(ready, timeout=120, interval=0.5, message="the platform")
        # the demo book first: the tests below close business dates after the one it closes
        wait_until(lambda: ready() and "[demo] demo book ready" in run.log() or "the demo book is incomplete" in
                   run.log(), timeout=240, interval=0.5, message="the demo book")
        # make run prints the staff's table once it has seen the seeding end: a moment after the line above
        wait_until(lambda: "the demo book is incomplete" in run.log() or demo_users_printed(run), timeout=30,
                   interval=0.2, message="the demo staff printed")
        run.ready = ready
        started.update(descendants(process.pid))
        yield run
    finally:
        if process.poll() is None:  # a test failed before stopping it: leave nothing running
            started.update(descendants(process.pid))
            process.kill()
            for pgid in {row["pgid"] for row in started.values()}:
                try:
                    os.killpg(pgid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            process.wait()
        _management("DELETE", f"/vhosts/{vhost}")


def test_a_new_data_directory_gets_the_demo_book_and_its_staff_are_printed(quick_start):
    log, data_dir = quick_start.log(), quick_start.data_dir
    assert "[demo] demo book ready" in log, log[-3000:]
    assert (data_dir / "demo-seeded").read_text().startswith("seeded on")
    users = data_dir / "demo-users"
    assert users.stat().st_mode & 0o777 == 0o600
    rows = [line.split() for line in users.read_text().splitlines()[3:]]
    for role, username, password, name, department in rows:  # printed as the file holds them
        assert any(f"[carloan]   {role}" in line and f" {username} " in line and f" {password} " in line
                   for line in log.splitlines()), (username, log[-3000:])
    officer = next(row for row in rows if row[0] == "loan_officer")
    loans = session_for(quick_start.url, officer[1], officer[2]).get(f"{quick_start.url}/loans", params={
        "page_size": 100}).json()["items"]
    assert loans and all(loan["department_id"] == loans[0]["department_id"] for loan in loans)  # their own
    admin = session_for(quick_start.url, "admin", quick_start.password)
    late = [loan for loan in admin.get(f"{quick_start.url}/loans", params={"page_size": 100}).json()["items"]
            if loan["dpd"] > 0]
    assert {loan["classification"] for loan in late} >= {"special_mention", "substandard", "doubtful"}
    assert admin.get(f"{quick_start.url}/finance/trial-balance").json()["balanced"] is True


def test_the_quick_start_platform_on_sqlite_runs_a_late_loan(quick_start):
    tmp_path, url = quick_start.data_dir, quick_start.url
    password = quick_start.password
    assert sorted(p.name for p in tmp_path.glob("*.db")) == sorted(
        f"{s}.db" for s in ("org", "customer", "collateral", "loan", "finance", "collection", "document"))
    admin = session_for(url, "admin", password)
    branch = admin.post(f"{url}/departments", json={"code": f"E{uuid.uuid4().hex[:6]}", "name": "嵌入式"}).json()
    staff = {}
    for name, role in STAFF.items():
        username = f"u{uuid.uuid4().hex[:8]}"
        employee = admin.post(f"{url}/employees", json={"username": username, "password": "Passw0rd!x",
                                                        "name": name, "department_id": branch["id"],
                                                        "roles": [role]})
        assert employee.status_code == 201, employee.text
        staff[name] = session_for(url, username, "Passw0rd!x")
        staff[name].id = employee.json()["id"]
    product = admin.post(f"{url}/products", json={
        "code": f"E{uuid.uuid4().hex[:6]}", "name": "车抵贷", "repayment_method": "equal_installment",
        "annual_rate": "0.088800", "min_term_months": 12, "max_term_months": 36, "min_amount": "10000.00",
        "max_amount": "500000.00", "max_ltv": "0.80", "grace_days": 3, "prepayment_fee_rate": "0.02"}).json()
    officer = staff["officer"]
    customer = officer.post(f"{url}/customers/persons", json={"name": "李四", "id_number": new_id_number(),
                                                             "phone": new_phone()}).json()
    car = officer.post(f"{url}/vehicles", json={"vin": new_vin(), "brand": "吉利", "model": "星越", "year": 2023,
                                                "owner_customer_id": customer["id"]}).json()
    valuation = staff["appraiser_a"].post(f"{url}/vehicles/{car['id']}/valuations",
                                          json={"appraised_value": "200000.00", "method": "market"}).json()
    staff["appraiser_b"].post(f"{url}/valuations/{valuation['id']}/review", json={"approve": True})
    application = officer.post(f"{url}/loan-applications", json={
        "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"],
        "amount": "100000.00", "term_months": 24})
    assert application.status_code == 201, application.text
    path = f"{url}/loan-applications/{application.json()['id']}"
    staff["reviewer_1"].post(f"{path}/investigation", json={"findings": "ok", "recommendation": "approve"})
    assert staff["reviewer_2"].post(f"{path}/decision", json={"approve": True}).status_code == 200
    signed = clock.today() - dt.timedelta(days=45)
    loan = officer.post(f"{path}/contract", json={"signed_on": signed.isoformat()}).json()
    loan_path = f"{url}/loans/{loan['id']}"
    staff["clerk"].post(f"{loan_path}/disbursement", json={
        "payee_name": "李四", "payee_account": "6222020200112233445", "amount": loan["net_amount"]})
    review = staff["checker"].post(f"{loan_path}/disbursement/review", json={
        "approve": True, "voucher_no": "V1", "disbursed_on": signed.isoformat()})
    assert review.status_code == 200, review.text

    first = officer.get(f"{loan_path}/schedule").json()["installments"][0]
    day = clock.today() + dt.timedelta(days=1)
    run = admin.post(f"{url}/cob", json={"business_date": day.isoformat()})
    assert run.status_code == 200 and run.json()["status"] == "done", run.text
    late = (day - dt.date.fromisoformat(first["due_date"])).days
    daily = (Decimal(first["principal"]) * Decimal("0.0888") * Decimal("1.5") / 360).quantize(
        Decimal("0.0001"), "ROUND_HALF_UP")
    detail = officer.get(loan_path).json()
    assert detail["dpd"] == late > 3
    assert detail["accrued_penalty"] == str((daily * late).quantize(Decimal("0.01"), "ROUND_HALF_UP"))
    task = wait_until(lambda: staff["post_loan"].get(f"{url}/collection/tasks", params={
        "loan_id": loan["id"]}).json()["items"], timeout=30, message="the collection task")[0]
    assert task["assignee_id"] == staff["collector"].id and task["dpd"] == late
    wait_until(lambda: officer.get(loan_path).json()["classification"] == "special_mention", timeout=30,
               message="关注 on the loan")


def test_a_service_killed_is_started_again_and_the_platform_answers_again(quick_start):
    def loan_service():
        [pid] = [pid for pid, row in descendants(quick_start.process.pid).items()
                 if "services.loan run" in row["cmdline"] and row["state"] != "Z"] or [None]
        return pid

    killed = loan_service()
    os.kill(killed, signal.SIGKILL)
    wait_until(lambda: loan_service() not in (None, killed), timeout=30, message="the loan service started again")
    admin = session_for(quick_start.url, "admin", quick_start.password)
    wait_until(lambda: admin.get(f"{quick_start.url}/loans", timeout=15).status_code == 200, timeout=60,
               message="the loan service answering")
    assert quick_start.ready() and quick_start.process.poll() is None
    log = quick_start.log()
    assert "loan was killed by SIGKILL" in log and "restarting it in 1 s" in log, log[-2000:]


def test_two_sigterms_stop_it_at_once_and_leave_no_process_behind(quick_start):
    process = quick_start.process
    started = descendants(process.pid)
    assert {name for name in SERVICES if any(f"services.{name} run" in row["cmdline"] for row in started.values())
            } == set(SERVICES) and any("gunicorn" in row["cmdline"] for row in started.values())
    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)  # an impatient operator: no grace period any more
    process.wait(timeout=30)
    assert time.monotonic() - began < 12  # well inside the 15 s a graceful stop may take
    wait_until(lambda: not survivors(started), timeout=10, message="no process of the platform left")
    assert process.returncode == 0, quick_start.log()[-3000:]
