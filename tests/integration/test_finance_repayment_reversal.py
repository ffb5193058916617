"""The finance service as a process on the real broker and PostgreSQL reverses a repayment's posting once on
`loan.repayment_reversed`: even when the reversal is read before the repayment (it waits for it), delivered twice,
or published again."""
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg2

from services.common import clock
from services.common.runner import migrate
from services.finance.seed import seed
from services.finance.service import FinanceService
from tests.e2e.conftest import free_port
from tests.helpers import publish_event, wait_until

ROOT = Path(__file__).resolve().parents[2] / "services" / "finance"


def entries(url, loan_id):
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT e.id, e.source_type, e.reverses_id, "
                       "sum(CASE WHEN l.account_code = '1002' THEN l.debit - l.credit ELSE 0 END), "
                       "sum(CASE WHEN l.account_code = '1301' THEN l.debit - l.credit ELSE 0 END) "
                       "FROM journal_entry e JOIN journal_line l ON l.entry_id = e.id WHERE e.loan_id = %s "
                       "GROUP BY e.id, e.source_type, e.reverses_id", (loan_id,))
        rows = cursor.fetchall()
    connection.close()
    return {row[1]: row for row in rows}, len(rows)


def test_a_reversal_read_before_its_repayment_waits_and_reverses_the_posting_once(rabbit_config, pg_database):
    url = pg_database("carloan_finance_reversal")
    amqp = rabbit_config["AMQP_URI"]
    migrate(FinanceService, ROOT, seed=seed, url=url, amqp_uri=amqp)
    env = {**os.environ, "CARLOAN_AMQP_URI": amqp, "FINANCE_DATABASE_URL": url,
           "FINANCE_METRICS_PORT": str(free_port()), "PYTHONWARNINGS": "ignore",
           "CARLOAN_EVENT_RETRY_SECONDS": "0.2", "CARLOAN_EVENT_MAX_ATTEMPTS": "8"}
    service = subprocess.Popen([sys.executable, "-m", "services.finance", "run"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        loan_id, today = str(uuid.uuid4()), clock.today().isoformat()
        publish_event(amqp, "loan", "disbursed", {
            "loan_id": loan_id, "customer_id": "c", "contract_no": "CL20261201-0001", "principal": "100000.00",
            "net_amount": "98500.00", "fees_total": "1500.00", "disbursed_on": today}, times=1)
        wait_until(lambda: entries(url, loan_id)[1] == 1, timeout=60, message="the disbursement's posting")
        repayment = {"loan_id": loan_id, "repayment_id": "r-1", "amount": "5000.00", "paid_on": today,
                     "voucher_no": "BK-1", "payer_name": "张三",
                     "allocation": {"principal": "4200.00", "interest": "700.00", "penalty": "0.00", "fees": "0.00",
                                    "advance": "100.00"}}
        received_id = str(uuid.uuid4())
        reversal = {"loan_id": loan_id, "repayment_id": "r-1", "repayment_event_id": received_id,
                    "reversed_on": today, "reason": "重复入账", "amount": "5000.00"}
        publish_event(amqp, "loan", "repayment_reversed", reversal, times=2)  # first, and twice
        time.sleep(0.3)
        publish_event(amqp, "loan", "repayment_received", repayment, times=1, event_id=received_id)
        wait_until(lambda: entries(url, loan_id)[1] == 3, timeout=60, message="the repayment and its reversal")
        publish_event(amqp, "loan", "repayment_reversed", reversal, times=1)  # published again, a new event id
        time.sleep(2)
        by_type, count = entries(url, loan_id)
        assert count == 3
        received, reversed_ = by_type["loan.repayment_received"], by_type["loan.repayment_reversed"]
        assert reversed_[2] == received[0]  # reverses_id
        assert (received[3], received[4]) == (5000, -4200) and (reversed_[3], reversed_[4]) == (-5000, 4200)
        with psycopg2.connect(url) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM parked_event")
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT direction, amount FROM cash_movement WHERE loan_id = %s ORDER BY id", (loan_id,))
            assert [(d, str(a)) for d, a in cursor.fetchall()] == [("out", "98500.00"), ("in", "5000.00"),
                                                                     ("out", "5000.00")]
        connection.close()
    finally:
        service.kill()
        service.wait()
