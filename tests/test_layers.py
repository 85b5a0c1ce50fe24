"""The layers of the house (docs/architecture.md) are checked by import-linter's contract in
pyproject.toml, run by ``make lint``. These tests show that the contract holds on the code as it
is and that it catches an import pointing up: a copy of the code with one such import breaks it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd):
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy_of_the_code(tmp_path):
    for package in ("gridapp", "visits", "cases"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_every_import_points_down_the_layers():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "upward_import", "message"),
    [
        # The register's models learning about cases: the bottom reaching for the middle.
        (
            "gridapp/models/register.py",
            "from cases.models import Case",
            "gridapp.models is not allowed to import cases",
        ),
        # Visits reaching for cases (a "raise a case" button is a URL, not an import).
        ("visits/services.py", "from cases import services", "visits is not allowed to import cases"),
        # An app reaching for the pages that gather from it.
        ("cases/views.py", "from gridapp.pages import home", "cases is not allowed to import gridapp.pages"),
        # Production code reaching for the demo world.
        ("gridapp/scope.py", "from gridapp.devtools.demo import seed", "is not allowed to import gridapp.devtools"),
    ],
)
def test_an_import_pointing_up_breaks_the_contract(copy_of_the_code, module, upward_import, message):
    path = copy_of_the_code / module
    path.write_text(path.read_text() + f"\n{upward_import}  # noqa\n")
    result = _lint(copy_of_the_code)
    assert result.returncode == 1
    assert message in result.stdout


def test_a_new_module_of_gridapp_must_be_given_a_place(copy_of_the_code):
    (copy_of_the_code / "gridapp" / "misc.py").write_text("X = 1\n")
    result = _lint(copy_of_the_code)
    assert result.returncode == 1
    assert "gridapp.misc" in result.stdout
