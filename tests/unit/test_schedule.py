"""The schedule engine against docs/rules.md ("Repayment methods"), with figures computed independently
(numpy-financial, closed forms) and Hypothesis properties over amounts, rates, terms, methods and start dates."""
import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal as D

import numpy_financial as npf
import pytest
from hypothesis import given, settings, strategies as st

from services.loan.domain import schedule as engine

FEN = D("0.01")


def to_fen(value):
    """A float from numpy-financial, rounded half up to the fen through its exact decimal expansion."""
    return D(float(value)).quantize(FEN, rounding=ROUND_HALF_UP)


def lines(schedule):
    return [(line.principal, line.interest) for line in schedule.installments]


def last_period_bound(amount, monthly_rate, term):
    """How far the last installment may drift from A: A's own rounding plus each line's interest rounding
    (at most half a fen), compounded over the term."""
    growth = (1 + monthly_rate) ** term
    exact = amount * monthly_rate * growth / (growth - 1)
    drift = abs(engine.annuity_payment(amount, monthly_rate, term) - exact) + D("0.005")
    return drift * sum((1 + monthly_rate) ** k for k in range(term)) + D("0.005")


# -- due dates ---------------------------------------------------------------------------------------
def test_due_dates_clamp_to_month_end_and_return_to_the_anchor():
    dates = engine.due_dates(dt.date(2026, 1, 31), 4)
    assert dates == [dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2026, 4, 30), dt.date(2026, 5, 31)]


def test_due_dates_in_a_leap_year():
    assert engine.due_dates(dt.date(2028, 1, 30), 2) == [dt.date(2028, 2, 29), dt.date(2028, 3, 30)]
    assert engine.due_dates(dt.date(2027, 12, 31), 3) == [dt.date(2028, 1, 31), dt.date(2028, 2, 29),
                                                          dt.date(2028, 3, 31)]


def test_an_explicit_first_due_date_sets_the_anchor_day():
    dates = engine.due_dates(dt.date(2026, 1, 10), 3, first_due_date=dt.date(2026, 2, 15))
    assert dates == [dt.date(2026, 2, 15), dt.date(2026, 3, 15), dt.date(2026, 4, 15)]
    dates = engine.due_dates(dt.date(2026, 1, 10), 3, first_due_date=dt.date(2026, 1, 31))
    assert dates == [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]


# -- the five methods --------------------------------------------------------------------------------
@pytest.mark.parametrize("amount, annual_rate, term", [
    (D("100000.00"), D("0.12"), 12), (D("150000.00"), D("0.0888"), 60), (D("88888.88"), D("0.065"), 36),
    (D("1000.00"), D("0.2399"), 6), (D("2500000.00"), D("0.0435"), 120),
])
def test_equal_installment_matches_numpy_financial(amount, annual_rate, term):
    payment = to_fen(npf.pmt(float(annual_rate) / 12, term, -float(amount)))
    assert engine.annuity_payment(amount, annual_rate / 12, term) == payment
    schedule = engine.build(amount, annual_rate, term, "equal_installment", dt.date(2026, 1, 31))
    assert all(line.total == payment for line in schedule.installments[:-1])
    # each line: interest on the balance before it, rounded half up to the fen
    balance = amount
    for line in schedule.installments:
        assert line.interest == (balance * annual_rate / 12).quantize(FEN, rounding=ROUND_HALF_UP)
        balance -= line.principal
        assert line.balance_after == balance
    assert balance == 0
    assert abs(schedule.installments[-1].total - payment) <= last_period_bound(amount, annual_rate / 12, term)


def test_equal_installment_textbook_figures():
    schedule = engine.build(D("100000"), D("0.12"), 12, "equal_installment", dt.date(2026, 1, 31))
    assert schedule.installments[0].total == D("8884.88")
    assert (schedule.installments[0].principal, schedule.installments[0].interest) == (D("7884.88"), D("1000.00"))
    assert (schedule.installments[-1].principal, schedule.installments[-1].interest) == (D("8796.88"), D("87.97"))
    assert schedule.total_interest == D("6618.53") and schedule.apr == D("0.1200")


