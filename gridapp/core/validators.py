"""Validators for mainland Chinese resident ID numbers (GB 11643-1999) and phone numbers.

Each message says exactly what is wrong, in the user's language.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Landlines: area code 0xx or 0xxx, then 7-8 digits; an extension may follow.
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalize_id_number(value):
    return (value or "").strip().upper()


def id_check_char(first17):
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def birth_date_from_id(value):
    """The date of birth encoded in an 18-character ID, or None if it is not a real date."""
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except (ValueError, IndexError):
        return None


def validate_id_number(value):
    value = normalize_id_number(value)
    if len(value) != 18:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(count)d."),
            code="id_length",
            params={"count": len(value)},
        )
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(
            _("A resident ID number is 17 digits followed by a digit or X."),
            code="id_characters",
        )
    birth = birth_date_from_id(value)
    if birth is None or birth.year < 1880 or birth > datetime.date.today():
        raise ValidationError(
            _("Characters 7–14 of the ID number (%(digits)s) are not a valid date of birth."),
            code="id_birth_date",
            params={"digits": value[6:14]},
        )
    expected = id_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("The last character of the ID number should be %(expected)s; please check the number for a typo."),
            code="id_checksum",
            params={"expected": expected},
        )


def validate_id_matches_birth_date(id_number, date_of_birth):
    """Raise if the birth date inside a (valid) ID number differs from the resident's date of birth."""
    birth = birth_date_from_id(normalize_id_number(id_number))
    if birth and date_of_birth and birth != date_of_birth:
        raise ValidationError(
            _("The ID number gives a date of birth of %(id_date)s, but the date of birth entered is %(entered)s."),
            code="id_birth_mismatch",
            params={"id_date": birth.isoformat(), "entered": date_of_birth.isoformat()},
        )


def normalize_phone(value):
    return re.sub(r"[\s()]", "", value or "").removeprefix("+86")


def validate_mobile(value):
    value = normalize_phone(value)
    if not value.isdigit():
        raise ValidationError(_("A mobile number contains digits only."), code="mobile_characters")
    if len(value) != 11:
        raise ValidationError(
            _("A mobile number has 11 digits; this one has %(count)d."),
            code="mobile_length",
            params={"count": len(value)},
        )
    if not _MOBILE_RE.match(value):
        raise ValidationError(_("A mobile number starts with 13–19."), code="mobile_prefix")


def validate_phone(value):
    """A mainland mobile number, or a landline with its area code (e.g. 0571-82345678)."""
    value = normalize_phone(value)
    if value.startswith("0"):
        if not _LANDLINE_RE.match(value):
            raise ValidationError(
                _("A landline number is an area code and 7–8 digits, e.g. 0571-82345678."),
                code="landline",
            )
        return
    validate_mobile(value)
