"""演示数据 The demo book: seeds a small car-loan company into a new platform through the gateway's public API.

`make run` calls it once the platform is ready, on a new data directory only; it also runs on its own against
any running gateway:

    python scripts/demo.py --url http://127.0.0.1:8000 --data-dir var

It acts as the seeded `admin` (password from CARLOAN_ADMIN_PASSWORD or `<data dir>/admin-password`) for the
organisation, the products and the close of business, and as the demo staff it creates for everything else, so
every maker-checker rule is met by two real people and the audit log reads like a working office.

Runs once. `<data dir>/demo-seeded` marks the book as done (or as not seeded because it already held business);
while seeding, `<data dir>/demo-seeding` (mode 0600) holds what must survive an interruption: the dates the book
is built around, the generators' seed and the staff passwords. An interrupted seeding is resumed at the next run:
every step recognises what it already did (a 409 with the existing id, a state already reached, the same
Idempotency-Key on money), so a resumed book ends up the same as one seeded in a single go. The staff
credentials go to `<data dir>/demo-users` (mode 0600). Never in production (CARLOAN_ENV=production refuses).

Standard library only: it is a client of the API, and knows nothing of the services' code.

The book is in the modules beside this one: demo_values.py (identity numbers, passwords, the users table),
demo_company.py (the company as data, and `plan_book`), demo_api.py (the gateway's API), demo_office.py (the staff,
the organisation, customers and cars) and demo_loans.py (the loans, from application to post-loan work); this one
is the seeding's journal, its order of steps and the command line.
"""
import argparse
import datetime as dt
import json
import os
import secrets
import sys
import time
import urllib.request  # noqa: F401  (the client demo_api.py sends with; the tests reach it as demo.urllib.request)
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:  # its modules beside it, when this file is loaded by path (the tests) and not run
    sys.path.insert(0, HERE)

from demo_api import DemoError  # noqa: E402
from demo_company import (CARS, COLLECTION_RECORDS, ENTERPRISES, PENDING_VALUATIONS, PERSONS,  # noqa: E402
                          PRODUCTS, STAFF, STORIES, STORIES_BY_KEY, plan_book)
from demo_loans import Loans  # noqa: E402
from demo_values import (add_months, display_width, id_number, luhn, parse_users, password, table,  # noqa: E402
                         uscc, vin)

# What tests/unit/test_demo_book.py, tests/e2e/test_demo.py and bench/console.py read of the book, from here.
__all__ = ["CARS", "COLLECTION_RECORDS", "ENTERPRISES", "JOURNAL", "MARKER", "PENDING_VALUATIONS", "PERSONS",
           "PRODUCTS", "STAFF", "STORIES", "USERS", "DemoError", "Seeder", "add_months", "book_date",
           "display_width", "id_number", "luhn", "main", "parse_users", "password", "plan_book", "table", "uscc",
           "vin"]

MARKER, JOURNAL, USERS = "demo-seeded", "demo-seeding", "demo-users"


