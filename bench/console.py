"""The staff console's figures, against the real platform with the demo book loaded: the JS+CSS a browser loads
before the login and home pages (gzipped, budget 400 KB, as `npm run build` checks it), and in Chromium, each the
median of 10 fresh browser contexts after one warm-up:

* navigation to a rendered 20-row customer list (/customers);
* a click on a loan's contract number in 贷款台账 (/loans) to its 还款计划 with all 60 installments as table rows;
* navigation to the cockpit (/) to every chart drawn (a canvas of non-zero size and ECharts' `finished`).

    .venv/bin/python bench/console.py            # --runs N (10)

Builds the console into a temporary directory (never web/dist, which other test runs may be serving), starts the
platform as processes on it (tests/platform.py: PostgreSQL databases and a RabbitMQ vhost of its own, dropped at
the end), seeds the demo book through the gateway (scripts/demo.py), makes a 60-month loan through the API if the
book has none (as the demo staff, each step by a role allowed to take it), then runs
`web/scripts/bench-console.mjs` once for each browser figure; the schedule's and the cockpit's lines also say when
the API had answered what the page shows (the rest is the browser's work). Needs web/node_modules
(`scripts/build_console.sh --deps-only`) and /usr/bin/chromium. Not part of the test suite.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from demo import USERS, parse_users  # noqa: E402
from services.common import clock  # noqa: E402
from tests.load import new_id_number, new_vin  # noqa: E402
from tests.platform import running_platform  # noqa: E402

TERM = 60
CHART_PARTS = ("collection_funnel", "grades", "flows", "applications")  # the summary's parts HomePage.vue charts


def say(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def build(dist):
    """The console built into `dist`, and the budget check's line on what the login and home pages load."""
    if not (WEB / "node_modules" / ".bin" / "vite").exists():
        sys.exit("web/node_modules is missing: run scripts/build_console.sh --deps-only first")
    built = subprocess.run(["npx", "--no-install", "vite", "build", "--outDir", str(dist), "--emptyOutDir"],
                           cwd=WEB, capture_output=True, text=True)
    if built.returncode:
        sys.exit(f"the console's build failed:\n{built.stdout}{built.stderr}")
    budget = subprocess.run(["node", "scripts/budget.mjs", str(dist)], cwd=WEB, capture_output=True, text=True)
    return "\n".join((budget.stdout + budget.stderr).strip().splitlines()[-2 if budget.returncode else -1:])


def seed_demo(platform, data_dir):
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "demo.py"), "--url", platform.url,
                          "--data-dir", str(data_dir)], capture_output=True, text=True,
                         env={**os.environ, "CARLOAN_ADMIN_PASSWORD": platform.admin_password})
    if run.returncode:
        sys.exit(f"scripts/demo.py failed:\n{run.stdout}{run.stderr}")
    say(run.stdout.strip().splitlines()[-1].removeprefix("[demo] "))


class Staff:
    """The demo staff by role (`<data dir>/demo-users`), each signed in once: staff.of("appraiser", 1) is the
    second appraiser."""

    def __init__(self, platform, data_dir):
        self.platform = platform
        self.rows = parse_users((Path(data_dir) / USERS).read_text())
        self.clients = {}

    def of(self, role, index=0):
        row = [r for r in self.rows if r["role"] == role][index]
        if row["username"] not in self.clients:
            self.clients[row["username"]] = self.platform.client(self.platform.login(row["username"], row["password"]))
        return self.clients[row["username"]]

    def token(self, role):
        row = next(r for r in self.rows if r["role"] == role)
        return self.platform.login(row["username"], row["password"])


def answer(response, *expected):
    assert response.status_code in (expected or (200, 201)), f"{response.request.method} {response.url}: " \
        f"{response.status_code} {response.text}"
    return response.json()


