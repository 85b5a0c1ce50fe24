"""What an import file would change: every row checked, matched against the register and
sorted into created / updated / unchanged, without writing anything.

``build_plan`` streams the file once, keeps one small slotted record per row, then looks the
register up in bulk (chunks of ids, addresses, ID numbers: a handful of queries per thousand
rows, however large the register) so that a 100,000-row file is planned in seconds. The same
plan is shown as the preview and, rebuilt inside the import's transaction, written by
``gridapp.imports.writer``.

Matching: households on their address within the grid's community, residents on their ID
number (or, without one, on name and date of birth within the household), shops on address
and name within the community, buildings on (community, road, number).
"""

import datetime
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gridapp.core.validators import (
    birth_date_from_id,
    normalize_id_number,
    normalize_phone,
    validate_id_matches_birth_date,
    validate_id_number,
    validate_mobile,
    validate_phone,
)
from gridapp.models import Building, Household, HouseholdTagLink, Resident, ResidentCategoryLink, Shop

from . import columns as cols
from .reader import FileRejected, open_rows

CHUNK = 2000  # ids per IN (…) lookup
PROGRESS_EVERY = 1000  # rows between progress reports and cancel checks
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")

HOUSEHOLD_FIELDS = ("head_name", "phone", "tenure")
RESIDENT_FIELDS = (
    "household_id",
    "name",
    "sex",
    "date_of_birth",
    "id_number",
    "mobile",
    "is_head",
    "relation_to_head",
    "health_notes",
    "emergency_contact_name",
    "emergency_contact_phone",
)
# The optional resident columns: column key → Resident field.
RESIDENT_COLUMNS = (
    ("mobile", "mobile"),
    ("relation", "relation_to_head"),
    ("health_notes", "health_notes"),
    ("emergency_contact", "emergency_contact_name"),
    ("emergency_phone", "emergency_contact_phone"),
)
SHOP_FIELDS = ("building_id", "business_type", "street_front", "operator_name", "phone", "licence_number", "notes")


