"""Backups of gridapp: the PostgreSQL database (pg_dump, custom format) and the uploaded files
(MEDIA_ROOT: visit and case photos, register import files), together in one folder.

``bin/backup`` (``make backup``) writes ``$BACKUP_DIR/gridapp-<UTC time>/`` with ``database.dump``,
``media.tar.gz`` and ``manifest.json`` (sizes and SHA-256 of both); it writes under a ``.partial``
name and renames at the end, so a folder without that suffix is always complete. ``--prune``
then keeps 7 daily, 4 weekly and 12 monthly backups and deletes the rest.

``bin/restore FOLDER`` (``make restore BACKUP=FOLDER``) refuses a database with any table in it,
or a MEDIA_ROOT with any file in it, unless told ``--replace`` (``REPLACE=1``). The database is
replaced in one transaction (the old schema dropped and the dump loaded by one psql
``--single-transaction``), so a restore that fails leaves the database as it was; the old
MEDIA_ROOT is kept beside the new one as ``<MEDIA_ROOT>.replaced-<time>``.

Settings (DATABASE_URL, MEDIA_ROOT, GRIDAPP_VAR_DIR) are read by gridapp/settings.py, exactly as
manage.py reads them. For PostgreSQL only: on SQLite (a trial) both say so and stop; copy the
file while gridapp is stopped instead. See docs/operations.md, "Backups".
"""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
PREFIX = "gridapp-"
STAMP = "%Y%m%d-%H%M%S"


class Refused(Exception):
    """Stop with this message and exit status 1; nothing has been changed."""


def load_settings():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridapp.settings")
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        raise Refused(
            "bin/backup and bin/restore are for PostgreSQL (DATABASE_URL=postgres://…). This gridapp "
            f"uses SQLite ({db['NAME']}): for a trial, stop gridapp and copy that file, with MEDIA_ROOT "
            f"({settings.MEDIA_ROOT})."
        )
    return db, Path(settings.MEDIA_ROOT)


def pg_env(db):
    """libpq's variables for the database: the password never appears on a command line."""
    env = dict(os.environ)
    for var, key in [("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")]:
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = db["NAME"]
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return env


def run(command, env, **kwargs):
    try:
        return subprocess.run(command, env=env, check=True, capture_output=True, text=True, **kwargs)  # noqa: S603
    except FileNotFoundError:
        raise Refused(f"{command[0]} is not installed (apt-get install postgresql-client)") from None
    except subprocess.CalledProcessError as exc:
        raise Refused(f"{command[0]} failed: {exc.stderr.strip() or exc.stdout.strip()}") from None


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- backup ------------------------------------------------------------------------------------


def backup(backup_dir, now=None):
    """Write one complete backup folder under ``backup_dir`` and return its path."""
    db, media_root = load_settings()
    now = now or datetime.datetime.now(datetime.UTC)
    backup_dir.mkdir(parents=True, exist_ok=True)
    final = backup_dir / f"{PREFIX}{now:{STAMP}}"
    partial = final.with_name(final.name + ".partial")
    if final.exists():
        raise Refused(f"{final} exists already")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)  # personal data: readable by the backup's owner only
    env = pg_env(db)
    run(["pg_dump", "--format=custom", "--file", str(partial / "database.dump")], env)
    with tarfile.open(partial / "media.tar.gz", "w:gz") as tar:
        if media_root.is_dir():
            tar.add(media_root, arcname=".")
    version = run(["pg_dump", "--version"], env).stdout.strip()
    manifest = {
        "created": now.isoformat(timespec="seconds"),
        "database": db["NAME"],
        "pg_dump": version,
        "files": {
            name: {"bytes": (partial / name).stat().st_size, "sha256": sha256(partial / name)}
            for name in ("database.dump", "media.tar.gz")
        },
    }
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    partial.rename(final)
    return final


def backups_in(backup_dir):
    """The complete backups under ``backup_dir``, newest first, with their times."""
    found = []
    for path in backup_dir.glob(f"{PREFIX}*"):
        try:
            when = datetime.datetime.strptime(path.name.removeprefix(PREFIX), STAMP)
        except ValueError:
            continue  # a .partial folder, or someone else's
        found.append((when, path))
    return sorted(found, reverse=True)


def to_keep(times):
    """The newest backup of each of the last 7 days, 4 ISO weeks and 12 months that have one."""
    keep = set()
    for period, count in [
        (lambda t: t.date(), KEEP_DAILY),
        (lambda t: t.isocalendar()[:2], KEEP_WEEKLY),
        (lambda t: (t.year, t.month), KEEP_MONTHLY),
    ]:
        seen = []
        for when in sorted(times, reverse=True):
            if period(when) not in seen:
                seen.append(period(when))
                if len(seen) > count:
                    break
                keep.add(when)
    return keep


def prune(backup_dir):
    found = backups_in(backup_dir)
    keep = to_keep([when for when, _ in found])
    removed = [path for when, path in found if when not in keep]
    for path in removed:
        shutil.rmtree(path)
    return removed


# --- restore -----------------------------------------------------------------------------------


