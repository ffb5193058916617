"""日终 Close of business: one business date for one loan-id range, in one transaction.

A date is cut into `CARLOAN_COB_PARTITIONS` ranges of loan ids (`cob_partition` rows); every replica that
joins the run claims pending ranges with `FOR UPDATE SKIP LOCKED` and closes each in a single transaction. A
range is therefore closed for the date wholly or not at all: a replica that dies rolls its range back and the
next claimant does it again, with nothing accrued twice.

Closing a range, in order:
1. advances (预收款) held by loans with installments now due are applied to them, by the product's order;
2. penalty interest (罚息) accrues on overdue principal after grace;
3. DPD is recomputed; loans whose DPD changed get `loan.dpd_changed` (and `became_overdue` / `became_current`),
   written to the outbox in one batch.

On PostgreSQL steps 2 and 3 are set-based: one UPDATE each over the range, in exact NUMERIC arithmetic. They
state `servicing.daily_penalty`, `servicing.penalty_days` and `servicing.days_past_due` in SQL, and an
integration test holds them to those functions. Elsewhere (the embedded SQLite default, whose arithmetic
would be floating point) each loan is walked in Python with the domain functions themselves.
"""
import datetime as dt
import os
import socket
import time

from sqlalchemy import case, func, select, text

from services.loan import events
from services.loan.domain import servicing
from services.loan.domain.schedule import ZERO
from services.loan.models import Installment, Loan

WORKER = f"{socket.gethostname()}:{os.getpid()}"
LAST_ID = "g"  # loan ids are lowercase uuid strings: every one sorts below "g"


def partitions(count):
    """`count` ranges [low, high) over the loan ids, cut on their first two hex digits (count <= 256)."""
    count = max(1, min(count, 256))
    bounds = [f"{k * 256 // count:02x}" for k in range(count)] + [LAST_ID]
    bounds[0] = ""
    return list(zip(bounds, bounds[1:]))


def scheduled_date(now_local, at, last_closed):
    """The business date the nightly close is due for at `now_local`, or None: with `at` ("HH:MM", local time)
    set and passed, today's date, unless it is closed already. Empty `at`: no schedule (development)."""
    if not at:
        return None
    hour, minute = (int(part) for part in at.split(":"))
    if now_local.time() < dt.time(hour, minute):
        return None
    today = now_local.date()
    return today if last_closed is None or last_closed < today else None


def open_due(line):
    """What is still unpaid of an installment row. Penalty accrues to 4 decimals and is owed to the fen: the
    accrued total is rounded first, then what was paid comes off (0.5050 accrued is 0.51 owed, and 0.51 paid
    leaves nothing, not −0.01)."""
    return servicing.Due(line.no, line.due_date, line.principal - line.paid_principal,
                         line.interest - line.paid_interest, servicing.fen(line.penalty) - line.paid_penalty,
                         line.fees - line.paid_fees)


def apply_allocation(lines, allocation):
    """Add an allocation's amounts to the installment rows it paid."""
    for no, paid in allocation.lines.items():
        line = lines[no]
        line.paid_principal += paid.get("principal", ZERO)
        line.paid_interest += paid.get("interest", ZERO)
        line.paid_penalty += paid.get("penalty", ZERO)
        line.paid_fees += paid.get("fees", ZERO)
        line.status = "paid" if open_due(line).total == 0 else "partial"