# -- the seeding -----------------------------------------------------------------------------------------
class Journal:
    """What an interrupted seeding needs to resume as it began, kept in `<data dir>/demo-seeding` (mode 0600)."""

    def __init__(self, path, state):
        self.path, self.state = path, state

    @classmethod
    def open(cls, path, today):
        if path.exists():
            return cls(path, json.loads(path.read_text())), True
        journal = cls(path, {"book_date": today.isoformat(), "seed": secrets.randbits(32),
                             "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                             "passwords": {}})
        journal.save()
        return journal, False

    def save(self):
        write_private(self.path, json.dumps(self.state, ensure_ascii=False, indent=1))


def write_private(path, text):
    """Write a file only its owner can read (credentials): created 0600, never briefly readable by others."""
    scratch = path.with_name(path.name + ".tmp")
    descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    os.chmod(scratch, 0o600)
    os.replace(scratch, path)


class Seeder(Loans):
    """The seeding itself: each step does its part of the book, or finds it done by an earlier, interrupted run."""

    # -- entry point --------------------------------------------------------------------------------
    def run(self, today):
        started = time.monotonic()
        marker = self.data_dir / MARKER
        if marker.exists():
            self.say(f"the demo book is already in place ({marker}); nothing to do")
            return False
        self.admin.token = self.login("admin", self.admin_password)
        path = self.data_dir / JOURNAL
        if not path.exists():
            held = self.business_held()
            if held:
                marker.write_text(f"not seeded on {today.isoformat()}: the book already held {held}\n")
                self.say(f"not seeding the demo book: the platform already holds {held} ({marker} written)")
                return False
        journal, resumed = Journal.open(path, today)
        self.journal, self.day = journal, dt.date.fromisoformat(journal.state["book_date"])
        self.say(("resuming the interrupted demo book of " if resumed else "seeding the demo book as of ")
                 + self.day.isoformat())
        plan = plan_book(journal.state["seed"], self.day)
        steps = (
            ("organisation", lambda: self.organisation(plan),
             lambda: f"{len(self.departments)} departments, {len(STAFF)} staff"),
            ("customers", lambda: (self.products(), self.customers(plan)),
             lambda: f"{len(PERSONS)} persons and {len(ENTERPRISES)} enterprises, {len(self.vehicles)} cars valued"),
            ("origination", lambda: loans.update(zip(STORIES_BY_KEY, self.parallel(
                lambda story: self.originate(story, plan), STORIES))),
             lambda: f"{len(STORIES)} applications, {sum(1 for loan in loans.values() if loan)} contracts"),
            ("disbursement", lambda: self.collateral_work(plan, loans), lambda: "paid out, GPS fitted, mortgages"),
            ("repayments", lambda: self.parallel(lambda story: self.service(story, loans[story.key]), STORIES),
             lambda: "on their due dates; one loan repaid at maturity, one paid off early"),
            ("close of business", lambda: (self.releases(loans), self.close_of_business()),
             lambda: f"{self.day}: {self.closed['loans']} active loans, {self.closed['overdue']} overdue"),
            ("post-loan", lambda: (self.post_loan(plan, loans), self.finance()),
             lambda: f"{len(self.tasks)} collection tasks ({len(COLLECTION_RECORDS)} worked), warnings, "
                     "a grade adjustment asked, provisions"),
        )
        loans = {}
        for name, step, summary in steps:
            began = time.monotonic()
            step()
            self.say(f"  {name}: {summary()} ({time.monotonic() - began:.1f} s)")
        users = self.users_table()
        write_private(self.data_dir / USERS, users)
        marker.write_text(f"seeded on {self.day.isoformat()} in {time.monotonic() - started:.0f} s\n")
        path.unlink()
        self.say(f"demo book ready in {time.monotonic() - started:.0f} s; staff accounts in {self.data_dir / USERS}")
        return True

    def business_held(self):
        """What the platform already holds beyond its first-start seed, in words, or '' if it is new."""
        counts = {"employees": self.admin.get("/employees", page_size=1)["total"] - 1,
                  "customers": self.admin.get("/customers", page_size=1)["total"],
                  "products": self.admin.get("/products", page_size=1)["total"],
                  "departments": self.admin.get("/departments", page_size=1)["total"] - 1}
        return ", ".join(f"{count} {what}" for what, count in counts.items() if count > 0)

    def users_table(self):
        passwords = self.journal.state["passwords"]
        rows = [("角色", "用户名", "密码", "姓名", "部门")] + [
            (role, username, passwords[username], name, self.department_names[self.departments[department]])
            for _, role, username, name, department, _ in STAFF]
        return (f"# 演示账号: the demo book's staff, seeded {self.day.isoformat()} ({self.url}).\n"
                "# The admin account is `admin` (its password is CARLOAN_ADMIN_PASSWORD or admin-password).\n"
                + table(rows))


# -- command line ------------------------------------------------------------------------------------------
def book_date():
    """Today where the business is (CARLOAN_TIMEZONE, as the services count it)."""
    return dt.datetime.now(ZoneInfo(os.environ.get("CARLOAN_TIMEZONE") or "Asia/Shanghai")).date()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    port = os.environ.get("CARLOAN_GATEWAY_PORT", "8000")
    parser.add_argument("--url", default=f"http://127.0.0.1:{port}", help="the gateway (default %(default)s)")
    parser.add_argument("--data-dir", default=os.environ.get("CARLOAN_DATA_DIR", "var"),
                        help="where the marker, the journal and demo-users go (default %(default)s)")
    args = parser.parse_args(argv)

    def say(message):
        print(f"[demo] {message}", flush=True)

    if os.environ.get("CARLOAN_ENV", "development") == "production":
        say("refusing: the demo book is never seeded in production (CARLOAN_ENV=production)")
        return 2
    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    if (data_dir / MARKER).exists():
        (data_dir / JOURNAL).unlink(missing_ok=True)  # left by a run stopped between its last two writes
        say(f"the demo book is already in place ({data_dir / MARKER}); nothing to do")
        return 0
    secret = os.environ.get("CARLOAN_ADMIN_PASSWORD")
    if not secret:
        try:
            secret = (data_dir / "admin-password").read_text().strip()
        except OSError:
            say(f"no admin password: set CARLOAN_ADMIN_PASSWORD or keep it in {data_dir / 'admin-password'}")
            return 1
    try:
        Seeder(args.url, data_dir, secret, say).run(book_date())
    except DemoError as exc:
        say(f"the demo book is not complete: {exc}")
        if (data_dir / JOURNAL).exists():
            say(f"the next run resumes it where it stopped ({data_dir / JOURNAL} keeps what it needs)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
