"""The sweep's part for hazards (called by ``visits.checkins.sweep`` in its transaction): one
``HazardReminder`` per hazard and due date, inserted with INSERT … SELECT … ON CONFLICT DO
NOTHING like the check-ins' reminders, so however often or concurrently the sweep runs, a
due recheck is announced once; and the items of the digest's "hazard rechecks" section."""

from collections import defaultdict

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from gridapp import notify
from gridapp.core.display import due_in_words
from gridapp.core.sql import insert_select_skipping_duplicates

from ..hazard_models import OPEN_STATES, Hazard, HazardReminder, RiskLevel

RISK_ORDER = {RiskLevel.HIGH: 0, RiskLevel.MEDIUM: 1, RiskLevel.LOW: 2}


def due_hazards(today):
    """Open hazards whose next recheck is due on or before ``today`` (``hazard_due_idx``)."""
    return Hazard.objects.filter(recheck_due_on__lte=today, state__in=OPEN_STATES)


def insert_reminders(today, now, sweep_id):
    """Insert a reminder for each due hazard not yet reminded for that due date; the number inserted."""
    source = due_hazards(today).annotate(h=F("pk"), d=F("recheck_due_on"))
    columns = ("hazard_id", "due_on", "created_at", "sweep_id")
    table = HazardReminder._meta.db_table
    return insert_select_skipping_duplicates(table, columns, source, ("h", "d"), (now, sweep_id))


def items_by_grid(sweep_id, today):
    """{grid id: [items]} of the reminders this sweep inserted, highest risk and most overdue first."""
    rows = HazardReminder.objects.filter(sweep_id=sweep_id).values_list(
        "hazard__grid_id", "hazard_id", "hazard__kind__name", "hazard__risk", "due_on", "hazard__description"
    )
    by_grid = defaultdict(list)
    for grid_id, hazard_id, kind, risk, due_on, description in sorted(
        rows, key=lambda row: (RISK_ORDER.get(row[3], 3), row[4], row[1])
    ):
        by_grid[grid_id].append(
            notify.Item(
                label=f"{kind} · {RiskLevel(risk).label}",
                url=reverse("hazard_recheck", args=[hazard_id]),
                detail=description[:60],
                when=due_in_words(due_on, today),
                urgent=due_on < today or risk == RiskLevel.HIGH,
            )
        )
    return by_grid


def section(items):
    return notify.Section(_("Hazard rechecks due"), tuple(items))
