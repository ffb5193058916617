"""Repayment allocation (docs/rules.md, "Servicing"): both orders, advances, over-payment, settlement."""
import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings, strategies as st

from services.loan.domain import servicing
from services.loan.domain.servicing import Due

JAN, FEB, MAR = dt.date(2026, 1, 15), dt.date(2026, 2, 15), dt.date(2026, 3, 15)
DUES = [Due(1, JAN, D("800.00"), D("200.00"), penalty=D("12.3456"), fees=D("5.00")),
        Due(2, FEB, D("810.00"), D("190.00"), penalty=D("3.0049")),
        Due(3, MAR, D("820.00"), D("180.00"))]


def test_installment_first_pays_the_oldest_installment_fees_penalty_interest_principal():
    result = servicing.allocate(D("1100.00"), DUES, paid_on=FEB)
    # installment 1: 5.00 fees + 12.35 penalty (to the fen) + 200.00 interest + 800.00 principal = 1017.35
    assert result.lines[1] == {"fees": D("5.00"), "penalty": D("12.35"), "interest": D("200.00"),
                               "principal": D("800.00")}
    # the remaining 82.65 go to installment 2: penalty 3.00, then interest 79.65
    assert result.lines[2] == {"penalty": D("3.00"), "interest": D("79.65")}
    assert result.advance == D("0") and 3 not in result.lines


def test_type_first_pays_all_penalty_then_all_interest_then_principal():
    result = servicing.allocate(D("1100.00"), DUES, paid_on=FEB, order="type_first")
    assert result.summary() == {"fees": D("5.00"), "penalty": D("15.35"), "interest": D("390.00"),
                                "principal": D("689.65"), "advance": D("0")}
    assert result.lines[1]["principal"] == D("689.65") and "principal" not in result.lines[2]


def test_money_beyond_what_is_due_is_held_as_an_advance():
    result = servicing.allocate(D("1500.00"), DUES, paid_on=JAN)
    assert sum(result.lines[1].values()) == D("1017.35") and result.advance == D("482.65")
    assert list(result.lines) == [1]  # February is not due yet


def test_money_beyond_everything_owed_is_refused():
    owed = sum(due.total for due in DUES)
    servicing.allocate(owed, DUES, paid_on=MAR)
    with pytest.raises(servicing.Refused) as refused:
        servicing.allocate(owed + D("0.01"), DUES, paid_on=MAR)
    assert refused.value.code == "OVERPAYMENT"
    with pytest.raises(servicing.Refused):  # an advance already held counts against what is owed
        servicing.allocate(owed - D("100"), DUES, paid_on=MAR, held_advance=D("100.01"))
    with pytest.raises(servicing.Refused):
        servicing.allocate(D("0"), DUES, paid_on=MAR)


def test_settled_when_nothing_is_owed():
    assert servicing.is_settled([Due(1, JAN, D("0"), D("0"), penalty=D("0.0049"))], D("0"))  # < half a fen
    assert not servicing.is_settled([Due(1, JAN, D("0"), D("0"), penalty=D("0.005"))], D("0"))
    assert not servicing.is_settled([], D("0.01"))


@settings(max_examples=200, deadline=None)
@given(amount=st.decimals(min_value=D("0.01"), max_value=D("5000.00"), places=2),
       order=st.sampled_from(servicing.ALLOCATIONS),
       paid_on=st.sampled_from([JAN, FEB, MAR]))
def test_every_fen_is_allocated_once(amount, order, paid_on):
    owed = sum(due.total for due in DUES)
    if amount > owed:
        return
    result = servicing.allocate(amount, DUES, paid_on=paid_on, order=order)
    assert sum(result.summary().values()) == amount
    for due in DUES:
        paid = result.lines.get(due.no, {})
        assert all(D("0") < paid[part] <= due.part(part) for part in paid)
        assert due.due_date <= paid_on or not paid


# -- close of business --------------------------------------------------------------------------------
def test_daily_penalty_is_rate_times_markup_over_360_to_four_decimals():
    # 10,000.00 overdue at 12 % with a 50 % markup: 10000 x 0.12 x 1.5 / 360 = 5.0000 a day
    assert servicing.daily_penalty(D("10000.00"), D("0.12"), D("0.50")) == D("5.0000")
    # 8,333.33 x 0.0888 x 1.3 / 360 = 2.67222115... -> 2.6722
    assert servicing.daily_penalty(D("8333.33"), D("0.0888"), D("0.30")) == D("2.6722")


def test_penalty_days_respect_grace_then_accrue_from_the_due_date():
    due = dt.date(2026, 1, 31)
    assert servicing.penalty_days(dt.date(2026, 1, 31), due, None, 0) == 0  # due today: not overdue yet
    assert servicing.penalty_days(dt.date(2026, 2, 1), due, None, 0) == 1
    assert servicing.penalty_days(dt.date(2026, 2, 3), due, None, 3) == 0  # within grace
    assert servicing.penalty_days(dt.date(2026, 2, 4), due, None, 3) == 4  # grace over: back to the due date
    assert servicing.penalty_days(dt.date(2026, 2, 5), due, dt.date(2026, 2, 4), 3) == 1  # then daily
    assert servicing.penalty_days(dt.date(2026, 2, 5), due, dt.date(2026, 2, 5), 3) == 0  # never twice


def test_dpd_across_a_month_end_and_a_leap_day():
    dues = [Due(1, dt.date(2028, 1, 31), D("100"), D("1")), Due(2, dt.date(2028, 2, 29), D("100"), D("1"))]
    assert servicing.days_past_due(dt.date(2028, 1, 31), dues) == 0
    assert servicing.days_past_due(dt.date(2028, 2, 1), dues) == 1
    assert servicing.days_past_due(dt.date(2028, 3, 1), dues) == 30  # January has 31 days, leap February 29
    paid_first = [Due(1, dt.date(2028, 1, 31), D("0"), D("0")), dues[1]]
    assert servicing.days_past_due(dt.date(2028, 3, 1), paid_first) == 1


