"""Resident ID numbers (GB 11643-1999), mobiles and landlines: what passes, and what each
rejection tells the person typing.

Messages are checked in English; one test checks that the user's language is used when the
zh-hans catalogue translates the message.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from gridapp.core.validators import (
    id_check_char,
    normalize_id_number,
    normalize_phone,
    validate_id_matches_birth_date,
    validate_id_number,
    validate_mobile,
    validate_phone,
)


def with_check_char(first17):
    return first17 + id_check_char(first17)


# The standard's own example: a Beijing number whose check character is X.
ID_ENDING_IN_X = "11010519491231002X"
# Ren Aixiang, born 12 May 1940 in Xiaoshan County.
REN_ID = with_check_char("33012119400512002")


def rejection(validator, *args, language="en"):
    """The (code, message) a validator raises for ``args``, the message in ``language``."""
    with pytest.raises(ValidationError) as excinfo:
        validator(*args)
    with translation.override(language):
        return excinfo.value.code, excinfo.value.messages[0]


# --- resident ID numbers ----------------------------------------------------------------------


def test_the_standards_example_ends_in_check_char_x():
    assert id_check_char(ID_ENDING_IN_X[:17]) == "X"


@pytest.mark.parametrize("id_number", [REN_ID, ID_ENDING_IN_X, with_check_char("34122119850101123")])
def test_valid_id_numbers_pass(id_number):
    validate_id_number(id_number)


def test_message_is_in_the_users_language():
    english = "A resident ID number has 18 characters; this one has %(count)d."
    with translation.override("zh-hans"):
        if translation.gettext(english) == english:
            pytest.skip("the zh-hans catalogue does not translate this message yet")
    _, message = rejection(validate_id_number, REN_ID[:17], language="zh-hans")
    assert message != "A resident ID number has 18 characters; this one has 17."
    assert "17" in message


def test_lower_case_x_is_accepted():
    validate_id_number(ID_ENDING_IN_X.lower())


def test_normalize_id_number_upper_cases_and_strips():
    assert normalize_id_number(" 11010519491231002x ") == ID_ENDING_IN_X


@pytest.mark.parametrize("id_number", [REN_ID[:17], REN_ID + "1", REN_ID[:15]])
def test_wrong_length_is_rejected_with_the_count(id_number):
    code, message = rejection(validate_id_number, id_number)
    assert code == "id_length"
    assert message == f"A resident ID number has 18 characters; this one has {len(id_number)}."


@pytest.mark.parametrize("id_number", ["33012119400512A020", "3301211940051200X0", "33012119400512002Y"])
def test_letters_are_rejected(id_number):
    code, message = rejection(validate_id_number, id_number)
    assert code == "id_characters"
    assert message == "A resident ID number is 17 digits followed by a digit or X."


@pytest.mark.parametrize("birth_digits", ["19401312", "19400230", "18790101"])
def test_impossible_birth_date_is_rejected(birth_digits):
    code, message = rejection(validate_id_number, with_check_char(f"330121{birth_digits}002"))
    assert code == "id_birth_date"
    assert message == f"Characters 7–14 of the ID number ({birth_digits}) are not a valid date of birth."


def test_birth_date_in_the_future_is_rejected():
    next_year = timezone.localdate().year + 1
    code, _ = rejection(validate_id_number, with_check_char(f"330109{next_year}0101002"))
    assert code == "id_birth_date"


def test_wrong_check_digit_names_the_expected_character():
    code, message = rejection(validate_id_number, ID_ENDING_IN_X[:17] + "3")
    assert code == "id_checksum"
    assert message == "The last character of the ID number should be X; please check the number for a typo."


def test_birth_date_matching_the_id_passes():
    validate_id_matches_birth_date(REN_ID, datetime.date(1940, 5, 12))


def test_birth_date_differing_from_the_id_is_rejected_with_both_dates():
    code, message = rejection(validate_id_matches_birth_date, REN_ID, datetime.date(1940, 5, 21))
    assert code == "id_birth_mismatch"
    assert message == (
        "The ID number gives a date of birth of 1940-05-12, but the date of birth entered is 1940-05-21."
    )


@pytest.mark.parametrize("id_number", ["", "3301211940"])
def test_birth_date_is_not_compared_without_a_full_id(id_number):
    validate_id_matches_birth_date(id_number, datetime.date(1940, 5, 21))


# --- mobiles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mobile", ["13912345678", "19987654321", "15000000000"])
def test_valid_mobiles_pass(mobile):
    validate_mobile(mobile)


@pytest.mark.parametrize("mobile", ["+86 139 1234 5678", "+8613912345678", "139 1234 5678"])
def test_country_code_and_spaces_are_normalised_away(mobile):
    validate_mobile(mobile)
    assert normalize_phone(mobile) == "13912345678"


@pytest.mark.parametrize("mobile", ["1391234567", "139123456789"])
def test_mobile_of_wrong_length_is_rejected_with_the_count(mobile):
    code, message = rejection(validate_mobile, mobile)
    assert code == "mobile_length"
    assert message == f"A mobile number has 11 digits; this one has {len(mobile)}."


def test_mobile_starting_12_is_rejected():
    code, message = rejection(validate_mobile, "12912345678")
    assert code == "mobile_prefix"
    assert message == "A mobile number starts with 13–19."


@pytest.mark.parametrize("mobile", ["139abcd5678", "139-1234-5678"])
def test_mobile_with_other_characters_is_rejected(mobile):
    code, message = rejection(validate_mobile, mobile)
    assert code == "mobile_characters"
    assert message == "A mobile number contains digits only."


# --- phones: a mobile or a landline -----------------------------------------------------------


@pytest.mark.parametrize(
    "phone", ["0571-82345678", "057182345678", "010-1234567", "0571-82345678-123", "(0571) 82345678"]
)
def test_landlines_with_area_code_pass(phone):
    validate_phone(phone)


def test_phone_accepts_a_mobile():
    validate_phone("+86 139 1234 5678")


@pytest.mark.parametrize("phone", ["0571-123", "0571-823456789", "0-82345678"])
def test_malformed_landline_is_rejected(phone):
    code, message = rejection(validate_phone, phone)
    assert code == "landline"
    assert message == "A landline number is an area code and 7–8 digits, e.g. 0571-82345678."


def test_phone_without_area_code_is_judged_as_a_mobile():
    code, _ = rejection(validate_phone, "82345678")
    assert code == "mobile_length"
