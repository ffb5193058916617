"""A loan book written straight into a migrated loan database with COPY: active loans part-way through their
terms, mixed methods, rates, grace and penalty options, about 10 % with installments past due (some part-paid).
Used by the close-of-business equivalence test and by `bench/cob.py`."""
import csv
import datetime as dt
import io
import random
import uuid
from decimal import Decimal
from types import SimpleNamespace

import psycopg2.extensions

from services.common.context import Actor
from services.common.db import Unit
from services.loan.domain import schedule as engine
from services.loan.models import Base

TERMS = (12, 24, 36, 48, 60)
RATES = (Decimal("0.068800"), Decimal("0.088800"), Decimal("0.120000"))
METHODS = ("equal_installment",) * 4 + ("equal_principal", "interest_first")
HEX = "0123456789abcdef"

LOAN_COLUMNS = ("id", "contract_no", "application_id", "customer_id", "customer_name", "product_id", "vehicle_id",
                "officer_id", "department_id", "principal", "term_months", "repayment_method", "annual_rate",
                "penalty_markup", "grace_days", "prepayment_fee_rate", "allocation", "compound_penalty", "fees",
                "fees_total", "net_amount", "apr", "signed_on", "disbursed_on", "first_due_date", "maturity_date",
                "status", "outstanding_principal", "advance_balance", "dpd", "restructured", "extended_months",
                "next_due_date", "created_at")
LINE_COLUMNS = ("loan_id", "no", "due_date", "principal", "interest", "total", "balance_after", "paid_principal",
                "paid_interest", "penalty", "penalty_through", "paid_penalty", "fees", "paid_fees", "status")
APPLICATION_COLUMNS = ("id", "customer_id", "customer_name", "product_id", "vehicle_id", "amount", "term_months",
                       "status", "officer_id", "submitted_at", "updated_at", "loan_id")


def loan_id(rng, first=None):
    value = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return (first + value[1:]) if first else value


def make_loan(rng, today, overdue_share=0.10, first=None):
    """One loan (a dict of loan columns) and its installment rows, as of `today` (before its close)."""
    term = rng.choice(TERMS)
    method = rng.choice(METHODS)
    principal = Decimal(rng.randrange(3_000_000, 30_000_000)) / 100
    rate = rng.choice(RATES)
    age = rng.randrange(1, term)  # whole months since disbursement: some installments are past
    disbursed = engine.add_months(today, -age) - dt.timedelta(days=rng.randrange(0, 27))
    lines = engine.plan(principal, rate, term, method, disbursed)
    overdue = rng.random() < overdue_share
    past = [line for line in lines if line.due_date < today]
    late = set(line.no for line in past[-rng.randrange(1, 4):]) if overdue and past else set()
    rows, paid_principal = [], Decimal(0)
    for line in lines:
        paid_p = paid_i = Decimal(0)
        status = "pending"
        if line.due_date < today and line.no not in late:
            paid_p, paid_i, status = line.principal, line.interest, "paid"
        elif line.no in late and rng.random() < 0.3:  # part-paid: the interest and some principal
            paid_i = line.interest
            paid_p = (line.principal * Decimal(rng.randrange(1, 90)) / 100).quantize(engine.FEN)
            status = "partial"
        paid_principal += paid_p
        rows.append({"no": line.no, "due_date": line.due_date, "principal": line.principal,
                     "interest": line.interest, "total": line.total, "balance_after": line.balance_after,
                     "paid_principal": paid_p, "paid_interest": paid_i, "penalty": Decimal("0.0000"),
                     "penalty_through": None, "paid_penalty": Decimal(0), "fees": Decimal(0),
                     "paid_fees": Decimal(0), "status": status})
    loan = {"id": loan_id(rng, first), "principal": principal, "term_months": term, "repayment_method": method,
            "annual_rate": rate, "penalty_markup": rng.choice((Decimal("0.5"), Decimal("0.3"))),
            "grace_days": rng.choice((0, 0, 3)), "compound_penalty": rng.random() < 0.1,
            "disbursed_on": disbursed, "first_due_date": lines[0].due_date, "maturity_date": lines[-1].due_date,
            "outstanding_principal": principal - paid_principal,
            "next_due_date": min(row["due_date"] for row in rows if row["status"] != "paid")}
    return loan, rows


