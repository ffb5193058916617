"""Collateral rules: VIN, plate and IMEI checks, valuation review and age, task due dates."""
import datetime as dt

import pytest

from services.collateral import domain
from services.common.refusal import Refused

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize("vin", [
    "1M8GDM9AXKP042788",  # the textbook example: check digit X
    "1HGCM82633A004352",
    "LSVAM4187C2184847",  # a mainland VIN (L = China)
    " lsvam4187c2184847 ",  # case and surrounding blanks are forgiven
])
def test_valid_vins(vin):
    assert domain.vin_problem(domain.normalize_vin(vin)) is None


@pytest.mark.parametrize("vin, words", [
    ("LSVAM4186C2184847", "check digit"),  # one character off: 6 where 7 belongs
    ("LFV2A21K9C4123456", "should be 'X'"),
    ("LSVAM4187C218484", "17 characters, this one has 16"),
    ("LSVAM4187C21848477", "has 18"),
    ("LSVAM4187C2I84847", "I, O or Q (found I)"),
    ("LSVAO4187C2184847", "found O"),
    ("QSVAM4187C2184847", "found Q"),
    ("LSVAM4187C218484*", "only letters and digits"),
])
def test_invalid_vins_say_what_is_wrong(vin, words):
    problem = domain.vin_problem(domain.normalize_vin(vin))
    assert problem is not None and words in problem


def test_the_check_digit_is_the_weighted_sum_mod_11():
    # 1M8GDM9A?KP042788: sum of transliterated values x weights = 351; 351 mod 11 = 10 -> X
    assert domain.vin_check_digit("1M8GDM9AXKP042788") == "X"
    assert domain.vin_check_digit("1HGCM82633A004352") == "3"


@pytest.mark.parametrize("plate", ["京A12345", "粤BD12345", "苏E12345D", "京A1234挂", "沪A·C3M57", "川a12345",
                                   "陕A12345", "蒙K12345"])
def test_valid_plates_including_new_energy(plate):  # 陕: a Shaanxi plate, in the characters it carries
    assert domain.plate_problem(domain.normalize_plate(plate)) is None


@pytest.mark.parametrize("plate", ["京AI2345", "A123456", "京A1234", "粤B123456", "港A12345", "京1A2345",
                                   "陜A12345"])
def test_invalid_plates(plate):
    assert domain.plate_problem(domain.normalize_plate(plate))


def test_imei_luhn_check():
    assert domain.imei_problem("490154203237518") is None
    assert "check digit" in domain.imei_problem("490154203237519")
    assert "15 digits" in domain.imei_problem("49015420323751")


def test_an_appraiser_cannot_review_their_own_valuation():
    with pytest.raises(Refused) as own:
        domain.check_reviewer("submitted", "u-1", "u-1")
    assert (own.value.code, own.value.kind, own.value.extra) == ("SELF_REVIEW", "forbidden", {"status": "submitted"})
    domain.check_reviewer("submitted", "u-1", "u-2")
    with pytest.raises(Refused) as decided:
        domain.check_reviewer("approved", "u-1", "u-2")
    assert (decided.value.code, decided.value.kind) == ("VALUATION_ALREADY_REVIEWED", "conflict")


def test_a_valuation_counts_for_90_days():
    assert domain.valuation_is_current(TODAY - dt.timedelta(days=90), TODAY)
    assert not domain.valuation_is_current(TODAY - dt.timedelta(days=91), TODAY)
    assert not domain.valuation_is_current(TODAY + dt.timedelta(days=1), TODAY)
    assert domain.valued_on_problem(TODAY + dt.timedelta(days=1), TODAY)
    assert domain.valued_on_problem(TODAY - dt.timedelta(days=91), TODAY)
    assert domain.valued_on_problem(TODAY - dt.timedelta(days=30), TODAY) is None


def test_gps_installation_is_due_in_three_days_and_then_overdue():
    due = domain.due_date("gps_install", TODAY)
    assert due == dt.date(2026, 12, 1)
    assert not domain.is_overdue("open", due, dt.date(2026, 12, 1))
    assert domain.is_overdue("open", due, dt.date(2026, 12, 2))
    assert not domain.is_overdue("completed", due, dt.date(2026, 12, 2))
    assert domain.due_date("gps_install", TODAY, due_days=5) == dt.date(2026, 12, 3)


def test_task_completion_rules():
    opened = TODAY - dt.timedelta(days=2)
    assert domain.completion_problem("open", TODAY, opened, TODAY, "gps_install") is None
    # a GPS may be fitted before the loan is paid out
    assert domain.completion_problem("open", opened - dt.timedelta(days=5), opened, TODAY, "gps_install") is None
    assert domain.completion_problem("completed", TODAY, opened, TODAY, "gps_install")[0] == "TASK_ALREADY_COMPLETED"
    assert domain.completion_problem("cancelled", TODAY, opened, TODAY, "gps_install")[0] == "TASK_CANCELLED"
    assert domain.completion_problem("open", TODAY + dt.timedelta(days=1), opened, TODAY,
                                     "mortgage_registration")[0] == "DATE_IN_FUTURE"
    # a mortgage cannot be released before the loan was settled
    assert domain.completion_problem("open", opened - dt.timedelta(days=1), opened, TODAY,
                                     "mortgage_release")[0] == "DATE_BEFORE_TASK"


def test_each_loan_event_opens_its_tasks():
    assert domain.OPENED_BY["disbursed"] == ("gps_install", "mortgage_registration")
    assert set(domain.OPENED_BY["settled"]) == {"mortgage_release", "gps_removal"}
    assert domain.OPENED_BY["transferred"] == ("mortgage_registration",)
