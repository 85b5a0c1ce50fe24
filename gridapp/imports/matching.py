"""The plan's rows matched against the register, in bulk: chunks of ids, addresses and ID
numbers, a handful of queries per thousand rows however large the register. Each record learns
whether it creates, updates or leaves alone a row of the register, and what it changes.

Matching: households on their address within the grid's community, residents on their ID
number (or, without one, on name and date of birth within the household), shops on address
and name within the community, buildings on (community, road, number).
"""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridapp.models import Building, Household, HouseholdTagLink, Resident, ResidentCategoryLink, Shop

from . import columns as cols
from .records import HOUSEHOLD_FIELDS, RESIDENT_FIELDS, SHOP_FIELDS, Counts

CHUNK = 2000  # ids per IN (…) lookup
HOUSEHOLD_IN_ANOTHER_GRID = gettext_lazy(
    "A household at %(address)s belongs to another grid of the community; choose that grid."
)
SHOP_IN_ANOTHER_GRID = gettext_lazy(
    "A shop of this name at %(address)s belongs to another grid of the community; choose that grid."
)


def _in_chunks(values):
    values = list(values)
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


def _changed(values, current):
    """The values that differ from the register's."""
    return {k: v for k, v in values.items() if current[k] != v}


def _added_and_removed(wanted, have):
    """The tags or categories to add and to remove, sorted so that the preview and the writes are stable."""
    return tuple(sorted(wanted - have)), tuple(sorted(have - wanted))


def _in_another_grid(plan, row, current, message):
    """Whether the matched record belongs to another grid of the community: an error on the row,
    since an import into one grid never moves a household or shop out of another."""
    if current["grid_id"] == plan.grid.pk:
        return False
    plan.error(row.row, plan.label("road"), message % {"address": row.address})
    return True


# --- buildings -----------------------------------------------------------------------------------


def _load_buildings(community_id, keys):
    roads = {road for road, _number in keys}
    found = {}
    for chunk in _in_chunks(roads):
        for pk, road, number, grid_id in Building.objects.filter(community_id=community_id, road__in=chunk).values_list(
            "pk", "road", "number", "grid_id"
        ):
            found[(road, number)] = (pk, grid_id)
    return found


def match_buildings(plan, rows):
    """Each row's building: an existing one of the community (of the chosen grid), or a new one."""
    keys = {(row.road, row.building) for row in rows if row.building}
    existing = _load_buildings(plan.grid.community_id, keys)
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


# --- households and residents ----------------------------------------------------------------


def plan_households(plan):
    """Match and compare a chunk of households (and their residents) at a time, so the rows
    read from the register are held for one chunk only, however many match."""
    households = list(plan.households.values())
    match_buildings(plan, households)
    counts = {"households": Counts(), "residents": Counts()}
    for i in range(0, len(households), CHUNK):
        chunk = households[i : i + CHUNK]
        existing, tags = _existing_households(plan, chunk)
        for household in chunk:
            _plan_household(plan, household, existing.get(household.address), tags, counts["households"])
        residents = [r for h in chunk for r in h.residents]
        by_id = _existing_residents_by_id(r.id_number for r in residents if r.id_number)
        without_id = _existing_residents_without_id([h.pk for h in chunk if h.pk])
        categories = _existing_categories(by_id, without_id)
        for household in chunk:
            for resident in household.residents:
                current = _current_resident(plan, household, resident, by_id, without_id)
                if current is not False:
                    _plan_resident(plan, household, resident, current, categories, counts["residents"])
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
        counts.created += 1
        return
    if _in_another_grid(plan, household, current, HOUSEHOLD_IN_ANOTHER_GRID):
        return
    household.pk = current["pk"]
    if values["tenure"] is None:
        del values["tenure"]
    household.changes = _changed(values, current)
    if household.tags is not None:
        household.add_tags, household.remove_tags = _added_and_removed(household.tags, tags.get(current["pk"], set()))
    counts.count(changed=household.changes or household.add_tags or household.remove_tags)


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


def _current_resident(plan, household, resident, by_id, without_id):
    """The registered resident the row is about, None for a new one, or False when the ID number
    is another community's (an error: its staff archive the resident first)."""
    if not resident.id_number:
        return without_id.get((household.pk, resident.name, resident.date_of_birth)) if household.pk else None
    current = by_id.get(resident.id_number)
    if current and current["household__grid__community_id"] != plan.grid.community_id:
        plan.error(
            resident.row,
            plan.label("id_number"),
            _("This ID number is registered in another community; its staff must archive the resident first."),
        )
        return False
    return current


def _plan_resident(plan, household, resident, current, categories, counts):
    if current is None:
        resident.changes = None  # created: the writer takes the row's own values
        resident.add_categories = tuple(sorted(resident.categories or ()))
        counts.created += 1
        return
    values = resident.fields(plan.resident_fields)
    resident.pk = current["pk"]
    if household.pk != current["household_id"]:
        values["household_id"] = household.pk  # moved house; None until a new household is written
    resident.changes = _changed(values, current)
    if resident.categories is not None:
        have = categories.get(current["pk"], set())
        resident.add_categories, resident.remove_categories = _added_and_removed(resident.categories, have)
    counts.count(changed=resident.changes or resident.add_categories or resident.remove_categories)


def check_duplicate_residents_without_id(plan):
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


def _existing_shops(plan):
    existing = {}
    fields = ("pk", "grid_id", "address", "name", *SHOP_FIELDS)
    for chunk in _in_chunks({s.address for s in plan.shops}):
        for values in (
            Shop.objects.filter(grid__community_id=plan.grid.community_id, address__in=chunk, archived_at__isnull=True)
            .order_by("pk")
            .values(*fields)
        ):
            existing.setdefault((values["address"], values["name"]), values)
    return existing


def plan_shops(plan):
    match_buildings(plan, plan.shops)
    existing = _existing_shops(plan)
    counts = Counts()
    for shop in plan.shops:
        current = existing.get((shop.address, shop.name))
        if current is None:
            shop.changes = {"business_type": "retail", "street_front": True, **shop.values}
            counts.created += 1
        elif not _in_another_grid(plan, shop, current, SHOP_IN_ANOTHER_GRID):
            _plan_shop(plan, shop, current)
            counts.count(changed=shop.changes)
    plan.counts = {"shops": counts.as_dict()}


def _plan_shop(plan, shop, current):
    shop.pk = current["pk"]
    values = dict(shop.values)
    if shop.building_key and shop.building_key in plan.buildings:
        values["building_id"] = plan.buildings[shop.building_key]
    shop.changes = _changed(values, current)
    if shop.building_key in plan.new_buildings:
        shop.changes["building_id"] = None  # set once the building is written
