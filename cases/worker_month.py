"""A worker's month (工作台账): what a grid worker did in one calendar month, computed from what is
already recorded (no form of its own), for the community's staff to talk about with them. It
is a record, not a score: nothing here ranks workers.

The month is the local month in Asia/Shanghai: [first day 00:00, first day of the next month
00:00). A worker's figures count the grids of their grid worker's roles that the reader sees
(``visible_workers``): staff of the community see its grids, a worker their own.

Each figure is one entry of ``MEASURES`` with its definition; the page, the overview and the
.xlsx export all read that list. Patrols and hazards (issue 19, items 1 and 2) are not recorded
yet: when they are, each is one more entry here and one more aggregate below — until then they
are left out, never shown as zeros.

Everything is counted by the database in a fixed number of queries, whatever the number of
workers, visits, check-ins or cases (``compute``): the roles, the visits, the check-ins (and
the longest cadence), the follow-ups, the cases reported, and ``cases.measures.compute`` (three) for the case figures,
so that they agree with the case measures page by construction.

It lives in ``cases`` because that is the lowest layer that sees both visits and cases: the
page (``gridapp.pages.worker_month``) and the .xlsx (``gridapp.exports.worker_month``) are
independent layers above it and both read it.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridapp import scope
from gridapp.models import Grid, Role, RoleKind
from visits.checkins import AddDays
from visits.models import CareLevel, Condition, FollowUp, ResidentSeen, Visit

from . import measures as case_measures
from .models import Case

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
FIRST_MONTH, LAST_MONTH = datetime.date(2000, 1, 1), datetime.date(2099, 12, 1)


def parse_month(value, today):
    """The first day of ``?month=YYYY-MM``; the current month for anything else (never an error)."""
    match = MONTH_RE.match(value or "")
    if match:
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            first = datetime.date(year, month, 1)
            if FIRST_MONTH <= first <= LAST_MONTH:
                return first
    return today.replace(day=1)


def shift(first, months):
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_current_timezone())


@dataclass(frozen=True)
class Month:
    """A local calendar month; ``last_counted`` is its last day, or today while it runs."""

    first: datetime.date
    today: datetime.date

    @property
    def end(self):
        return shift(self.first, 1)

    @property
    def last(self):
        return self.end - datetime.timedelta(days=1)

    @property
    def last_counted(self):
        return min(self.last, self.today)

    @property
    def start_at(self):
        return local_midnight(self.first)

    @property
    def end_at(self):
        return local_midnight(self.end)

    @property
    def key(self):
        return f"{self.first:%Y-%m}"

    @property
    def previous(self):
        return f"{shift(self.first, -1):%Y-%m}"

    @property
    def next(self):
        return f"{shift(self.first, 1):%Y-%m}" if self.end <= self.today.replace(day=1) else None


@dataclass(frozen=True)
class Measure:
    """One figure of the month: a count, or a share of two counts (``of``), and how it is counted."""

    key: str
    label: str
    definition: str
    of: str = ""  # the key of the count this one is a share of


# The figures, in the order shown. Patrols and building coverage, hazards found and rectified
# join here once patrols and hazards are recorded (issue 19).
MEASURES = (
    Measure(
        "visits",
        _("Visits"),
        _("Visits the worker logged in the month, in their grids (by the visit's time, Asia/Shanghai)."),
    ),
    Measure("households", _("Households reached"), _("Distinct households among those visits.")),
    Measure("shops", _("Shops reached"), _("Distinct shops among those visits.")),
    Measure(
        "checkins_due",
        _("Check-ins due"),
        _(
            "Check-ins of the residents with a care level in the worker's grids that fell due in the month "
            "(up to today): a check-in falls due its level's cadence (in days) after a visit in which the "
            "resident was seen (any condition but not at home), and not before the care level was set. "
            "Counted with today's cadence; a resident's first check-in after the level is set is not counted."
        ),
    ),
    Measure(
        "checkins_on_time",
        _("Check-ins on time"),
        _("Of those, the ones where the resident was seen again on or before the due date, by anyone."),
        of="checkins_due",
    ),
    Measure(
        "checkins_late",
        _("Check-ins late"),
        _("Of those, the ones where the resident was seen again, but after the due date."),
        of="checkins_due",
    ),
    Measure(
        "follow_ups_due",
        _("Follow-ups due"),
        _("Follow-ups assigned to the worker, in their grids, whose due date falls in the month (up to today)."),
    ),
    Measure(
        "follow_ups_on_time",
        _("Follow-ups closed on time"),
        _("Of those, the ones closed on or before their due date (Asia/Shanghai)."),
        of="follow_ups_due",
    ),
    Measure(
        "cases_reported",
        _("Cases reported"),
        _("Cases the worker reported in the month, in their grids (rejected ones included)."),
    ),
    Measure(
        "cases_closed_at_grid",
        _("Settled in the grid"),
        _(
            "Of the cases of the worker's grids closed in the month, those closed at grid level "
            "(小事不出网格), as on the case measures page."
        ),
        of="cases_closed_in_month",
    ),
    Measure(
        "cases_due",
        _("Cases due"),
        _(
            "Cases of the worker's grids (not rejected) whose counted deadline falls in the month: "
            "the deadline, or an extension approved before it fell due."
        ),
    ),
    Measure(
        "cases_closing",
        _("Closing rate"),
        _("Of the cases due, those closed (结案率), as on the case measures page."),
        of="cases_due",
    ),
    Measure(
        "cases_on_time",
        _("On-time closing rate"),
        _("Of the cases due, those closed by their counted deadline (按期结案率), as on the case measures page."),
        of="cases_due",
    ),
    Measure(
        "satisfied",
        _("Satisfaction"),
        _(
            "Of the complainants' answers recorded in the month on the cases of the worker's grids, "
            "satisfied or basically satisfied (满意率)."
        ),
        of="feedback",
    ),
)
COUNT_KEYS = (
    *(m.key for m in MEASURES if m.key not in ("cases_closing", "cases_on_time")),
    "cases_closed",
    "cases_closed_in_month",
    "cases_closed_on_time",
    "feedback",
)
# A share's numerator, where it is not the measure's own key.
NUMERATOR = {"cases_closing": "cases_closed", "cases_on_time": "cases_closed_on_time"}


@dataclass
class WorkerMonth:
    """One worker's counts for the month (``figures`` pairs them with ``MEASURES``)."""

    user: object
    grids: list
    part_time: bool = False
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))

    def figures(self):
        rows = []
        for measure in MEASURES:
            value = self.counts[NUMERATOR.get(measure.key, measure.key)]
            total = self.counts[measure.of] if measure.of else None
            share = (value / total if total else None) if measure.of else None
            percent = f"{share:.0%}" if share is not None else ""
            link = measure.key.startswith("cases_") or measure.key == "satisfied"
            rows.append({"measure": measure, "value": value, "total": total, "percent": percent, "cases": link})
        return rows


