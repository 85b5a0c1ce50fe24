"""Validators for mainland Chinese resident ID numbers (GB 11643-1999) and phone numbers, and
for characters nobody can see in names, phones and notes.

Each message says exactly what is wrong, in the user's language.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Landlines: area code 0xx or 0xxx, then 7-8 digits; an extension may follow.
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


# Characters that show nothing, or turn the text around them (a right-to-left override makes
# "任爱香13900001111" read backwards), pasted from chat apps or typed on purpose: a name with a
# zero-width space in it is not found by a search and looks the same as the real one on a page.
# Names, phones and addresses are one line and refuse them all: every control, format character
# (zero-width spaces and joiners, direction marks, embeddings, overrides and isolates, the byte
# order mark, the soft hyphen), line and paragraph separator and surrogate of Unicode 14, and the
# other default-ignorable code points (Hangul fillers, variation selectors, the combining
# grapheme joiner, Mongolian selectors, tags). A character class, so that an import of 100,000
# rows checks its cells at the speed of the regular expression engine.
_HIDDEN_IN_LINE = (
    (0x0000, 0x001F), (0x007F, 0x009F), (0x00AD, 0x00AD), (0x034F, 0x034F), (0x0600, 0x0605),
    (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2),
    (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x2028, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0x3164, 0x3164), (0xD800, 0xDFFF), (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)  # fmt: skip
# Free text (a visit's notes, a follow-up) keeps line breaks and tabs, and the joiners and
# variation selectors that emoji typed on a phone are made of (❤️, 👨‍👩‍👧); it refuses the
# direction controls, the zero-width spaces, the other controls and the separators.
_HIDDEN_IN_TEXT = (
    (0x0000, 0x0008), (0x000B, 0x000C), (0x000E, 0x001F), (0x007F, 0x009F), (0x061C, 0x061C),
    (0x180E, 0x180E), (0x200B, 0x200B), (0x200E, 0x200F), (0x2028, 0x202E), (0x2060, 0x2060),
    (0x2066, 0x2069), (0xD800, 0xDFFF), (0xFEFF, 0xFEFF),
)  # fmt: skip


def _char_class(ranges):
    return re.compile("[" + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in ranges) + "]")


_HIDDEN_IN_LINE_RE = _char_class(_HIDDEN_IN_LINE)
_HIDDEN_IN_TEXT_RE = _char_class(_HIDDEN_IN_TEXT)


def _refuse_hidden(value, hidden):
    if value and (found := hidden.search(value)):
        char = found.group()
        name = unicodedata.name(char, "")
        raise ValidationError(
            _(
                "Character %(position)d is invisible or changes the direction of the text "
                "(%(char)s); delete it and type the text again."
            ),
            code="invisible_character",
            params={"position": found.start() + 1, "char": f"U+{ord(char):04X} {name}".strip()},
        )


def validate_visible_text(value):
    """A name, a phone number or an address: nothing in it that cannot be seen."""
    _refuse_hidden(value, _HIDDEN_IN_LINE_RE)


def validate_visible_lines(value):
    """Free text where names appear (notes, a follow-up): lines and emoji, no hidden characters."""
    _refuse_hidden(value, _HIDDEN_IN_TEXT_RE)


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
    validate_visible_text(value)
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
    validate_visible_text(value)
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
    validate_visible_text(value)
    value = normalize_phone(value)
    if value.startswith("0"):
        if not _LANDLINE_RE.match(value):
            raise ValidationError(
                _("A landline number is an area code and 7–8 digits, e.g. 0571-82345678."),
                code="landline",
            )
        return
    validate_mobile(value)
