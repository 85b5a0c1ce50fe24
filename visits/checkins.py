"""Due and overdue check-ins, computed set-based in the database, and the daily sweep.

A resident with a care level is next due ``cadence_days`` after the last visit in which they
were seen (any condition but "not at home"), or — never seen — from the day the level was set.

The date of that last visit is kept on the care assignment (``last_seen_on``), refreshed
set-based from the visits by ``refresh_last_seen`` whenever a visit's residents are written;
the due date (last seen + cadence, or the day the level was set) and the resident's current
grid are then kept on the assignment too (``refresh_due``), indexed by (grid, due date): the
lists of a grid or a community and the sweep read their first rows and counts by index
(issue 16). Whatever changes what they derive from calls ``refresh_due`` in the same
transaction: a visit (``refresh_last_seen``), a care level set or its cadence edited, and the
register's moves, archives and restores (``refresh_placement``, on
``gridapp.register.signals.placement_changed``).
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import F, Func, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from gridapp.core.sql import insert_select_skipping_duplicates
from gridapp.models import PersonCategory, Resident

from . import digest, risk
from .hazards import reminders as hazard_reminders
from .models import CareAssignment, CareLevel, CareRule, Condition, FollowUp, Reminder, ReminderKind, ResidentSeen


class AddDays(Func):
    """date + n days, in the database (PostgreSQL: date + integer; SQLite: date(d, '+n days'))."""

    arity = 2
    output_field = models.DateField()
    arg_joiner = " + "
    template = "(%(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="date(%(expressions)s || ' days')", arg_joiner=", '+' || ", **extra_context
        )


def last_seen_on():
    """The local date of the latest visit in which the resident (OuterRef) was seen, from the visits."""
    latest = (
        ResidentSeen.objects.filter(resident=OuterRef("resident"))
        .exclude(condition=Condition.NOT_HOME)
        .order_by("-visit__visited_at")
        .annotate(day=TruncDate("visit__visited_at", tzinfo=timezone.get_current_timezone()))
        .values("day")[:1]
    )
    return Subquery(latest, output_field=models.DateField())


def refresh_last_seen(resident_ids):
    """Recompute ``last_seen_on`` of these residents' care assignments from their visits.

    The rows are locked first (in a fixed order), so the recomputing UPDATE starts after any
    concurrent visit to the same resident has committed and sees it: two visits logged at
    once cannot leave the earlier date behind.
    """
    with transaction.atomic():
        locked = list(
            CareAssignment.objects.select_for_update()
            .filter(resident_id__in=resident_ids)
            .order_by("resident_id")
            .values_list("resident_id", flat=True)
        )
        if locked:
            CareAssignment.objects.filter(resident_id__in=locked).update(last_seen_on=last_seen_on())
            refresh_due(CareAssignment.objects.filter(resident_id__in=locked))


def _current_grid():
    """The grid of the assignment's resident (OuterRef), None if they or their household are archived."""
    current = Resident.objects.filter(
        pk=OuterRef("resident_id"), archived_at__isnull=True, household__archived_at__isnull=True
    )
    return Subquery(current.values("household__grid_id")[:1])


def _next_due_on():
    """Last seen + the level's cadence; never seen, the day the level was set."""
    cadence = CareLevel.objects.filter(pk=OuterRef("level_id")).values("cadence_days")[:1]
    return Coalesce(AddDays(F("last_seen_on"), Subquery(cadence)), F("assigned_on"))


def refresh_due(assignments):
    """Rewrite ``grid`` and ``next_due_on`` of these care assignments (a queryset) from what they
    derive from, in one UPDATE; returns how many rows."""
    return assignments.update(grid=_current_grid(), next_due_on=_next_due_on())


def refresh_placement(*, resident_ids=(), household_ids=(), **kwargs):
    """The register moved, archived or restored these residents or households (the receiver of
    ``placement_changed``): their care assignments follow them to their grid, or leave the lists."""
    if resident_ids:
        refresh_due(CareAssignment.objects.filter(resident_id__in=list(resident_ids)))
    if household_ids:
        refresh_due(CareAssignment.objects.filter(resident__household_id__in=list(household_ids)))


def care_level_saved(level):
    """A care level's cadence may have changed: its residents' due dates follow at once."""
    refresh_due(CareAssignment.objects.filter(level=level))


def with_due_dates(assignments):
    """Annotate care assignments with ``due_on`` (the stored ``next_due_on``)."""
    return assignments.annotate(due_on=F("next_due_on"))


def active_assignments():
    """Care assignments of current residents of current households: those with a grid."""
    return CareAssignment.objects.filter(grid__isnull=False)


def in_grids(assignments, grid_ids):
    """The care assignments of current residents of these grids (ids, or a queryset of them),
    read by the (grid, next_due_on) index."""
    if isinstance(grid_ids, models.QuerySet):
        return assignments.filter(grid_id__in_first=grid_ids.order_by().values("pk"))
    return assignments.filter(grid_id__in=list(grid_ids))


