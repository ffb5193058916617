"""The finance service as a process on the real broker and PostgreSQL: 1,000 `loan.disbursed` events, 200 of
them delivered twice, with the service killed mid-stream and restarted -> exactly 1,000 balanced entries."""
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg2
from kombu import Connection, Producer

from services.common.outbox import events_exchange
from services.common.runner import migrate
from services.finance.seed import seed
from services.finance.service import FinanceService
from tests.e2e.conftest import free_port
from tests.helpers import wait_until

ROOT = Path(__file__).resolve().parents[2] / "services" / "finance"


def counts(url):
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT source_event_id) FROM journal_entry")
        entries, distinct = cursor.fetchone()
        cursor.execute("SELECT coalesce(sum(debit), 0), coalesce(sum(credit), 0) FROM journal_line")
        debit, credit = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM cash_movement")
        movements = cursor.fetchone()[0]
    connection.close()
    return entries, distinct, debit, credit, movements


def test_a_thousand_disbursements_with_duplicates_and_a_kill_post_exactly_once(rabbit_config, pg_database):
    url = pg_database("carloan_finance")
    migrate(FinanceService, ROOT, seed=seed, url=url, amqp_uri=rabbit_config["AMQP_URI"])
    env = {**os.environ, "CARLOAN_AMQP_URI": rabbit_config["AMQP_URI"], "FINANCE_DATABASE_URL": url,
           "FINANCE_METRICS_PORT": str(free_port()), "PYTHONWARNINGS": "ignore"}

    def spawn():
        return subprocess.Popen([sys.executable, "-m", "services.finance", "run"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    envelopes = [{"event_id": str(uuid.uuid4()), "type": "loan.disbursed", "source": "loan",
                  "occurred_at": dt.datetime.now(dt.timezone.utc).isoformat(), "business_date": "2026-11-28",
                  "correlation_id": "bench", "payload": {
                      "loan_id": str(uuid.uuid4()), "customer_id": "c", "contract_no": f"CL20261128-{n:04d}",
                      "principal": "100000.00", "net_amount": "98500.00", "fees_total": "1500.00"}}
                 for n in range(1000)]
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        producer = Producer(connection.channel(), exchange=events_exchange("loan"))
        for index, envelope in enumerate(envelopes):
            for _ in range(2 if index % 5 == 0 else 1):  # every fifth event twice: 1,200 deliveries
                producer.publish(json.dumps(envelope), routing_key="disbursed", delivery_mode=2,
                                 content_type="application/json", content_encoding="utf-8")

    service = spawn()
    try:
        wait_until(lambda: counts(url)[0] >= 150, timeout=60, interval=0.02, message="finance to be mid-stream")
        service.send_signal(signal.SIGKILL)
        service.wait()
        killed_at = counts(url)[0]
        assert killed_at < 1000, "the stream finished before the kill; the test proves nothing"
        service = spawn()
        wait_until(lambda: counts(url)[0] >= 1000, timeout=120, message="all 1,000 postings")
        time.sleep(1.0)  # any redelivery still in flight would show up now
        entries, distinct, debit, credit, movements = counts(url)
        assert (entries, distinct, movements) == (1000, 1000, 1000)
        assert debit == credit == 1000 * 100000  # Dr 1301 100,000.00 = Cr 1002 98,500.00 + Cr 6021 1,500.00
    finally:
        service.kill()
        service.wait()
