"""A repayment and close of business on the same loans at once (issue 18), on PostgreSQL and the real broker: every
loan in one loan-id range, repayments dated the last date closed sent from green threads while the next date is
being closed, some before the range takes its loans, some while it holds them. Neither deadlocks, and neither effect
is lost: each repayment is recorded once, the date is closed, and every loan's penalty and DPD are what the rules
give whichever came first (a repayment the range beat is recomputed as recorded late)."""
import datetime as dt
import uuid
from decimal import Decimal

import eventlet
from sqlalchemy import create_engine, text

from services.common import clock
from services.loan import cob
from tests.integration.test_loan_service import overdue_loans, platform, rpc  # noqa: F401 (the fixture)

FEN = Decimal("0.01")
LOANS = 12
PRINCIPAL_PAID = Decimal("1000.00")


def daily(base):
    return (base * Decimal("0.0888") * Decimal("1.5") / 360).quantize(Decimal("0.0001"), "ROUND_HALF_UP")


def test_repayments_while_close_of_business_closes_their_range_lose_nothing(platform, monkeypatch):  # noqa: F811
    loans = overdue_loans(platform, LOANS, days_ago=45)
    monkeypatch.setenv("CARLOAN_COB_PARTITIONS", "1")  # one range: every loan of the book
    closed = clock.today()
    with rpc(platform, "admin") as admin:
        assert admin.loan.run_cob({"business_date": closed.isoformat()})["status"] == "done"
        firsts = {loan: admin.loan.get_schedule(loan)["installments"][0] for loan in loans}
    due = dt.date.fromisoformat(next(iter(firsts.values()))["due_date"])
    late = (closed - due).days

    # The range waits a little before taking its loans, and holds them a while before its DPD statement: the first
    # repayments get their loans before it, the later ones wait for it.
    took, original_run, original_dpd = [], cob.RangeClose.run, cob.RangeClose._dpd_in_sql

    def slow_start(self):
        eventlet.sleep(0.5)
        return original_run(self)

    def holding(self):
        took.append(dt.datetime.now())
        eventlet.sleep(1.5)
        return original_dpd(self)

    monkeypatch.setattr(cob.RangeClose, "run", slow_start)
    monkeypatch.setattr(cob.RangeClose, "_dpd_in_sql", holding)

    def repay(loan):
        first = firsts[loan]
        owed_penalty = (daily(Decimal(first["principal"])) * late).quantize(FEN, "ROUND_HALF_UP")
        amount = owed_penalty + Decimal(first["interest"]) + PRINCIPAL_PAID
        with rpc(platform, "clerk") as clerk:
            answer = clerk.loan.record_repayment(loan, {"amount": str(amount), "paid_on": closed.isoformat(),
                                                        "channel": "cash"}, idempotency_key=uuid.uuid4().hex)
        return loan, answer, dt.datetime.now()

    def close():
        with rpc(platform, "admin") as admin:
            return admin.loan.run_cob({"business_date": (closed + dt.timedelta(days=1)).isoformat()})

    pool = eventlet.GreenPool(LOANS + 1)
    closing = pool.spawn(close)
    early = [pool.spawn(repay, loan) for loan in loans[:LOANS // 2]]
    eventlet.sleep(1.0)  # the range now holds its loans
    later = [pool.spawn(repay, loan) for loan in loans[LOANS // 2:]]
    answers = [thread.wait() for thread in early + later]
    run = closing.wait()
    assert run["status"] == "done" and run["loans"] >= LOANS  # the date is closed
    assert len(took) == 1 and any(done < took[0] for _, _, done in answers)  # some repayments went first

    tomorrow = closed + dt.timedelta(days=1)
    with rpc(platform, "officer") as officer:
        for loan, answer, _ in answers:
            first = firsts[loan]
            assert officer.loan.list_repayments(loan)["total"] == 1  # recorded once
            assert answer["allocation"]["principal"] == str(PRINCIPAL_PAID)
            line = officer.loan.get_schedule(loan)["installments"][0]
            # penalty to the last date closed on the whole principal, then one day on what the repayment left
            expected = daily(Decimal(first["principal"])) * late + daily(Decimal(first["principal"]) - PRINCIPAL_PAID)
            assert (line["penalty"], line["paid_principal"]) == (str(expected.quantize(FEN, "ROUND_HALF_UP")),
                                                                 str(PRINCIPAL_PAID)), loan
            assert officer.loan.get_loan(loan)["dpd"] == (tomorrow - due).days

    engine = create_engine(platform["LOAN_DATABASE_URL"])
    with engine.connect() as db:
        recomputed = {row.loan_id for row in db.execute(text(
            "SELECT envelope::json->'payload'->>'loan_id' AS loan_id FROM outbox WHERE event_type = 'penalty_adjusted'"
        ))}
    engine.dispose()
    assert recomputed and recomputed <= set(loans[LOANS // 2:])  # some waited for the range: recorded late