def due_checkins(assignments, today):
    """Check-ins due on or before ``today``, most overdue first."""
    return with_due_dates(assignments).filter(due_on__lte=today).order_by("due_on", "resident__name")


# --- the sweep ------------------------------------------------------------------------


@dataclass
class SweepResult:
    today: datetime.date
    due: int = 0  # counted on a dry run only
    reminders_created: int = 0
    escalations_created: int = 0
    follow_ups_due: int = 0
    hazard_reminders: int = 0
    digests: int = 0
    escalation_digests: int = 0
    dry_run: bool = False
    lines: list = field(default_factory=list)


def _insert_reminders(source, kind, now, sweep_id):
    """INSERT … SELECT the (resident, due date) rows of ``source``, skipping those already there:
    one statement, however many residents; the unique constraint decides races, and the rows
    this sweep inserted carry its id."""
    columns = ("resident_id", "due_on", "kind", "created_at", "sweep_id")
    table = Reminder._meta.db_table
    return insert_select_skipping_duplicates(table, columns, source, ("r", "d"), (kind, now, sweep_id))


def _due_rows(today):
    return with_due_dates(active_assignments()).filter(due_on__lte=today).annotate(r=F("resident_id"), d=F("due_on"))


def past_grace(assignments, today):
    """Check-ins overdue by more than their level's grace days: what the sweep escalates to the
    community's staff, and what their desk lists."""
    return (
        with_due_dates(assignments)
        .filter(due_on__lte=today)
        .annotate(escalate_after=AddDays(F("due_on"), F("level__grace_days")))
        .filter(escalate_after__lt=today)
    )


def _overdue_rows(today):
    return past_grace(active_assignments(), today).annotate(r=F("resident_id"), d=F("due_on"))


def sweep(*, today=None, now=None, dry_run=False):
    """Create the day's reminders and escalations and send each worker and staff member one digest.

    Safe to run twice or concurrently: reminders are unique per (resident, due date, kind), and
    only the sweep whose INSERT created a reminder announces it.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    result = SweepResult(today=today, dry_run=dry_run)
    if dry_run:
        result.due = _due_rows(today).count()
        already = Reminder.objects.filter(kind=ReminderKind.REMINDER)
        result.reminders_created = (
            result.due
            - _due_rows(today)
            .filter(models.Exists(already.filter(resident=OuterRef("resident"), due_on=OuterRef("due_on"))))
            .count()
        )
        result.follow_ups_due = FollowUp.objects.filter(
            done_at__isnull=True, reminded_at__isnull=True, due_on__lte=today
        ).count()
        return result
    sweep_id = uuid.uuid4()
    # One transaction: the reminders this sweep inserts and the digests that announce them
    # commit together, so nothing is inserted without being sent, or sent twice.
    with transaction.atomic():
        result.reminders_created = _insert_reminders(_due_rows(today), ReminderKind.REMINDER, now, sweep_id)
        result.escalations_created = _insert_reminders(_overdue_rows(today), ReminderKind.ESCALATION, now, sweep_id)
        result.hazard_reminders = hazard_reminders.insert_reminders(today, now, sweep_id)
        follow_up_ids = list(
            FollowUp.objects.select_for_update(skip_locked=True)
            .filter(done_at__isnull=True, reminded_at__isnull=True, due_on__lte=today)
            .values_list("pk", flat=True)
        )
        FollowUp.objects.filter(pk__in=follow_up_ids).update(reminded_at=now)
        result.follow_ups_due = len(follow_up_ids)
        result.digests = digest.send_worker_digests(sweep_id, follow_up_ids, today)
        result.escalation_digests = digest.send_escalations(sweep_id, today)
    return result


# --- care levels ------------------------------------------------------------------------


def suggested_rule(resident, categories, today=None):
    """The care rule DOMAIN.md suggests for a resident, from age, living arrangement and health
    notes; None when no check-ins are suggested. ``categories`` are the resident's category codes."""
    alone = PersonCategory.ELDERLY_ALONE in categories
    on_equipment = risk.is_on_equipment(resident, categories)
    if alone and (resident.age_on(today or timezone.localdate()) >= 80 or on_equipment):
        return CareRule.ALONE_80_OR_EQUIPMENT
    if alone:
        return CareRule.ALONE
    if PersonCategory.EMPTY_NEST in categories:
        return CareRule.EMPTY_NEST
    return None


def suggested_level(resident, categories):
    rule = suggested_rule(resident, categories)
    return CareLevel.objects.filter(suggest_for=rule).first() if rule else None


def set_care_level(*, resident, level, by):
    """Set (or with ``level=None`` remove) a resident's care level."""
    if level is None:
        CareAssignment.objects.filter(resident=resident).delete()
        return None
    assignment, _ = CareAssignment.objects.update_or_create(
        resident=resident, defaults={"level": level, "assigned_by": by}
    )
    refresh_last_seen([resident.pk])
    assignment.refresh_from_db()
    return assignment