class Cancelled(Exception):
    """Someone pressed Cancel; nothing of the import is kept."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self):
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass(slots=True)
class ResidentRow:
    row: int
    name: str
    sex: str
    date_of_birth: datetime.date | None
    id_number: str
    values: tuple  # the optional columns present in the file, in the order of Plan.resident_fields
    categories: frozenset | None  # None: the column is not in the file, leave them as they are
    relation: str
    is_head: bool = False
    pk: int | None = None  # the matched resident
    changes: dict | None = None  # field → new value, for a matched resident
    add_categories: tuple = ()
    remove_categories: tuple = ()

    def fields(self, optional):
        return {
            "name": self.name,
            "sex": self.sex,
            "date_of_birth": self.date_of_birth,
            "id_number": self.id_number,
            "is_head": self.is_head,
            **dict(zip(optional, self.values, strict=True)),
        }


@dataclass(slots=True)
class HouseholdRow:
    row: int
    address: str
    road: str
    building: str
    unit: str
    room: str
    tags: frozenset | None
    # The first non-empty value of each in the household's rows, and the row it came from.
    head_name: str = ""
    phone: str = ""
    tenure: str = ""
    head_name_row: int = 0
    phone_row: int = 0
    tenure_row: int = 0
    residents: list = field(default_factory=list)
    pk: int | None = None
    building_key: tuple | None = None
    changes: dict | None = None
    add_tags: tuple = ()
    remove_tags: tuple = ()


@dataclass(slots=True)
class ShopRow:
    row: int
    name: str
    address: str
    road: str
    building: str
    values: dict
    pk: int | None = None
    building_key: tuple | None = None
    changes: dict | None = None


@dataclass
class Plan:
    kind: str
    grid: object
    total_rows: int = 0
    errors: list = field(default_factory=list)
    error_count: int = 0
    households: dict = field(default_factory=dict)  # address → HouseholdRow
    shops: list = field(default_factory=list)
    new_buildings: dict = field(default_factory=dict)  # (road, number) → None until written
    buildings: dict = field(default_factory=dict)  # (road, number) → pk
    counts: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)  # column key → its header in the file
    resident_fields: tuple = ()  # the optional resident fields the file has columns for

    def label(self, key):
        return self.labels.get(key) or next(c.header for c in cols.COLUMNS[self.kind] if c.key == key)

    def error(self, row, column, message):
        self.error_count += 1
        if len(self.errors) < settings.GRIDAPP_IMPORT_MAX_ERRORS:
            self.errors.append({"row": row, "column": column, "message": str(message)})

    @property
    def ok(self):
        return self.error_count == 0


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


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(text):
    match = _DATE_RE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    elif len(text) == 8 and text.isdigit():
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    else:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


class _Header:
    """Which column of the file holds which field; the header text names the column in errors."""

    def __init__(self, kind, header_cells):
        lookup = cols.header_lookup(kind)
        self.index = {}
        self.label = {}
        for i, cell in enumerate(header_cells):
            column = lookup.get(cols.header_key(cell_text(cell)))
            if column and column.key not in self.index:
                self.index[column.key] = i
                self.label[column.key] = cell_text(cell)
        missing = [c.header for c in cols.COLUMNS[kind] if c.required and c.key not in self.index]
        if missing:
            raise FileRejected(
                _("Required columns are missing: %(columns)s. Download the template to see the columns.")
                % {"columns": "、".join(missing)}
            )
        self.columns = [(c, self.index[c.key]) for c in cols.COLUMNS[kind] if c.key in self.index]

    def __contains__(self, key):
        return key in self.index


class _RowReader:
    """One data row's cells, each checked for length and requiredness as it is read."""

    def __init__(self, plan, header, number, cells):
        self.plan, self.header, self.number = plan, header, number
        self.text = {}
        self.ok = True
        for column, i in header.columns:
            value = cell_text(cells[i]) if i < len(cells) else ""
            if column.max_length and len(value) > column.max_length:
                self.fail(
                    column.key,
                    _("Too long: at most %(max)d characters, this has %(count)d.")
                    % {"max": column.max_length, "count": len(value)},
                )
                value = ""
            elif column.required and not value:
                self.fail(column.key, _("Empty, but this column is required."))
            self.text[column.key] = value

    def get(self, key):
        return self.text.get(key, "")

    def fail(self, key, message):
        self.ok = False
        self.plan.error(self.number, self.header.label.get(key, key), message)

    def choice(self, key, words):
        value = self.get(key)
        if not value:
            return None
        found = words.get(value.lower())
        if found is None:
            self.fail(key, _("Unknown value “%(value)s”.") % {"value": value})
        return found

    def choices(self, key, words):
        if key not in self.header:
            return None
        found = set()
        for word in cols.LIST_SEPARATORS.split(self.get(key)):
            if not (word := word.strip()):
                continue
            value = words.get(word.lower())
            if value is None:
                self.fail(key, _("Unknown value “%(value)s”.") % {"value": word})
            else:
                found.add(value)
        return frozenset(found)

    def checked(self, key, validator, normalize=normalize_phone):
        value = self.get(key)
        if not value:
            return ""
        value = normalize(value)
        try:
            validator(value)
        except ValidationError as e:
            self.fail(key, " ".join(e.messages))
        return value


def _read(plan, path, file_format, encoding, read_row, report, expected_rows):
    """Stream the file: the header, then ``read_row(reader)`` for each non-empty data row,
    reporting progress against the rows expected (estimated when the file was uploaded)."""
    max_rows = settings.GRIDAPP_IMPORT_MAX_ROWS
    with open_rows(path, file_format, encoding) as rows:
        header = None
        for number, cells in enumerate(rows, start=1):
            if header is None:
                if not any(cell_text(c) for c in cells):
                    continue  # blank lines above the header
                header = _Header(plan.kind, cells)
                plan.labels = header.label
                plan.resident_fields = tuple(f for key, f in RESIDENT_COLUMNS if key in header.index)
                header_row = number
                continue
            if not any(cell_text(c) for c in cells):
                continue
            plan.total_rows += 1
            if plan.total_rows > max_rows:
                raise FileRejected(
                    _("The file has more than %(max)s rows; split it into smaller files.") % {"max": f"{max_rows:,}"}
                )
            read_row(_RowReader(plan, header, number - header_row + 1, cells))
            if plan.total_rows % PROGRESS_EVERY == 0:
                report("checking", plan.total_rows, max(expected_rows, plan.total_rows))
    if header is None:
        raise FileRejected(_("The file is empty."))
    if plan.total_rows == 0:
        raise FileRejected(_("The file has a header but no rows to import."))


# --- households and residents ----------------------------------------------------------------


