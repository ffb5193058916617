"""Close of business on PostgreSQL is set-based SQL; the per-loan walk applies the domain functions themselves.
Run over twin copies of one loan book, across the leap day and a month end, they must agree exactly: penalty to
4 decimals, the date it is accrued through, installment status, DPD and the events published."""
import datetime as dt
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from services.common.migrations import upgrade
from services.loan.cob import RangeClose
from services.loan.models import Installment, Loan
from tests.cob_book import add_product, bare_unit, generator, make_loan, write_book

ROOT = Path(__file__).resolve().parents[2] / "services" / "loan"


def no_advances(loan, on):
    raise AssertionError("the book holds no advances")


def state(session, low, high):
    loans = {row.id[1:]: row.dpd for row in session.scalars(select(Loan).where(Loan.id >= low, Loan.id < high))}
    lines = {(row.loan_id[1:], row.no): (row.penalty, row.penalty_through, row.status) for row in session.scalars(
        select(Installment).where(Installment.loan_id >= low, Installment.loan_id < high))}
    return loans, lines


def test_the_set_based_close_equals_the_per_loan_walk_to_the_fen(pg_database):
    url = pg_database("carloan_cob_equivalence")
    upgrade(ROOT, url)
    engine = create_engine(url)
    product = add_product(engine)
    rng = generator(11)
    book = []
    for _ in range(200):
        loan, rows = make_loan(rng, dt.date(2028, 2, 26), overdue_share=0.5, first=rng.choice("01234567"))
        twin = {**loan, "id": rng.choice("89abcdef") + loan["id"][1:]}
        book += [(loan, rows), (twin, rows)]
    write_book(engine, book, product)
    sessions = sessionmaker(engine, expire_on_commit=False)
    events = {True: [], False: []}
    for offset in range(6):  # 2028-02-27 … 2028-03-03: the 29th of February and the month end
        day = dt.date(2028, 2, 27) + dt.timedelta(days=offset)
        for set_based, (low, high) in ((True, ("", "8")), (False, ("8", "g"))):
            with sessions() as session:
                close = RangeClose(bare_unit(session), day, low, high, no_advances, set_based=set_based)
                close.run()
                session.commit()
            events[set_based] += sorted((event_type, payload["loan_id"][1:], payload.get("dpd"),
                                         payload.get("previous_dpd"), day) for event_type, payload in close.events)
    with sessions() as session:
        sql_loans, sql_lines = state(session, "", "8")
        walk_loans, walk_lines = state(session, "8", "g")
    assert len(sql_loans) == len(walk_loans) == 200
    assert sql_loans == walk_loans
    assert sql_lines == walk_lines
    assert events[True] == events[False]
    # and the book did move: loans went late, penalty accrued across the leap day, some within grace only
    assert sum(1 for dpd in sql_loans.values() if dpd) > 50
    accrued = [penalty for penalty, through, _ in sql_lines.values() if penalty > 0]
    assert len(accrued) > 50 and any(through == dt.date(2028, 3, 3) for _, through, _ in sql_lines.values())
    assert {event[0] for event in events[True]} >= {"dpd_changed", "became_overdue"}
    engine.dispose()
