"""贷中 Servicing rules: allocating a repayment (还款冲账) and when a loan is settled. Plain Python, Decimal only.

Allocation (docs/rules.md, "Servicing"):
* `installment_first` (default): the oldest unpaid installment first; within it fees -> penalty -> interest
  -> principal.
* `type_first`: all fees, then all penalty, then all interest, then principal, each oldest first.
Only what is due on the payment date is paid; money beyond it is held as an advance (预收款), applied at the
next due date; money beyond everything the loan still owes is refused.
"""
import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from services.common.refusal import Refused
from services.loan.contract import REPAYMENT_STATUSES  # noqa: F401  (re-exported)
from services.common.clock import add_months
from services.loan.domain.schedule import ZERO, annuity_payment, fen, plan

PARTS = ("fees", "penalty", "interest", "principal")  # the order within an installment
ALLOCATIONS = ("installment_first", "type_first")


@dataclass(frozen=True)
class Due:
    """What is still unpaid of one installment (penalty as accrued, 4 decimals; it is paid to the fen)."""
    no: int
    due_date: object
    principal: Decimal
    interest: Decimal
    penalty: Decimal = ZERO
    fees: Decimal = ZERO

    def part(self, name):
        return fen(getattr(self, name)) if name == "penalty" else getattr(self, name)

    @property
    def total(self):
        return sum((self.part(name) for name in PARTS), ZERO)


@dataclass
class Allocation:
    amount: Decimal
    lines: dict = field(default_factory=dict)  # installment no -> {part: amount}
    advance: Decimal = ZERO

    def total(self, part):
        return sum((paid.get(part, ZERO) for paid in self.lines.values()), ZERO)

    def summary(self):
        return {**{part: self.total(part) for part in PARTS}, "advance": self.advance}


def allocate(amount, dues, paid_on, order="installment_first", held_advance=ZERO):
    """Split `amount` over the installments due on `paid_on` by `order`; the rest becomes an advance.

    `dues` are every installment with something unpaid. Refused when `amount` is not positive or, with the
    advance already held, would exceed everything the loan still owes."""
    if amount <= 0:
        raise Refused("AMOUNT_INVALID", "a repayment is a positive amount", field="amount")
    if order not in ALLOCATIONS:
        raise ValueError(f"unknown allocation order {order!r}")
    owed = sum((due.total for due in dues), ZERO)
    if amount + held_advance > owed:
        raise Refused("OVERPAYMENT", f"the loan owes {owed - held_advance} in all; {amount} is more than that",
                      field="amount", owed=str(owed - held_advance), amount=str(amount))
    return reallocate(amount, dues, paid_on, order)


def reallocate(amount, dues, on, order="installment_first"):
    """`amount` over what `dues` owe by `on`, by `order`, the rest held as an advance (no check of the total)."""
    due_now = sorted((due for due in dues if due.due_date <= on), key=lambda d: (d.due_date, d.no))
    result = Allocation(amount=amount)
    left = amount
    if order == "installment_first":
        steps = [(due, part) for due in due_now for part in PARTS]
    else:
        steps = [(due, part) for part in PARTS for due in due_now]
    for due, part in steps:
        if left <= 0:
            break
        pay = min(left, due.part(part))
        if pay > 0:
            result.lines.setdefault(due.no, {})[part] = result.lines.get(due.no, {}).get(part, ZERO) + pay
            left -= pay
    result.advance = left
    return result


def is_settled(dues, outstanding_principal):
    """Everything paid: no installment owes anything (penalty to the fen) and no principal is outstanding."""
    return outstanding_principal == 0 and all(due.total == 0 for due in dues)


# -- close of business (日终): overdue, DPD, penalty interest -------------------------------------------
PENALTY_PLACES = Decimal("0.0001")
DAY_COUNT = Decimal(360)  # 日利率 = 年利率 / 360


def daily_penalty(base, annual_rate, markup):
    """One day's penalty interest on `base` (overdue principal, plus overdue interest when compounding):
    base × annual_rate × (1 + markup) / 360, kept to 4 decimals."""
    return (base * annual_rate * (1 + markup) / DAY_COUNT).quantize(PENALTY_PLACES, rounding=ROUND_HALF_UP)


def penalty_days(business_date, due_date, accrued_through, grace_days):
    """Days of penalty to accrue on `business_date` for an installment due `due_date`: none while within grace
    (paid within grace, no penalty), then every day since the due date not accrued yet."""
    overdue_days = (business_date - due_date).days
    if overdue_days <= grace_days:
        return 0
    start = max(accrued_through, due_date) if accrued_through else due_date
    return max((business_date - start).days, 0)