def test_equal_principal():
    schedule = engine.build(D("100000"), D("0.12"), 12, "equal_principal", dt.date(2026, 3, 15))
    assert [p for p, _ in lines(schedule)] == [D("8333.33")] * 11 + [D("8333.37")]
    assert lines(schedule)[0][1] == D("1000.00") and lines(schedule)[1][1] == D("916.67")
    assert lines(schedule)[-1][1] == D("83.33")
    balances = [D("100000") - D("8333.33") * k for k in range(12)]  # before each period
    assert schedule.total_interest == sum((b * D("0.01")).quantize(FEN, ROUND_HALF_UP) for b in balances)


def test_interest_first():
    schedule = engine.build(D("120000"), D("0.096"), 24, "interest_first", dt.date(2026, 5, 31))
    assert lines(schedule)[:-1] == [(D("0"), D("960.00"))] * 23
    assert lines(schedule)[-1] == (D("120000"), D("960.00"))
    assert schedule.installments[-1].due_date == dt.date(2028, 5, 31)


def test_bullet_is_one_installment_at_month_n():
    schedule = engine.build(D("50000"), D("0.12"), 6, "bullet", dt.date(2026, 8, 31))
    assert len(schedule.installments) == 1
    line = schedule.installments[0]
    assert (line.no, line.due_date, line.principal, line.interest) == (1, dt.date(2027, 2, 28), D("50000"),
                                                                       D("3000.00"))


def test_flat_charges_interest_on_the_original_principal_and_shows_a_much_higher_apr():
    schedule = engine.build(D("100000"), D("0.065"), 36, "flat", dt.date(2026, 1, 15))
    assert {i for _, i in lines(schedule)} == {D("541.67")}
    assert [p for p, _ in lines(schedule)] == [D("2777.78")] * 35 + [D("2777.70")]
    expected = D(float(npf.irr([100000] + [-float(line.total) for line in schedule.installments]) * 12))
    assert schedule.apr == expected.quantize(D("0.0001"), ROUND_HALF_UP) == D("0.1196")
    assert schedule.apr > D("0.065") * D("1.8")


def test_zero_rate_equal_installment_is_equal_principal_with_no_interest():
    schedule = engine.build(D("10000"), D("0"), 3, "equal_installment", dt.date(2026, 1, 1))
    assert lines(schedule) == [(D("3333.33"), D("0.00")), (D("3333.33"), D("0.00")), (D("3333.34"), D("0.00"))]
    assert schedule.apr == D("0.0000")


def test_upfront_fees_raise_the_apr():
    plain = engine.build(D("100000"), D("0.12"), 12, "bullet", dt.date(2026, 1, 15))
    with_fee = engine.build(D("100000"), D("0.12"), 12, "bullet", dt.date(2026, 1, 15), upfront_fee=D("2000"))
    # (112000 / 98000)^(1/12) − 1, times 12
    independent = D(float(((112000 / 98000) ** (1 / 12) - 1) * 12)).quantize(D("0.0001"), ROUND_HALF_UP)
    # a bullet's simple interest paid at month 12 is 1.12^(1/12) − 1 a month: below the nominal rate
    assert plain.apr == D(float(((112000 / 100000) ** (1 / 12) - 1) * 12)).quantize(D("0.0001"), ROUND_HALF_UP)
    assert plain.apr == D("0.1139") and with_fee.apr == independent == D("0.1343")
    assert with_fee.net_amount == D("98000")
    fee_only = engine.build(D("100000"), D("0"), 12, "equal_installment", dt.date(2026, 1, 15),
                            upfront_fee=D("2000"))
    totals = [-float(line.total) for line in fee_only.installments]
    assert fee_only.apr == D(float(npf.irr([98000] + totals) * 12)).quantize(D("0.0001"), ROUND_HALF_UP)


def test_equal_installment_apr_with_fees_matches_numpy_financial():
    schedule = engine.build(D("150000"), D("0.0888"), 60, "equal_installment", dt.date(2026, 2, 28),
                            upfront_fee=D("3500"))
    flows = [146500] + [-float(line.total) for line in schedule.installments]
    assert schedule.apr == D(float(npf.irr(flows) * 12)).quantize(D("0.0001"), ROUND_HALF_UP)