def _read_household_row(plan, seen_ids, r):
    road, building, unit, room = r.get("road"), r.get("building"), r.get("unit"), r.get("room")
    words = cols.choice_words()
    id_number = r.get("id_number")
    birth_from_id = None
    if id_number:
        id_number = normalize_id_number(id_number)
        try:
            validate_id_number(id_number)
            birth_from_id = birth_date_from_id(id_number)
        except ValidationError as e:
            r.fail("id_number", " ".join(e.messages))
    date_of_birth = None
    if text := r.get("date_of_birth"):
        date_of_birth = parse_date(text)
        if date_of_birth is None or date_of_birth > datetime.date.today() or date_of_birth.year < 1880:
            r.fail("date_of_birth", _("“%(value)s” is not a date of birth; write it as 1940-05-12.") % {"value": text})
            date_of_birth = None
        elif birth_from_id:
            try:
                validate_id_matches_birth_date(id_number, date_of_birth)
            except ValidationError as e:
                r.fail("date_of_birth", " ".join(e.messages))
    elif birth_from_id:
        date_of_birth = birth_from_id
    elif r.ok:
        r.fail("date_of_birth", _("Give the date of birth or a valid ID number."))
    sex = r.choice("sex", words["sex"])
    if sex is None and not r.get("sex"):
        if birth_from_id:
            sex = "M" if int(id_number[16]) % 2 else "F"  # GB 11643: odd for men
        else:
            r.fail("sex", _("Empty, but this column is required."))
    tenure = r.choice("tenure", words["tenure"])
    tags = r.choices("tags", words["tags"])
    categories = r.choices("categories", words["categories"])
    phone = r.checked("phone", validate_phone)
    mobile = r.checked("mobile", validate_mobile)
    emergency_phone = r.checked("emergency_phone", validate_phone)
    if not r.ok:
        return
    if id_number:
        if (other := seen_ids.get(id_number)) is not None:
            r.fail("id_number", _("The same ID number as row %(row)d.") % {"row": other})
            plan.error(other, r.header.label["id_number"], _("The same ID number as row %(row)d.") % {"row": r.number})
            return
        seen_ids[id_number] = r.number
    address = compose_address(road, building, unit, room)
    if len(address) > Household._meta.get_field("address").max_length:
        r.fail("road", _("The address is too long."))
        return
    household = plan.households.get(address)
    if household is None:
        household = plan.households[address] = HouseholdRow(
            r.number, address, sys.intern(road), sys.intern(building), sys.intern(unit), sys.intern(room), tags
        )
    elif tags:
        if household.tags and tags != household.tags:
            r.fail("tags", _("Differs from row %(row)d of the same household.") % {"row": household.row})
            return
        household.tags = tags
    for key, value in (("head_name", r.get("head_name")), ("phone", phone), ("tenure", tenure or "")):
        if not value:
            continue
        known = getattr(household, key)
        if known and known != value:
            row = getattr(household, f"{key}_row")
            r.fail(key, _("Differs from row %(row)d of the same household.") % {"row": row})
            return
        if not known:
            setattr(household, key, sys.intern(value) if key == "tenure" else value)
            setattr(household, f"{key}_row", r.number)
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


def _in_chunks(values):
    values = list(values)
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


def _load_buildings(plan, community_id, keys):
    roads = {road for road, _number in keys}
    found = {}
    for chunk in _in_chunks(roads):
        for pk, road, number, grid_id in Building.objects.filter(community_id=community_id, road__in=chunk).values_list(
            "pk", "road", "number", "grid_id"
        ):
            found[(road, number)] = (pk, grid_id)
    return found


def _match_buildings(plan, rows):
    """Each row's building: an existing one of the community (of the chosen grid), or a new one."""
    keys = {(row.road, row.building) for row in rows if row.building}
    existing = _load_buildings(plan, plan.grid.community_id, keys)
    for row in rows:
        if not row.building:
            continue
        key = (row.road, row.building)
        if key in existing:
            pk, grid_id = existing[key]
            if grid_id != plan.grid.pk:
                plan.error(
                    row.row,
                    plan.label("building"),
                    _("Building %(building)s belongs to another grid of the community.")
                    % {"building": f"{row.road}{row.building}幢"},
                )
                continue
            plan.buildings[key] = pk
        else:
            plan.new_buildings[key] = None
        row.building_key = key