def loan_of_60(platform, staff):
    """An active loan of the book with 60 installments, made through the API if the demo book has none:
    {id, contract_no, customer_name}."""
    admin = platform.client(platform.login("admin", platform.admin_password))
    loans = answer(admin.get("/api/v1/loans", params={"status": "active", "page_size": 100}))["items"]
    for loan in loans:
        if loan.get("term_months") == TERM:
            return {key: loan[key] for key in ("id", "contract_no", "customer_name")}
    products = answer(admin.get("/api/v1/products", params={"page_size": 100}))["items"]
    product = next((p for p in products if p["min_term_months"] <= TERM <= p["max_term_months"]), None) or answer(
        admin.post("/api/v1/products", json={
            "code": f"BENCH-{TERM}", "name": f"新车分期 {TERM}期", "repayment_method": "equal_installment",
            "annual_rate": "0.072000", "min_term_months": 12, "max_term_months": TERM, "min_amount": "30000.00",
            "max_amount": "800000.00", "max_ltv": "0.80", "grace_days": 3, "prepayment_fee_rate": "0.01"}))
    today = clock.today().isoformat()
    officer = staff.of("loan_officer")
    person = {"name": "韩六十", "id_number": new_id_number(), "phone": f"139{uuid.uuid4().int % 10 ** 8:08d}",
              "monthly_income": "32000.00", "address": "浙江省杭州市西湖区天目山路181号"}
    customer = answer(officer.post("/api/v1/customers/persons", json=person))
    vehicle = answer(officer.post("/api/v1/vehicles", json={
        "vin": new_vin(), "brand": "比亚迪", "model": "汉EV", "year": 2025, "owner_customer_id": customer["id"]}))
    valuation = answer(staff.of("appraiser", 0).post(f"/api/v1/vehicles/{vehicle['id']}/valuations", json={
        "appraised_value": "260000.00", "method": "market"}))
    answer(staff.of("appraiser", 1).post(f"/api/v1/valuations/{valuation['id']}/review", json={"approve": True}))
    application = answer(officer.post("/api/v1/loan-applications", json={
        "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": vehicle["id"],
        "amount": "180000.00", "term_months": TERM}))
    path = f"/api/v1/loan-applications/{application['id']}"
    steps = {  # the application's status -> who takes it on, and how
        "submitted": (staff.of("risk_reviewer", 0), "investigation", {
            "findings": "收入稳定, 征信无不良记录", "recommendation": "approve"}),
        "investigated": (staff.of("risk_reviewer", 1), "decision", {"approve": True}),
        "pending_second_approval": (staff.of("approver", 0), "decision", {"approve": True}),
        "approved": (officer, "contract", {"signed_on": today}),
    }
    while (status := answer(officer.get(path))["status"]) != "contracted":
        if status not in steps:
            sys.exit(f"the {TERM}-month application stopped at {status}")
        actor, step, body = steps[status]
        answer(actor.post(f"{path}/{step}", json=body))
    loan = answer(officer.get(f"/api/v1/loans/{answer(officer.get(path))['loan_id']}"))
    answer(staff.of("finance_clerk").post(f"/api/v1/loans/{loan['id']}/disbursement", json={
        "payee_name": person["name"], "payee_account": "6222020200112233445", "amount": loan["net_amount"]}))
    answer(staff.of("finance_reviewer").post(f"/api/v1/loans/{loan['id']}/disbursement/review", json={
        "approve": True, "voucher_no": f"FK{uuid.uuid4().hex[:12]}", "disbursed_on": today}))
    installments = answer(admin.get(f"/api/v1/loans/{loan['id']}/schedule"))["installments"]
    assert len(installments) == TERM, f"{len(installments)} installments"
    return {"id": loan["id"], "contract_no": loan["contract_no"], "customer_name": person["name"]}


def browser_figure(mode, platform, token, runs, **extra):
    """One figure of web/scripts/bench-console.mjs, as the JSON it prints."""
    env = {**os.environ, "CARLOAN_E2E_URL": platform.url, "CARLOAN_BENCH_TOKEN": token,
           "CARLOAN_BENCH_RUNS": str(runs), **{f"CARLOAN_BENCH_{k.upper()}": v for k, v in extra.items()}}
    run = subprocess.run(["node", str(WEB / "scripts" / "bench-console.mjs"), mode], cwd=WEB, capture_output=True,
                         text=True, env=env)
    if run.returncode:
        sys.exit(f"web/scripts/bench-console.mjs {mode} failed:\n{run.stdout}{run.stderr}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def line(what, figures, data=None):
    """A figure as printed; `data` names what the API answered by `data_median_ms` (the rest is the browser's)."""
    aside = f"; {data} answered at median {figures['data_median_ms']} ms" if data else ""
    return (f"{what}: median {figures['median_ms']} ms over {figures['runs']} runs "
            f"(min {figures['min_ms']}, max {figures['max_ms']}{aside})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="carloan-bench-console-") as scratch:
        dist, data_dir = Path(scratch) / "dist", Path(scratch) / "data"
        data_dir.mkdir()
        say("building the console")
        print(build(dist), flush=True)
        with running_platform(data_dir, prefix="bench", env={"CARLOAN_CONSOLE_DIR": str(dist)}) as platform:
            say("seeding the demo book")
            seed_demo(platform, data_dir)
            staff = Staff(platform, data_dir)
            loan = loan_of_60(platform, staff)
            say(f"the {TERM}-installment loan: {loan['contract_no']} ({loan['customer_name']})")
            admin_token = platform.login("admin", platform.admin_password)

            say("timing the customer list")
            figures = browser_figure("customers", platform, admin_token, args.runs)
            print(line("navigation to a rendered 20-row customer list", figures), flush=True)

            say("timing the loan schedule")
            figures = browser_figure("schedule", platform, admin_token, args.runs, loan=json.dumps(loan),
                                     rows=str(TERM))
            print(line(f"click in 贷款台账 to a rendered {TERM}-installment 还款计划", figures, "loan and schedule"),
                  flush=True)

            # The demo's own administrator (周建国): every part of the summary, so every chart of the cockpit.
            token = staff.token("admin")
            summary = answer(platform.client(token).get("/api/v1/dashboard/summary"))
            charts = sum(1 for part in CHART_PARTS if summary.get(part) is not None)
            say(f"timing the cockpit ({charts} charts)")
            figures = browser_figure("cockpit", platform, token, args.runs, charts=str(charts))
            print(line(f"navigation to the cockpit with its {charts} charts drawn", figures, "summary"), flush=True)


if __name__ == "__main__":
    main()
