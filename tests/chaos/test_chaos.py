"""Chaos under a steady load (issue 14): the platform as processes on PostgreSQL and RabbitMQ, loans taken out,
repaid and closed through the gateway, while each service in turn is killed with SIGKILL (and started again),
loses its broker connections and has its database sessions terminated, then the gateway is killed and loses
its broker connections. Afterwards every command the load generator saw answered took effect exactly once,
with one posting; nothing answered is lost, nothing is parked, the outboxes are drained and the trial balance
balances."""
import collections
import json
import time
from decimal import Decimal

import pytest

from tests.helpers import wait_until
from tests.load import Load, prepare
from tests.platform import SERVICES, pg, running_platform

WARM_UP_SECONDS = 10
SETTLE_SECONDS = 4  # load on a recovered platform before the next fault
FAULTS = ("kill -9", "broker connections dropped", "database sessions terminated")
# each service in turn, every fault; then the gateway (it has no database of its own)
SCHEDULE = [(service, fault) for service in SERVICES for fault in FAULTS] + [("gateway", fault) for fault in FAULTS[:2]]


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    with running_platform(tmp_path_factory.mktemp("chaos"), prefix="chaos", env={
            "CARLOAN_RPC_TIMEOUT_SECONDS": "8", "CARLOAN_SERVICE_RPC_TIMEOUT_SECONDS": "5",
            "CARLOAN_COB_TICK_SECONDS": "2"}) as platform:
        yield platform


def inflict(platform, service, fault):
    if fault == "kill -9":
        platform.kill(service)
        time.sleep(1)  # as `make run` would: started again after a second
        platform.start(service)
        return "killed and started again"
    if fault == "broker connections dropped":
        dropped = wait_until(lambda: platform.drop_broker_connections(service), timeout=20,
                             message=f"{service}'s broker connections")
        return f"{len(dropped)} connection(s) closed"
    return f"{platform.terminate_database_sessions(service)} session(s) terminated"


def recovered(platform, deaths, after):
    """Whether the platform answers again; a process that died of a fault it should have survived (anything
    but its own kill) is noted in `deaths` and started again, so the run goes on and reports all of them."""
    for name, process in platform.children.items():
        if process.poll() is not None:
            deaths.append(f"{name} exited with code {process.returncode} after {after}")
            platform.start(name)
    return platform.ready()


def rows(platform, service, sql, params=None):
    return pg(sql, params, database=platform.databases[service])