def _plan_households(plan):
    """Match and compare a chunk of households (and their residents) at a time, so the rows
    read from the register are held for one chunk only, however many match."""
    households = list(plan.households.values())
    _match_buildings(plan, households)
    counts = {"households": Counts(), "residents": Counts()}
    for i in range(0, len(households), CHUNK):
        chunk = households[i : i + CHUNK]
        existing, tags = _existing_households(plan, chunk)
        for household in chunk:
            _plan_household(plan, household, existing.get(household.address), tags, counts)
        residents = [r for h in chunk for r in h.residents]
        by_id = _existing_residents_by_id(r.id_number for r in residents if r.id_number)
        without_id = _existing_residents_without_id([h.pk for h in chunk if h.pk])
        categories = _existing_categories(by_id, without_id)
        for household in chunk:
            for resident in household.residents:
                _plan_resident(plan, household, resident, by_id, without_id, categories, counts)
    plan.counts = {kind: c.as_dict() for kind, c in counts.items()}


def _existing_households(plan, chunk):
    """The current households at these addresses (the oldest, should there be two), and their tags."""
    existing = {}
    fields = ("pk", "grid_id", "address", *HOUSEHOLD_FIELDS)
    for values in (
        Household.objects.filter(
            grid__community_id=plan.grid.community_id,
            address__in=[h.address for h in chunk],
            archived_at__isnull=True,
        )
        .order_by("pk")
        .values(*fields)
    ):
        existing.setdefault(values["address"], values)
    tags = defaultdict(set)
    for household_id, tag in HouseholdTagLink.objects.filter(
        household_id__in=[v["pk"] for v in existing.values()]
    ).values_list("household_id", "tag"):
        tags[household_id].add(tag)
    return existing, tags


def _plan_household(plan, household, current, tags, counts):
    head = _head_of(plan, household)
    values = {"head_name": head or "", "tenure": household.tenure or None}
    if "phone" in plan.labels:
        values["phone"] = household.phone
    if current is None:
        household.changes = {"phone": "", **values, "tenure": values["tenure"] or "owner"}
        household.add_tags = tuple(sorted(household.tags or ()))
        counts["households"].created += 1
        return
    if current["grid_id"] != plan.grid.pk:
        plan.error(
            household.row,
            plan.label("road"),
            _("A household at %(address)s belongs to another grid of the community; choose that grid.")
            % {"address": household.address},
        )
        return
    household.pk = current["pk"]
    if values["tenure"] is None:
        del values["tenure"]
    household.changes = {k: v for k, v in values.items() if current[k] != v}
    if household.tags is not None:
        have = tags.get(current["pk"], set())
        household.add_tags = tuple(sorted(household.tags - have))
        household.remove_tags = tuple(sorted(have - household.tags))
    if household.changes or household.add_tags or household.remove_tags:
        counts["households"].updated += 1
    else:
        counts["households"].unchanged += 1


def _head_of(plan, household):
    """The head's name: the 户主姓名 column, else the resident whose relation is 本人."""
    heads = [r for r in household.residents if r.relation.lower() in cols.HEAD_RELATIONS]
    name = household.head_name or (heads[0].name if heads else "")
    if not name:
        plan.error(
            household.row,
            plan.label("head_name"),
            _("No head of household: give the head's name, or write 本人 as one resident's relation."),
        )
    for resident in household.residents:
        head = resident in heads if heads else resident.name == name
        resident.is_head = head
    return name


def _existing_residents_by_id(ids):
    found = {}
    fields = ("pk", "household__grid__community_id", *RESIDENT_FIELDS)
    for chunk in _in_chunks(ids):
        for values in Resident.objects.filter(id_number__in=chunk).values(*fields):
            found[values["id_number"]] = values
    return found


def _existing_residents_without_id(household_ids):
    found = {}
    for chunk in _in_chunks(household_ids):
        for values in Resident.objects.filter(household_id__in=chunk, id_number="").values("pk", *RESIDENT_FIELDS):
            found.setdefault((values["household_id"], values["name"], values["date_of_birth"]), values)
    return found


def _existing_categories(by_id, without_id):
    pks = [v["pk"] for v in by_id.values()] + [v["pk"] for v in without_id.values()]
    categories = defaultdict(set)
    for chunk in _in_chunks(pks):
        for resident_id, category in ResidentCategoryLink.objects.filter(resident_id__in=chunk).values_list(
            "resident_id", "category"
        ):
            categories[resident_id].add(category)
    return categories


