"""The typhoon roster (story 6): the vulnerable residents of a grid or community, by building.

Vulnerable: living alone (the person category, or the household's "living alone" tag), 80 or
over (today in Asia/Shanghai), dependent on medical equipment, or disabled. Archived residents
and households are left out. Phones are full — the roster exists to call them; ID numbers are
not on it at all. Health notes only where the user may read them (``scope.can_see_health_notes``:
the grid's workers and the community's staff, not admins as such).

Beside the residents, each building's section lists its open flood and structural hazards
(``ROSTER_HAZARD_KINDS``, from the hazard register): a loose balcony rail, a flooding basement.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridapp import scope
from gridapp.models import Household, HouseholdTag, HouseholdTagLink, PersonCategory, Resident, ResidentCategoryLink
from visits import scope as visit_scope
from visits.hazard_models import OPEN_STATES

from .sheets import header, narrow
from .xlsx import Sheet

OLD_AGE = 80
CATEGORIES = (PersonCategory.ELDERLY_ALONE, PersonCategory.MEDICAL_EQUIPMENT, PersonCategory.DISABLED)
# The hazard kinds (their codes, visits migration 0008) a typhoon makes urgent.
ROSTER_HAZARD_KINDS = ("flood", "structure")
RISK_ORDER = {"high": 0, "medium": 1, "low": 2}


def natural_key(text):
    """ "临江路10幢" after "临江路4幢": digits compare as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text or "") if part]


def born_on_or_before(today, years):
    """The last date of birth of someone who is ``years`` old today (29 February → 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return datetime.date(today.year - years, 2, 28)


@dataclass
class Row:
    resident: object
    age: int
    reasons: list
    health_notes: str

    @property
    def place(self):
        """The room within its building's section ("1单元302室"), or the whole address."""
        household = self.resident.household
        prefix = str(household.building) if household.building_id else ""
        if prefix and household.address.startswith(prefix) and household.address != prefix:
            return household.address[len(prefix) :]
        return household.address


@dataclass
class Section:
    title: str
    rows: list = field(default_factory=list)
    hazards: list = field(default_factory=list)  # open flood and structural hazards

    @property
    def households(self):
        return len({row.resident.household_id for row in self.rows})


def sections(user, where, today=None):
    """The roster as sections, one per building (road, then building number in number order),
    then "other addresses" for households without a building; within each, by unit and room."""
    today = today or timezone.localdate()
    oldest_birthday = born_on_or_before(today, OLD_AGE)
    in_category = ResidentCategoryLink.objects.filter(resident=OuterRef("pk"), category__in=CATEGORIES)
    alone = HouseholdTagLink.objects.filter(household=OuterRef("household"), tag=HouseholdTag.LIVING_ALONE)
    residents = (
        narrow(scope.residents(user), where, "household__grid")
        .filter(Q(Exists(in_category)) | Q(Exists(alone)) | Q(date_of_birth__lte=oldest_birthday))
        .select_related("household__building", "household__grid__community")
        .prefetch_related("categories", "household__tags")
    )
    health = {}  # grid id → may the user read its health notes
    by_building = {}
    for r in residents:
        grid = r.household.grid
        if grid.pk not in health:
            health[grid.pk] = scope.can_see_health_notes(user, grid)
        age = r.age_on(today)
        row = Row(r, age, _reasons(r, age), r.health_notes if health[grid.pk] else "")
        by_building.setdefault(r.household.building, []).append(row)
    hazards = open_hazards(user, where)
    for building in hazards:
        by_building.setdefault(building, [])
    result = []
    for building in sorted((b for b in by_building if b is not None), key=lambda b: (b.road, natural_key(b.number))):
        title = f"{building}" + (f" {building.name}" if building.name else "")
        rows = sorted(
            by_building[building],
            key=lambda row: (natural_key(row.resident.household.unit), natural_key(row.resident.household.room)),
        )
        result.append(Section(title, rows, hazards.get(building, [])))
    if None in by_building:
        rows = sorted(by_building[None], key=lambda row: natural_key(row.resident.household.address))
        result.append(Section(_("Other addresses"), rows, hazards.get(None, [])))
    return result


def open_hazards(user, where):
    """{building (None: no building): [its open flood and structural hazards, highest risk first]}."""
    hazards = narrow(visit_scope.hazards(user), where, "grid").filter(
        state__in=OPEN_STATES, kind__code__in=ROSTER_HAZARD_KINDS
    )
    by_building = {}
    for hazard in sorted(hazards, key=lambda h: (RISK_ORDER.get(h.risk, 3), h.found_at)):
        by_building.setdefault(hazard.building, []).append(hazard)
    return by_building


def hazard_line(hazard):
    """One hazard as the roster prints it: kind, risk, place, what."""
    place = hazard.place or (hazard.household.address if hazard.household else "")
    return " · ".join(p for p in (f"⚠ {hazard.kind}", hazard.get_risk_display(), place, hazard.description) if p)


def _reasons(resident, age):
    categories = {c.category for c in resident.categories.all()}
    reasons = []
    if PersonCategory.ELDERLY_ALONE in categories:
        reasons.append(PersonCategory.ELDERLY_ALONE.label)
    elif any(t.tag == HouseholdTag.LIVING_ALONE for t in resident.household.tags.all()):
        reasons.append(HouseholdTag.LIVING_ALONE.label)
    if age >= OLD_AGE:
        reasons.append(_("Aged %(age)d") % {"age": age})
    for category in (PersonCategory.MEDICAL_EQUIPMENT, PersonCategory.DISABLED):
        if category in categories:
            reasons.append(category.label)
    return [str(reason) for reason in reasons]


CHECKBOXES = "☐ {}  ☐ {}"


def write(workbook, title, roster_sections):
    """One sheet, a section per building with a page break before each but the first: the
    whole roster prints in one go with each building on its own pages, the header row repeats
    on every page, and the list can still be sorted or filtered as one table."""
    sheet = Sheet(
        workbook,
        _("Typhoon roster"),
        title=title,
        landscape=True,
        columns=[
            (header(Household, "address"), 22),
            (header(Resident, "name"), 10),
            (_("Age"), 5),
            (header(Resident, "sex"), 5),
            (_("Why vulnerable"), 22),
            (header(Resident, "mobile"), 14),
            (header(Household, "phone"), 14),
            (header(Resident, "emergency_contact_name"), 12),
            (header(Resident, "emergency_contact_relation"), 7),
            (header(Resident, "emergency_contact_phone"), 14),
            (header(Resident, "health_notes"), 30),
            (_("Checked / moved to safety"), 16),
        ],
    )
    checkboxes = CHECKBOXES.format(_("checked"), _("moved"))
    for index, section in enumerate(roster_sections):
        if index:
            sheet.page_break()
        sheet.heading(section.title)
        for hazard in section.hazards:  # above the residents, not counted as rows of data
            sheet.heading(hazard_line(hazard))
        for row in section.rows:
            r = row.resident
            sheet.add(
                [
                    r.household.address,
                    r.name,
                    row.age,
                    r.get_sex_display(),
                    "、".join(row.reasons),
                    r.mobile,
                    r.household.phone,
                    r.emergency_contact_name,
                    r.emergency_contact_relation,
                    r.emergency_contact_phone,
                    row.health_notes,
                    checkboxes,
                ],
                wrap=True,
            )
    return sheet.rows