# -- early repayment ----------------------------------------------------------------------------------
def test_full_prepayment_quote():
    disbursed = dt.date(2026, 1, 15)
    dues = [Due(1, dt.date(2026, 2, 15), D("0"), D("0")), Due(2, dt.date(2026, 3, 15), D("8000"), D("700")),
            Due(3, dt.date(2026, 4, 15), D("8100"), D("600"))]
    quote = servicing.full_prepayment(dt.date(2026, 3, 1), dues, D("16100.00"), D("0.0888"), disbursed,
                                      D("0.02"), None)
    # 14 days since 15 February: 16,100.00 x 0.0888 / 360 x 14 = 55.5986... -> 55.60
    assert (quote.accrued_days, quote.interest, quote.fee) == (14, D("55.60"), D("322.00"))
    assert quote.amount == D("16100.00") + D("55.60") + D("322.00")
    waived = servicing.full_prepayment(dt.date(2026, 3, 1), dues, D("16100.00"), D("0.0888"), disbursed,
                                       D("0.02"), 1)  # free after one month: 1 Mar is a month after 15 Jan
    assert waived.fee == D("0")
    with_advance = servicing.full_prepayment(dt.date(2026, 3, 1), dues, D("16100.00"), D("0.0888"), disbursed,
                                             D("0"), None, held_advance=D("100.00"))
    assert with_advance.amount == D("16100.00") + D("55.60") - D("100.00")


def test_no_early_repayment_while_anything_due_is_unpaid():
    dues = [Due(1, dt.date(2026, 2, 15), D("10"), D("1")), Due(2, dt.date(2026, 3, 15), D("8000"), D("700"))]
    with pytest.raises(servicing.Refused) as refused:
        servicing.full_prepayment(dt.date(2026, 2, 15), dues, D("8010"), D("0.1"), dt.date(2026, 1, 15), D("0"),
                                  None)
    assert refused.value.code == "INSTALLMENTS_DUE"


def test_whole_months():
    # a month is complete on the same day, or on the last day of a month too short for it (as due dates clamp)
    assert servicing.months_between(dt.date(2026, 1, 31), dt.date(2026, 2, 28)) == 1
    assert servicing.months_between(dt.date(2026, 1, 31), dt.date(2026, 2, 27)) == 0
    assert servicing.months_between(dt.date(2028, 1, 31), dt.date(2028, 2, 28)) == 0  # 29 February exists
    assert servicing.months_between(dt.date(2026, 8, 31), dt.date(2027, 2, 28)) == 6
    assert servicing.months_between(dt.date(2026, 1, 15), dt.date(2026, 2, 15)) == 1
    assert servicing.months_between(dt.date(2026, 1, 15), dt.date(2027, 1, 14)) == 11


def test_a_penalty_accrued_on_a_half_fen_is_owed_and_paid_to_the_fen_and_then_settled():
    from types import SimpleNamespace

    from services.loan.cob import open_due
    # 1,010.00 overdue one day at 12 % × 1.5 / 360 = 0.5050 accrued: 0.51 owed; paying 0.51 leaves nothing
    accrued = servicing.daily_penalty(D("1010.00"), D("0.12"), D("0.5"))
    assert accrued == D("0.5050")
    line = SimpleNamespace(no=1, due_date=dt.date(2026, 1, 15), principal=D("1010.00"),
                           paid_principal=D("0"), interest=D("10.10"), paid_interest=D("0"),
                           penalty=accrued, paid_penalty=D("0"), fees=D("0"), paid_fees=D("0"))
    assert open_due(line).total == D("1020.61")
    allocation = servicing.allocate(D("1020.61"), [open_due(line)], dt.date(2026, 1, 16))
    line.paid_penalty, line.paid_interest, line.paid_principal = (allocation.lines[1]["penalty"],
                                                                  allocation.lines[1]["interest"],
                                                                  allocation.lines[1]["principal"])
    assert open_due(line).total == 0 and servicing.is_settled([open_due(line)], D("0"))


def test_an_early_repayment_dated_back_is_refused_while_anything_is_late_at_the_business_date():
    late = servicing.Due(3, dt.date(2026, 3, 10), D("3000.00"), D("500.00"))
    with pytest.raises(servicing.Refused) as refused:
        servicing.full_prepayment(dt.date(2026, 3, 9), [late], D("60000.00"), D("0.0888"),
                                  dt.date(2025, 12, 10), D("0.02"), None, business_date=dt.date(2026, 3, 20))
    assert refused.value.code == "INSTALLMENTS_DUE"


def test_a_rebuilt_schedule_keeps_its_next_due_date_and_a_bullet_its_maturity():
    # disbursed 10 January with the first installment asked for 5 March: the rebuild keeps 5 March
    lines = servicing.reamortise(D("60000.00"), D("0.0888"), "equal_installment",
                                 dt.date(2026, 1, 10), 12, 5, 1, first_due_date=dt.date(2026, 3, 5))
    assert [line.due_date for line in lines[:2]] == [dt.date(2026, 3, 5), dt.date(2026, 4, 5)]
    # a one-month bullet from 31 January: one line, due 28 February, one month's interest
    [line] = servicing.reamortise(D("10000.00"), D("0.12"), "bullet", dt.date(2026, 1, 31), 1, 31, 1,
                                  first_due_date=dt.date(2026, 2, 28))
    assert (line.due_date, line.principal, line.interest) == (dt.date(2026, 2, 28), D("10000.00"),
                                                             D("100.00"))
