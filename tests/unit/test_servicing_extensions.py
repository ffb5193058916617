"""Extension (展期), partial early repayment, re-amortisation, advances and the close-of-business helpers.

Pure functions only (no database, no broker). Expected figures are computed here independently: by hand, or
from the closed forms of docs/rules.md in Decimal, never by calling the function under test a second time.
"""
import datetime as dt
import math
import uuid
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal as D, localcontext

import pytest
from hypothesis import given, settings, strategies as st

from services.loan import cob
from services.loan.domain import servicing
from services.common.refusal import Refused
from services.loan.domain.servicing import Due

FEN = D("0.01")
ZERO = D("0")


def to_fen(value):
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def closed_form_payment(principal, annual_rate, n):
    """等额本息 A = round(P·r·(1+r)^n / ((1+r)^n − 1), 2), r = annual / 12, in 50-digit Decimal."""
    with localcontext() as ctx:
        ctx.prec = 50
        r = annual_rate / 12
        growth = (1 + r) ** n
        exact = principal * r * growth / (growth - 1)
    return to_fen(exact)


def refusal(call, *args, **kwargs):
    with pytest.raises(Refused) as refused:
        call(*args, **kwargs)
    return refused.value


# -- extension limit (《贷款通则》 art. 12) ---------------------------------------------------------------
@pytest.mark.parametrize("term, limit", [
    (6, 6),     # short-term: at most the original term
    (12, 12),   # one year is still short-term
    (13, 6),    # medium-term: half, in whole months (6.5 -> 6)
    (24, 12),
    (60, 30),   # five years is still medium-term
    (61, 36),   # long-term: three years (half would be 30)
    (72, 36),
])
def test_extension_limit_boundaries(term, limit):
    assert servicing.extension_limit(term) == limit