def verify(folder):
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise Refused(f"{folder} is not a complete gridapp backup (no manifest.json)")
    manifest = json.loads(manifest_path.read_text())
    for name, expected in manifest["files"].items():
        if not (folder / name).is_file() or sha256(folder / name) != expected["sha256"]:
            raise Refused(f"{folder / name} is missing or damaged (its SHA-256 differs from manifest.json)")
    return manifest


def tables_in(env):
    query = (
        "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') "
        "AND schemaname NOT LIKE 'pg_temp%'"
    )
    return int(run(["psql", "-XAtc", query], env).stdout.strip())


def load_dump(dump, env, drop_first):
    """Load ``dump`` in one transaction: the old schema dropped and the dump loaded, or (on any
    error) neither. pg_restore writes SQL that psql runs, streamed, never held in memory; if
    pg_restore stops part-way (a dump damaged after its manifest was written), a statement that
    cannot run is sent last, so psql rolls back instead of committing half a database."""
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"]
    if drop_first:
        command += ["-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"]
    with tempfile.TemporaryFile() as read_errors, tempfile.TemporaryFile() as load_errors:
        try:
            reader = subprocess.Popen(  # noqa: S603 (fixed arguments)
                ["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(dump)],  # noqa: S607
                env=env,
                stdout=subprocess.PIPE,
                stderr=read_errors,
            )
            loader = subprocess.Popen(  # noqa: S603
                [*command, "-f", "-"], env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=load_errors
            )
        except FileNotFoundError as exc:
            raise Refused(f"{exc.filename} is not installed (apt-get install postgresql-client)") from None
        try:
            shutil.copyfileobj(reader.stdout, loader.stdin, 1 << 20)
            if reader.wait() != 0:
                # Ends a COPY if one is open (or is an unknown command if not), then cannot run:
                # psql stops at whichever comes first and rolls back. A bare ";" must not be sent:
                # psql 15 ends the script quietly on one right after a COPY.
                loader.stdin.write(b"\n\\.\nSELECT the_dump_could_not_be_read;\n")
            loader.stdin.close()
        except BrokenPipeError:
            pass  # psql stopped at an error: it has rolled back and says why
        reader.stdout.close()
        failed = reader.wait() != 0, loader.wait() != 0
        if any(failed):
            read_errors.seek(0)
            load_errors.seek(0)
            why = (read_errors.read() if failed[0] else load_errors.read()).decode(errors="replace").strip()
            raise Refused(f"the restore failed and was rolled back; nothing was changed in the database: {why}")


def restore(folder, replace=False):
    db, media_root = load_settings()
    folder = folder.resolve()
    verify(folder)
    env = pg_env(db)
    tables = tables_in(env)
    media_files = media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*"))
    if not replace and (tables or media_files):
        what = []
        if tables:
            what.append(f"the database {db['NAME']} has {tables} tables")
        if media_files:
            what.append(f"{media_root} has files in it")
        raise Refused(
            f"Not restoring: {' and '.join(what)}. Restoring would replace them; if that is what you "
            "want, run it again with --replace (make restore REPLACE=1). Nothing was changed."
        )
    load_dump(folder / "database.dump", env, drop_first=bool(tables))

    media_root.parent.mkdir(parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(prefix=f".{media_root.name}.restoring-", dir=media_root.parent))
    with tarfile.open(folder / "media.tar.gz") as tar:
        tar.extractall(incoming, filter="data")  # no absolute paths, no .., no devices
    replaced = None
    if media_files:
        replaced = media_root.with_name(f"{media_root.name}.replaced-{datetime.datetime.now(datetime.UTC):{STAMP}}")
        media_root.rename(replaced)
    elif media_root.exists():
        shutil.rmtree(media_root)  # folders only, no file
    incoming.rename(media_root)
    return replaced


# --- the commands ------------------------------------------------------------------------------


def backup_main(argv):
    import argparse

    parser = argparse.ArgumentParser(prog="bin/backup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--prune", action="store_true", help="then keep 7 daily, 4 weekly, 12 monthly")
    args = parser.parse_args(argv)
    backup_dir = Path(os.environ.get("BACKUP_DIR") or ROOT / "backups")
    try:
        folder = backup(backup_dir)
    except Refused as exc:
        print(exc, file=sys.stderr)
        return 1
    print(folder)
    if args.prune:
        for path in prune(backup_dir):
            print(f"removed {path}")
    return 0


def restore_main(argv):
    import argparse

    parser = argparse.ArgumentParser(prog="bin/restore", description="Restore a backup written by bin/backup.")
    parser.add_argument("folder", type=Path, help="a backup folder (backups/gridapp-YYYYmmdd-HHMMSS)")
    parser.add_argument("--replace", action="store_true", help="replace a database or MEDIA_ROOT that is not empty")
    args = parser.parse_args(argv)
    try:
        replaced = restore(args.folder, replace=args.replace)
    except Refused as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"restored {args.folder}")
    if replaced:
        print(f"the files that were in MEDIA_ROOT are in {replaced}; delete it once you have checked")
    return 0
