"""Keeping the search keys current (``gridapp.models.SearchKey``): every write of a name, a phone,
an ID number, an address or a grid rewrites the record's keys, in the same transaction. The
register's services call ``refresh`` for the record they wrote, the import for every row it
wrote (in batches), the admin after its save, the demo world for the grids it built.

Keys are read back from the rows as written, so a caller names records, not values.
"""

from gridapp.core import search_keys
from gridapp.models import Building, Household, Resident, SearchKey, SearchKind, Shop

BATCH = 2000

# kind → (model, the path to its grid, the fields its keys come from, how)
SOURCES = {
    SearchKind.RESIDENT: (Resident, "household__grid_id", ("name", "mobile", "id_number"), search_keys.resident_keys),
    SearchKind.HOUSEHOLD: (Household, "grid_id", ("head_name", "phone", "address"), search_keys.household_keys),
    SearchKind.SHOP: (Shop, "grid_id", ("name", "operator_name", "phone", "address"), search_keys.shop_keys),
    SearchKind.BUILDING: (Building, "grid_id", ("road", "number", "name"), search_keys.building_keys),
}


def refresh(*, residents=(), households=(), shops=(), buildings=()):
    """Rewrite the keys of these records (ids or records), a batch at a time."""
    for kind, records in (
        (SearchKind.RESIDENT, residents),
        (SearchKind.HOUSEHOLD, households),
        (SearchKind.SHOP, shops),
        (SearchKind.BUILDING, buildings),
    ):
        ids = [getattr(record, "pk", record) for record in records]
        for start in range(0, len(ids), BATCH):
            _rewrite(kind, ids[start : start + BATCH])


def _rewrite(kind, ids):
    model, grid, fields, keys_of = SOURCES[kind]
    rows = model._base_manager.filter(pk__in=ids).values_list("pk", grid, *fields)
    SearchKey.objects.filter(kind=kind, record_id__in=ids).delete()
    SearchKey.objects.bulk_create(
        [
            SearchKey(kind=kind, record_id=pk, grid_id=grid_id, key=key)
            for pk, grid_id, *values in rows
            for key in keys_of(*values)
        ],
        batch_size=BATCH,
    )


def refresh_household(household):
    """A household and its residents, whose keys carry its grid."""
    refresh(households=[household], residents=household.residents.values_list("pk", flat=True))


def refresh_grids(grids):
    """Every record of these grids (the demo world, after building them with the ORM)."""
    refresh(
        residents=Resident._base_manager.filter(household__grid__in=grids).values_list("pk", flat=True),
        households=Household._base_manager.filter(grid__in=grids).values_list("pk", flat=True),
        shops=Shop._base_manager.filter(grid__in=grids).values_list("pk", flat=True),
        buildings=Building._base_manager.filter(grid__in=grids).values_list("pk", flat=True),
    )
