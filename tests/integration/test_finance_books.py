"""The finance service's books on PostgreSQL (with its immutability triggers), driven by a Hypothesis state
machine through its real event handlers and commands: disburse, repay, prepay, reverse, provision. After every
step each entry balances, the trial balance nets to zero, each loan's outstanding principal equals disbursed
less repaid principal, and no entry or line written before was changed."""
import datetime as dt
import uuid
from decimal import Decimal as D
from pathlib import Path

import psycopg2
import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.common import clock
from services.common.consumer import Envelope
from services.common.context import Actor
from services.common.db import Unit, make_engine
from services.common.runner import migrate
from services.finance import domain
from services.finance.models import Base, JournalEntry, JournalLine
from services.finance.seed import seed
from services.finance.service import FinanceService

ROOT = Path(__file__).resolve().parents[2] / "services" / "finance"
TODAY = clock.today()
amounts = st.decimals(min_value=D("1000.00"), max_value=D("500000.00"), places=2)
shares = st.decimals(min_value=D("0"), max_value=D("1"), places=3)
small = st.decimals(min_value=D("0"), max_value=D("2000.00"), places=2)


class _Provider:
    """What a `Unit` needs of its UnitOfWork outside a Nameko container."""
    metadata = Base.metadata
    service_name = "finance"

    def committed(self, unit):
        pass


class Books:
    """The finance service's handlers and commands, each in its own committed transaction."""

    def __init__(self, url):
        self.engine = make_engine(url, pool_size=2)
        self.sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.actor = Actor("u-finance", "finance", data_scope="all", department_ids=None)
        # a reversal is checked by someone other than who wrote the entry (maker ≠ checker)
        self.reviewer = Actor("u-reviewer", "reviewer", data_scope="all", department_ids=None)

    def __call__(self, method, *args, actor=None):
        service = FinanceService.__new__(FinanceService)
        service.uow = Unit(_Provider(), self.sessions(), actor or self.actor, "test")
        try:
            result = getattr(service, method)(*args)
            service.uow.commit()
            return result
        finally:
            service.uow.close()

    def event(self, event_type, payload):
        return Envelope(event_id=str(uuid.uuid4()), type=event_type, business_date=TODAY.isoformat(),
                        occurred_at=dt.datetime.now(dt.timezone.utc).isoformat(), source="loan",
                        correlation_id="test", payload=payload)

    def snapshot(self):
        with self.sessions() as session:
            entries = {e.id: (e.posted_on, e.memo, e.source_event_id, e.reverses_id)
                       for e in session.scalars(select(JournalEntry))}
            lines = {line.id: (line.entry_id, line.account_code, line.debit, line.credit)
                     for line in session.scalars(select(JournalLine))}
        return entries, lines


@pytest.fixture(scope="module")
def books_url():
    from tests.conftest import PG_ADMIN_URL
    name = f"carloan_books_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(PG_ADMIN_URL)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    migrate(FinanceService, ROOT, seed=seed, url=url, amqp_uri="memory://")
    yield url
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


