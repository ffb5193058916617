"""Post-loan rules: five-level classification floors, collection stages and assignment, promises, warnings."""
import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from services.collection import domain

TODAY = dt.date(2026, 11, 28)
BEST_TO_WORST = ["normal", "special_mention", "substandard", "doubtful", "loss"]


# -- five-level classification ----------------------------------------------------------------------------

@pytest.mark.parametrize("dpd, grade", [
    (0, "normal"),
    (1, "special_mention"),
    (90, "special_mention"),
    (91, "substandard"),
    (270, "substandard"),
    (271, "doubtful"),
    (360, "doubtful"),
    (361, "loss"),
    (1000, "loss"),
])
def test_default_dpd_thresholds_set_the_floor(dpd, grade):
    assert domain.dpd_floor(dpd) == grade
    assert domain.grade_floor(dpd, TODAY) == grade


@pytest.mark.parametrize("dpd, grade", [
    (0, "normal"),
    (1, "special_mention"),
    (60, "special_mention"),
    (61, "substandard"),
    (91, "substandard"),  # substandard under the default rules too, but for the custom reason
    (180, "substandard"),
    (181, "doubtful"),
    (271, "doubtful"),
    (360, "doubtful"),
    (361, "loss"),
])
def test_configured_thresholds_replace_the_defaults(dpd, grade):
    thresholds = (60, 180, 360)
    assert domain.dpd_floor(dpd, thresholds) == grade
    assert domain.grade_floor(dpd, TODAY, thresholds=thresholds) == grade


def test_stricter_custom_thresholds_move_a_loan_down_earlier():
    assert domain.dpd_floor(75) == "special_mention"
    assert domain.dpd_floor(75, (60, 180, 360)) == "substandard"


RESTRUCTURED_ON = dt.date(2026, 3, 15)
ONE_YEAR_LATER = dt.date(2027, 3, 15)


@pytest.mark.parametrize("business_date", [
    RESTRUCTURED_ON,
    RESTRUCTURED_ON + dt.timedelta(days=1),
    dt.date(2026, 9, 15),  # past two monthly periods, still inside the year
    ONE_YEAR_LATER - dt.timedelta(days=1),
])
def test_a_restructured_current_loan_is_at_least_special_mention_for_a_year(business_date):
    assert domain.grade_floor(0, business_date, RESTRUCTURED_ON) == "special_mention"


@pytest.mark.parametrize("business_date", [ONE_YEAR_LATER, ONE_YEAR_LATER + dt.timedelta(days=1),
                                           dt.date(2028, 1, 1)])
def test_a_restructured_current_loan_is_normal_once_the_year_is_over(business_date):
    assert domain.grade_floor(0, business_date, RESTRUCTURED_ON) == "normal"


def test_a_loan_restructured_on_leap_day_is_observed_until_the_end_of_february_next_year():
    leap_day = dt.date(2028, 2, 29)
    assert domain.grade_floor(0, dt.date(2029, 2, 27), leap_day) == "special_mention"
    assert domain.grade_floor(0, dt.date(2029, 3, 1), leap_day) == "normal"


@pytest.mark.parametrize("dpd, grade", [(100, "substandard"), (300, "doubtful"), (400, "loss"), (5, "special_mention")])
def test_a_worse_dpd_floor_wins_during_observation(dpd, grade):
    assert domain.grade_floor(dpd, dt.date(2026, 6, 1), RESTRUCTURED_ON) == grade


def test_after_observation_only_dpd_counts():
    assert domain.grade_floor(100, dt.date(2027, 6, 1), RESTRUCTURED_ON) == "substandard"
    assert domain.grade_floor(10, dt.date(2027, 6, 1), RESTRUCTURED_ON) == "special_mention"


@pytest.mark.parametrize("floor, manual, expected", [
    ("normal", "substandard", "substandard"),  # a manual downgrade stands
    ("special_mention", "loss", "loss"),
    ("substandard", "normal", "substandard"),  # the floor is worse than the manual grade: the floor wins
    ("doubtful", "special_mention", "doubtful"),
    ("substandard", "substandard", "substandard"),
    ("normal", None, "normal"),
    ("doubtful", None, "doubtful"),
])
def test_effective_grade_is_never_better_than_the_floor(floor, manual, expected):
    assert domain.effective_grade(floor, manual) == expected
    assert BEST_TO_WORST.index(domain.effective_grade(floor, manual)) >= BEST_TO_WORST.index(floor)


