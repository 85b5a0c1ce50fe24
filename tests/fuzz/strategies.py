"""Hypothesis strategies for hostile form input (each built once: building them costs more
than drawing from them).

Every value is something a browser, a script or an attacker can send: text of any length
with control, zero-width and bidi characters, markup and SQL, numbers where text is expected
and text where numbers are, dates that do not exist, lists where one value is expected, ids
of other grids' objects, files that are not images. Lone surrogates are left out: they
cannot be encoded into a request at all.
"""

import datetime
import io
import uuid
from functools import cache

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st
from PIL import Image

# Injected markup carries ``data-fuzz`` so a page that lets it through is caught even when the
# tag itself would be harmless; the classics are there as they are written in the wild.
MARKUP = (
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><script data-fuzz>alert(1)</script>",
    '"><img src=x onerror=alert(1) data-fuzz>',
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1) data-fuzz>",
    '<a href="javascript:alert(1)" data-fuzz>x</a>',
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "{{ request.user.password }}{% debug %}",
    "<iframe src=//example.com data-fuzz></iframe>",
    '<b data-fuzz onmouseover="alert(1)">b</b>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
)
SQL = (
    "' OR 1=1 --",
    '" OR "1"="1',
    "1; DROP TABLE gridapp_household; --",
    "' UNION SELECT username, password FROM auth_user --",
    "%' OR '%'='",
    "\\'; SELECT pg_sleep(5); --",
    "1) OR (1=1",
)
ODD = (
    "",
    " ",
    "\x00",
    "%00",
    "a\x00b",
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte-order mark
    "\u202e",  # right-to-left override
    "\u202egnp.exe",
    "任\u200d爱\u200b香",
    "👨‍👩‍👧‍👦🏳️‍🌈",
    "\r\n\r\nSet-Cookie: a=b",
    "\t\x0b\x0c\x1b[31m\x7f",
    "../../../../etc/passwd",
    "%2e%2e%2f%2e%2e%2f",
    "%ZZ%FF%FE",
    "ＡＢＣ１２３",  # full-width
    "١٢٣",  # Arabic-Indic digits: str.isdigit() says yes, the database does not
    "²",  # superscript two: isdigit() again
    "${jndi:ldap://x}",
    "None",
    "null",
    "undefined",
    "true",
    "[]",
    "{}",
)
NUMBERS = (
    "0",
    "-1",
    "1.5",
    "-0",
    "1e3",
    "1e308",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "0x10",
    "010",
    "+1",
    " 1 ",
    "1_000",
    str(2**31),
    str(2**63),
    str(10**30),
    str(-(10**30)),
    "9" * 400,
)
BAD_DATES = (
    "2026-02-30",
    "0000-00-00",
    "9999-12-31T99:99",
    "9999-12-31",
    "9999-12-31T23:59",
    "0001-01-01",
    "0001-01-01T00:00",
    "10000-01-01",
    "2026-13-01",
    "2026-00-10",
    "2025-02-29",
    "2026-01-01T24:00",
    "2026-01-01T23:60",
    "-0001-01-01",
    "31/12/2026",
    "12/31/2026",
    "2026-1-1",
    "2026-01-01 00:00:00.000000000001",
    "1970-01-01T00:00:00Z",
    "2038-01-19T03:14:08",
    "1899-12-31",
    "today",
)

ALL_FIXED = MARKUP + SQL + ODD + NUMBERS + BAD_DATES

# Characters a hostile submission is made of: anything but lone surrogates, with the
# troublesome ones made likely.
_TROUBLE = "\x00\x01\x08\x0b\x1f\x7f\u0085\u00a0\u200b\u200c\u200d\u2028\u2029\u202a\u202e\u2066\ufeff\ufffd<>\"'&%;\\"
_characters = st.one_of(
    st.characters(exclude_categories=("Cs",)),
    st.sampled_from(_TROUBLE),
    st.sampled_from("任爱香临江路幢单元室网格"),
)

# Very long values are made by repetition, so a 100,000-character value costs hypothesis
# nothing to generate.
LONG_LENGTHS = (101, 201, 301, 1001, 4001, 20_001, 100_000, 100_000)  # 20,001 × 漏: past SQLite's LIKE limit


@st.composite
def long_text(draw):
    unit = draw(st.sampled_from(("漏", "a", "<script>", "\u200b", "👨‍👩‍👧", "' OR 1=1 --", "9", "\x00")))
    length = draw(st.sampled_from(LONG_LENGTHS))
    return (unit * (length // len(unit) + 1))[:length]


@st.composite
def mixed_text(draw):
    """A payload wrapped in ordinary text, as it would be pasted into a field."""
    parts = draw(
        st.lists(st.one_of(st.sampled_from(ALL_FIXED), st.text(_characters, max_size=8)), min_size=1, max_size=4)
    )
    return "".join(parts)


@cache
def hostile_text():
    return st.one_of(
        st.sampled_from(ALL_FIXED),
        st.text(_characters, max_size=40),
        mixed_text(),
        long_text(),
    )


@cache
def wrong_types():
    """Numbers, lists and other non-strings where the form expects one string (the test
    client sends ``str()`` of a scalar and one value per item of a list)."""
    return st.one_of(
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.lists(st.one_of(st.sampled_from(ALL_FIXED), st.integers(-5, 10**6)), min_size=0, max_size=4),
    )


@cache
def date_text():
    valid = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))
    recent = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2035, 12, 31))
    return st.one_of(
        st.sampled_from(BAD_DATES),
        valid.map(lambda d: d.isoformat()),
        recent.map(lambda d: d.isoformat()),
        st.builds(
            lambda d, h, m: f"{d.isoformat()}T{h:02d}:{m:02d}",
            recent,
            st.integers(0, 99),
            st.integers(0, 99),
        ),
    )