class BookKeeping(RuleBasedStateMachine):
    url = None

    @initialize()
    def start(self):
        connection = psycopg2.connect(self.url)  # each example starts from empty books (TRUNCATE fires no
        with connection, connection.cursor() as cursor:  # row trigger; the chart and bank account stay; the
            cursor.execute("TRUNCATE journal_line, cash_movement, provision_run, journal_entry, loan_book, "
                           "outbox")  # audit log is append-only: it keeps every example's records)
        connection.close()
        self.books = Books(self.url)
        self.loans = {}  # loan id -> {"disbursed": principal, "repaid": principal repaid}
        self.entries = {}  # entry id -> (loan id, principal effect on outstanding) for reversals
        self.reversed = set()
        self.grades = {}
        self.runs = 0
        self.seen = self.books.snapshot()

    def teardown(self):
        if hasattr(self, "books"):
            self.books.engine.dispose()

    def _latest_entry(self, loan_id):
        with self.books.sessions() as session:
            return session.scalars(select(JournalEntry).where(JournalEntry.loan_id == loan_id)
                                   .order_by(JournalEntry.created_at.desc())).first().id

    @rule(principal=amounts, fee_share=st.decimals(min_value=D("0"), max_value=D("0.05"), places=3))
    def disburse(self, principal, fee_share):
        loan_id = str(uuid.uuid4())
        fees = (principal * fee_share).quantize(D("0.01"))
        self.books("on_loan_disbursed", self.books.event("loan.disbursed", {
            "loan_id": loan_id, "customer_id": "c-1", "customer_name": "测试", "contract_no": loan_id[:8],
            "principal": str(principal), "net_amount": str(principal - fees), "fees_total": str(fees)}))
        self.loans[loan_id] = {"disbursed": principal, "repaid": D("0")}
        self.entries[self._latest_entry(loan_id)] = (loan_id, principal)

    def _outstanding(self, loan_id):
        loan = self.loans[loan_id]
        return loan["disbursed"] - loan["repaid"]

    @precondition(lambda self: self.loans)
    @rule(data=st.data(), share=shares, interest=small, penalty=small, fees=small, advance=small)
    def repay(self, data, share, interest, penalty, fees, advance):
        loan_id = data.draw(st.sampled_from(sorted(self.loans)))
        principal = (max(self._outstanding(loan_id), D("0")) * share).quantize(D("0.01"))
        amount = principal + interest + penalty + fees + advance
        if not amount:
            return
        self.books("on_repayment_received", self.books.event("loan.repayment_received", {
            "loan_id": loan_id, "amount": str(amount), "allocation": {
                "principal": str(principal), "interest": str(interest), "penalty": str(penalty),
                "fees": str(fees), "advance": str(advance)}}))
        self.loans[loan_id]["repaid"] += principal
        self.entries[self._latest_entry(loan_id)] = (loan_id, -principal)

    @precondition(lambda self: self.loans)
    @rule(data=st.data(), interest=small, fee=small)
    def prepay(self, data, interest, fee):
        loan_id = data.draw(st.sampled_from(sorted(self.loans)))
        principal = max(self._outstanding(loan_id), D("0"))
        if not principal + interest + fee:
            return
        self.books("on_prepaid", self.books.event("loan.prepaid", {
            "loan_id": loan_id, "amount": str(principal + interest + fee), "principal": str(principal),
            "interest": str(interest), "fee": str(fee)}))
        self.loans[loan_id]["repaid"] += principal
        self.entries[self._latest_entry(loan_id)] = (loan_id, -principal)

    @precondition(lambda self: set(self.entries) - self.reversed)
    @rule(data=st.data())
    def reverse(self, data):
        entry_id = data.draw(st.sampled_from(sorted(set(self.entries) - self.reversed)))
        loan_id, effect = self.entries[entry_id]
        self.books("reverse_entry", entry_id, {"reason": "录入错误"}, actor=self.books.reviewer)
        self.reversed.add(entry_id)
        if effect > 0:
            self.loans[loan_id]["disbursed"] -= effect
        else:
            self.loans[loan_id]["repaid"] += effect

    @precondition(lambda self: self.loans)
    @rule(data=st.data(), grade=st.sampled_from(sorted(domain.PROVISION_RATES)))
    def provision(self, data, grade):
        loan_id = data.draw(st.sampled_from(sorted(self.loans)))
        self.books("on_classification_changed", self.books.event("collection.classification_changed", {
            "loan_id": loan_id, "classification": grade}))
        self.grades[loan_id] = grade
        self.runs += 1
        as_of = TODAY + dt.timedelta(days=self.runs)
        result = self.books("run_provisions", {"as_of": as_of.isoformat()})
        required = sum((domain.required_provision(self._outstanding(loan), self.grades.get(loan, "normal"))
                        for loan in self.loans), D("0"))
        assert D(result["required"]) == required
        assert self.books("portfolio", as_of.isoformat())["booked_provision"] == str(required)

    @invariant()
    def books_balance(self):
        if not hasattr(self, "books"):
            return
        entries, lines = self.books.snapshot()
        by_entry = {}
        for entry_id, _, debit, credit in lines.values():
            d, c = by_entry.get(entry_id, (D("0"), D("0")))
            by_entry[entry_id] = (d + debit, c + credit)
        assert all(debit == credit and debit > 0 for debit, credit in by_entry.values())
        assert set(by_entry) == set(entries)
        trial = self.books("trial_balance", (TODAY + dt.timedelta(days=400)).isoformat())
        assert trial["balanced"] and trial["total_debit"] == trial["total_credit"]
        # nothing written before has changed
        old_entries, old_lines = self.seen
        assert all(entries[k] == v for k, v in old_entries.items())
        assert all(lines[k] == v for k, v in old_lines.items())
        self.seen = (entries, lines)

    @invariant()
    def outstanding_is_disbursed_less_repaid(self):
        if not getattr(self, "loans", None):
            return
        ledger = self.books("ledger", "balances", None, None, (TODAY + dt.timedelta(days=400)).isoformat(), 1, 10000)
        books = {row["loan_id"]: D(row["outstanding_principal"]) for row in ledger["items"]}
        for loan_id in self.loans:
            assert books.get(loan_id, D("0")) == self._outstanding(loan_id)


def test_the_books_always_balance(books_url):
    BookKeeping.url = books_url
    run = BookKeeping.TestCase
    run.settings = settings(max_examples=15, stateful_step_count=12, deadline=None,
                            suppress_health_check=list(HealthCheck))
    run().runTest()


def test_the_database_refuses_to_change_a_posted_line(books_url):
    books = Books(books_url)
    books("on_loan_disbursed", books.event("loan.disbursed", {
        "loan_id": str(uuid.uuid4()), "customer_id": "c", "principal": "1000.00", "net_amount": "1000.00"}))
    connection = psycopg2.connect(books_url)
    with pytest.raises(psycopg2.Error, match="immutable"):
        with connection, connection.cursor() as cursor:
            cursor.execute("UPDATE journal_line SET debit = debit + 1")
    with pytest.raises(psycopg2.Error, match="immutable"):
        with connection, connection.cursor() as cursor:
            cursor.execute("DELETE FROM journal_entry")
    connection.close()
