#!/usr/bin/env python
"""Fail when a user-facing string has no zh-hans translation, or the compiled catalogue is stale.

Extracts the strings with Django's makemessages (GNU xgettext) into a scratch copy of the
catalogue, so running the check never changes the working tree. With --compile-only, just
compiles locale/zh_Hans/LC_MESSAGES/django.po to django.mo (with polib, so no msgfmt is needed).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# Not sources of user-facing strings (tests assert on them; vendored files have their own).
SKIP = (".venv", "var", "tests", ".git", "static", "test-artifacts", "*.pyc", "__pycache__", ".*cache")


def problems_in(po):
    catalogue = polib.pofile(str(po))
    missing = [e for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    return [f"  {e.msgid!r}" for e in missing]


def compiled_bytes(po):
    with tempfile.NamedTemporaryFile(suffix=".mo") as tmp:
        polib.pofile(str(po)).save_as_mofile(tmp.name)
        return Path(tmp.name).read_bytes()


def main():
    if "--compile-only" in sys.argv:
        MO.write_bytes(compiled_bytes(PO))
        print(f"compiled {MO.relative_to(ROOT)}")
        return 0
    errors = []
    if shutil.which("xgettext"):
        # makemessages writes into every locale folder it finds, so it runs on a scratch copy
        # of the sources and the catalogue; the working tree is never touched.
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "src"
            shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*SKIP))
            env = {**os.environ, "DEBUG": "true", "GRIDAPP_VAR_DIR": str(Path(scratch) / "var")}
            subprocess.run(
                [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location"],
                cwd=copy, env=env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            missing = problems_in(copy / PO.relative_to(ROOT))
    elif os.environ.get("CI"):
        print("xgettext (GNU gettext) is missing; CI must install it.", file=sys.stderr)
        return 1
    else:
        print("note: xgettext not found, so only the committed catalogue is checked (apt-get install gettext)")
        missing = problems_in(PO)
    if missing:
        errors.append(
            "Strings without a zh-hans translation (run `make messages`, then translate):\n" + "\n".join(missing)
        )
    if not MO.exists() or MO.read_bytes() != compiled_bytes(PO):
        errors.append(f"{MO.relative_to(ROOT)} is stale: run `make messages`.")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    print("translations: complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
