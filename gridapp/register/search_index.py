"""Keeping the search keys current (``gridapp.models.SearchKey``): every write of a name, a phone,
an ID number, an address or a grid rewrites the record's keys, in the same transaction. The
register's services and the admin call ``refresh`` for the records they wrote (read back as
written); the import calls ``add`` for the rows it created (their keys computed from the rows
in hand, with nothing to read or delete) and ``refresh`` for those it changed; the demo world
calls ``refresh_grids`` for the grids it built.
"""

import io

from django.db import connection

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
KINDS = {model: kind for kind, (model, *_rest) in SOURCES.items()}
COLUMNS = "(kind, record_id, grid_id, key)"


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
    keys = [(kind, pk, grid_id, key) for pk, grid_id, *values in rows for key in keys_of(*values)]
    SearchKey.objects.filter(kind=kind, record_id__in=ids).delete()
    _insert(keys)


def add(records, *, grid_id):
    """The keys of records just created in one grid (an import's new rows, all of one model)."""
    if not records:
        return
    kind = KINDS[type(records[0])]
    _model, _grid, fields, keys_of = SOURCES[kind]
    _insert(
        [
            (kind, record.pk, grid_id, key)
            for record in records
            for key in keys_of(*(getattr(record, name) for name in fields))
        ]
    )


def _insert(keys):
    """Insert (kind, record id, grid id, key) rows without a model instance each: an import writes
    several for every row. On PostgreSQL through COPY, the fastest way in; elsewhere (SQLite, in
    the process) with ``executemany``."""
    if not keys:
        return
    table = SearchKey._meta.db_table
    with connection.cursor() as cursor:
        driver = cursor.cursor
        if connection.vendor == "postgresql" and hasattr(driver, "copy_expert"):
            # Text format: a key holds no tab or line break (search_keys.fold); a backslash is doubled.
            lines = (f"{kind}\t{pk}\t{grid}\t{key.replace(chr(92), chr(92) * 2)}\n" for kind, pk, grid, key in keys)
            driver.copy_expert(f"COPY {table} {COLUMNS} FROM STDIN", io.StringIO("".join(lines)))
        else:
            cursor.executemany(f"INSERT INTO {table} {COLUMNS} VALUES (%s, %s, %s, %s)", keys)  # noqa: S608


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