def _plan_resident(plan, household, resident, by_id, without_id, categories, counts):
    current = None
    if resident.id_number:
        current = by_id.get(resident.id_number)
        if current and current["household__grid__community_id"] != plan.grid.community_id:
            plan.error(
                resident.row,
                plan.label("id_number"),
                _("This ID number is registered in another community; its staff must archive the resident first."),
            )
            return
    elif household.pk:
        current = without_id.get((household.pk, resident.name, resident.date_of_birth))
    if current is None:
        resident.changes = None  # created: the writer takes the row's own values
        resident.add_categories = tuple(sorted(resident.categories or ()))
        counts["residents"].created += 1
        return
    values = resident.fields(plan.resident_fields)
    resident.pk = current["pk"]
    if household.pk != current["household_id"]:
        values["household_id"] = household.pk  # moved house; None until a new household is written
    resident.changes = {k: v for k, v in values.items() if current[k] != v}
    if resident.categories is not None:
        have = categories.get(current["pk"], set())
        resident.add_categories = tuple(sorted(resident.categories - have))
        resident.remove_categories = tuple(sorted(have - resident.categories))
    if resident.changes or resident.add_categories or resident.remove_categories:
        counts["residents"].updated += 1
    else:
        counts["residents"].unchanged += 1


def _check_duplicate_residents_without_id(plan):
    for household in plan.households.values():
        seen = {}
        for resident in household.residents:
            if resident.id_number:
                continue
            key = (resident.name, resident.date_of_birth)
            if key in seen:
                plan.error(
                    resident.row,
                    plan.label("name"),
                    _("The same resident (name and date of birth) as row %(row)d.") % {"row": seen[key]},
                )
            seen.setdefault(key, resident.row)


# --- shops ---------------------------------------------------------------------------------------


def _read_shop_row(plan, seen, r):
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


def _plan_shops(plan):
    _match_buildings(plan, plan.shops)
    existing = {}
    fields = ("pk", "grid_id", "address", "name", *SHOP_FIELDS)
    for chunk in _in_chunks({s.address for s in plan.shops}):
        for values in (
            Shop.objects.filter(grid__community_id=plan.grid.community_id, address__in=chunk, archived_at__isnull=True)
            .order_by("pk")
            .values(*fields)
        ):
            existing.setdefault((values["address"], values["name"]), values)
    counts = Counts()
    for shop in plan.shops:
        current = existing.get((shop.address, shop.name))
        if current is None:
            shop.changes = {"business_type": "retail", "street_front": True, **shop.values}
            counts.created += 1
            continue
        if current["grid_id"] != plan.grid.pk:
            plan.error(
                shop.row,
                plan.label("road"),
                _("A shop of this name at %(address)s belongs to another grid of the community; choose that grid.")
                % {"address": shop.address},
            )
            continue
        shop.pk = current["pk"]
        values = dict(shop.values)
        if shop.building_key and shop.building_key in plan.buildings:
            values["building_id"] = plan.buildings[shop.building_key]
        shop.changes = {k: v for k, v in values.items() if current[k] != v}
        if shop.building_key in plan.new_buildings:
            shop.changes["building_id"] = None  # set once the building is written
        if shop.changes:
            counts.updated += 1
        else:
            counts.unchanged += 1
    plan.counts = {"shops": counts.as_dict()}


# --- the plan ------------------------------------------------------------------------------------------


def _no_report(phase, done, total):
    pass


def build_plan(*, kind, grid, path, file_format, encoding=None, report=None, expected_rows=0):
    """Read, check and match the file; raises FileRejected for a file that cannot be read at
    all, and ``report(phase, done, total)`` may raise Cancelled between rows."""
    report = report or _no_report
    plan = Plan(kind=kind, grid=grid)
    if kind == "households":
        seen_ids = {}
        read_row = lambda r: _read_household_row(plan, seen_ids, r)  # noqa: E731
    else:
        seen = {}
        read_row = lambda r: _read_shop_row(plan, seen, r)  # noqa: E731
    _read(plan, path, file_format, encoding, read_row, report, expected_rows)
    report("matching", plan.total_rows, plan.total_rows)
    if kind == "households":
        _check_duplicate_residents_without_id(plan)
        _plan_households(plan)
    else:
        _plan_shops(plan)
    plan.errors.sort(key=lambda e: e["row"])
    return plan
