import datetime as dt

import pytest

from services.common.pii import PiiCipher
from services.customer import domain

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize("value", ["11010519491231002X", "110101199003077272", "440106200002290016"])
def test_valid_resident_id_numbers(value):
    assert domain.id_number_problem(value, TODAY) is None


@pytest.mark.parametrize("value, problem", [
    ("110105194912310021", "the check digit is wrong"),
    ("11010519491331002X", "the birth date in it is not a real date"),
    ("110106190102290011", "the birth date in it is not a real date"),  # 1901 is no leap year
    ("110105203001010014", "the birth date in it is not a plausible past date"),
    ("11010519491231002", "must be 18 characters: 17 digits and a digit or X"),
    ("1101051949123100A2", "must be 18 characters: 17 digits and a digit or X"),
])
def test_invalid_resident_id_numbers(value, problem):
    assert domain.id_number_problem(value, TODAY) == problem


def test_a_lower_case_x_is_the_same_id_number():
    assert domain.normalize_id_number(" 11010519491231002x ") == "11010519491231002X"
    assert domain.id_number_problem(domain.normalize_id_number("11010519491231002x"), TODAY) is None


@pytest.mark.parametrize("value", ["91350100M000100Y43", "91110000600037341L"])
def test_valid_unified_social_credit_codes(value):
    assert domain.uscc_problem(value) == (None, None)


def test_a_published_enterprise_code_that_fails_the_check_is_a_warning_not_an_error():
    # Cited as an enterprise's code in a public Q&A page on the USCC rules; it fails the GB 32100 check,
    # as some codes issued early did. (Not verified against the registry: no network here.)
    assert domain.uscc_problem("91310115MA1G4L1WXK") == (
        None, "the check character does not match (an early code?)")


def test_a_code_whose_check_character_fails_is_a_warning_not_an_error():
    # Same shape as a real code, last character changed: what early codes that fail the check look like.
    assert domain.uscc_problem("91350100M000100Y44") == (
        None, "the check character does not match (an early code?)")


@pytest.mark.parametrize("value", ["91350100M000100Y4", "91350100M000100YI3", "91350100m000100Y43x"])
def test_malformed_codes_are_errors(value):
    error, _ = domain.uscc_problem(value)
    assert error


def test_masking_keeps_only_the_ends():
    assert domain.mask_id_number("110105194912311234") == "110***********1234"
    assert domain.mask_phone("13812345678") == "138****5678"


def test_phone_numbers():
    assert domain.phone_problem("13812345678") is None
    assert domain.phone_problem("12812345678") and domain.phone_problem("1381234567")


def test_worst_classification_wins():
    assert domain.worse_classification("special_mention", "normal") == "special_mention"
    assert domain.worse_classification(None, "loss") == "loss"


def test_eligibility_refuses_any_blacklist_hit():
    assert domain.eligibility([]).may_borrow
    verdict = domain.eligibility([("id_number", "fraud")])
    assert not verdict.may_borrow and verdict.reasons == ("id_number: fraud",)


def test_personal_data_is_encrypted_and_searchable_only_with_the_key():
    cipher, other = PiiCipher(b"k" * 32), PiiCipher(b"q" * 32)
    sealed = cipher.encrypt("11010519491231002X")
    assert "11010519491231002X" not in sealed and sealed != cipher.encrypt("11010519491231002X")
    assert cipher.decrypt(sealed) == "11010519491231002X"
    assert cipher.digest("13812345678") == cipher.digest("13812345678") != other.digest("13812345678")
    with pytest.raises(Exception):
        other.decrypt(sealed)
