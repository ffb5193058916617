"""驾驶舱 rules of the loan book: which business months a date compares, the shares of the book at risk
(逾期率, PAR30, PAR90) as fractions to 4 decimals, and the five-level grades a loan shows."""
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from services.collection import contract as collection_contract

ZERO = Decimal("0.00")
RATIO = Decimal("0.0001")
# PAR thresholds: principal of loans more than this many days past due (as the finance portfolio's PAR30)
PAR_DAYS = (30, 90)
# 五级分类, best to worst, as the collection service grades (its domain owns the rules); a loan shows its last grade
GRADE_LABELS = collection_contract.GRADES  # the collection service grades; a loan shows its last grade
GRADES = tuple(GRADE_LABELS)


def this_month(day):
    """The business month to date: its first day and `day` itself."""
    return day.replace(day=1), day


def last_month(day):
    """The whole month before the one `day` falls in."""
    end = day.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def ratio(part, whole):
    """`part / whole` as a fraction to 4 decimals (half up); an empty book has nothing at risk: 0.0000."""
    if not whole:
        return Decimal("0").quantize(RATIO)
    return (Decimal(part) / Decimal(whole)).quantize(RATIO, rounding=ROUND_HALF_UP)


def book_quality(loans):
    """From `(dpd, outstanding principal)` of every active loan: the outstanding principal, the principal of
    loans in arrears (any day past due: 逾期本金, the whole balance of such a loan, not only its instalments due)
    and the shares: overdue rate, PAR30 and PAR90 (more than 30 / 90 days past due)."""
    loans = [(dpd or 0, Decimal(amount)) for dpd, amount in loans]
    outstanding = sum((amount for _, amount in loans), ZERO)
    overdue = sum((amount for dpd, amount in loans if dpd > 0), ZERO)
    result = {"outstanding_principal": outstanding, "overdue_principal": overdue,
              "overdue_rate": ratio(overdue, outstanding)}
    for days in PAR_DAYS:
        at_risk = sum((amount for dpd, amount in loans if dpd > days), ZERO)
        result[f"par{days}_principal"] = at_risk
        result[f"par{days}"] = ratio(at_risk, outstanding)
    return result