# --- who ------------------------------------------------------------------------------


def _worker_roles(user, grids):
    return (
        Role.objects.filter(kind=RoleKind.GRID_WORKER, grid__in=grids.order_by().values("pk"))
        .select_related("user", "grid")
        .order_by("grid__number", "user__last_name", "user__first_name", "user__username", "pk")
    )


def _group(roles):
    workers = {}
    for role in roles:
        worker = workers.setdefault(role.user_id, WorkerMonth(user=role.user, grids=[]))
        worker.grids.append(role.grid)
        worker.part_time = worker.part_time or role.part_time
    return list(workers.values())


def get_worker(user, pk):
    """The worker ``pk`` whose month ``user`` may read, with the grids it counts: one's own month,
    or a worker of a grid the user manages (staff of its community, admins). Anyone else: 404."""
    if str(pk) == str(user.pk) and scope.for_user(user).is_worker:
        grids = scope.grids(user).filter(pk__in=scope.for_user(user).worker_grid_ids)
    else:
        grids = scope.managed_grids(user)
    # A deactivated account's months stay readable: its record does not go with it.
    workers = _group(_worker_roles(user, grids).filter(user_id=pk))
    if not workers:
        raise Http404("No grid worker of the user's grids")
    return workers[0]


def community_workers(user, community, grid=None):
    """The full-time workers of ``community``'s grids (or of ``grid`` only) the user manages (the
    staff's overview and export), by grid then name."""
    grids = scope.managed_grids(user).filter(community=community)
    if grid is not None:
        grids = grids.filter(pk=grid.pk)
    return _group(_worker_roles(user, grids).filter(part_time=False, user__is_active=True))


# --- how many -------------------------------------------------------------------------


def _local_day(path):
    return TruncDate(path, tzinfo=timezone.get_current_timezone())