@cache
def number_text():
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.integers(min_value=-3, max_value=400).map(str),
    )


# Ids in a URL path the admin takes as text (``<path:object_id>``): lookalike digits first.
PATH_IDS = ("²", "١٢", "１２", "0", "-1", "1.5", "1e3", "1" * 19, "9" * 5000, "<script>", "%00", "' OR 1=1 --")


def _path_safe(value):
    return bool(value) and "/" not in value and all(ch.isprintable() for ch in value) and value.strip() == value


@cache
def path_ids():
    return st.one_of(st.sampled_from(PATH_IDS), st.text(_characters, max_size=20).filter(_path_safe))


# --- files ---------------------------------------------------------------------------------


def _png(extra=b""):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue() + extra


_PNG = _png()
_FILES = (
    ("photo.png", b"not an image at all"),
    ("photo.jpg", b"<script>alert(1)</script>"),
    ("photo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("photo.html", b"<html><script>alert(1)</script></html>"),
    ("empty.png", b""),
    ("../../etc/passwd.png", _PNG),
    ("polyglot.png", _png(b"<script>alert(1)</script>")),
    ("photo.png", _PNG),
    ("photo.exe", b"MZ\x90\x00"),
    ("x" * 300 + ".png", _PNG),
    ("truncated.png", _PNG[:20]),
)


@cache
def uploads():
    """One uploaded file, or several (a list posts them under the same name)."""
    one = st.sampled_from(range(len(_FILES))).map(lambda i: SimpleUploadedFile(*_FILES[i]))
    return st.one_of(one, st.lists(one, min_size=2, max_size=8))


# --- values for a form's field ---------------------------------------------------------------


@cache
def scalar():
    return st.one_of(hostile_text(), number_text(), date_text())


@cache
def anything():
    """Any value the client can post under one name."""
    return st.one_of(scalar(), wrong_types())


def _choice_values(field):
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):  # an option group
            values.extend(str(v) for v, _ in label)
        else:
            values.append(str(value))
    return [v for v in values if v != ""] or [""]


def for_field(field, ids):
    """Values for one form field: what it accepts (so the rest of the form is reached) as often
    as what it refuses. ``ids`` lists the primary keys of a model's rows, in and out of scope."""
    hostile = anything()
    if isinstance(field, forms.ModelMultipleChoiceField | forms.ModelChoiceField):
        pool = ids(field.queryset.model) + [0, -1, 2**63, 10**30]
        one = st.sampled_from(pool)
        good = st.lists(one, max_size=4) if isinstance(field, forms.ModelMultipleChoiceField) else one
    elif isinstance(field, forms.MultipleChoiceField):
        good = st.lists(st.sampled_from(_choice_values(field)), max_size=5)
    elif isinstance(field, forms.ChoiceField):
        good = st.sampled_from(_choice_values(field))
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        good = date_text()
    elif isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
        good = number_text()
    elif isinstance(field, forms.BooleanField):
        good = st.sampled_from(("on", "1", "true", "True", "false", "0", "", "off"))
    elif isinstance(field, forms.FileField):
        good = uploads()
    elif isinstance(field, forms.UUIDField):
        good = st.one_of(st.uuids().map(str), st.just(str(uuid.UUID(int=0))))
    else:
        good = hostile_text()
    return st.one_of(good, hostile)


# Names a form does not have, that a mass-assignment attempt would try.
EXTRA_NAMES = (
    "id",
    "pk",
    "grid_id",
    "community",
    "household",
    "worker",
    "created_by",
    "created_at",
    "archived_at",
    "state",
    "level",
    "version",
    "is_superuser",
    "is_staff",
    "user",
    "assignee",
    "number",
    "csrfmiddlewaretoken",
    "submit",
    "next",
    "page",
)


@cache
def extra_fields():
    return st.dictionaries(
        st.one_of(st.sampled_from(EXTRA_NAMES), st.text(_characters, max_size=12)), anything(), max_size=3
    )


# Bodies that are not what a form posts at all.
RAW_BODIES = (
    ("application/x-www-form-urlencoded", b"%ZZ=%FF%FE&a=%00&&&=&b"),
    ("application/x-www-form-urlencoded", b"a=1&" * 1100),  # more fields than Django accepts
    ("application/x-www-form-urlencoded", b"\xff\xfe\x00<script>"),
    ("multipart/form-data; boundary=xyz", b"--xyz\r\nContent-Disposition: form-data\r\n\r\n--"),
    ("multipart/form-data", b"no boundary"),
    ("application/json", b'{"title": "<script>alert(1)</script>", "version": [1]}'),
    ("text/plain", b"<script>alert(1)</script>"),
)


@cache
def raw_body():
    return st.sampled_from(RAW_BODIES)
