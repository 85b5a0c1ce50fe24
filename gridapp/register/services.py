"""The register's writes: buildings, households, residents and shops created, edited, archived and
restored; what a grid worker adds at the door, and its confirmation by the community's staff; a
resident moved out or deceased. Forms validate; the register's pages and the admin call these.
Each rewrites the search keys of what it wrote (``search_index``), so the register's search finds
it at once.

Each is keyword-only and atomic, and its history names ``by`` whether it runs in a request or
not. An edit names the version the user loaded and raises ``Changed`` (who changed what since)
when someone saved the record in between: nothing is written then (``gridapp.core.versions``).
"""

from django.db import transaction
from django.utils import timezone

from gridapp import scope
from gridapp.core import history, versions
from gridapp.models import (
    Arrival,
    Building,
    Household,
    HouseholdTagLink,
    PersonCategory,
    Resident,
    ResidentCategoryLink,
    Shop,
)

from . import search_index
from .signals import placement_changed

Changed = versions.Changed

# What the grid's worker may change of a resident (scope.get_resident(contact_only=True)).
CONTACT_FIELDS = (
    "mobile",
    "health_notes",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relation",
)
# Rows kept in the record's history: a tag added is a change of the household.
HOUSEHOLD_LINKS = ((HouseholdTagLink, "household_id"),)
RESIDENT_LINKS = ((ResidentCategoryLink, "resident_id"),)


def _insert(obj, by):
    obj._history_user = by  # simple-history reads it before the request's user
    obj.save(force_insert=True)
    return obj


def _set_links(model, owner, name, wanted, by):
    """Tags or person categories: add the missing links, remove the others, one row at a time so
    each lands in the history with its author."""
    owner_field, owner_obj = owner
    links = model.objects.filter(**{owner_field: owner_obj})
    wanted = set(wanted)
    for link in links.exclude(**{f"{name}__in": wanted}):
        link._history_user = by
        link.delete()
    have = set(links.values_list(name, flat=True))
    for value in sorted(wanted - have):
        _insert(model(**{owner_field: owner_obj, name: value}), by)


# --- buildings ---------------------------------------------------------------------------------


@transaction.atomic
def building_create(*, by, grid, **fields):
    building = _insert(Building(community_id=grid.community_id, grid=grid, **fields), by)
    search_index.refresh(buildings=[building])
    return building


@transaction.atomic
def building_update(*, building, by, version, **changes):
    if "grid" in changes:
        changes["community_id"] = changes["grid"].community_id  # a building is in its grid's community
    versions.save_if_unchanged(building, by=by, version=version, **changes)
    search_index.refresh(buildings=[building])
    return building


# --- households --------------------------------------------------------------------------------


def _address(*, building, unit="", room="", address=""):
    """A flat's address is derived from its building, unit and room; a place without a building
    keeps the one written out."""
    if building is None:
        return address
    return Household(building=building, unit=unit, room=room).compose_address()


@transaction.atomic
def household_create(*, by, tags=(), **fields):
    household = Household(**fields)
    household.address = _address(
        building=household.building, unit=household.unit, room=household.room, address=household.address
    )
    _insert(household, by)
    _set_links(HouseholdTagLink, ("household", household), "tag", tags, by)
    search_index.refresh_household(household)
    return household


@transaction.atomic
def household_update(*, household, by, version, tags=None, **changes):
    """Edit a household; ``tags`` None leaves its tags as they are."""
    place = {name: changes.get(name, getattr(household, name)) for name in ("building", "unit", "room", "address")}
    changes["address"] = _address(**place)
    versions.save_if_unchanged(household, by=by, version=version, related=HOUSEHOLD_LINKS, **changes)
    if tags is not None:
        _set_links(HouseholdTagLink, ("household", household), "tag", tags, by)
    search_index.refresh_household(household)
    if {"grid", "grid_id"} & set(changes):
        _placed(household)
    return household


# --- residents ---------------------------------------------------------------------------------


@transaction.atomic
def resident_create(*, household, by, categories=(), **fields):
    resident = _insert(Resident(household=household, **fields), by)
    _set_links(ResidentCategoryLink, ("resident", resident), "category", categories, by)
    search_index.refresh(residents=[resident])
    return resident


