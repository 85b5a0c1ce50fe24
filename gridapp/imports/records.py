"""The plan's bookkeeping: one small slotted record per row of the file, and the plan that holds
them with its errors and counts. Nothing here reads the file or the register."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings

from . import columns as cols

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

    def count(self, *, changed):
        """A matched record: updated if anything about it changes, else unchanged."""
        if changed:
            self.updated += 1
        else:
            self.unchanged += 1


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
    sample_rows: list = field(default_factory=list)  # the template's example rows, skipped

    def label(self, key):
        return self.labels.get(key) or next(c.header for c in cols.COLUMNS[self.kind] if c.key == key)

    def error(self, row, column, message):
        self.error_count += 1
        if len(self.errors) < settings.GRIDAPP_IMPORT_MAX_ERRORS:
            self.errors.append({"row": row, "column": column, "message": str(message)})

    @property
    def ok(self):
        return self.error_count == 0
