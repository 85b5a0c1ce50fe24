"""What an import file would change: every row checked, matched against the register and
sorted into created / updated / unchanged, without writing anything.

``build_plan`` streams the file once (``cells``), keeps one small slotted record per row
(``rows`` checks each row into its ``records``), then looks the register up in bulk
(``matching``) so that a 100,000-row file is planned in seconds. The same plan is shown as the
preview and, rebuilt inside the import's transaction, written by ``gridapp.imports.writer``.
"""

from .cells import read_file
from .matching import check_duplicate_residents_without_id, plan_households, plan_shops
from .records import RESIDENT_FIELDS, SHOP_FIELDS, Cancelled, Plan
from .rows import read_household_row, read_shop_row

# What the writer and the import's services take from here.
__all__ = ["RESIDENT_FIELDS", "SHOP_FIELDS", "Cancelled", "build_plan"]


def _no_report(phase, done, total):
    pass


def build_plan(*, kind, grid, path, file_format, encoding=None, report=None, expected_rows=0):
    """Read, check and match the file; raises FileRejected for a file that cannot be read at
    all, and ``report(phase, done, total)`` may raise Cancelled between rows."""
    report = report or _no_report
    plan = Plan(kind=kind, grid=grid)
    seen = {}  # ID number → row, or (address, name) → row: what stands on one row only
    read_row = read_household_row if kind == "households" else read_shop_row
    read_file(plan, path, file_format, encoding, lambda r: read_row(plan, seen, r), report, expected_rows)
    report("matching", plan.total_rows, plan.total_rows)
    if kind == "households":
        check_duplicate_residents_without_id(plan)
        plan_households(plan)
    else:
        plan_shops(plan)
    plan.errors.sort(key=lambda e: e["row"])
    return plan
