"""Each data row checked and turned into its record: a resident's row into its household (rows
with the same address are one household), a shop's row into a shop. Every problem is reported
against the row and column it was found in; nothing here reads the register."""

import datetime
import sys

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gridapp.core.validators import (
    birth_date_from_id,
    normalize_id_number,
    validate_id_matches_birth_date,
    validate_id_number,
    validate_mobile,
    validate_phone,
)
from gridapp.models import Household, Shop

from . import columns as cols
from .cells import parse_date
from .records import HouseholdRow, ResidentRow, ShopRow


def compose_address(road, building, unit, room):
    """As ``Household.compose_address`` writes it: 临江路4幢1单元302室."""
    parts = [road]
    if building:
        parts.append(f"{building}幢")
    if unit:
        parts.append(f"{unit}单元" if unit.isdigit() else unit)
    if room:
        parts.append(f"{room}室" if room.isdigit() else room)
    return "".join(parts)


# --- households and residents ----------------------------------------------------------------


def read_household_row(plan, seen_ids, r):
    """One resident's row, added to its household once every cell of it is right."""
    words = cols.choice_words()
    id_number, birth_from_id = _id_number(r)
    date_of_birth = _date_of_birth(r, id_number, birth_from_id)
    sex = _sex(r, words, id_number, birth_from_id)
    tenure = r.choice("tenure", words["tenure"])
    tags = r.choices("tags", words["tags"])
    categories = r.choices("categories", words["categories"])
    phone = r.checked("phone", validate_phone)
    mobile = r.checked("mobile", validate_mobile)
    emergency_phone = r.checked("emergency_phone", validate_phone)
    if not r.ok or not _claim_id_number(plan, seen_ids, r, id_number):
        return
    household = _household_of(plan, r, tags)
    if household is None or not _merge_household_values(household, r, phone=phone, tenure=tenure or ""):
        return
    relation = sys.intern(r.get("relation"))
    cells = {
        "mobile": mobile,
        "relation_to_head": relation,
        "health_notes": r.get("health_notes"),
        "emergency_contact_name": r.get("emergency_contact"),
        "emergency_contact_phone": emergency_phone,
    }
    values = tuple(cells[f] for f in plan.resident_fields)
    household.residents.append(
        ResidentRow(r.number, r.get("name"), sex, date_of_birth, id_number, values, categories, relation)
    )


def _id_number(r):
    """The row's ID number, and the date of birth it holds (None unless the number is valid)."""
    id_number = r.get("id_number")
    if not id_number:
        return "", None
    id_number = normalize_id_number(id_number)
    try:
        validate_id_number(id_number)
    except ValidationError as e:
        r.fail("id_number", " ".join(e.messages))
        return id_number, None
    return id_number, birth_date_from_id(id_number)


def _date_of_birth(r, id_number, birth_from_id):
    """The date of birth as written, which must agree with the ID number; left empty, the ID's."""
    text = r.get("date_of_birth")
    if not text:
        if birth_from_id is None and r.ok:
            r.fail("date_of_birth", _("Give the date of birth or a valid ID number."))
        return birth_from_id
    date_of_birth = parse_date(text)
    if date_of_birth is None or date_of_birth > datetime.date.today() or date_of_birth.year < 1880:
        r.fail("date_of_birth", _("“%(value)s” is not a date of birth; write it as 1940-05-12.") % {"value": text})
        return None
    if birth_from_id:
        try:
            validate_id_matches_birth_date(id_number, date_of_birth)
        except ValidationError as e:
            r.fail("date_of_birth", " ".join(e.messages))
    return date_of_birth


def _sex(r, words, id_number, birth_from_id):
    sex = r.choice("sex", words["sex"])
    if sex is None and not r.get("sex"):
        if birth_from_id:
            return "M" if int(id_number[16]) % 2 else "F"  # GB 11643: odd for men
        r.fail("sex", _("Empty, but this column is required."))
    return sex


def _claim_id_number(plan, seen_ids, r, id_number):
    """An ID number stands on one row of the file: a second one is an error on both rows."""
    if not id_number:
        return True
    if (other := seen_ids.get(id_number)) is not None:
        r.fail("id_number", _("The same ID number as row %(row)d.") % {"row": other})
        plan.error(other, r.header.label["id_number"], _("The same ID number as row %(row)d.") % {"row": r.number})
        return False
    seen_ids[id_number] = r.number
    return True


def _household_of(plan, r, tags):
    """The household at the row's address, new with its first row; its tags are the same on every row."""
    road, building, unit, room = r.get("road"), r.get("building"), r.get("unit"), r.get("room")
    address = compose_address(road, building, unit, room)
    if len(address) > Household._meta.get_field("address").max_length:
        r.fail("road", _("The address is too long."))
        return None
    household = plan.households.get(address)
    if household is None:
        household = plan.households[address] = HouseholdRow(
            r.number, address, sys.intern(road), sys.intern(building), sys.intern(unit), sys.intern(room), tags
        )
    elif tags:
        if household.tags and tags != household.tags:
            r.fail("tags", _("Differs from row %(row)d of the same household.") % {"row": household.row})
            return None
        household.tags = tags
    return household


def _merge_household_values(household, r, *, phone, tenure):
    """The household's head, phone and tenure: the first row that gives one sets it, and a later
    row may repeat it or leave it empty, not contradict it."""
    for key, value in (("head_name", r.get("head_name")), ("phone", phone), ("tenure", tenure)):
        if not value:
            continue
        known = getattr(household, key)
        if known and known != value:
            row = getattr(household, f"{key}_row")
            r.fail(key, _("Differs from row %(row)d of the same household.") % {"row": row})
            return False
        if not known:
            setattr(household, key, sys.intern(value) if key == "tenure" else value)
            setattr(household, f"{key}_row", r.number)
    return True


# --- shops ---------------------------------------------------------------------------------------


def read_shop_row(plan, seen, r):
    words = cols.choice_words()
    business_type = r.choice("business_type", words["business_type"])
    street_front = r.choice("street_front", words["street_front"])
    phone = r.checked("phone", validate_phone)
    if not r.ok:
        return
    road, building, room = r.get("road"), r.get("building"), r.get("room")
    address = compose_address(road, building, "", room)
    if len(address) > Shop._meta.get_field("address").max_length:
        r.fail("road", _("The address is too long."))
        return
    key = (address, r.get("name"))
    if key in seen:
        r.fail("name", _("The same shop (name and address) as row %(row)d.") % {"row": seen[key]})
        return
    seen[key] = r.number
    values = {}
    for column, model_field, value in (
        ("business_type", "business_type", business_type),
        ("street_front", "street_front", street_front),
        ("operator", "operator_name", r.get("operator")),
        ("phone", "phone", phone),
        ("licence", "licence_number", r.get("licence")),
        ("notes", "notes", r.get("notes")),
    ):
        if column in r.header and value is not None:
            values[model_field] = value
    plan.shops.append(ShopRow(r.number, r.get("name"), address, road, building, values))
