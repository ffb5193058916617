"""还款计划 The schedule engine: the five repayment methods, due dates, fen rounding and APR (docs/rules.md).

Pure Python and `Decimal` throughout: amounts are rounded to the fen (ROUND_HALF_UP) at each schedule line,
intermediate values keep full precision, and no float ever touches a figure.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from services.common.clock import add_months
from services.loan.contract import METHODS  # noqa: F401  (re-exported: the engine's methods)

FEN = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")
APR_PLACES = Decimal("0.0001")



def fen(value):
    """Round to the fen, half up."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Installment:
    no: int
    due_date: dt.date
    principal: Decimal
    interest: Decimal
    balance_after: Decimal

    @property
    def total(self):
        return self.principal + self.interest


@dataclass(frozen=True)
class Schedule:
    installments: tuple
    apr: Decimal
    net_amount: Decimal

    @property
    def principal(self):
        return sum((line.principal for line in self.installments), ZERO)

    @property
    def total_interest(self):
        return sum((line.interest for line in self.installments), ZERO)

    @property
    def total_payment(self):
        return self.principal + self.total_interest

    @property
    def first_due_date(self):
        return self.installments[0].due_date

    @property
    def maturity_date(self):
        return self.installments[-1].due_date


# -- due dates -------------------------------------------------------------------------------------
def due_dates(start_date, count, first_due_date=None, anchor_day=None):
    """Installment k falls due `k-1` months after the first due date, on the anchor day clamped to the month's
    last day. Default: the first due date is one month after `start_date`, anchored on `start_date`'s day
    (a rebuilt schedule passes its loan's original `anchor_day`, so a due date clamped to 28 February does
    not pull the later ones back to the 28th)."""
    if first_due_date is None:
        anchor = anchor_day or start_date.day
        first_due_date = add_months(start_date, 1, anchor)
    else:
        anchor = anchor_day or first_due_date.day
    return [add_months(first_due_date, k, anchor) for k in range(count)]


# -- the five methods ------------------------------------------------------------------------------
def annuity_payment(principal, monthly_rate, term):
    """A = round(P·r·(1+r)^n / ((1+r)^n − 1)), the 等额本息 installment."""
    first_interest = principal * monthly_rate  # as the first line's interest is computed, so A ≥ that interest
    with localcontext() as ctx:
        ctx.prec = 40
        growth = (ONE + monthly_rate) ** term
        return fen(first_interest * (growth / (growth - ONE)))


def _lines(amount, monthly_rate, term, method):
    """(principal, interest) of each installment, by each method's formula (docs/rules.md, "Repayment methods")."""
    if method == "equal_installment" and monthly_rate == ZERO:
        method = "equal_principal"
    balance = amount
    if method == "equal_installment":
        payment = annuity_payment(amount, monthly_rate, term)
        for k in range(1, term + 1):
            interest = fen(balance * monthly_rate)
            principal = balance if k == term else min(payment - interest, balance)
            balance -= principal
            yield principal, interest
    elif method in ("equal_principal", "flat"):
        part = fen(amount / term)
        for k in range(1, term + 1):
            principal = balance if k == term else min(part, balance)
            base = balance if method == "equal_principal" else amount  # flat: always the original principal
            interest = fen(base * monthly_rate)
            balance -= principal
            yield principal, interest
    elif method == "interest_first":
        interest = fen(amount * monthly_rate)
        for k in range(1, term + 1):
            yield (amount if k == term else ZERO), interest
    elif method == "bullet":
        yield amount, fen(amount * monthly_rate * term)
    else:
        raise ValueError(f"unknown repayment method {method!r}")


def plan(amount, annual_rate, term_months, method, start_date, first_due_date=None, first_no=1, anchor_day=None):
    """The installments of `amount` over `term_months` from `start_date` (no APR): a new loan's, or a balance
    re-amortised after a partial early repayment or an extension (numbered from `first_no`)."""
    amount, annual_rate = Decimal(amount), Decimal(annual_rate)
    lines = _lines(amount, annual_rate / 12, term_months, method)
    dates = due_dates(start_date, term_months, first_due_date, anchor_day)
    if method == "bullet":
        dates = dates[-1:]
    balance = amount
    installments = []
    for no, ((principal, interest), due) in enumerate(zip(lines, dates), start=first_no):
        balance -= principal
        installments.append(Installment(no, due, principal, interest, balance))
    return installments


def build(amount, annual_rate, term_months, method, start_date, first_due_date=None, upfront_fee=ZERO):
    """The schedule of a loan of `amount` disbursed on `start_date`, with its APR."""
    amount, upfront_fee = Decimal(amount), Decimal(upfront_fee or 0)
    installments = plan(amount, annual_rate, term_months, method, start_date, first_due_date)
    periods = [term_months] if method == "bullet" else list(range(1, term_months + 1))
    net = amount - upfront_fee
    flows = [(period, line.total) for period, line in zip(periods, installments)]
    return Schedule(tuple(installments), apr(net, flows), net)


# -- APR (年化利率) --------------------------------------------------------------------------------
def monthly_irr(net_received, flows):
    """The monthly rate i at which `net_received` = Σ payment / (1+i)^period: Newton's method in Decimal,
    kept inside a bracket that always holds the root (bisection where a Newton step would leave it)."""
    total = sum((payment for _, payment in flows), ZERO)
    if net_received <= ZERO:
        raise ValueError("the net amount received must be positive")
    if total <= net_received:
        return ZERO
    flows = sorted(flows)
    with localcontext() as ctx:
        ctx.prec = 30

        def value_and_slope(rate):
            # f(i) = Σ payment·v^period − net, f'(i) = −Σ period·payment·v^(period+1), with v = 1/(1+i)
            v = ONE / (ONE + rate)
            value, slope, power, at = -net_received, ZERO, ONE, 0
            for period, payment in flows:
                power *= v if period - at == 1 else v ** (period - at)
                at = period
                value += payment * power
                slope -= period * payment * power
            return value, slope * v

        # f(0) > 0 as the payments exceed what was received, and f falls as i rises: bracket the root,
        # starting from the rate that simple interest over the average term would give.
        average_period = sum((period * payment for period, payment in flows), ZERO) / total
        rate = (total - net_received) / net_received / average_period
        low, high = ZERO, rate * 2
        while value_and_slope(high)[0] > 0:
            low, high = high, high * 2
        for _ in range(200):
            value, slope = value_and_slope(rate)
            if value > 0:
                low = rate
            else:
                high = rate
            step = value / slope if slope else ZERO
            candidate = rate - step
            if not low < candidate < high:  # Newton would leave the bracket: bisect instead
                candidate = (low + high) / 2
            if abs(candidate - rate) < Decimal("1e-18"):
                return candidate
            rate = candidate
        return rate


def apr(net_received, flows):
    """12 × the monthly IRR of the borrower's cash flows, to 4 decimals (PBOC announcement 〔2021〕 No. 3)."""
    return (monthly_irr(net_received, flows) * 12).quantize(APR_PLACES, rounding=ROUND_HALF_UP)