@pytest.mark.timeout(600)  # about 4 minutes on a busy 2-core machine, the platform's start included
def test_every_answered_command_takes_effect_once_through_kills_broker_and_database_faults(platform):
    tokens, product_id = prepare(platform.url, platform.admin_password)
    load = Load(platform.url, tokens, product_id, workers=3, cob_every=10, retry_for=120).start()
    began = time.monotonic()
    journal, deaths = [], []
    try:
        time.sleep(WARM_UP_SECONDS)
        for service, fault in SCHEDULE:
            at = time.monotonic()
            what = inflict(platform, service, fault)
            wait_until(lambda: recovered(platform, deaths, f"{service}: {fault}"), timeout=60, interval=0.3,
                       message=f"the platform after {service}: {fault}")
            journal.append(f"{service:<10} {fault:<30} {what:<28} ready again in {time.monotonic() - at:4.1f} s")
            time.sleep(SETTLE_SECONDS)
    finally:
        load.stop()
    print("\n".join(["", *journal, *deaths, f"load: {json.dumps(load.figures())}, {len(load.loans)} loans out, "
                     f"{len(load.of_kind('repayment'))} repayments, {len(load.of_kind('cob'))} dates closed, "
                     f"{load.abandoned} loan(s) abandoned, {load.concurrent_changes} CONCURRENT_CHANGE retried, "
                     f"{time.monotonic() - began:.0f} s"]))

    assert not load.failures, load.failures[:5]
    assert not load.abandoned, load.abandon_reasons[:5]
    commands = {kind: load.of_kind(kind) for kind in ("disbursement", "repayment", "cob")}
    unanswered = [(c.kind, c.key, c.statuses) for cs in commands.values() for c in cs if not c.answered]
    assert not unanswered, f"commands never answered in {load.retry_for:g} s: {unanswered[:5]}"
    assert len(commands["repayment"]) > 50 and len(commands["disbursement"]) > 5
    admin = platform.client(tokens["cob"])

    # The close of business got every date it was asked for.
    last = max(c.body["business_date"] for c in commands["cob"])
    wait_until(lambda: (lambda s: s.get("business_date") == last and s.get("status") == "done")(
        admin.get("/api/v1/cob").json()), timeout=60, message=f"business date {last} closed")
    closed = {str(d) for d, in rows(platform, "loan", "SELECT business_date FROM cob_run WHERE status = 'done'")}
    assert {c.body["business_date"] for c in commands["cob"]} <= closed

    # The outboxes drain (events nobody subscribes to stay, refused by the broker as unroutable) ...
    def backlog():
        return {service: n for service in SERVICES for n, in rows(platform, service, (
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND coalesce(last_error, '') NOT LIKE 'unroutable%'"))
            if n}
    wait_until(lambda: not backlog(), timeout=90, interval=1, message="the outboxes to drain")

    # ... and finance has posted what the loan service did: one disbursement per loan, one posting per repayment.
    repayments = collections.defaultdict(dict)  # loan -> repayment id -> amount
    for repayment_id, loan_id, amount in rows(platform, "loan", "SELECT id, loan_id, amount FROM repayment"):
        repayments[loan_id][repayment_id] = amount

    def postings():
        found = collections.defaultdict(collections.Counter)
        for loan_id, source_type, n in rows(platform, "finance", (
                "SELECT loan_id, source_type, count(*) FROM journal_entry WHERE reverses_id IS NULL "
                "GROUP BY loan_id, source_type")):
            found[loan_id][source_type] = n
        return found

    def unposted():
        found = postings()
        return {loan: (len(paid), found[loan]["loan.repayment_received"]) for loan, paid in repayments.items()
                if found[loan]["loan.repayment_received"] != len(paid)}
    wait_until(lambda: not unposted(), timeout=60, interval=1, message="finance to post every repayment")
    found = postings()
    loans = dict(rows(platform, "loan", "SELECT id, status FROM loan WHERE status <> 'signed'"))
    for command in commands["disbursement"]:
        assert loans[command.loan_id] in ("active", "settled"), command.loan_id
    assert {loan: n["loan.disbursed"] for loan, n in found.items() if n["loan.disbursed"] != 1
            and loan in loans} == {}, "a loan paid out is posted once"

    # Every answered repayment is there once, as answered; a repayment exists only for a key that was sent.
    answered = {c.answer["id"]: c for c in commands["repayment"]}
    assert len(answered) == len(commands["repayment"]), "two keys were answered with one repayment"
    recorded = {rid: (loan, amount) for loan, paid in repayments.items() for rid, amount in paid.items()}
    missing = [c.key for rid, c in answered.items() if rid not in recorded]
    assert not missing, f"answered repayments not recorded: {missing[:5]}"
    for rid, command in answered.items():
        assert recorded[rid] == (command.loan_id, Decimal(command.body["amount"])), rid
    extra = set(recorded) - set(answered)
    assert not extra, f"repayments recorded that no answer reported (booked twice?): {sorted(extra)[:5]}"

    # One cash movement per repayment, under its voucher number, for the amount answered.
    vouchers = collections.Counter(voucher for voucher, in rows(platform, "finance", (
        "SELECT voucher_no FROM cash_movement WHERE voucher_no LIKE 'HK%'")))
    twice = {v: n for v, n in vouchers.items() if n != 1}
    assert not twice, f"repayments posted more than once: {twice}"
    assert set(vouchers) == {c.body["voucher_no"] for c in commands["repayment"]}

    # Nothing answered is lost: the customers and applications it created exist.
    customers = {c for c, in rows(platform, "customer", "SELECT id FROM customer")}
    assert set(load.created["customers"]) <= customers
    applications = {a for a, in rows(platform, "loan", "SELECT id FROM application")}
    assert set(load.created["applications"]) <= applications

    # Nothing parked, anywhere; the books balance.
    parked = {service: [(r[0], r[1]) for r in rows(platform, service, (
        "SELECT event_type, handler, error FROM parked_event WHERE replayed_at IS NULL"))] for service in SERVICES}
    assert not any(parked.values()), parked
    trial = admin.get("/api/v1/finance/trial-balance").json()
    assert trial["balanced"] and trial["total_debit"] == trial["total_credit"], trial
    assert not deaths, "processes died of a fault they should have survived (a dropped connection, a session)"
