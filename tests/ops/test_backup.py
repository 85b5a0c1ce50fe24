"""Backups: bin/backup dumps the PostgreSQL database with the demo world in it and the uploaded
files; bin/restore brings both back into an empty database, table by table and row by row, and
refuses a database that is not empty unless told --replace. On SQLite both say they are for
PostgreSQL. Runs in CI's PostgreSQL pass (.ci/run); there a missing pg_dump fails the run."""

import datetime
import io
import json
import os
import shutil
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from tests.conftest import require_or_skip
from tests.e2e.conftest import run_data_migrations
from tests.factories import HouseholdFactory
from tests.gridapp.test_settings import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "bin"))
import pgbackup  # noqa: E402

KEY_TABLES = ("gridapp_household", "gridapp_resident", "visits_visit", "cases_case")
UPLOADS = {
    "photos/visits/2026/12/ren.jpg": b"\xff\xd8\xff\xe0 a photo of Ren's ventilator",
    "imports/2026/12/register.xlsx": b"PK\x03\x04 the register file of grid 1",
}


def database_url(name):
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def run(script, tmp_path, *args, database, media):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEDIA_ROOT", "BACKUP_DIR")}
    env.update(
        DEBUG="true",
        GRIDAPP_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=database,
        MEDIA_ROOT=str(media),
        BACKUP_DIR=str(tmp_path / "backups"),
    )
    return subprocess.run(
        [sys.executable, f"bin/{script}", *map(str, args)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def snapshot(cursor):
    """Row counts of every table, and a checksum of the key tables' rows in id order."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [t for (t,) in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from pg_tables)
        counts[table] = cursor.fetchone()[0]
    sums = {}
    for table in KEY_TABLES:
        cursor.execute(f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM {table} t")  # noqa: S608
        sums[table] = cursor.fetchone()[0]
    return counts, sums


@pytest.fixture
def scratch_database(transactional_db):
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    s = connection.settings_dict
    scratch = connection.Database.connect(  # the driver Django uses: psycopg2 or psycopg 3
        dbname=name, user=s["USER"], password=s["PASSWORD"], host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432
    )
    scratch.autocommit = True
    yield name, scratch
    scratch.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_tools():
    if connection.vendor != "postgresql":
        pytest.skip("bin/backup is for PostgreSQL; CI runs this in its PostgreSQL pass")
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if not shutil.which(tool)]
    require_or_skip(not missing, f"{', '.join(missing)} not installed (apt-get install postgresql-client)")


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_demo_world_restores_every_row_and_file(pg_tools, scratch_database, tmp_path):
    run_data_migrations()
    with override_settings(DEBUG=True):  # seed_demo refuses outside development
        call_command("seed_demo", stdout=io.StringIO())
    media = tmp_path / "media"
    for path, content in UPLOADS.items():
        (media / path).parent.mkdir(parents=True, exist_ok=True)
        (media / path).write_bytes(content)
    with connection.cursor() as cursor:
        before = snapshot(cursor)
    assert all(before[0][table] > 0 for table in KEY_TABLES), before[0]

    made = run("backup", tmp_path, database=database_url(connection.settings_dict["NAME"]), media=media)
    assert made.returncode == 0, made.stderr
    folder = tmp_path / "backups" / made.stdout.strip().splitlines()[-1].rsplit("/", 1)[-1]
    assert sorted(p.name for p in folder.iterdir()) == ["database.dump", "manifest.json", "media.tar.gz"]

    name, scratch = scratch_database
    restored_media = tmp_path / "restored-media"
    restored = run("restore", tmp_path, folder, database=database_url(name), media=restored_media)
    assert restored.returncode == 0, restored.stderr
    with scratch.cursor() as cursor:
        after = snapshot(cursor)
    assert after[0] == before[0]  # every table, every row count
    assert after[1] == before[1]  # the key tables, row by row
    assert {str(p.relative_to(restored_media)): p.read_bytes() for p in restored_media.rglob("*") if p.is_file()} == (
        UPLOADS
    )

    # A second restore into the now non-empty database refuses and changes nothing ...
    with scratch.cursor() as cursor:
        cursor.execute(
            "UPDATE gridapp_household SET address = 'changed after the backup' "
            "WHERE id = (SELECT min(id) FROM gridapp_household)"
        )
    changed = snapshot(scratch.cursor())
    assert changed[1]["gridapp_household"] != before[1]["gridapp_household"]
    (restored_media / "photos/visits/2026/12/ren.jpg").write_bytes(b"a newer photo")
    refused = run("restore", tmp_path, folder, database=database_url(name), media=restored_media)
    assert refused.returncode == 1
    assert (
        "Not restoring" in refused.stderr and "--replace" in refused.stderr and "Nothing was changed" in refused.stderr
    )
    assert snapshot(scratch.cursor()) == changed
    assert (restored_media / "photos/visits/2026/12/ren.jpg").read_bytes() == b"a newer photo"

    # ... unless told to replace it: then it is the backup again, and the newer files are kept aside.
    replaced = run("restore", tmp_path, folder, "--replace", database=database_url(name), media=restored_media)
    assert replaced.returncode == 0, replaced.stderr
    assert snapshot(scratch.cursor()) == before
    assert (restored_media / "photos/visits/2026/12/ren.jpg").read_bytes() == UPLOADS["photos/visits/2026/12/ren.jpg"]
    [kept] = tmp_path.glob("restored-media.replaced-*")
    assert (kept / "photos/visits/2026/12/ren.jpg").read_bytes() == b"a newer photo"


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_not_restored(pg_tools, scratch_database, tmp_path):
    made = run("backup", tmp_path, database=database_url(connection.settings_dict["NAME"]), media=tmp_path / "media")
    assert made.returncode == 0, made.stderr
    [folder] = (tmp_path / "backups").iterdir()
    with open(folder / "database.dump", "r+b") as dump:
        dump.seek(100)
        dump.write(b"\0\0\0\0")
    name, scratch = scratch_database
    result = run("restore", tmp_path, folder, database=database_url(name), media=tmp_path / "restored")
    assert result.returncode == 1 and "damaged" in result.stderr
    with scratch.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone()[0] == 0


def test_on_sqlite_the_scripts_say_they_are_for_postgresql(tmp_path):
    database = f"sqlite:///{tmp_path / 'trial.sqlite3'}"
    for script, args in [("backup", ()), ("restore", (tmp_path,))]:
        result = run(script, tmp_path, *args, database=database, media=tmp_path / "media")
        assert result.returncode == 1
        assert "are for PostgreSQL" in result.stderr and "copy that file" in result.stderr
    assert not (tmp_path / "backups").exists()


def test_pruning_keeps_7_daily_4_weekly_and_12_monthly():
    start = datetime.datetime(2025, 1, 1, 2, 0)
    nightly = [start + datetime.timedelta(days=n) for n in range(500)]
    kept = sorted(pgbackup.to_keep(nightly), reverse=True)
    newest = nightly[-1]
    assert kept[:7] == [newest - datetime.timedelta(days=n) for n in range(7)]  # the last week, every night
    assert len({t.isocalendar()[:2] for t in kept}) >= 4
    assert len({(t.year, t.month) for t in kept}) == 12
    assert min(kept) > newest - datetime.timedelta(days=366)
    assert len(kept) <= 7 + 4 + 12


def test_prune_removes_only_complete_backups_past_the_retention(tmp_path):
    start = datetime.datetime(2026, 1, 1, 2, 30)
    for n in range(60):
        (tmp_path / f"gridapp-{start + datetime.timedelta(days=n):%Y%m%d-%H%M%S}").mkdir()
    (tmp_path / "gridapp-20260301-023000.partial").mkdir()  # being written: not ours to delete
    (tmp_path / "notes").mkdir()
    removed = pgbackup.prune(tmp_path)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert len(removed) + len(left) == 62
    assert "gridapp-20260301-023000.partial" in left and "notes" in left
    assert "gridapp-20260301-023000" in left and "gridapp-20260223-023000" in left  # the last 7 nights
    assert "gridapp-20260101-023000" not in left  # January's newest is kept, not its first
    assert "gridapp-20260131-023000" in left


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_fails_part_way_changes_nothing(pg_tools, scratch_database, tmp_path, grid1):
    HouseholdFactory.create_batch(300, grid=grid1)  # enough rows for the dump to be cut inside them
    made = run("backup", tmp_path, database=database_url(connection.settings_dict["NAME"]), media=tmp_path / "media")
    assert made.returncode == 0, made.stderr
    [folder] = (tmp_path / "backups").iterdir()
    name, scratch = scratch_database
    assert run("restore", tmp_path, folder, database=database_url(name), media=tmp_path / "m").returncode == 0
    with scratch.cursor() as cursor:
        cursor.execute("UPDATE gridapp_household SET address = 'after the backup'")
    before = snapshot(scratch.cursor())

    # The dump cut short after its manifest was written (the disk filled up as it was copied):
    # the manifest no longer protects it, pg_restore reads part of it and stops.
    dump = folder / "database.dump"
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size * 2 // 3])
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["database.dump"]["sha256"] = pgbackup.sha256(dump)
    (folder / "manifest.json").write_text(json.dumps(manifest))

    result = run("restore", tmp_path, folder, "--replace", database=database_url(name), media=tmp_path / "m")
    assert result.returncode == 1
    assert "rolled back; nothing was changed in the database" in result.stderr
    assert snapshot(scratch.cursor()) == before
