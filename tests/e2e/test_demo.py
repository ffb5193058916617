"""The demo book (scripts/demo.py) seeded into a new platform through its API, as `make run` does: interrupted
half-way and resumed, it gives the whole book once; every demo account works; the console has loans in every
state, late loans in several grades, collection work and books that balance; a second run changes nothing, and a
platform that already holds business is never seeded.

The book closes the business date and moves loans into arrears, so it runs on a platform of its own."""
import datetime as dt
import importlib.util
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from tests.platform import ROOT, running_platform

SPEC = importlib.util.spec_from_file_location("demo_script", ROOT / "scripts" / "demo.py")
demo = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(demo)


def seeding(platform, data_dir, interrupt_after=None):
    """Run the demo script; with `interrupt_after`, kill it (SIGKILL, as a crash would) a moment after that line
    is out: in the middle of the applications, with some commands in flight."""
    process = subprocess.Popen([sys.executable, "scripts/demo.py", "--url", platform.url, "--data-dir",
                                str(data_dir)], cwd=ROOT, env=platform.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if interrupt_after and interrupt_after in line:
            time.sleep(1.5)
            process.kill()
            break
    process.wait(timeout=180)
    return process.returncode, "".join(lines)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo-book")
    with running_platform(data_dir, prefix="demo", ready_timeout=180) as platform:
        code, first = seeding(platform, data_dir, interrupt_after="  customers:")
        assert code == -signal.SIGKILL, first
        assert (data_dir / "demo-seeding").exists() and not (data_dir / "demo-seeded").exists(), first
        code, second = seeding(platform, data_dir)
        assert code == 0, second
        platform.demo_output = first + second
        yield platform


@pytest.fixture(scope="module")
def admin(book):
    return book.client(book.login("admin", book.admin_password))


def test_an_interrupted_seeding_is_resumed_and_leaves_the_staff_accounts_readable_by_their_owner_only(book):
    assert "resuming the interrupted demo book" in book.demo_output and "demo book ready" in book.demo_output
    assert not (book.data_dir / "demo-seeding").exists()
    users = book.data_dir / "demo-users"
    assert users.stat().st_mode & 0o777 == 0o600
    assert {row["role"] for row in demo.parse_users(users.read_text())} >= {
        "admin", "loan_officer", "risk_reviewer", "approver", "appraiser", "finance_clerk", "finance_reviewer",
        "collateral_clerk", "collector", "post_loan_manager", "auditor"}


def test_every_demo_user_logs_in_and_sees_their_role_and_department(book, admin):
    departments = {d["id"]: d for d in admin.get("/api/v1/departments").json()["items"]}
    assert sorted(d["name"] for d in departments.values()) == sorted(["总部", "杭州分公司", "宁波分公司"])
    head_office = next(d["id"] for d in departments.values() if d["name"] == "总部")
    assert all(d["parent_id"] == head_office for d in departments.values() if d["name"] != "总部")
    rows = demo.parse_users((book.data_dir / "demo-users").read_text())
    assert len(rows) == len(demo.STAFF)
    for row in rows:
        me = book.client(book.login(row["username"], row["password"])).get("/api/v1/me").json()
        assert me["roles"] == [row["role"]] and me["name"] == row["name"], me
        assert departments[me["department_id"]]["name"] == row["department"]


def test_the_book_holds_each_customer_car_and_application_once_despite_the_interruption(admin):
    assert admin.get("/api/v1/customers", params={"type": "person"}).json()["total"] == len(demo.PERSONS)
    assert admin.get("/api/v1/customers", params={"type": "enterprise"}).json()["total"] == len(demo.ENTERPRISES)
    assert admin.get("/api/v1/customers").json()["total"] >= 30
    assert admin.get("/api/v1/vehicles").json()["total"] == len(demo.STORIES) + len(demo.PENDING_VALUATIONS)
    assert admin.get("/api/v1/employees").json()["total"] == len(demo.STAFF) + 1  # and the seeded admin
    applications = admin.get("/api/v1/loan-applications", params={"page_size": 100}).json()
    assert applications["total"] == len(demo.STORIES)
    statuses = Counter(a["status"] for a in applications["items"])
    # waiting for investigation, for the first and the second decision, for a contract; refused; signed
    assert {"submitted", "investigated", "pending_second_approval", "approved", "rejected", "contracted"} <= set(
        statuses), statuses
    repayments = sum(admin.get(f"/api/v1/loans/{loan['id']}/repayments").json()["total"]
                     for loan in admin.get("/api/v1/loans", params={"page_size": 100}).json()["items"])
    assert repayments == sum(story.paid for story in demo.STORIES if story.target in ("active", "settled"))


def test_loans_are_in_every_state_and_the_late_ones_in_several_grades(admin):
    loans = admin.get("/api/v1/loans", params={"page_size": 100}).json()["items"]
    signed = [admin.get(f"/api/v1/loans/{loan['id']}").json() for loan in loans if loan["status"] == "signed"]
    assert any(loan["disbursement"] is None for loan in signed)  # contract signed, money not registered
    assert any((loan["disbursement"] or {}).get("status") == "pending_review" for loan in signed)
    active = [loan for loan in loans if loan["status"] == "active"]
    assert any(loan["dpd"] == 0 and loan["classification"] == "normal" for loan in active)
    assert any(loan["dpd"] > 0 for loan in active)
    assert len([loan for loan in loans if loan["status"] == "settled"]) == 2
    grades = {loan["classification"] for loan in active} - {"normal"}
    assert len(grades) >= 2 and grades <= {"special_mention", "substandard", "doubtful", "loss"}, grades
    assert admin.get("/api/v1/cob").json()["business_date"] == demo.book_date().isoformat()


def test_collectors_have_tasks_post_loan_has_warnings_and_the_books_balance(book, admin):
    users = {row["username"]: row for row in demo.parse_users((book.data_dir / "demo-users").read_text())}
    collectors = [row for row in users.values() if row["role"] == "collector"]
    inbox = []
    for row in collectors:
        collector = book.client(book.login(row["username"], row["password"]))
        inbox += collector.get("/api/v1/collection/tasks", params={"status": "open"}).json()["items"]
    assert inbox and {task["stage"] for task in inbox} >= {"call_sms", "legal"}
    records = [admin.get(f"/api/v1/collection/tasks/{task['id']}").json()["records"] for task in inbox]
    assert sum(map(len, records)) == len(demo.COLLECTION_RECORDS)
    warnings = admin.get("/api/v1/warnings", params={"page_size": 100}).json()["items"]
    assert {"first_overdue", "dpd_over_30", "gps_removed"} <= {w["kind"] for w in warnings}
    assert any(w["status"] == "resolved" for w in warnings)
    assert admin.get("/api/v1/finance/trial-balance").json()["balanced"] is True
    portfolio = admin.get("/api/v1/finance/reports/portfolio", params={"as_of": demo.book_date().isoformat()}).json()
    assert portfolio["booked_provision"] == portfolio["required_provision"] != "0.00"


def test_seeding_again_does_nothing_and_a_platform_with_business_is_never_seeded(book, admin, tmp_path):
    def totals():
        return [admin.get(path).json()["total"] for path in (
            "/api/v1/customers", "/api/v1/employees", "/api/v1/vehicles", "/api/v1/loan-applications")]

    before, since = totals(), dt.datetime.now(dt.UTC).isoformat()
    code, output = seeding(book, book.data_dir)
    assert code == 0 and "already in place" in output, output
    # a data directory of its own (no marker): the same platform, which already holds business
    code, output = seeding(book, tmp_path)
    assert code == 0 and "not seeding the demo book" in output, output
    assert (tmp_path / "demo-seeded").read_text().startswith("not seeded")
    assert not (tmp_path / "demo-users").exists() and not (tmp_path / "demo-seeding").exists()
    assert totals() == before
    # the second run did not even sign in; the third signed in as admin, looked, and did nothing
    actions = {record["action"] for record in admin.get("/api/v1/audit-log", params={
        "from": since, "page_size": 100}).json()["items"]}
    assert actions <= {"login"}, actions
