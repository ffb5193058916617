"""补记还款 A repayment recorded late: money paid on a date that close of business has since passed (`paid_on` before
the dates already closed for the loan) is allocated as it would have been that day, and the penalty (罚息) those
later dates accrued on what it paid is recomputed, day by day, on the base it left (docs/rules.md, "A repayment
recorded late"). Plain Python, Decimal only; the rules of allocation and of one day's penalty are
`services/loan/domain/servicing.py`'s."""
import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from services.loan.domain.schedule import ZERO, fen
from services.loan.domain.servicing import PARTS, Allocation, allocate, daily_penalty, reallocate


@dataclass(frozen=True)
class Accrued:
    """An installment whose penalty was accrued by dates closed after a late repayment's `paid_on`: `base` its
    overdue base now (unpaid principal, plus unpaid interest when compounding), `penalty` accrued through
    `through`; `paid_before` the penalty paid by money counted by `paid_on`; `paid_after` and `taken`
    [(counted_from, amount)]: the penalty and the base paid by money counted from a later date (the dates closed
    after `counted_from` saw it; before, the base was larger)."""
    no: int
    due_date: dt.date
    base: Decimal
    penalty: Decimal
    through: dt.date
    paid_before: Decimal = ZERO
    paid_after: tuple = ()
    taken: tuple = ()


@dataclass
class Recomputed:
    allocation: Allocation
    penalty: dict  # installment no -> its penalty accrued through the same date, recomputed (4 decimals)
    refund: dict  # installment no -> penalty received beyond what would have accrued by the date it was paid


def accrual_days(due_date, grace_days, after, through, first_closed=None):
    """[(date, days)]: the days of penalty each business date in (after, through] accrued on an installment due
    `due_date`, as close of business accrues them (`penalty_days`): none within grace; the date grace ends, and
    the first date the book ever closed (`first_closed`), every day since the due date at once; then one a date."""
    def accrued(day):  # days accrued in all once `day` is closed
        late = (day - due_date).days
        return late if late > grace_days and (first_closed is None or day >= first_closed) else 0
    one = dt.timedelta(days=1)
    dates = (max(after, due_date) + one * k for k in range(1, (through - max(after, due_date)).days + 1))
    return [(day, accrued(day) - accrued(day - one)) for day in dates if accrued(day) != accrued(day - one)]


def penalty_over(days, base, taken, annual_rate, markup):
    """The penalty of `days` (from `accrual_days`) on an overdue base that is `base` now and was larger, by each
    `taken` amount, on the dates up to its `counted_from`: daily_penalty of each date's base × its days."""
    total = ZERO
    for day, count in days:
        before = base + sum((amount for since, amount in taken if since >= day), ZERO)
        if before > 0:
            total += daily_penalty(before, annual_rate, markup) * count
    return total


def allocate_dated(amount, dues, paid_on, business_date, order="installment_first", held_advance=ZERO):
    """Money dated `paid_on` as it would have gone that day: what was due by `paid_on` first; the rest held as an
    advance and applied, as close of business applies one, at each later due date up to `business_date`."""
    result = allocate(amount, dues, paid_on, order, held_advance)
    for day in sorted({due.due_date for due in dues if paid_on < due.due_date <= business_date}):
        if result.advance <= 0:
            break
        left = [replace(due, **{part: due.part(part) - result.lines.get(due.no, {}).get(part, ZERO)
                                for part in PARTS}) for due in dues]
        step = reallocate(result.advance, left, day, order)
        for no, paid in step.lines.items():
            for part, value in paid.items():
                result.lines.setdefault(no, {})[part] = result.lines.get(no, {}).get(part, ZERO) + value
        result.advance = step.advance
    return result


def allocate_late(amount, dues, accrued, paid_on, business_date, order, held_advance, grace_days, annual_rate,
                  markup, compound, first_closed=None):
    """docs/rules.md ("A repayment recorded late"): `amount` paid on `paid_on` but recorded after later dates were
    closed pays the penalty accrued by `paid_on` (not the penalty accrued since) and then what it would have paid
    that day (`allocate_dated`); the penalty those later dates accrued on what it paid is taken off again, so each
    `accrued` installment's penalty is as if the money had been recorded on `paid_on`. Penalty that money counted
    after `paid_on` had paid beyond what would then have accrued is handed back (`refund`)."""
    windows = {a.no: accrual_days(a.due_date, grace_days, paid_on, a.through, first_closed) for a in accrued}
    by_paid_on = {a.no: a.penalty - penalty_over(windows[a.no], a.base, a.taken, annual_rate, markup)
                  for a in accrued}
    owed = {a.no: max(fen(by_paid_on[a.no]) - a.paid_before, ZERO) for a in accrued}
    dated = [replace(due, penalty=owed[due.no]) if due.no in owed else due for due in dues]
    allocation = allocate_dated(amount, dated, paid_on, business_date, order, held_advance)
    penalty, refund = {}, {}
    for a in accrued:
        paid = allocation.lines.get(a.no, {})
        base = a.base - paid.get("principal", ZERO) - (paid.get("interest", ZERO) if compound else ZERO)
        by = {day: by_paid_on[a.no] + penalty_over([(d, n) for d, n in windows[a.no] if d <= day], base, a.taken,
                                                    annual_rate, markup)
              for day in {a.through, *(since for since, _ in a.paid_after)}}  # accrued through each date, anew
        penalty[a.no] = by[a.through]
        kept, back = a.paid_before + paid.get("penalty", ZERO), ZERO
        for since, value in sorted(a.paid_after):  # each payment at most what had accrued when it was counted
            keep = value if value < 0 else min(value, max(fen(by[since]) - kept, ZERO))
            kept, back = kept + keep, back + value - keep
        refund[a.no] = back
    return Recomputed(allocation, penalty, refund)