class RangeClose:
    """Closes `day` for the active loans with ids in [low, high): the caller owns the transaction."""

    def __init__(self, unit, day, low, high, apply_advance, set_based=None):
        self.unit, self.session, self.day, self.low, self.high = unit, unit.session, day, low, high
        self.apply_advance = apply_advance  # the service's advance application (it also settles and emits)
        if set_based is None:
            set_based = self.session.get_bind().dialect.name == "postgresql"
        self.set_based = set_based  # False on PostgreSQL only to measure or check against the per-loan walk
        self.events = []

    def run(self):
        """Close the range; returns its counts and the seconds each step took (the caller commits)."""
        steps = {}

        def timed(step, action):
            started = time.monotonic()
            action()
            steps[step] = time.monotonic() - started

        timed("advances", self._advances)
        if self.set_based:
            timed("penalty", self._penalty_in_sql)
            timed("dpd", self._dpd_in_sql)
        else:
            timed("loans", self._per_loan)
        timed("events", lambda: self.unit.emit_many(self.events, business_date=self.day))
        loans, overdue = self.session.execute(
            select(func.count(), func.coalesce(func.sum(case((Loan.dpd > 0, 1), else_=0)), 0))
            .where(*self._in_range(), Loan.status == "active", Loan.disbursed_on < self.day)).one()
        return {"loans": loans, "overdue": overdue, "events": len(self.events), "steps": steps,
                "seconds": sum(steps.values())}

    def _in_range(self, column=Loan.id):
        return column >= self.low, column < self.high

    # -- 1. advances ---------------------------------------------------------------------------------------
    def _advances(self):
        """Loans holding an advance with an installment due by yesterday still open: the service applies it."""
        on = self.day - dt.timedelta(days=1)
        loan_ids = self.session.scalars(
            select(Loan.id).where(*self._in_range(), Loan.status == "active", Loan.advance_balance > 0,
                                  Loan.next_due_date <= on).order_by(Loan.id)).all()
        for loan_id in loan_ids:
            loan = self.session.get(Loan, loan_id, with_for_update=True)
            self.apply_advance(loan, on)

    # -- 2 and 3, set-based (PostgreSQL) ------------------------------------------------------------------
    # servicing.daily_penalty × servicing.penalty_days, on unpaid principal (+ unpaid interest when compounding)
    # Only loans with something unpaid from before the date (`next_due_date` < date) can have installments late:
    # the installments read are theirs alone, a small part of the book. (The range is stated on both tables so
    # the planner reads installments by their key; it misjudges how few open installments are already due.)
    PENALTY = text("""
        UPDATE installment AS i
           SET penalty = i.penalty
                 + round((i.principal - i.paid_principal
                          + CASE WHEN l.compound_penalty THEN i.interest - i.paid_interest ELSE 0 END)
                         * l.annual_rate * (1 + l.penalty_markup) / 360, 4)
                 * (CAST(:day AS date) - GREATEST(COALESCE(i.penalty_through, i.due_date), i.due_date)),
               penalty_through = :day,
               status = 'overdue'
          FROM loan AS l
         WHERE l.id = i.loan_id AND l.status = 'active' AND l.id >= :low AND l.id < :high
           AND l.next_due_date < :day AND i.loan_id >= :low AND i.loan_id < :high
           AND i.status NOT IN ('paid', 'prepaid') AND i.due_date < :day
           AND CAST(:day AS date) - i.due_date > l.grace_days
           AND COALESCE(i.penalty_through, i.due_date) < :day
           AND i.principal - i.paid_principal
               + CASE WHEN l.compound_penalty THEN i.interest - i.paid_interest ELSE 0 END > 0
    """)

    # servicing.days_past_due: the business date − the oldest due date still unpaid, kept on the loan
    DPD = text("""
        WITH target AS (
            SELECT l.id, l.dpd AS previous, GREATEST(CAST(:day AS date) - l.next_due_date, 0) AS dpd
              FROM loan AS l
             WHERE l.status = 'active' AND l.id >= :low AND l.id < :high
               AND (l.dpd > 0 OR l.next_due_date < :day)
        )
        UPDATE loan AS l SET dpd = target.dpd
          FROM target
         WHERE l.id = target.id AND l.dpd <> target.dpd
        RETURNING l.id, l.customer_id, l.department_id, l.officer_id, l.contract_no, l.outstanding_principal,
                  l.grace_days, l.next_due_date, target.previous, target.dpd
    """)

    def _bounds(self):
        return {"day": self.day, "low": self.low, "high": self.high}

    # The loans the two statements change, locked first and in id order, as a repayment locks its loan before its
    # installments: a repayment during the close waits for the range (or the range for it), never both at once,
    # and the DPD statement then reads the `next_due_date` the repayment left.
    LOCK = text("""
        SELECT id FROM loan
         WHERE id >= :low AND id < :high AND status = 'active' AND (dpd > 0 OR next_due_date < :day)
         ORDER BY id FOR UPDATE
    """)

    def _penalty_in_sql(self):
        self.session.flush()
        # These statements are short: compiling them (PostgreSQL's JIT) would cost more than it saves.
        self.session.execute(text("SET LOCAL jit = off"))
        self.session.execute(self.LOCK, self._bounds())
        self.session.execute(self.PENALTY, self._bounds())

    def _dpd_in_sql(self):
        for row in self.session.execute(self.DPD, self._bounds()).mappings():
            self.events += events.dpd_events(row, row["previous"], row["dpd"], self.day)

    # -- 2 and 3, loan by loan (SQLite; also the benchmark's baseline) ------------------------------------
    def _per_loan(self):
        loan_ids = self.session.scalars(
            select(Loan.id).where(*self._in_range(), Loan.status == "active", Loan.disbursed_on < self.day)
            .order_by(Loan.id)).all()
        for loan_id in loan_ids:
            loan = self.session.get(Loan, loan_id, with_for_update=True)
            self.close_loan(loan)

    def close_loan(self, loan):
        """Penalty for the days not accrued yet on installments past grace, then DPD."""
        day = self.day
        lines = self.session.scalars(select(Installment).where(Installment.loan_id == loan.id)
                                     .order_by(Installment.no)).all()
        for line in lines:
            due = open_due(line)
            base = due.principal + (due.interest if loan.compound_penalty else ZERO)
            if line.due_date >= day or base <= 0:
                continue
            days = servicing.penalty_days(day, line.due_date, line.penalty_through, loan.grace_days)
            if days:
                line.penalty += servicing.daily_penalty(base, loan.annual_rate, loan.penalty_markup) * days
                line.penalty_through = day
                line.status = "overdue"
        dpd = servicing.days_past_due(day, [open_due(line) for line in lines])
        if dpd != loan.dpd:
            self.events += events.dpd_events(events.loan_facts(loan), loan.dpd, dpd, day)
            loan.dpd = dpd