@pytest.mark.parametrize("grade, floor", [
    ("normal", "special_mention"),
    ("special_mention", "substandard"),
    ("normal", "loss"),
    ("doubtful", "loss"),
])
def test_a_manual_grade_better_than_the_floor_is_refused(grade, floor):
    with pytest.raises(domain.Refused) as refused:
        domain.check_adjustment(grade, floor)
    assert refused.value.code == "GRADE_BELOW_FLOOR"
    assert refused.value.field == "grade"
    assert refused.value.extra["floor"] == floor


@pytest.mark.parametrize("grade, floor", [
    ("special_mention", "special_mention"),
    ("substandard", "special_mention"),
    ("loss", "normal"),
    ("normal", "normal"),
    ("loss", "loss"),
])
def test_a_manual_grade_equal_to_or_worse_than_the_floor_is_accepted(grade, floor):
    assert domain.check_adjustment(grade, floor) is None


@pytest.mark.parametrize("grade", ["excellent", "Normal", "", None, "关注"])
def test_an_unknown_grade_is_refused_as_invalid(grade):
    with pytest.raises(domain.Refused) as refused:
        domain.check_adjustment(grade, "normal")
    assert refused.value.code == "GRADE_INVALID"
    assert refused.value.field == "grade"


# -- collection ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dpd, stage", [(1, "call_sms"), (30, "call_sms"), (31, "visit"), (90, "visit"),
                                        (91, "legal"), (400, "legal")])
def test_stage_follows_dpd(dpd, stage):
    assert domain.stage_for(dpd) == stage


@pytest.mark.parametrize("current, dpd, stage", [
    ("visit", 5, "visit"),  # the loan was partly paid: the task keeps its stage
    ("legal", 1, "legal"),
    ("visit", 95, "legal"),
    ("call_sms", 31, "visit"),
    ("call_sms", 10, "call_sms"),
    (None, 5, "call_sms"),
    (None, 45, "visit"),
    (None, 91, "legal"),
])
def test_a_task_stage_rises_with_dpd_and_never_falls(current, dpd, stage):
    assert domain.raised_stage(current, dpd) == stage


@pytest.mark.parametrize("dpd, grace, opens", [
    (3, 3, False),  # paid within grace: nobody chases
    (4, 3, True),
    (0, 3, False),
    (1, 0, True),
    (0, 0, False),
])
def test_a_task_opens_only_after_grace(dpd, grace, opens):
    assert domain.opens_task(dpd, grace) is opens


def test_round_robin_walks_the_collectors_in_order_and_wraps():
    collectors = ["c", "a", "b"]
    last, sequence = None, []
    for _ in range(7):
        last = domain.next_collector(collectors, last)
        sequence.append(last)
    assert sequence == ["a", "b", "c", "a", "b", "c", "a"]


def test_round_robin_continues_after_a_collector_who_left():
    assert domain.next_collector(["a", "c", "d"], last="b") == "c"
    assert domain.next_collector(["a", "c", "d"], last="c") == "d"
    assert domain.next_collector(["a", "b"], last="z") == "a"  # the leaver was last in order: wrap to the first


def test_round_robin_with_integer_ids_orders_numerically():
    assert domain.next_collector([10, 9, 2], last=9) == 10
    assert domain.next_collector([10, 9, 2], last=10) == 2


def test_round_robin_with_nobody_assigns_nobody():
    assert domain.next_collector([], None) is None
    assert domain.next_collector([], "a") is None


@pytest.mark.parametrize("tasks", [10, 11, 30])
def test_round_robin_spreads_tasks_evenly(tasks):
    collectors = ["u3", "u1", "u2"]
    last, counts = None, Counter()
    for _ in range(tasks):
        last = domain.next_collector(collectors, last)
        counts[last] += 1
    assert set(counts) == set(collectors)
    assert sum(counts.values()) == tasks
    assert max(counts.values()) - min(counts.values()) <= 1


PROMISED_ON = dt.date(2026, 12, 10)
PROMISE = domain.Promise(amount=Decimal("1500.00"), promised_on=PROMISED_ON)


@pytest.mark.parametrize("paid, business_date, status", [
    (Decimal("1500.00"), PROMISED_ON, "kept"),
    (Decimal("1500.00"), PROMISED_ON + dt.timedelta(days=20), "kept"),  # kept stays kept after the date
    (Decimal("2000"), PROMISED_ON - dt.timedelta(days=3), "kept"),
    (Decimal("1499.99"), PROMISED_ON - dt.timedelta(days=3), "pending"),
    (Decimal("1499.99"), PROMISED_ON, "pending"),  # the whole promised day is still available
    (Decimal("0"), PROMISED_ON, "pending"),
    (Decimal("1499.99"), PROMISED_ON + dt.timedelta(days=1), "broken"),
    (Decimal("0"), PROMISED_ON + dt.timedelta(days=30), "broken"),
])
def test_promise_status(paid, business_date, status):
    assert PROMISE.status(paid, business_date) == status