def _checkin_rows(grid_ids, month):
    """The check-ins due in the month per grid (see ``MEASURES``): each visit in which a cared-for
    resident was seen opens one, due ``cadence`` days later; the next visit that saw them closes
    it. A visit followed by another the same day opens none (the later one does)."""
    seen = ResidentSeen.objects.exclude(condition=Condition.NOT_HOME)
    # Only the visits whose check-in can fall due in the month: from the longest cadence before
    # its first day (a month's visits, not the grid's whole history, with their subqueries).
    longest = CareLevel.objects.aggregate(days=Max("cadence_days"))["days"] or 0
    opened = seen.filter(
        visit__visited_at__gte=local_midnight(month.first - datetime.timedelta(days=longest)),
        visit__visited_at__lt=local_midnight(month.last_counted),
    )
    later = seen.filter(resident=OuterRef("resident")).filter(
        Q(visit__visited_at__gt=OuterRef("visit__visited_at"))
        | Q(visit__visited_at=OuterRef("visit__visited_at"), pk__gt=OuterRef("pk"))
    )
    next_seen = later.order_by("visit__visited_at", "pk").annotate(day=_local_day("visit__visited_at")).values("day")
    return (
        opened.filter(resident__care__isnull=False, resident__household__grid_id__in=grid_ids)
        .annotate(
            seen_on=_local_day("visit__visited_at"),
            due_on=AddDays(_local_day("visit__visited_at"), F("resident__care__level__cadence_days")),
            next_on=Subquery(next_seen[:1]),
        )
        .filter(due_on__gte=month.first, due_on__lte=month.last_counted)
        .filter(due_on__gte=F("resident__care__assigned_on"))
        .exclude(next_on=F("seen_on"))
        .order_by()
        .values("resident__household__grid_id")
        .annotate(
            checkins_due=Count("pk"),
            checkins_on_time=Count("pk", filter=Q(next_on__lte=F("due_on"))),
            checkins_late=Count("pk", filter=Q(next_on__gt=F("due_on"))),
        )
    )


def _add(worker, row, keys):
    for key in keys:
        worker.counts[key] += row.get(key) or 0


def compute(workers, month, *, now=None):
    """Fill in each worker's counts for ``month``, in eight queries whatever they hold."""
    if not workers:
        return workers
    now = now or timezone.now()
    ids = [w.user.pk for w in workers]
    grid_ids = sorted({grid.pk for w in workers for grid in w.grids})
    by_worker = {w.user.pk: w for w in workers}
    in_month = {"gte": month.start_at, "lt": month.end_at}

    def mine(rows, user_key):
        for row in rows:
            yield by_worker[row[user_key]], row

    visits = (
        Visit.objects.filter(
            worker_id__in=ids,
            grid_id__in=grid_ids,
            visited_at__gte=in_month["gte"],
            visited_at__lt=in_month["lt"],
        )
        .order_by()
        .values("worker_id")
        .annotate(
            visits=Count("pk"),
            households=Count("household_id", distinct=True),
            shops=Count("shop_id", distinct=True),
        )
    )
    for worker, row in mine(visits, "worker_id"):
        _add(worker, row, ("visits", "households", "shops"))

    follow_ups = (
        FollowUp.objects.filter(
            assignee_id__in=ids, grid_id__in=grid_ids, due_on__gte=month.first, due_on__lte=month.last_counted
        )
        .annotate(done_on=_local_day("done_at"))
        .order_by()
        .values("assignee_id")
        .annotate(
            follow_ups_due=Count("pk"),
            follow_ups_on_time=Count("pk", filter=Q(done_on__lte=F("due_on"))),
        )
    )
    for worker, row in mine(follow_ups, "assignee_id"):
        _add(worker, row, ("follow_ups_due", "follow_ups_on_time"))

    reported = (
        Case.objects.filter(
            created_by_id__in=ids,
            grid_id__in=grid_ids,
            reported_at__gte=in_month["gte"],
            reported_at__lt=in_month["lt"],
        )
        .order_by()
        .values("created_by_id")
        .annotate(cases_reported=Count("pk"))
    )
    for worker, row in mine(reported, "created_by_id"):
        _add(worker, row, ("cases_reported",))

    # Per grid: each worker adds the rows of their grids.
    checkins = {row["resident__household__grid_id"]: row for row in _checkin_rows(grid_ids, month)}
    report = case_measures.compute(Grid.objects.filter(pk__in=grid_ids), month.start_at, month.end_at, now)
    cases = {row.id: row.measures for row in report.grids}
    for worker in workers:
        for grid in worker.grids:
            _add(worker, checkins.get(grid.pk, {}), ("checkins_due", "checkins_on_time", "checkins_late"))
            m = cases[grid.pk]
            counts = {
                "cases_closed_at_grid": m.closed_at_grid,
                "cases_closed": m.closed,
                "cases_closed_in_month": m.closed_in_period,
                "cases_due": m.due,
                "cases_closed_on_time": m.closed_on_time,
                "feedback": m.feedback,
                "satisfied": m.satisfied,
            }
            _add(worker, counts, counts)
    return workers
