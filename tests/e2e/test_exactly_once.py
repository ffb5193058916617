"""A money-moving command is carried out exactly once whatever the client sends (issue 14): the loan service
commits a repayment and dies before replying (a real process exit, `CARLOAN_FAULT_EXIT_AFTER_COMMIT`), the broker
redelivers the request to the restarted service, and the clerk, who sent no `Idempotency-Key`, gets the first
answer; one repayment is booked and finance posts it once."""
import concurrent.futures
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import requests

from tests.e2e.conftest import ROOT, unique
from tests.e2e.test_servicing import TODAY, disbursed_loan
from tests.helpers import wait_until


# A loan service that has done its imports and waits for `go` (a file) before it starts: the restart after the
# crash then takes a second, well within the gateway's RPC timeout, however busy the machine is.
WARM_START = """
from services.common.green import patch
patch()
import os, sys, time
from pathlib import Path
import services.loan
from services.common.runner import main
from services.loan.seed import seed
from services.loan.service import LoanService
while not os.path.exists(sys.argv[1]):
    time.sleep(0.02)
main(LoanService, Path(services.loan.__file__).parent, seed=seed, argv=["run"])
"""


def ready(platform):
    try:
        return requests.get(platform.url + "/readyz", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def loan_processes(platform):
    return [p for p in platform.processes if getattr(p, "carloan_service", None) == "loan"
            or p.args[:3] == [sys.executable, "-m", "services.loan"]]


def start_loan_service(platform, name, go=None, **env):
    """Another loan service process (kept for the platform's teardown); with `go`, it starts once that file exists."""
    log = Path(platform.env["CARLOAN_DATA_DIR"]) / f"loan-{name}.log"
    command = [sys.executable, "-c", WARM_START, str(go)] if go else [sys.executable, "-m", "services.loan", "run"]
    process = subprocess.Popen(command, env={**platform.env, **env}, cwd=ROOT, stdout=open(log, "w"),
                               stderr=subprocess.STDOUT)
    process.carloan_service = "loan"
    platform.processes.append(process)
    return process


def test_a_repayment_committed_by_a_service_that_died_before_replying_is_booked_once(platform, staff, product):
    loan, _, _ = disbursed_loan(staff, product, "120000.00", 24, days_ago=40)  # the first installment due
    clerk, path = staff["clerk"], f"/api/v1/loans/{loan['id']}"
    body = {"amount": "1000.00", "paid_on": TODAY.isoformat(), "channel": "bank_transfer",
            "voucher_no": unique("BK"), "payer_name": "张三"}

    for process in loan_processes(platform):  # the platform's loan service makes way for one that will crash
        if process.poll() is None:
            process.terminate()
            process.wait(15)
    faulty = start_loan_service(platform, "faulty", CARLOAN_FAULT_EXIT_AFTER_COMMIT="record_repayment")
    go = Path(platform.env["CARLOAN_DATA_DIR"]) / f"go-{unique('loan')}"
    restarted = start_loan_service(platform, "restarted", go=go)  # imported, not consuming yet
    try:
        wait_until(lambda: ready(platform), timeout=60, interval=0.2, message="the faulty loan service")
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            answer = pool.submit(clerk.post, f"{path}/repayments", json=body, timeout=30)  # no Idempotency-Key
            assert faulty.wait(30) == 70  # committed, then gone before the reply
            go.touch()  # the restart: the broker redelivers the unanswered request to it
            response = answer.result(timeout=30)
        assert response.status_code == 200, response.text
    finally:  # whatever happened, the platform goes on with a normal loan service
        go.touch()
        if restarted.poll() is not None:
            start_loan_service(platform, "restored")
        wait_until(lambda: ready(platform), timeout=60, interval=0.2, message="the loan service after the restart")

    paid = response.json()  # the first answer, replayed from what the first process committed
    history = clerk.get(f"{path}/repayments").json()
    assert history["total"] == 1 and history["items"][0]["id"] == paid["id"]
    assert (history["items"][0]["voucher_no"], history["items"][0]["payer_name"]) == (body["voucher_no"], "张三")

    def postings():
        entries = clerk.get("/api/v1/finance/journal-entries", params={"loan_id": loan["id"]}).json()["items"]
        return [e for e in entries if e["source_type"] == "loan.repayment_received"]

    wait_until(postings, timeout=30, message="finance to post the repayment")
    time.sleep(2)  # a second booking's event would be posted by now
    [entry] = postings()
    assert {line["account"]: line["debit"] for line in entry["lines"]}["1002"] == "1000.00"
    first = clerk.get(f"{path}/schedule").json()["installments"][0]
    assert Decimal(first["paid_principal"]) + Decimal(first["paid_interest"]) == Decimal("1000.00")
