"""Reading what a client sends: the body of a POST (form-encoded as the specification says, or a
JSON object, or an XML ``<request>``), dates, paging and the fields of a new request. Anything
wrong raises ``Problem``, answered as the specification's error list naming the field."""

import datetime
import json
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gridapp.core.validators import normalize_phone, validate_phone, validate_visible_text

MAX_DESCRIPTION = 2000  # what the caller said; the case's description adds the address and the link
MAX_BODY = 64 * 1024
DEFAULT_SPAN = datetime.timedelta(days=90)
PAGE_SIZE, MAX_PAGE_SIZE = 50, 200
# Fields of the specification gridapp does not use, accepted and ignored.
IGNORED = {"jurisdiction_id", "address_id", "device_id", "account_id", "api_key", "service_code"}


class Problem(Exception):
    def __init__(self, status, *descriptions):
        super().__init__(*descriptions)
        self.status, self.descriptions = status, descriptions


def bad(field, message):
    return Problem(400, f"{field}: {message}")


def printable(value):
    """Whether an id from the URL or the query can be looked up at all (PostgreSQL refuses NULs)."""
    return value.isprintable() and len(value) <= 40


def body(request):
    """The POST's fields as a dict of strings."""
    kind = request.content_type or ""
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data", ""):
        return {key: request.POST.get(key, "") for key in request.POST}
    if len(request.body) > MAX_BODY:
        raise bad("body", _("The request is too large."))
    if kind == "application/json":
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise bad("body", _("This is not valid JSON.")) from None
        if not isinstance(data, dict) or any(isinstance(v, dict | list) for v in data.values()):
            raise bad("body", _("Send one JSON object of plain values."))
        return {str(k): "" if v is None else str(v) for k, v in data.items()}
    if kind in ("text/xml", "application/xml"):
        if b"<!DOCTYPE" in request.body.upper() or b"<!ENTITY" in request.body.upper():
            raise bad("body", _("Document types and entities are not accepted."))
        try:
            # No DOCTYPE (refused above), so no entity to expand; expat reads nothing external.
            root = ET.fromstring(request.body)  # noqa: S314
        except ET.ParseError:
            raise bad("body", _("This is not well-formed XML.")) from None
        return {child.tag: (child.text or "").strip() for child in root}
    raise Problem(400, _("body: send the fields form-encoded, as JSON or as XML."))


def moment(name, raw):
    """An ISO 8601 time (a time without an offset is the site's time)."""
    try:
        value = parse_datetime(raw.strip().replace(" ", "+", 1) if raw.count(" ") == 1 else raw.strip())
    except ValueError:
        value = None
    if value is None:
        raise bad(name, _("Give a time in ISO 8601, e.g. 2026-12-01T08:00:00+08:00."))
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def period(query, now=None):
    """``start_date``/``end_date``: by default the last 90 days; never more than 90 days."""
    now = now or timezone.now()
    start = moment("start_date", query["start_date"]) if query.get("start_date") else None
    end = moment("end_date", query["end_date"]) if query.get("end_date") else None
    if start is None and end is None:
        return now - DEFAULT_SPAN, now
    if start is None:
        start = end - DEFAULT_SPAN
    if end is None:
        end = start + DEFAULT_SPAN
    if end < start:
        raise bad("end_date", _("The end date is before the start date."))
    if end - start > DEFAULT_SPAN:
        raise bad("end_date", _("A search spans 90 days at most."))
    return start, end


def whole(query, name, default, cap=None):
    raw = query.get(name)
    if raw in (None, ""):
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or not 0 < int(raw) < 2**31:
        raise bad(name, _("Enter a whole number."))
    if cap and int(raw) > cap:
        raise bad(name, _("At most %(cap)d.") % {"cap": cap})
    return int(raw)


def paging(query):
    """(page, page_size): page from 1, the size up to the cap (a larger one is a 400)."""
    return whole(query, "page", 1), whole(query, "page_size", PAGE_SIZE, MAX_PAGE_SIZE)


def _text(data, name, limit, *, required=False):
    value = (data.get(name) or "").strip()
    if required and not value:
        raise bad(name, _("This field is required."))
    if len(value) > limit:
        raise bad(name, _("At most %(limit)d characters; this has %(count)d.") % {"limit": limit, "count": len(value)})
    try:
        validate_visible_text(value)
    except ValidationError as error:
        raise bad(name, error.messages[0]) from None
    return value


def _coordinate(data, name, bound):
    raw = (data.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise bad(name, _("Give a number in degrees (WGS84).")) from None
    if not value.is_finite() or abs(value) > bound:
        raise bad(name, _("Give a number in degrees (WGS84)."))
    return value.quantize(Decimal("0.000001"))


def new_request(data):
    """The fields of a new request (``cases.hotline.receive``), checked."""
    unknown = sorted(k for k in data if k.startswith("attribute[") or k not in FIELDS | IGNORED)
    if unknown:
        raise bad(unknown[0], _("This field is not known here."))
    fields = {
        "description": _text(data, "description", MAX_DESCRIPTION, required=True),
        "address_string": _text(data, "address_string", 255),
        "lat": _coordinate(data, "lat", 90),
        "long": _coordinate(data, "long", 180),
        "first_name": _text(data, "first_name", 50),
        "last_name": _text(data, "last_name", 50),
        "email": _text(data, "email", 254),
        "phone": _text(data, "phone", 20),
        "media_url": _text(data, "media_url", 500),
    }
    if (fields["lat"] is None) != (fields["long"] is None):
        raise bad("long" if fields["long"] is None else "lat", _("Send both lat and long, or neither."))
    if not fields["address_string"] and fields["lat"] is None:
        raise bad("address_string", _("Send address_string, or lat and long."))
    checks = {"email": EmailValidator(), "media_url": URLValidator(schemes=["http", "https"]), "phone": validate_phone}
    for name, check in checks.items():
        if fields[name]:
            try:
                check(fields[name])
            except ValidationError as error:
                raise bad(name, error.messages[0]) from None
    fields["phone"] = normalize_phone(fields["phone"])
    return fields


FIELDS = {"description", "address_string", "lat", "long", "first_name", "last_name", "email", "phone", "media_url"}
