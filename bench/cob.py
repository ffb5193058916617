"""Close of business (日终) at scale on PostgreSQL: seconds per business date for a large active book, closed
set-based, against the per-loan ORM walk over a sample of the same book, extrapolated.

Run from the repository root (PostgreSQL on 127.0.0.1:5432):

    .venv/bin/python bench/cob.py                       # 100,000 loans, 2,000-loan sample, 3 dates
    .venv/bin/python bench/cob.py -n 20000 --days 2 --json

1. Creates a temporary database, migrates the loan schema and COPYs a book of N active loans (terms 12-60
   months, part-way through; 等额本息 / 等额本金 / 先息后本; rates 6.88-12 %; grace 0 or 3 days; ~10 % with
   one to three installments past due, some part-paid): `tests/cob_book.py`.
2. Set-based: closes `--days` consecutive business dates, each as one replica would: all
   `CARLOAN_COB_PARTITIONS` (16) loan-id ranges one after another, each range in its own transaction with
   its events written to the outbox. Prints seconds per date and the split between the steps.
3. Baseline: the per-loan walk (each loan locked and loaded with its installments through the ORM, the
   domain functions applied, as the embedded SQLite path does) over the `--sample` loans with the lowest ids,
   for the next date; extrapolated to N.
Prints both, their ratio and the targets (<= 15 s per date, >= 30x the per-loan walk). The database is dropped.
"""
import argparse
import datetime as dt
import json
import os
import sys
import time
import uuid
from pathlib import Path

import psycopg2
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.common.migrations import upgrade  # noqa: E402
from services.loan import cob  # noqa: E402
from services.loan.models import Loan  # noqa: E402
from tests.cob_book import add_product, bare_unit, generator, make_loan, write_book  # noqa: E402

PG = os.environ.get("CARLOAN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGET_SECONDS, TARGET_RATIO = 15.0, 30.0
BOOK_DATE = dt.date(2027, 6, 1)


def log(message):
    print(message, file=sys.stderr, flush=True)


def admin(statement):
    connection = psycopg2.connect(PG)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def no_advances(loan, on):
    raise AssertionError("the book holds no advances")


def close_date(sessions, day, ranges):
    """One replica closing `day`: every range in its own transaction. Returns seconds by step, and events."""
    steps = {"advances": 0.0, "penalty": 0.0, "dpd": 0.0, "events": 0.0, "counts+commit": 0.0}
    events = 0
    for low, high in ranges:
        started = time.perf_counter()
        with sessions() as session:
            counts = cob.RangeClose(bare_unit(session), day, low, high, no_advances, set_based=True).run()
            session.commit()
        for step, seconds in counts["steps"].items():
            steps[step] += seconds
        steps["counts+commit"] += time.perf_counter() - started - sum(counts["steps"].values())
        events += counts["events"]
    return steps, events


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--loans", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    name = f"carloan_bench_cob_{uuid.uuid4().hex[:8]}"
    admin(f'CREATE DATABASE "{name}"')
    url = PG.rsplit("/", 1)[0] + f"/{name}"
    engine = create_engine(url)
    try:
        upgrade(Path(__file__).resolve().parent.parent / "services" / "loan", url)
        product = add_product(engine)
        rng = generator(2027)
        started = time.perf_counter()
        chunk = 10_000
        for offset in range(0, args.loans, chunk):
            book = [make_loan(rng, BOOK_DATE) for _ in range(min(chunk, args.loans - offset))]
            write_book(engine, book, product, seq=offset)
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
            lines = connection.exec_driver_sql("SELECT count(*) FROM installment").scalar()
            late = connection.exec_driver_sql(
                "SELECT count(DISTINCT loan_id) FROM installment WHERE status <> 'paid' AND due_date < %s",
                (BOOK_DATE,)).scalar()
        log(f"book: {args.loans:,} loans, {lines:,} installments, {late:,} with installments past due "
            f"({time.perf_counter() - started:.0f} s to write)")

        sessions = sessionmaker(engine, expire_on_commit=False)
        ranges = cob.partitions(args.partitions)
        dates = []
        for index in range(args.days):
            day = BOOK_DATE + dt.timedelta(days=index)
            started = time.perf_counter()
            steps, events = close_date(sessions, day, ranges)
            seconds = time.perf_counter() - started
            dates.append({"business_date": day.isoformat(), "seconds": round(seconds, 2), "events": events,
                          "steps": {k: round(v, 2) for k, v in steps.items()}})
            log(f"set-based {day}: {seconds:.2f} s, {events:,} events  "
                + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()))

        day = BOOK_DATE + dt.timedelta(days=args.days)
        with sessions() as session:
            ids = session.scalars(select(Loan.id).order_by(Loan.id).limit(args.sample + 1)).all()
        high = ids[-1] if len(ids) > args.sample else cob.LAST_ID
        started = time.perf_counter()
        with sessions() as session:
            close = cob.RangeClose(bare_unit(session), day, "", high, no_advances, set_based=False)
            counts = close.run()
            session.commit()
        walk = time.perf_counter() - started
        per_date_walk = walk * args.loans / counts["loans"]
        log(f"per-loan walk {day}: {counts['loans']:,} loans in {walk:.2f} s -> {per_date_walk:.1f} s per date "
            f"for {args.loans:,}")

        best = min(d["seconds"] for d in dates)
        steady = [d["seconds"] for d in dates[1:]] or [best]
        ratio = per_date_walk / (sum(steady) / len(steady))
        result = {
            "loans": args.loans, "installments": lines, "loans_past_due": late, "partitions": args.partitions,
            "set_based": dates, "set_based_steady_seconds": round(sum(steady) / len(steady), 2),
            "per_loan_sample": counts["loans"], "per_loan_sample_seconds": round(walk, 2),
            "per_loan_extrapolated_seconds": round(per_date_walk, 1), "ratio": round(ratio, 1),
            "target_seconds": TARGET_SECONDS, "target_ratio": TARGET_RATIO,
            "meets_seconds": all(d["seconds"] <= TARGET_SECONDS for d in dates), "meets_ratio": ratio >= TARGET_RATIO}
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            print(f"\nclose of business, {args.loans:,} active loans ({late:,} past due), PostgreSQL, one replica")
            for d in dates:
                print(f"  set-based {d['business_date']}: {d['seconds']:>7.2f} s per date  ({d['events']:,} events)")
            print(f"  per-loan ORM walk: {counts['loans']:,} loans in {walk:.2f} s -> {per_date_walk:.1f} s per "
                  f"date extrapolated")
            print(f"  ratio (walk / set-based, dates after the first): {ratio:.1f}x")
            print(f"  targets: <= {TARGET_SECONDS:.0f} s per date: {'PASS' if result['meets_seconds'] else 'MISS'}; "
                  f">= {TARGET_RATIO:.0f}x: {'PASS' if result['meets_ratio'] else 'MISS'}")
    finally:
        engine.dispose()
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