# -- early warnings --------------------------------------------------------------------------------------

@pytest.mark.parametrize("previous, dpd, crossed", [
    (30, 31, True),
    (31, 32, False),  # already past 30: warned before
    (0, 45, True),
    (29, 30, False),
    (45, 10, False),
    (31, 31, False),
])
def test_dpd_crossing_30_is_warned_once(previous, dpd, crossed):
    assert domain.crossed_30(previous, dpd) is crossed


def test_late_installments_count_the_last_six_months_only():
    business_date = dt.date(2026, 11, 28)
    late = [
        dt.date(2026, 5, 28),  # exactly six months back: outside the window
        dt.date(2026, 5, 29),  # one day later: inside
        dt.date(2026, 8, 28),
        dt.date(2026, 11, 28),  # due today
        dt.date(2025, 11, 28),
    ]
    assert domain.late_installments(late, business_date) == 3


def test_the_six_month_window_starts_at_the_clamped_month_end():
    business_date = dt.date(2026, 8, 31)  # six months back: 2026-02-28 (no 31 February)
    assert domain.late_installments([dt.date(2026, 2, 28)], business_date) == 0
    assert domain.late_installments([dt.date(2026, 3, 1)], business_date) == 1


def test_late_installments_ignore_duplicates_and_future_due_dates():
    business_date = dt.date(2026, 11, 28)
    late = [dt.date(2026, 9, 15), dt.date(2026, 9, 15), dt.date(2026, 9, 15), dt.date(2026, 12, 15)]
    assert domain.late_installments(late, business_date) == 1


@pytest.mark.parametrize("late, warned", [
    ([], False),
    ([dt.date(2026, 9, 15)], False),
    ([dt.date(2026, 9, 15), dt.date(2026, 9, 15)], False),  # one installment reported twice
    ([dt.date(2026, 9, 15), dt.date(2026, 10, 15)], True),
    ([dt.date(2026, 5, 28), dt.date(2026, 10, 15)], False),  # one of them is out of the window
    ([dt.date(2026, 5, 29), dt.date(2026, 10, 15)], True),
    ([dt.date(2026, 7, 15), dt.date(2026, 9, 15), dt.date(2026, 10, 15)], True),
])
def test_two_late_installments_in_six_months_is_a_warning(late, warned):
    assert domain.repeatedly_late(late, dt.date(2026, 11, 28)) is warned


def test_ltv_is_outstanding_principal_over_appraised_value():
    assert domain.ltv(Decimal("85000"), Decimal("100000")) == Decimal("0.8500")
    assert domain.ltv(Decimal("80000.00"), Decimal("100000.00")) == Decimal("0.8")
    assert domain.ltv(Decimal("50000"), Decimal("150000")) == Decimal("0.3333")


@pytest.mark.parametrize("principal, appraised, too_high", [
    (Decimal("85000"), Decimal("100000"), True),
    (Decimal("80000"), Decimal("100000"), False),  # at the limit, not above it
    (Decimal("80100"), Decimal("100000"), True),
    (Decimal("40000"), Decimal("100000"), False),
    (Decimal("85000"), Decimal("0"), False),  # no appraisal: no ratio, and no crash
])
def test_ltv_above_the_limit_is_a_warning(principal, appraised, too_high):
    assert domain.ltv_too_high(principal, appraised) is too_high


def test_ltv_limit_is_configurable():
    assert domain.ltv_too_high(Decimal("75000"), Decimal("100000"), limit=Decimal("0.70")) is True
    assert domain.ltv_too_high(Decimal("75000"), Decimal("100000"), limit=Decimal("0.75")) is False


# -- dates -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("day, months, expected", [
    (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),
    (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
    (dt.date(2027, 3, 31), -1, dt.date(2027, 2, 28)),
    (dt.date(2027, 12, 15), 1, dt.date(2028, 1, 15)),
    (dt.date(2027, 1, 15), -1, dt.date(2026, 12, 15)),
    (dt.date(2027, 5, 31), 1, dt.date(2027, 6, 30)),
    (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
    (dt.date(2027, 8, 31), -6, dt.date(2027, 2, 28)),
    (dt.date(2027, 6, 10), 0, dt.date(2027, 6, 10)),
    (dt.date(2027, 6, 10), 25, dt.date(2029, 7, 10)),
])
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert domain.add_months(day, months) == expected
