"""还款冲正 rules: which repayment may be reversed, and an installment put back as if it had never been paid, with
the penalty close of business would have accrued meanwhile."""
import datetime as dt
from decimal import Decimal as D

import pytest

from services.loan.domain import servicing
from services.common.refusal import Refused

RATE, MARKUP, GRACE = D("0.0888"), D("0.5"), 3
DUE = dt.date(2026, 3, 1)


def line(**paid):
    return {"no": 1, "due_date": DUE, "principal": D("1000.00"), "interest": D("100.00"),
            **{f"paid_{part}": paid.get(part, D("0")) for part in servicing.PARTS}}


def close_of_business(base, before, dates, compound=False):
    """The per-loan walk of close of business over `dates`, for an installment whose unpaid base never changes."""
    penalty, through = before["penalty"], before["penalty_through"]
    for day in dates:
        days = servicing.penalty_days(day, DUE, through, GRACE) if DUE < day else 0
        if days:
            penalty += servicing.daily_penalty(base, RATE, MARKUP) * days
            through = day
    return penalty, through


def days(first, last):
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def test_a_repayment_on_the_due_date_reversed_ten_days_later_owes_the_penalty_of_those_days():
    paid = {"principal": D("1000.00"), "interest": D("100.00")}
    before = {"penalty": D("0"), "penalty_through": None, "status": "pending"}
    closed = dt.date(2026, 3, 11)
    restored = servicing.unpaid_again(line(**paid), paid, before, closed, GRACE, RATE, MARKUP, False)
    assert restored["paid_principal"] == restored["paid_interest"] == D("0")
    expected, through = close_of_business(D("1000.00"), before, days(DUE, closed))
    assert restored["penalty"] == expected == servicing.daily_penalty(D("1000.00"), RATE, MARKUP) * 10
    assert restored["penalty_through"] == through == closed and restored["status"] == "overdue"


def test_within_grace_nothing_accrues_and_the_status_is_put_back():
    paid = {"principal": D("1000.00"), "interest": D("100.00")}
    before = {"penalty": D("0"), "penalty_through": None, "status": "pending"}
    restored = servicing.unpaid_again(line(**paid), paid, before, DUE + dt.timedelta(days=GRACE), GRACE, RATE,
                                      MARKUP, False)
    assert (restored["penalty"], restored["penalty_through"], restored["status"]) == (D("0"), None, "pending")


def test_a_part_payment_of_a_late_installment_reversed_accrues_on_the_whole_base_again():
    # 20 days late with penalty accrued, then 600 of principal paid (and 2.00 of penalty); close of business then
    # accrued on the 400 left for 5 more days. Reversed: as if 1000 had been late all along.
    accrued_then = servicing.daily_penalty(D("1000.00"), RATE, MARKUP) * 20
    before = {"penalty": accrued_then, "penalty_through": DUE + dt.timedelta(days=20), "status": "overdue"}
    paid = {"principal": D("600.00"), "penalty": D("2.00")}
    current = line(principal=D("600.00"), penalty=D("2.00"))
    closed = DUE + dt.timedelta(days=25)
    restored = servicing.unpaid_again(current, paid, before, closed, GRACE, RATE, MARKUP, False)
    expected, _ = close_of_business(D("1000.00"), before, days(DUE + dt.timedelta(days=21), closed))
    assert restored["penalty"] == expected == servicing.daily_penalty(D("1000.00"), RATE, MARKUP) * 25
    assert restored["paid_principal"] == restored["paid_penalty"] == D("0") and restored["status"] == "overdue"


def test_compounding_products_accrue_on_the_unpaid_interest_too():
    paid = {"principal": D("1000.00"), "interest": D("100.00")}
    before = {"penalty": D("0"), "penalty_through": None, "status": "pending"}
    closed = DUE + dt.timedelta(days=8)
    restored = servicing.unpaid_again(line(**paid), paid, before, closed, GRACE, RATE, MARKUP, True)
    assert restored["penalty"] == servicing.daily_penalty(D("1100.00"), RATE, MARKUP) * 8


def test_no_business_date_closed_keeps_the_penalty_as_it_was():
    paid = {"interest": D("100.00")}
    before = {"penalty": D("1.2345"), "penalty_through": DUE, "status": "partial"}
    restored = servicing.unpaid_again(line(**paid), paid, before, None, GRACE, RATE, MARKUP, False)
    assert (restored["penalty"], restored["penalty_through"], restored["status"]) == (D("1.2345"), DUE, "partial")


def test_more_than_the_installment_holds_is_an_error():
    with pytest.raises(ValueError):
        servicing.unpaid_again(line(principal=D("10.00")), {"principal": D("20.00")},
                               {"penalty": D("0"), "penalty_through": None, "status": "partial"}, None, GRACE, RATE,
                               MARKUP, False)


@pytest.mark.parametrize("args, code", [
    (("bank_transfer", "reversed", True, "active", None), "REPAYMENT_ALREADY_REVERSED"),
    (("advance", "recorded", False, "active", None), "REPAYMENT_NOT_REVERSIBLE"),
    (("cash", "recorded", False, "active", None), "REPAYMENT_NOT_REVERSIBLE"),
    (("cash", "recorded", True, "settled", None), "LOAN_STATE"),
    (("cash", "recorded", True, "active", "a repayment was recorded"), "REVERSAL_NOT_LATEST"),
])
def test_which_repayments_may_be_reversed(args, code):
    with pytest.raises(Refused) as refused:
        servicing.check_reversal(*args)
    assert refused.value.code == code
    servicing.check_reversal("cash", "recorded", True, "active", None)  # the latest, on an active loan
