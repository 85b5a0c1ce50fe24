"""Each data row checked and turned into its record: a resident's row into its household (rows
with the same address are one household), a shop's row into a shop. Every problem is reported
against the row and column it was found in; nothing here reads the register."""

import datetime
import sys

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gridapp.core.validators import birth_date_from_id, normalize_id_number, validate_mobile, validate_phone
from gridapp.models import Household, Shop
from gridapp.register.id_numbers import check_id_number

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
    id_number, date_of_birth, birth_from_id = _id_number_and_birth_date(r)
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


def _id_number_and_birth_date(r):
    """The ID number, checked with the date of birth as every way into the register checks it
    (``check_id_number``); the date of birth, the ID number's when it is left empty; and the
    date the ID number holds (None unless the number is valid)."""
    text = r.get("date_of_birth")
    written = _written_date_of_birth(text)
    raw = r.get("id_number")
    try:
        id_number = check_id_number(raw, date_of_birth=written, registered=False)
        valid = bool(id_number)
    except ValidationError as e:
        r.fail_with(e)
        id_number, valid = normalize_id_number(raw), "id_number" not in e.message_dict
    birth_from_id = birth_date_from_id(id_number) if valid else None
    if text and written is None:
        r.fail("date_of_birth", _("“%(value)s” is not a date of birth; write it as 1940-05-12.") % {"value": text})
    elif not text and birth_from_id is None and r.ok:
        r.fail("date_of_birth", _("Give the date of birth or a valid ID number."))
    return id_number, written if text else birth_from_id, birth_from_id


def _written_date_of_birth(text):
    """The date of birth in the file, or None if it is not a date someone alive was born on."""
    date_of_birth = parse_date(text) if text else None
    if date_of_birth is None or date_of_birth > datetime.date.today() or date_of_birth.year < 1880:
        return None
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