# -- properties --------------------------------------------------------------------------------------
amounts = st.decimals(min_value=D("1000.00"), max_value=D("3000000.00"), places=2)
rates = st.decimals(min_value=D("0"), max_value=D("0.36"), places=6)
starts = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31))


@settings(max_examples=300, deadline=None)
@given(amount=amounts, annual_rate=rates, term=st.integers(min_value=1, max_value=120),
       method=st.sampled_from(sorted(engine.METHODS)), start=starts)
def test_schedule_properties(amount, annual_rate, term, method, start):
    schedule = engine.build(amount, annual_rate, term, method, start)
    principal = [line.principal for line in schedule.installments]
    assert sum(principal, D(0)) == amount  # exactly, to the fen
    assert all(line.principal >= 0 and line.interest >= 0 for line in schedule.installments)
    assert all(line.principal == line.principal.quantize(FEN) and line.interest == line.interest.quantize(FEN)
               for line in schedule.installments)
    assert schedule.installments[-1].balance_after == D("0.00")
    assert len(schedule.installments) == (1 if method == "bullet" else term)
    dates = [line.due_date for line in schedule.installments]
    assert dates == sorted(dates) and dates[0] > start
    for date in dates:
        assert date.day == min(start.day, calendar.monthrange(date.year, date.month)[1])
    if method == "equal_installment" and annual_rate > 0:
        payment = engine.annuity_payment(amount, annual_rate / 12, term)
        assert abs(schedule.installments[-1].total - payment) <= last_period_bound(amount, annual_rate / 12, term)
    assert D("0") <= schedule.apr <= D("1")


@settings(max_examples=100, deadline=None)
@given(amount=amounts, annual_rate=st.decimals(min_value=D("0.01"), max_value=D("0.24"), places=4),
       term=st.integers(min_value=2, max_value=60), fee_share=st.decimals(min_value=D("0.001"),
                                                                          max_value=D("0.05"), places=3))
def test_fees_never_lower_the_apr(amount, annual_rate, term, fee_share):
    start = dt.date(2026, 1, 15)
    fee = (amount * fee_share).quantize(FEN)
    plain = engine.build(amount, annual_rate, term, "equal_installment", start)
    charged = engine.build(amount, annual_rate, term, "equal_installment", start, upfront_fee=fee)
    assert charged.apr >= plain.apr
    assert abs(plain.apr - annual_rate) <= D("0.0002")  # without fees the APR is the nominal rate


@settings(max_examples=200, deadline=None)
@given(amount=st.decimals(min_value=D("100.00"), max_value=D("10000000.00"), places=2),
       annual_rate=st.decimals(min_value=D("0"), max_value=D("10"), places=6),
       term=st.integers(min_value=1, max_value=360), method=st.sampled_from(sorted(engine.METHODS)),
       fee_share=st.decimals(min_value=D("0"), max_value=D("0.5"), places=3))
def test_the_apr_is_found_for_any_rate_term_and_fee(amount, annual_rate, term, method, fee_share):
    fee = (amount * fee_share).quantize(FEN)
    schedule = engine.build(amount, annual_rate, term, method, dt.date(2026, 1, 31), upfront_fee=fee)
    flows = [(line.no if method != "bullet" else term, line.total) for line in schedule.installments]
    irr = engine.monthly_irr(schedule.net_amount, flows)
    # the rate found discounts the payments back to what the borrower received, to well under a fen
    present = sum((total / (1 + irr) ** period for period, total in flows), D(0))
    assert abs(present - schedule.net_amount) < D("0.001")
    assert schedule.apr >= 0
    assert all(line.principal >= 0 and line.interest >= 0 for line in schedule.installments)
    assert sum(line.principal for line in schedule.installments) == amount


@pytest.mark.parametrize("method", ["equal_installment", "equal_principal", "flat"])
def test_a_tiny_amount_over_a_long_term_never_gets_a_negative_line(method):
    # 100.00 / 360 rounds up to 0.28, and 359 × 0.28 = 100.52 would leave the last line at −0.52
    schedule = engine.build(D("100.00"), D("0"), 360, method, dt.date(2026, 1, 31))
    principals = [line.principal for line in schedule.installments]
    assert min(principals) == D("0.00") and sum(principals) == D("100.00")
    assert schedule.installments[-1].balance_after == D("0.00") and schedule.apr == D("0.0000")
