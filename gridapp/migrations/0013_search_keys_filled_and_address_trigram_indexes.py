"""The register's search (``gridapp.register.search``): the keys of the records already there,
and on PostgreSQL the trigram indexes that find an address by any fragment of it
(``address LIKE '%4幢1单元%'``). SQLite has no such index; there the search filters the user's
grids' rows, as it always did."""

from django.db import migrations

from gridapp.core import search_keys

BATCH = 2000
# kind (gridapp.models.SearchKind) → model, path to its grid, fields, keys
SOURCES = {
    1: ("Resident", "household__grid_id", ("name", "mobile", "id_number"), search_keys.resident_keys),
    2: ("Household", "grid_id", ("head_name", "phone", "address"), search_keys.household_keys),
    3: ("Shop", "grid_id", ("name", "operator_name", "phone", "address"), search_keys.shop_keys),
    4: ("Building", "grid_id", ("road", "number", "name"), search_keys.building_keys),
}
# The searches list current households and shops only (gridapp.scope).
TRIGRAM_INDEXES = {
    "household_address_trgm_idx": "gridapp_household",
    "shop_address_trgm_idx": "gridapp_shop",
}


def fill_keys(apps, schema_editor):
    SearchKey = apps.get_model("gridapp", "SearchKey")
    for kind, (model_name, grid, fields, keys_of) in SOURCES.items():
        rows = apps.get_model("gridapp", model_name)._base_manager.order_by("pk").values_list("pk", grid, *fields)
        batch = []
        for pk, grid_id, *values in rows.iterator(chunk_size=BATCH):
            batch += [SearchKey(kind=kind, record_id=pk, grid_id=grid_id, key=key) for key in keys_of(*values)]
            if len(batch) >= BATCH:
                SearchKey.objects.bulk_create(batch)
                batch = []
        SearchKey.objects.bulk_create(batch)


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (address gin_trgm_ops) WHERE archived_at IS NULL"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("gridapp", "0012_search_keys"),
    ]

    operations = [
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
