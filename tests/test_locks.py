"""The lock files: every package pinned with hashes, the locks agree with the pins they are made
from (a pin changed in requirements.in without `make lock` fails here), and the virtualenv the
tests run in is the locked set (make venv installs it with --require-hashes)."""

import re
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s\\;]+)")


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path):
    """{package: version} of the ``name==version`` lines of a requirements file."""
    found = {}
    for line in path.read_text().splitlines():
        if match := PIN.match(line):
            found[canonical(match[1])] = match[2]
    return found


def locked(path):
    """{package: (version, number of hashes)} of a lock written by pip-compile --generate-hashes."""
    entries = re.split(r"\n(?=[A-Za-z0-9])", path.read_text())
    result = {}
    for entry in entries:
        if match := PIN.match(entry):
            result[canonical(match[1])] = (match[2], entry.count("--hash=sha256:"))
    return result


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt"])
def test_every_locked_package_is_pinned_with_hashes(lock):
    text = (ROOT / lock).read_text()
    requirement_lines = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    entries = locked(ROOT / lock)
    assert len(entries) == len(requirement_lines) >= 40
    assert all(hashes >= 1 for _, hashes in entries.values()), [n for n, (_, h) in entries.items() if not h]


@pytest.mark.parametrize(
    ("source", "lock"), [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")]
)
def test_the_locks_are_made_from_the_pins_of_today(source, lock):
    wanted = pins(ROOT / source)
    have = {name: version for name, (version, _) in locked(ROOT / lock).items()}
    assert {name: have.get(name) for name in wanted} == wanted, f"run `make lock` after changing {source}"


def test_production_and_development_lock_the_same_versions():
    production = locked(ROOT / "requirements.txt")
    development = locked(ROOT / "requirements-dev.txt")
    assert {name: development.get(name, (None,))[0] for name in production} == {
        name: version for name, (version, _) in production.items()
    }


def test_the_tests_run_in_the_locked_set():
    installed = {canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    wanted = {name: version for name, (version, _) in locked(ROOT / "requirements-dev.txt").items()}
    differ = {
        name: (installed.get(name), version) for name, version in wanted.items() if installed.get(name) != version
    }
    assert not differ, f"installed, locked: {differ}; run `make venv`"