def test_extension_limit_never_exceeds_three_years_for_long_loans():
    assert all(servicing.extension_limit(term) == 36 for term in range(61, 361))
    assert all(servicing.extension_limit(term) == term // 2 for term in range(13, 61))
    assert all(servicing.extension_limit(term) == term for term in range(1, 13))


# -- check_extension --------------------------------------------------------------------------------
TODAY = dt.date(2026, 6, 10)
MATURITY = dt.date(2027, 1, 10)
PAID = Due(1, dt.date(2026, 5, 10), ZERO, ZERO)
FUTURE = Due(3, dt.date(2026, 7, 10), D("1000.00"), D("74.00"))


def test_extension_within_the_limit_before_maturity_passes():
    # 24-month loan: 12 months in all; 8 granted, 4 more is exactly the limit
    assert servicing.check_extension(4, 24, 8, TODAY, MATURITY, [PAID, FUTURE]) is None
    assert servicing.check_extension(1, 6, 0, TODAY, MATURITY, []) is None
    assert servicing.check_extension(6, 6, 0, TODAY, MATURITY, [PAID, FUTURE]) is None


@pytest.mark.parametrize("months", [0, -1])
def test_extension_of_no_months_is_invalid(months):
    assert refusal(servicing.check_extension, months, 24, 0, TODAY, MATURITY, []).code == "EXTENSION_INVALID"


def test_extension_on_or_after_maturity_is_refused():
    assert refusal(servicing.check_extension, 1, 24, 0, MATURITY, MATURITY, []).code == "LOAN_MATURED"
    later = MATURITY + dt.timedelta(days=1)
    assert refusal(servicing.check_extension, 1, 24, 0, later, MATURITY, []).code == "LOAN_MATURED"
    day_before = MATURITY - dt.timedelta(days=1)
    assert servicing.check_extension(1, 24, 0, day_before, MATURITY, []) is None


def test_extension_refused_while_an_installment_is_overdue():
    overdue = Due(2, TODAY - dt.timedelta(days=1), D("1000.00"), D("74.00"))
    assert refusal(servicing.check_extension, 1, 24, 0, TODAY, MATURITY,
                   [PAID, overdue, FUTURE]).code == "INSTALLMENTS_DUE"
    only_penalty = Due(2, dt.date(2026, 6, 1), ZERO, ZERO, penalty=D("0.0050"))  # 0.01 to the fen
    assert refusal(servicing.check_extension, 1, 24, 0, TODAY, MATURITY, [only_penalty]).code == "INSTALLMENTS_DUE"
    only_fees = Due(2, dt.date(2026, 6, 1), ZERO, ZERO, fees=D("5.00"))
    assert refusal(servicing.check_extension, 1, 24, 0, TODAY, MATURITY, [only_fees]).code == "INSTALLMENTS_DUE"


def test_an_installment_due_today_or_settled_does_not_block_an_extension():
    due_today = Due(2, TODAY, D("1000.00"), D("74.00"))  # unpaid, but not overdue until tomorrow
    assert servicing.check_extension(1, 24, 0, TODAY, MATURITY, [PAID, due_today, FUTURE]) is None
    dust = Due(2, dt.date(2026, 6, 1), ZERO, ZERO, penalty=D("0.0049"))  # rounds to 0.00
    assert servicing.check_extension(1, 24, 0, TODAY, MATURITY, [dust]) is None


@pytest.mark.parametrize("term, so_far, months, left", [
    (24, 8, 5, 4),    # limit 12: 8 + 5 > 12, at most 4 more
    (24, 0, 13, 12),
    (12, 0, 13, 12),  # short-term: the original term
    (13, 0, 7, 6),    # 13 // 2 = 6
    (61, 30, 7, 6),   # long-term: 36
    (72, 36, 1, 0),   # the limit already used
    (24, 14, 1, 0),   # more than the limit granted (never negative)
])
def test_extension_beyond_the_cumulative_limit(term, so_far, months, left):
    refused = refusal(servicing.check_extension, months, term, so_far, TODAY, MATURITY, [])
    assert refused.code == "EXTENSION_LIMIT"
    assert refused.extra["max_months"] == left
    assert refused.field == "months"
    if left:
        assert servicing.check_extension(left, term, so_far, TODAY, MATURITY, []) is None


# -- partial early repayment -------------------------------------------------------------------------
DISBURSED = dt.date(2026, 1, 15)
PART_DUES = [Due(1, dt.date(2026, 2, 15), ZERO, ZERO),  # paid
             Due(2, dt.date(2026, 3, 15), D("4000.00"), D("370.00")),
             Due(3, dt.date(2026, 4, 15), D("4030.00"), D("340.00"))]
RATE = D("0.0888")


def test_partial_prepayment_hand_computed_vector():
    # 7 March 2026: 20 days since the last due date (15 Feb; February 2026 has 28 days)
    quote = servicing.partial_prepayment(dt.date(2026, 3, 7), PART_DUES, D("50000.00"), D("20000.00"), RATE,
                                         DISBURSED, D("0.02"), None)
    # 20,000.00 x 0.0888 / 360 x 20 = 98.6666... -> 98.67; fee 2 % of 20,000.00 = 400.00
    assert quote.principal == D("20000.00")
    assert quote.accrued_days == 20
    assert quote.interest == D("98.67")
    assert quote.fee == D("400.00")
    assert quote.advance_used == ZERO
    assert quote.amount == D("20498.67")


def test_partial_prepayment_accrues_from_disbursement_before_the_first_due_date():
    # 4 February 2026: 20 days after disbursement on 15 January, nothing due yet
    quote = servicing.partial_prepayment(dt.date(2026, 2, 4), PART_DUES, D("50000.00"), D("12345.67"), RATE,
                                         DISBURSED, D("0.015"), None)
    # 12,345.67 x 0.0888 / 360 x 20 = 60.9053... -> 60.91; fee 1.5 % = 185.18505 -> 185.19
    assert (quote.accrued_days, quote.interest, quote.fee) == (20, D("60.91"), D("185.19"))


def test_partial_prepayment_on_a_paid_due_date_accrues_nothing():
    quote = servicing.partial_prepayment(dt.date(2026, 2, 15), PART_DUES, D("50000.00"), D("20000.00"), RATE,
                                         DISBURSED, D("0.02"), None)
    assert (quote.accrued_days, quote.interest) == (0, ZERO)


def test_partial_prepayment_fee_is_waived_after_the_free_period():
    args = (PART_DUES, D("50000.00"), D("20000.00"), RATE, DISBURSED, D("0.02"))
    # 14 Feb is 0 whole months after 15 Jan, 15 Feb is one; 7 Mar is one (not yet two)
    assert servicing.partial_prepayment(dt.date(2026, 2, 14), *args, 1).fee == D("400.00")
    assert servicing.partial_prepayment(dt.date(2026, 2, 15), *args, 1).fee == ZERO
    assert servicing.partial_prepayment(dt.date(2026, 3, 7), *args, 1).fee == ZERO
    assert servicing.partial_prepayment(dt.date(2026, 3, 7), *args, 2).fee == D("400.00")
    waived = servicing.partial_prepayment(dt.date(2026, 3, 7), *args, 0)
    assert waived.fee == ZERO and waived.interest == D("98.67")  # the interest is never waived
    assert waived.amount == D("20098.67")


def test_partial_prepayment_uses_the_advance_held_up_to_what_is_paid():
    args = (dt.date(2026, 3, 7), PART_DUES, D("50000.00"), D("20000.00"), RATE, DISBURSED, D("0.02"), None)
    some = servicing.partial_prepayment(*args, held_advance=D("100.00"))
    assert some.advance_used == D("100.00") and some.amount == D("20398.67")
    everything = servicing.partial_prepayment(*args, held_advance=D("30000.00"))
    assert everything.advance_used == D("20498.67") and everything.amount == ZERO


def test_an_early_repayment_is_dated_no_earlier_than_the_last_installment_paid():
    # Installment 1 (due 15 Feb) paid: its interest ran on the whole balance to 15 Feb, so a prepayment dated
    # before it would earn the prepaid principal's interest a second time.
    closed = dt.date(2026, 2, 10)
    assert servicing.prepayment_earliest(DISBURSED, None, []) == (DISBURSED, "disbursement")
    assert servicing.prepayment_earliest(DISBURSED, closed, []) == (closed, "closed")
    assert servicing.prepayment_earliest(DISBURSED, closed, [dt.date(2026, 2, 15)]) == (
        dt.date(2026, 2, 15), "installment_paid")
    assert servicing.prepayment_earliest(DISBURSED, dt.date(2026, 2, 20), [dt.date(2026, 2, 15)]) == (
        dt.date(2026, 2, 20), "closed")
    assert servicing.prepayment_earliest(DISBURSED, None, [dt.date(2026, 3, 15), dt.date(2026, 2, 15)])[0] == \
        dt.date(2026, 3, 15)


def test_an_extension_fee_is_at_most_ten_percent_of_the_principal_extended():
    servicing.check_extension_fee(ZERO, D("116543.21"))
    servicing.check_extension_fee(D("11654.32"), D("116543.21"))  # 10 % = 11,654.321 -> 11,654.32
    refused = refusal(servicing.check_extension_fee, D("11654.33"), D("116543.21"))
    assert (refused.code, refused.field, refused.extra["max_fee"]) == ("EXTENSION_FEE_TOO_HIGH", "fee", "11654.32")
    assert refusal(servicing.check_extension_fee, D("-0.01"), D("1000.00")).code == "AMOUNT_INVALID"


@pytest.mark.parametrize("part", [D("0"), D("-0.01")])
def test_partial_prepayment_of_nothing_is_invalid(part):
    refused = refusal(servicing.partial_prepayment, dt.date(2026, 3, 7), PART_DUES, D("50000.00"), part, RATE,
                      DISBURSED, D("0.02"), None)
    assert (refused.code, refused.field) == ("AMOUNT_INVALID", "principal")


def test_partial_prepayment_of_everything_is_a_full_repayment():
    for part in (D("50000.00"), D("50000.01")):
        refused = refusal(servicing.partial_prepayment, dt.date(2026, 3, 7), PART_DUES, D("50000.00"), part, RATE,
                          DISBURSED, D("0.02"), None)
        assert refused.code == "PARTIAL_COVERS_ALL"
    almost = servicing.partial_prepayment(dt.date(2026, 3, 7), PART_DUES, D("50000.00"), D("49999.99"), RATE,
                                          DISBURSED, D("0"), None)
    assert almost.principal == D("49999.99")


def test_partial_prepayment_refused_while_anything_due_is_unpaid():
    # installment 2 falls due on 15 March: unpaid on that day (or after), no early repayment
    for paid_on in (dt.date(2026, 3, 15), dt.date(2026, 3, 20)):
        refused = refusal(servicing.partial_prepayment, paid_on, PART_DUES, D("50000.00"), D("20000.00"), RATE,
                          DISBURSED, D("0.02"), None)
        assert refused.code == "INSTALLMENTS_DUE"
    penalty_left = [Due(1, dt.date(2026, 2, 15), ZERO, ZERO, penalty=D("0.0050")), *PART_DUES[1:]]
    refused = refusal(servicing.partial_prepayment, dt.date(2026, 3, 7), penalty_left, D("50000.00"),
                      D("20000.00"), RATE, DISBURSED, D("0.02"), None)
    assert refused.code == "INSTALLMENTS_DUE"


# -- re-amortisation ---------------------------------------------------------------------------------
START = dt.date(2027, 1, 31)
ANCHOR_DATES = [dt.date(2027, 2, 28), dt.date(2027, 3, 31), dt.date(2027, 4, 30), dt.date(2027, 5, 31),
                dt.date(2027, 6, 30), dt.date(2027, 7, 31), dt.date(2027, 8, 31), dt.date(2027, 9, 30),
                dt.date(2027, 10, 31), dt.date(2027, 11, 30), dt.date(2027, 12, 31), dt.date(2028, 1, 31)]


def check_lines_add_up(lines, balance, first_no, periods):
    assert len(lines) == periods
    assert [line.no for line in lines] == list(range(first_no, first_no + periods))
    assert sum((line.principal for line in lines), ZERO) == balance
    assert lines[-1].balance_after == ZERO
    running = balance
    for line in lines:
        running -= line.principal
        assert line.balance_after == running
        assert line.principal >= 0 and line.interest >= 0
        assert line.principal == line.principal.quantize(FEN) and line.interest == line.interest.quantize(FEN)


def test_reduce_installment_equal_installment_matches_the_closed_form():
    balance, periods = D("30000.00"), 12
    lines = servicing.reamortise(balance, RATE, "equal_installment", START, periods, 31, 5)
    check_lines_add_up(lines, balance, 5, periods)
    payment = closed_form_payment(balance, RATE, periods)
    r = RATE / 12
    assert all(line.total == payment for line in lines[:-1])
    # the last line takes the rounding remainder: A's own rounding plus each line's interest rounding (at most
    # half a fen each), compounded over the term
    with localcontext() as ctx:
        ctx.prec = 50
        growth = (1 + r) ** periods
        drift = abs(payment - balance * r * growth / (growth - 1)) + D("0.005")
        bound = drift * sum((1 + r) ** k for k in range(periods)) + D("0.005")
    assert abs(lines[-1].total - payment) <= bound < D("0.15")
    before = balance
    for line in lines:
        assert line.interest == to_fen(before * r)
        before -= line.principal
    assert [line.due_date for line in lines] == ANCHOR_DATES


def test_reduce_installment_equal_installment_hand_vector():
    # 12,000.00 at 12 % over 12 months: r = 0.01, (1.01)^12 = 1.12682503...,
    # A = 12000 x 0.01 x 1.126825 / 0.126825 = 1066.1854... -> 1066.19
    lines = servicing.reamortise(D("12000.00"), D("0.12"), "equal_installment", dt.date(2026, 3, 10), 12, 10, 1)
    assert lines[0].total == D("1066.19")
    assert lines[0].interest == D("120.00") and lines[0].principal == D("946.19")
    assert lines[1].interest == D("110.54")  # (12000 - 946.19) x 0.01 = 110.5381 -> 110.54
    assert [line.due_date for line in lines[:3]] == [dt.date(2026, 4, 10), dt.date(2026, 5, 10),
                                                     dt.date(2026, 6, 10)]


@pytest.mark.parametrize("method", ["equal_principal", "flat"])
def test_reduce_installment_equal_principal_and_flat(method):
    balance, periods = D("10000.00"), 7
    lines = servicing.reamortise(balance, RATE, method, START, periods, 31, 3)
    check_lines_add_up(lines, balance, 3, periods)
    # 10,000.00 / 7 = 1428.5714... -> 1428.57 a period; the last takes the rest: 10000 - 6 x 1428.57 = 1428.58
    assert [line.principal for line in lines] == [D("1428.57")] * 6 + [D("1428.58")]
    r = RATE / 12
    if method == "flat":
        assert all(line.interest == to_fen(balance * r) for line in lines)  # 74.00 on the original every period
        assert lines[0].interest == D("74.00")
    else:
        before = balance
        for line in lines:
            assert line.interest == to_fen(before * r)
            before -= line.principal
    assert [line.due_date for line in lines] == ANCHOR_DATES[:periods]


def test_reduce_installment_interest_first_and_bullet():
    balance = D("40000.00")
    lines = servicing.reamortise(balance, RATE, "interest_first", START, 4, 31, 9)
    check_lines_add_up(lines, balance, 9, 4)
    assert [line.principal for line in lines] == [ZERO, ZERO, ZERO, balance]
    assert all(line.interest == D("296.00") for line in lines)  # 40,000 x 0.0074
    bullet = servicing.reamortise(balance, RATE, "bullet", START, 4, 31, 1)
    assert len(bullet) == 1
    assert bullet[0].principal == balance and bullet[0].balance_after == ZERO
    assert bullet[0].interest == D("1184.00")  # 40,000 x 0.0074 x 4
    assert bullet[0].due_date == dt.date(2027, 5, 31)


def test_rebuilt_due_dates_keep_the_anchor_day():
    lines = servicing.reamortise(D("3000.00"), RATE, "equal_principal", START, 3, 31, 1)
    assert [line.due_date for line in lines] == [dt.date(2027, 2, 28), dt.date(2027, 3, 31), dt.date(2027, 4, 30)]
    # rebuilt from a due date clamped to 28 February: back to the 31st, not pulled to the 28th
    lines = servicing.reamortise(D("3000.00"), RATE, "equal_principal", dt.date(2027, 2, 28), 3, 31, 2)
    assert [line.due_date for line in lines] == [dt.date(2027, 3, 31), dt.date(2027, 4, 30), dt.date(2027, 5, 31)]
    # leap year
    lines = servicing.reamortise(D("3000.00"), RATE, "equal_principal", dt.date(2028, 1, 30), 2, 30, 1)
    assert [line.due_date for line in lines] == [dt.date(2028, 2, 29), dt.date(2028, 3, 30)]


@settings(max_examples=60, deadline=None)
@given(balance=st.decimals(min_value=D("100.00"), max_value=D("500000.00"), places=2),
       rate=st.decimals(min_value=D("0.0100"), max_value=D("0.2400"), places=4),
       periods=st.integers(min_value=1, max_value=60),
       method=st.sampled_from(["equal_installment", "equal_principal", "flat", "interest_first"]),
       first_no=st.integers(min_value=1, max_value=36))
def test_reduce_installment_properties(balance, rate, periods, method, first_no):
    lines = servicing.reamortise(balance, rate, method, START, periods, 31, first_no)
    check_lines_add_up(lines, balance, first_no, periods)
    if method == "equal_installment" and periods > 1:
        payment = closed_form_payment(balance, rate, periods)
        assert all(line.total == payment for line in lines[:-1])


# -- shorten_term --------------------------------------------------------------------------------------
def test_shorten_term_equal_installment_is_the_fewest_periods_within_the_installment():
    balance, installment, periods = D("30000.00"), D("2000.00"), 36
    n = servicing.shortened_periods(balance, RATE, "equal_installment", periods, installment, None)
    # n = ceil(ln(A / (A − P·r)) / ln(1 + r)) = ceil(ln(2000 / 1778) / ln(1.0074)) = ceil(15.96) = 16
    r = RATE / 12
    with localcontext() as ctx:
        ctx.prec = 50
        expected = math.ceil((installment / (installment - balance * r)).ln() / (1 + r).ln())
    assert expected == 16
    assert n == expected
    assert closed_form_payment(balance, RATE, n) <= installment < closed_form_payment(balance, RATE, n - 1)
    lines = servicing.reamortise(balance, RATE, "equal_installment", START, periods, 31, 4, "shorten_term",
                                 installment=installment)
    check_lines_add_up(lines, balance, 4, n)
    assert all(line.total <= installment for line in lines)
    assert lines[0].total == closed_form_payment(balance, RATE, n)


@pytest.mark.parametrize("balance, installment", [
    (D("30000.00"), D("2000.00")),
    (D("100000.00"), D("3166.45")),
    (D("5000.00"), D("5037.00")),  # 5000 x 1.0074: one period exactly
    (D("5000.00"), D("5036.99")),
    (D("87654.32"), D("1500.00")),
])
def test_shorten_term_equal_installment_minimal_n(balance, installment):
    periods = 120
    n = servicing.shortened_periods(balance, RATE, "equal_installment", periods, installment, None)
    assert 1 <= n <= periods
    assert closed_form_payment(balance, RATE, n) <= installment
    if n > 1:
        assert closed_form_payment(balance, RATE, n - 1) > installment


def test_shorten_term_never_lengthens_the_schedule():
    # an installment too small for the periods left: the periods left, not more
    assert servicing.shortened_periods(D("30000.00"), RATE, "equal_installment", 12, D("100.00"), None) == 12


def test_shorten_term_equal_installment_at_zero_rate():
    # no interest: the installment divides the balance, ceil(12000 / 900) = 14
    assert servicing.shortened_periods(D("12000.00"), ZERO, "equal_installment", 24, D("900.00"), None) == 14
    assert servicing.shortened_periods(D("12000.00"), ZERO, "equal_installment", 24, D("1000.00"), None) == 12


@pytest.mark.parametrize("method", ["equal_principal", "flat"])
@pytest.mark.parametrize("balance, part", [
    (D("10000.00"), D("1500.00")),   # 6.67 -> 7
    (D("9000.00"), D("1500.00")),    # exactly 6
    (D("9000.01"), D("1500.00")),    # a fen over: 7
    (D("1234.56"), D("2000.00")),    # less than one part: 1
])
def test_shorten_term_equal_principal_keeps_the_principal_part(method, balance, part):
    periods = 24
    expected = int((balance / part).to_integral_value(rounding=ROUND_CEILING))
    assert expected == math.ceil(balance * 100 / (part * 100))  # the same ceiling, in integers
    n = servicing.shortened_periods(balance, RATE, method, periods, None, part)
    assert n == expected
    lines = servicing.reamortise(balance, RATE, method, START, periods, 31, 2, "shorten_term", principal_part=part)
    check_lines_add_up(lines, balance, 2, expected)
    assert all(line.principal <= part for line in lines[:-1])


@pytest.mark.parametrize("method", ["interest_first", "bullet"])
def test_shorten_term_is_not_available_when_principal_is_paid_at_the_end(method):
    refused = refusal(servicing.shortened_periods, D("10000.00"), RATE, method, 12, D("500.00"), D("500.00"))
    assert (refused.code, refused.field) == ("MODE_NOT_AVAILABLE", "mode")
    refused = refusal(servicing.reamortise, D("10000.00"), RATE, method, START, 12, 31, 1, "shorten_term",
                      installment=D("500.00"), principal_part=D("500.00"))
    assert refused.code == "MODE_NOT_AVAILABLE"


# -- advances ------------------------------------------------------------------------------------------
ADV_DUES = [Due(1, dt.date(2026, 2, 15), D("800.00"), D("200.00"), penalty=D("12.3456"), fees=D("5.00")),
            Due(2, dt.date(2026, 3, 15), D("810.00"), D("190.00")),
            Due(3, dt.date(2026, 4, 15), D("820.00"), D("180.00"))]


def test_advance_applies_up_to_what_is_due():
    # due by 15 Feb: 800 + 200 + 12.35 (penalty to the fen) + 5 = 1017.35
    assert servicing.advance_to_apply(D("5000.00"), ADV_DUES, dt.date(2026, 2, 15)) == D("1017.35")
    assert servicing.advance_to_apply(D("500.00"), ADV_DUES, dt.date(2026, 2, 15)) == D("500.00")
    # by 15 March, 1017.35 + 1000.00
    assert servicing.advance_to_apply(D("5000.00"), ADV_DUES, dt.date(2026, 3, 14)) == D("1017.35")
    assert servicing.advance_to_apply(D("5000.00"), ADV_DUES, dt.date(2026, 3, 15)) == D("2017.35")
    assert servicing.advance_to_apply(D("2017.35"), ADV_DUES, dt.date(2026, 12, 31)) == D("2017.35")


def test_no_advance_applied_when_nothing_is_due():
    assert servicing.advance_to_apply(D("5000.00"), ADV_DUES, dt.date(2026, 2, 14)) == ZERO
    assert servicing.advance_to_apply(D("5000.00"), [], dt.date(2026, 2, 14)) == ZERO
    paid = [Due(1, dt.date(2026, 2, 15), ZERO, ZERO)]
    assert servicing.advance_to_apply(D("5000.00"), paid, dt.date(2026, 3, 1)) == ZERO
    assert servicing.advance_to_apply(ZERO, ADV_DUES, dt.date(2026, 4, 15)) == ZERO


# -- close of business: partitions -----------------------------------------------------------------------
def test_partitions_small_counts_by_hand():
    assert cob.partitions(1) == [("", "g")]
    assert cob.partitions(2) == [("", "80"), ("80", "g")]
    assert cob.partitions(3) == [("", "55"), ("55", "aa"), ("aa", "g")]  # 256 // 3 = 85 = 0x55, 170 = 0xaa
    assert cob.partitions(4) == [("", "40"), ("40", "80"), ("80", "c0"), ("c0", "g")]


@pytest.mark.parametrize("count, clamped", [(0, 1), (-3, 1), (257, 256), (1000, 256)])
def test_partitions_count_is_clamped(count, clamped):
    assert cob.partitions(count) == cob.partitions(clamped)
    assert len(cob.partitions(count)) == clamped


def test_partitions_cover_the_id_space_without_gaps_or_overlaps():
    for count in range(1, 257):
        ranges = cob.partitions(count)
        assert len(ranges) == count
        assert ranges[0][0] == "" and ranges[-1][1] == "g"
        assert all(ranges[k][1] == ranges[k + 1][0] for k in range(count - 1))
        assert all(low < high for low, high in ranges)  # none empty
        assert all(len(high) == 2 and int(high, 16) >= 0 for _, high in ranges[:-1])
    assert [low for low, _ in cob.partitions(256)[1:]] == [f"{k:02x}" for k in range(1, 256)]


def test_every_uuid_falls_in_exactly_one_partition():
    ids = [str(uuid.uuid4()) for _ in range(500)]
    ids += ["00000000-0000-4000-8000-000000000000", "ffffffff-ffff-4fff-bfff-ffffffffffff",
            "7fffffff-ffff-4fff-bfff-ffffffffffff", "80000000-0000-4000-8000-000000000000"]
    for count in (1, 2, 3, 7, 16, 100, 255, 256):
        ranges = cob.partitions(count)
        for loan_id in ids:
            assert sum(1 for low, high in ranges if low <= loan_id < high) == 1, (count, loan_id)
    # with 256 ranges, an id's range is the one named by its first two hex digits
    ranges = cob.partitions(256)
    for loan_id in ids:
        (index,) = [k for k, (low, high) in enumerate(ranges) if low <= loan_id < high]
        assert index == int(loan_id[:2], 16)


# -- close of business: the nightly schedule -----------------------------------------------------------
DAY = dt.date(2026, 5, 10)


def at(hour, minute, second=0):
    return dt.datetime(2026, 5, 10, hour, minute, second)


def test_no_schedule_without_a_time():
    assert cob.scheduled_date(at(23, 59), "", None) is None
    assert cob.scheduled_date(at(23, 59), "", DAY - dt.timedelta(days=1)) is None


def test_not_due_before_the_time():
    assert cob.scheduled_date(at(1, 59, 59), "02:00", None) is None
    assert cob.scheduled_date(at(0, 0), "02:00", DAY - dt.timedelta(days=1)) is None
    assert cob.scheduled_date(at(22, 29), "22:30", None) is None


def test_due_today_once_the_time_has_passed():
    assert cob.scheduled_date(at(2, 0), "02:00", None) == DAY
    assert cob.scheduled_date(at(2, 1), "02:00", DAY - dt.timedelta(days=1)) == DAY
    assert cob.scheduled_date(at(23, 59), "02:00", dt.date(2026, 1, 1)) == DAY
    assert cob.scheduled_date(at(0, 0), "00:00", None) == DAY
    assert cob.scheduled_date(at(22, 30), "22:30", None) == DAY


def test_not_due_when_today_is_closed_already():
    assert cob.scheduled_date(at(2, 0), "02:00", DAY) is None
    assert cob.scheduled_date(at(23, 59), "02:00", DAY) is None