@transaction.atomic
def resident_update(*, resident, by, version, categories=None, **changes):
    """Edit a resident (community staff, admins); ``categories`` None leaves them as they are."""
    versions.save_if_unchanged(resident, by=by, version=version, related=RESIDENT_LINKS, **changes)
    if categories is not None:
        _set_links(ResidentCategoryLink, ("resident", resident), "category", categories, by)
    search_index.refresh(residents=[resident])
    if {"household", "household_id"} & set(changes):
        _placed(resident)
    return resident


def resident_update_contact(*, resident, by, version, **contact):
    """The grid worker's edit: contact details and health notes, nothing else."""
    if unknown := set(contact) - set(CONTACT_FIELDS):
        raise TypeError(f"not a contact detail: {sorted(unknown)}")
    return resident_update(resident=resident, by=by, version=version, **contact)


# --- shops -------------------------------------------------------------------------------------


@transaction.atomic
def shop_create(*, by, **fields):
    shop = _insert(Shop(**fields), by)
    search_index.refresh(shops=[shop])
    return shop


@transaction.atomic
def shop_update(*, shop, by, version, **changes):
    versions.save_if_unchanged(shop, by=by, version=version, **changes)
    search_index.refresh(shops=[shop])
    return shop


# --- added at the door, confirmed by the community's staff ---------------------------------------


def _added(by, grid):
    """Who added the record; a grid worker's addition waits for the community's staff, while
    theirs (or an admin's) is confirmed as it is written."""
    if scope.manages(by, grid.community_id):
        return {"added_by": by, "confirmed_at": timezone.now(), "confirmed_by": by}
    return {"added_by": by, "confirmed_at": None, "confirmed_by": None}


def household_add(*, by, grid, tags=(), **fields):
    """A household the grid's worker found living in the grid."""
    return household_create(by=by, grid=grid, tags=tags, **_added(by, grid), **fields)


def resident_add(*, household, by, arrival, categories=(), **fields):
    """A resident who moved in, was born or rents in a household of the grid; a tenant is in the
    tenant / floating population category (the check-ins and rosters read categories)."""
    categories = {*categories, PersonCategory.TENANT} if arrival == Arrival.TENANT else set(categories)
    extra = _added(by, household.grid)
    return resident_create(household=household, by=by, categories=categories, arrival=arrival, **extra, **fields)


def shop_add(*, by, grid, **fields):
    """A shop that opened in the grid."""
    return shop_create(by=by, grid=grid, **_added(by, grid), **fields)


def confirm(*, record, by):
    """The community's staff confirm a household, resident or shop a grid worker added; False if
    it was confirmed already (or was never waiting)."""
    return versions.update_where(
        record,
        by=by,
        where={"added_by__isnull": False, "confirmed_at__isnull": True},
        reason=history.REASON_CONFIRMED,
        confirmed_at=timezone.now(),
        confirmed_by=by,
    )


def _placed(record):
    """Tell the apps above that a household or resident moved, left or came back."""
    if isinstance(record, Household):
        placement_changed.send(sender=Household, household_ids=[record.pk])
    elif isinstance(record, Resident):
        placement_changed.send(sender=Resident, resident_ids=[record.pk])


@transaction.atomic
def resident_depart(*, resident, by, departure, departed_on):
    """A resident moved out or deceased: archived with why and when, never deleted (the community's
    staff restore a mistake); they leave the check-ins and visit forms at once. False if the
    resident was archived already."""
    departed = versions.update_where(
        resident,
        by=by,
        where={"archived_at__isnull": True},
        archived_at=timezone.now(),
        departure=departure,
        departed_on=departed_on,
    )
    if departed:
        _placed(resident)
    return departed


# --- archive and restore -----------------------------------------------------------------------


@transaction.atomic
def archive(*, record, by):
    """Archive a household, resident or shop: it stays in the register and can be restored.
    Returns False if it was archived already."""
    archived = versions.update_where(record, by=by, where={"archived_at__isnull": True}, archived_at=timezone.now())
    if archived:
        _placed(record)
    return archived


@transaction.atomic
def restore(*, record, by):
    """Bring an archived household, resident or shop back; False if it was not archived. A
    resident's departure (moved out, deceased) goes with the archive: they are back."""
    departure = {"departure": "", "departed_on": None} if isinstance(record, Resident) else {}
    where = {"archived_at__isnull": False}
    if hasattr(record, "anonymised_at"):  # the retention job erased who it was: nothing to bring back
        where["anonymised_at__isnull"] = True
    restored = versions.update_where(record, by=by, where=where, archived_at=None, **departure)
    if restored:
        _placed(record)
    return restored