def days_past_due(business_date, dues):
    """DPD: business date − the oldest due date still unpaid (an installment is overdue from the next day)."""
    late = [due.due_date for due in dues if due.due_date < business_date and due.total > 0]
    return (business_date - min(late)).days if late else 0


def oldest_unpaid_due(dues):
    """The earliest due date with anything unpaid (the next one for a loan that is current), or None: kept on the
    loan, so that DPD on any date is that date − it, when positive."""
    unpaid = [due.due_date for due in dues if due.total > 0]
    return min(unpaid) if unpaid else None


# -- early repayment (提前还款) -----------------------------------------------------------------------
def months_between(start, end):
    """Whole calendar months from `start` to `end`: a month is complete on the same day-of-month or later, or on
    the last day of a month too short for that day (31 January → 28 February is one month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    month_end = (end + dt.timedelta(days=1)).month != end.month
    return months - (1 if end.day < start.day and not month_end else 0)


@dataclass(frozen=True)
class PrepaymentQuote:
    principal: Decimal
    interest: Decimal
    fee: Decimal
    advance_used: Decimal
    accrued_days: int

    @property
    def amount(self):
        """What the borrower pays now: principal, accrued interest and fee, less the advance already held."""
        return self.principal + self.interest + self.fee - self.advance_used


def prepayment_earliest(disbursed_on, last_closed, paid_due_dates):
    """The earliest `paid_on` of an early repayment: not before disbursement, nor the last business date closed
    (penalty is accrued to it), nor the due date of an installment something was paid on. That installment's
    interest ran on the whole balance to its due date, the principal prepaid included: dated before it, the
    prepayment would charge the prepaid principal's interest a second time (once in that installment, once as
    its own accrued interest). (date, why: "disbursement" | "closed" | "installment_paid")."""
    candidates = [(disbursed_on, "disbursement")]
    if last_closed is not None:
        candidates.append((last_closed, "closed"))
    if paid_due_dates:
        candidates.append((max(paid_due_dates), "installment_paid"))
    return max(candidates, key=lambda candidate: candidate[0])


def full_prepayment(paid_on, dues, outstanding_principal, annual_rate, disbursed_on, fee_rate,
                    fee_free_after_months, held_advance=ZERO, business_date=None):
    """docs/rules.md (Servicing): outstanding principal + interest accrued since the last due date (actual days ×
    daily rate × outstanding principal) + prepayment fee (rate × principal, waived after the free period). Refused
    while anything due on or before `paid_on`, or before the business date, is unpaid."""
    if any(due.due_date <= max(paid_on, business_date or paid_on) and due.total > 0 for due in dues):
        raise Refused("INSTALLMENTS_DUE", "pay the installments already due (and their penalty) first; an early "
                      "repayment settles only what is not due yet")
    if outstanding_principal <= 0:
        raise Refused("NOTHING_TO_PREPAY", "no principal is outstanding")
    passed = [d for d in (disbursed_on, *[due.due_date for due in dues]) if d <= paid_on]
    last_due = max(passed) if passed else disbursed_on
    days = (paid_on - last_due).days
    interest = fen(outstanding_principal * annual_rate / DAY_COUNT * days)
    free = fee_free_after_months is not None and months_between(disbursed_on, paid_on) >= fee_free_after_months
    fee = ZERO if free else fen(outstanding_principal * fee_rate)
    used = min(held_advance, outstanding_principal + interest + fee)
    return PrepaymentQuote(outstanding_principal, interest, fee, used, days)


def partial_prepayment(paid_on, dues, outstanding_principal, part, annual_rate, disbursed_on, fee_rate,
                       fee_free_after_months, held_advance=ZERO, business_date=None):
    """docs/rules.md (Servicing): a partial early repayment is the full figure for the part: the part + interest
    accrued on it since the last due date + the fee on it. The part is less than the outstanding principal (all of
    it is a full early repayment)."""
    if part <= 0:
        raise Refused("AMOUNT_INVALID", "the principal to repay early is a positive amount", field="principal")
    if part >= outstanding_principal:
        raise Refused("PARTIAL_COVERS_ALL", f"{part} covers the whole outstanding principal "
                      f"({outstanding_principal}); repay in full instead", field="principal", principal=str(part),
                      outstanding_principal=str(outstanding_principal))
    return full_prepayment(paid_on, dues, part, annual_rate, disbursed_on, fee_rate, fee_free_after_months,
                           held_advance, business_date)


# -- rebuilding the schedule (partial early repayment, extension) ----------------------------------------
PREPAYMENT_MODES = ("reduce_installment", "shorten_term")


def reamortise(balance, annual_rate, method, start_date, periods, anchor_day, first_no, mode="reduce_installment",
               installment=None, principal_part=None, first_due_date=None):
    """The rest of a schedule for `balance` from `start_date` (the last due date passed, or disbursement).

    `reduce_installment`: the same `periods` (months), a smaller installment. `shorten_term`: about the same
    installment, fewer periods: for 等额本息 the fewest whole periods whose installment is no more than
    `installment`; for 等额本金 / 等本等息 the same principal per period (`principal_part`). Other methods pay
    principal at the end and have no installment to keep: only `reduce_installment` applies to them. The first
    line falls due on `first_due_date` when given (the schedule's own next due date), the rest a month apart on
    `anchor_day`; a bullet loan's one line falls due on it, with interest for all `periods` from `start_date`."""
    if mode == "shorten_term":
        periods = shortened_periods(balance, annual_rate, method, periods, installment, principal_part)
    if method == "bullet":  # one line: interest for `periods` months from `start_date`, due on `first_due_date`
        [line] = plan(balance, annual_rate, periods, method, start_date, first_no=first_no, anchor_day=anchor_day)
        return [replace(line, due_date=first_due_date)] if first_due_date else [line]
    return plan(balance, annual_rate, periods, method, start_date, first_due_date, first_no, anchor_day)


def anything_paid(line):
    return bool(line.paid_principal or line.paid_interest or line.paid_penalty or line.paid_fees)


def untouched(line, after):
    """An installment due after `after` with nothing paid on it: one a rebuilt schedule may replace."""
    return line.due_date > after and not anything_paid(line)


def anchor_day(loan):
    """The day of month the loan's installments fall due on (clamped to short months' ends)."""
    requested = loan.requested_first_due_date
    return requested.day if requested is not None and requested > loan.disbursed_on else loan.disbursed_on.day


def reamortised(loan, future, balance, mode, extra_months=0):
    """The loan's `future` installments again, for `balance`: re-amortised from the last due date passed over the
    months left (+ `extra_months` for an extension), by `mode`, the first still due when it was."""
    first, anchor = future[0], anchor_day(loan)
    if loan.repayment_method == "bullet":  # interest from disbursement for the whole (extended) term
        months = loan.term_months + loan.extended_months + extra_months
        return reamortise(balance, loan.annual_rate, "bullet", loan.disbursed_on, months, anchor, first.no, mode,
                          first_due_date=add_months(first.due_date, extra_months, anchor))
    start = add_months(first.due_date, -1, anchor) if first.no > 1 else loan.disbursed_on
    return reamortise(balance, loan.annual_rate, loan.repayment_method, start, len(future) + extra_months, anchor,
                      first.no, mode, installment=first.principal + first.interest, principal_part=first.principal,
                      first_due_date=first.due_date)


def shortened_periods(balance, annual_rate, method, periods, installment, principal_part):
    monthly_rate = annual_rate / 12
    if method == "equal_installment" and monthly_rate > 0:
        for n in range(1, periods + 1):
            if annuity_payment(balance, monthly_rate, n) <= installment:
                return n
        return periods
    if method in ("equal_principal", "flat") or method == "equal_installment":
        part = principal_part if method != "equal_installment" else installment
        return min(periods, max(1, int((balance / part).to_integral_value(rounding=ROUND_CEILING))))  # last takes rest
    raise Refused("MODE_NOT_AVAILABLE", f"a {method} loan repays its principal at the end: shorten_term does not "
                  "apply to it; use reduce_installment", field="mode", method=method)


# -- extension (展期) ----------------------------------------------------------------------------------
def extension_limit(original_term_months):
    """《贷款通则》 art. 12, cumulative: a loan of up to a year may be extended by at most its original term, one
    of one to five years by at most half of it, a longer one by at most three years."""
    if original_term_months <= 12:
        return original_term_months
    if original_term_months <= 60:
        return original_term_months // 2
    return 36


EXTENSION_FEE_CAP = Decimal("0.10")  # of the outstanding principal, as a product's prepayment fee rate at most


def check_extension_fee(fee, outstanding_principal):
    """展期手续费, agreed with the borrower and asked with the request: 0 (none) up to 10 % of the principal extended
    (the outstanding principal); more is refused rather than cut."""
    if fee < 0:
        raise Refused("AMOUNT_INVALID", "an extension fee is zero or a positive amount", field="fee")
    cap = fen(outstanding_principal * EXTENSION_FEE_CAP)
    if fee > cap:
        raise Refused("EXTENSION_FEE_TOO_HIGH", f"an extension fee is at most 10 % of the principal extended "
                      f"({outstanding_principal}): {cap}", field="fee", max_fee=str(cap), fee=str(fee))


def check_extension(months, original_term_months, extended_so_far, today, maturity_date, dues):
    """An extension is asked before maturity, with nothing overdue, within the cumulative limit."""
    if months <= 0:
        raise Refused("EXTENSION_INVALID", "extend by at least one month", field="months")
    if today >= maturity_date:
        raise Refused("LOAN_MATURED", f"an extension is requested before maturity ({maturity_date})",
                      maturity_date=str(maturity_date))
    if any(due.due_date < today and due.total > 0 for due in dues):
        raise Refused("INSTALLMENTS_DUE", "pay the overdue installments (and their penalty) before an extension",
                      reason="extension")
    limit = extension_limit(original_term_months)
    if extended_so_far + months > limit:
        left = max(limit - extended_so_far, 0)
        raise Refused("EXTENSION_LIMIT", f"a {original_term_months}-month loan may be extended by {limit} months "
                      f"in all (贷款通则 art. 12); {extended_so_far} granted, at most {left} more",
                      field="months", max_months=left, term_months=original_term_months, limit=limit,
                      extended_months=extended_so_far)


# -- advances (预收款) ----------------------------------------------------------------------------------
def advance_to_apply(held_advance, dues, on):
    """How much of the advance held goes to the installments due by `on` (at most what they owe)."""
    owed_now = sum((due.total for due in dues if due.due_date <= on), ZERO)
    return min(held_advance, owed_now)


# -- reversal of a mistaken repayment (还款冲正) --------------------------------------------------------


def check_reversal(channel, status, restorable, loan_status, later):
    """A repayment may be reversed when it was money received (not an advance applied at close of business), is
    not reversed already, was recorded with what it changed (`restorable`), its loan is still active (a loan it
    settled has its mortgage release under way), and nothing moved the loan's money after it (`later`: a later
    repayment or advance applied, a prepayment, an extension): the latest first, so each is undone exactly."""
    if status == "reversed":
        raise Refused("REPAYMENT_ALREADY_REVERSED", "this repayment was already reversed", kind="conflict")
    if channel == "advance":
        raise Refused("REPAYMENT_NOT_REVERSIBLE", "an advance applied at close of business is not reversed; "
                      "reverse the repayment that left the advance", kind="conflict", reason="advance")
    if not restorable:
        raise Refused("REPAYMENT_NOT_REVERSIBLE", "this repayment was recorded before reversals were kept",
                      kind="conflict", reason="not_restorable")
    if loan_status != "active":
        raise Refused("LOAN_STATE", f"the loan is {loan_status}; only a repayment on an active loan is reversed",
                      kind="conflict", reason="reversal", status=loan_status)
    if later:
        raise Refused("REVERSAL_NOT_LATEST", f"{later} after this repayment: reverse the latest first",
                      kind="conflict", later=later)


def unpaid_again(line, paid, before, closed, grace_days, annual_rate, markup, compound):
    """An installment as if the repayment had never paid it: `line` its current figures (due_date, principal,
    interest, paid_principal, paid_interest, paid_penalty, paid_fees), `paid` what the repayment paid on it,
    `before` its penalty, penalty date and status just before the repayment, `closed` the last business date
    closed (None: none yet). Penalty is accrued again from `before` to `closed` on the unpaid base the repayment
    had reduced, exactly as close of business accrues it (daily_penalty × penalty_days; the base stays the same
    over those days, since nothing else paid the loan after the repayment)."""
    restored = {part: line[f"paid_{part}"] - paid.get(part, ZERO) for part in PARTS}
    if any(value < 0 for value in restored.values()):
        raise ValueError(f"installment {line.get('no')}: the repayment paid more than the installment holds")
    penalty, through, status = before["penalty"], before["penalty_through"], before["status"]
    base = line["principal"] - restored["principal"] + (line["interest"] - restored["interest"] if compound
                                                         else ZERO)
    if closed is not None and line["due_date"] < closed and base > 0:
        days = penalty_days(closed, line["due_date"], through, grace_days)
        if days:
            penalty += daily_penalty(base, annual_rate, markup) * days
            through, status = closed, "overdue"
    return {**{f"paid_{part}": value for part, value in restored.items()}, "penalty": penalty,
            "penalty_through": through, "status": status}