def write_book(engine_, loans, product_id, seq=0):
    """COPY `loans` (pairs from make_loan) into the loan, application and installment tables."""
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    buffers = {name: io.StringIO() for name in ("application", "loan", "installment")}
    writers = {name: csv.writer(buffer) for name, buffer in buffers.items()}
    for index, (loan, rows) in enumerate(loans, start=seq):
        application_id = str(uuid.uuid4())
        customer = f"bench-customer-{index}"
        writers["application"].writerow([application_id, customer, "客户", product_id, f"car-{index}",
                                         loan["principal"], loan["term_months"], "disbursed", "officer", now, now,
                                         loan["id"]])
        writers["loan"].writerow([
            loan["id"], f"CLB{index:09d}", application_id, customer, "客户", product_id, f"car-{index}", "officer",
            "dept-1", loan["principal"], loan["term_months"], loan["repayment_method"], loan["annual_rate"],
            loan["penalty_markup"], loan["grace_days"], "0.02", "installment_first",
            "t" if loan["compound_penalty"] else "f", "[]", "0.00", loan["principal"], loan["annual_rate"],
            loan["disbursed_on"], loan["disbursed_on"], loan["first_due_date"], loan["maturity_date"], "active",
            loan["outstanding_principal"], "0.00", 0, "f", 0, loan["next_due_date"], now])
        for row in rows:
            writers["installment"].writerow([loan["id"], *(
                "" if row[column] is None else row[column] for column in LINE_COLUMNS[1:])])
    waiting = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)  # COPY needs a blocking connection (eventlet installs a green one)
    raw = engine_.raw_connection()
    try:
        with raw.cursor() as cursor:
            for table, columns in (("application", APPLICATION_COLUMNS), ("loan", LOAN_COLUMNS),
                                   ("installment", LINE_COLUMNS)):
                buffers[table].seek(0)
                cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)",
                                   buffers[table])
        raw.commit()
    finally:
        raw.close()
        psycopg2.extensions.set_wait_callback(waiting)


def add_product(engine_):
    """The one product the book's loans refer to."""
    product_id = str(uuid.uuid4())
    with engine_.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO product (id, code, name, repayment_method, annual_rate, min_term_months, max_term_months, "
            "min_amount, max_amount, max_ltv, penalty_markup, grace_days, prepayment_fee_rate, allocation, "
            "compound_penalty, upfront_fees, active, created_by, created_at) VALUES (%s, %s, '基准产品', "
            "'equal_installment', 0.0888, 6, 60, 1000, 1000000, 0.8, 0.5, 0, 0.02, 'installment_first', false, "
            "'[]', true, 'bench', now())", (product_id, f"B{product_id[:8]}"))
        connection.exec_driver_sql(  # its version 1, which the book's applications and loans are priced by
            "INSERT INTO product_version (product_id, version, repayment_method, annual_rate, penalty_markup, "
            "grace_days, prepayment_fee_rate, allocation, compound_penalty, upfront_fees, created_by, created_at) "
            "SELECT id, 1, repayment_method, annual_rate, penalty_markup, grace_days, prepayment_fee_rate, "
            "allocation, compound_penalty, upfront_fees, created_by, created_at FROM product WHERE id = %s",
            (product_id,))
    return product_id


def bare_unit(session):
    """The loan service's unit of work outside a Nameko worker (events go to the outbox as usual)."""
    provider = SimpleNamespace(service_name="loan", metadata=Base.metadata, committed=lambda unit: None)
    return Unit(provider, session, Actor.system("loan"), "close-of-business")


def generator(seed=7):
    return random.Random(seed)
