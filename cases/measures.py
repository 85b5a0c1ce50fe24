"""The measures community staff watch (DOMAIN.md, "Cases" → "Measures staff watch").

Everything is counted by the database, in three queries whatever the number of cases or grids:
the grids, their cases that some measure of the period counts (grouped by grid), and the
period's timeline entries (grouped by grid). Only the period's cases and entries are read, off
indexes on their times (issue 16: every case of the community was read whatever the period).
The rows are the grids the caller passes in (``scope.grids(user)``), so a grid without a
single case still has its row of zeros; the per-community figures and the totals are sums of
the grid rows.

The period is ``[start, end)``; each measure says which of the case's times must fall in it:

- due in the period: cases (not rejected) whose *counted deadline* falls in the period;
- 结案率 closing rate: of those, the ones closed (``closed_at`` set: closed or feedback given);
- 按期结案率 on-time closing rate: of those, the ones closed by their counted deadline. The
  counted deadline is the original one (set at registration or reopening), or the date of an
  extension approved *before* the deadline then counted fell due. An extension approved after
  the case fell due moves the case's working deadline (``due_at``) but not the counted one
  (``Case.counted_due_at`` keeps it; empty while it is ``due_at``): a late case stays late.
  A refused or unanswered request changes neither;
- 返工率 rework rate: failed verifications ("rework" events) in the period ÷ resolutions sent
  to verification ("resolve" events) in the period. A worker's "settle" (自行处置) closes the case
  without a verification, so it can never fail one and is not counted;
- 满意率 satisfaction: of the answers recorded in the period ("feedback" timeline entries, which
  keep the answer even if the case is later reopened), satisfied or basically satisfied;
- mean time to resolve: ``reported_at`` → ``resolved_at``, for cases resolved in the period
  (settled cases included: settling stamps ``resolved_at``);
- 网格内解决率 / 社区内解决率: of the cases closed in the period, those closed at grid level /
  at grid or community level;
- open cases by state and by age (since ``reported_at``) and overdue cases: as of ``now``.

Reopening a case clears its close and feedback stamps (``cases.services.perform``), so a reopened
case counts as open again; the answer the complainant gave stays counted (it is on the timeline).

``category`` and ``department`` narrow every figure to the cases of that category / currently
with that department.
"""

import datetime
from dataclasses import dataclass, field, fields

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThan, LessThanOrEqual

from .models import OPEN_STATES, Case, CaseEvent, Level, Satisfaction, State

# Age of an open case since it was reported: (key, lower bound, upper bound) in days.
AGE_BUCKETS = (("under_1", 0, 1), ("1_to_3", 1, 3), ("3_to_7", 3, 7), ("over_7", 7, None))

REWORK_ACTIONS = ("rework",)
RESOLVE_ACTIONS = ("resolve",)  # not "settle": see the module docstring
NOT_REJECTED = tuple(state for state in State if state != State.REJECTED)


def ratio(numerator, denominator):
    """``numerator / denominator``, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


@dataclass
class Measures:
    """The counts behind every measure; the rates are computed from them."""

    due: int = 0
    closed: int = 0
    closed_on_time: int = 0
    reworked: int = 0
    resolved: int = 0
    feedback: int = 0
    satisfied: int = 0  # satisfied or basically satisfied
    resolved_cases: int = 0  # cases resolved in the period (for the mean time to resolve)
    resolve_time: datetime.timedelta = datetime.timedelta(0)  # their total time to resolve
    closed_in_period: int = 0
    closed_at_grid: int = 0
    closed_in_community: int = 0  # at grid or community level
    overdue: int = 0
    open_by_state: dict = field(default_factory=lambda: {state.value: 0 for state in OPEN_STATES})
    open_by_age: dict = field(default_factory=lambda: {key: 0 for key, _, _ in AGE_BUCKETS})

    @property
    def closing_rate(self):
        return ratio(self.closed, self.due)

    @property
    def on_time_rate(self):
        return ratio(self.closed_on_time, self.due)

    @property
    def rework_rate(self):
        return ratio(self.reworked, self.resolved)

    @property
    def satisfaction_rate(self):
        return ratio(self.satisfied, self.feedback)

    @property
    def grid_level_share(self):
        return ratio(self.closed_at_grid, self.closed_in_period)

    @property
    def community_level_share(self):
        return ratio(self.closed_in_community, self.closed_in_period)

    @property
    def mean_time_to_resolve(self):
        return self.resolve_time / self.resolved_cases if self.resolved_cases else None

    @property
    def open(self):
        return sum(self.open_by_state.values())

    def add(self, other):
        """Add ``other``'s counts to these (totals are sums of grids)."""
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, dict):
                for key, value in theirs.items():
                    mine[key] = mine.get(key, 0) + value
            else:
                setattr(self, f.name, mine + theirs)
        return self


@dataclass
class Row:
    """The measures of one grid or one community."""

    id: int
    name: str
    community_id: int
    community_name: str
    measures: Measures


@dataclass
class Report:
    start: datetime.datetime
    end: datetime.datetime
    now: datetime.datetime
    total: Measures
    grids: list  # of Row, by community then grid number
    communities: list  # of Row, by name


def _case(**lookups):
    """A condition on a case (the aggregates below run over the period's cases, by grid)."""
    return Q(**lookups)


def _in(field_name, start, end):
    return _case(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def _case_aggregates(start, end, now, only):
    counted_due = Coalesce("counted_due_at", "due_at")  # see the module docstring
    due = GreaterThanOrEqual(counted_due, start) & LessThan(counted_due, end) & _case(state__in=NOT_REJECTED)
    closed = _case(closed_at__isnull=False)
    closed_in_period = _in("closed_at", start, end)
    resolved_in_period = _in("resolved_at", start, end)
    is_open = _case(state__in=OPEN_STATES)
    aggregates = {
        "due": Count("pk", filter=due),
        "closed": Count("pk", filter=due & closed),
        "closed_on_time": Count("pk", filter=due & closed & LessThanOrEqual(F("closed_at"), counted_due)),
        "resolved_cases": Count("pk", filter=resolved_in_period),
        "resolve_time": Sum(
            ExpressionWrapper(F("resolved_at") - F("reported_at"), output_field=DurationField()),
            filter=resolved_in_period,
        ),
        "closed_in_period": Count("pk", filter=closed_in_period),
        "closed_at_grid": Count("pk", filter=closed_in_period & _case(level=Level.GRID)),
        "closed_in_community": Count("pk", filter=closed_in_period & _case(level__in=(Level.GRID, Level.COMMUNITY))),
        "overdue": Count("pk", filter=is_open & _case(due_at__lt=now)),
    }
    for state in OPEN_STATES:
        aggregates[f"state_{state.value}"] = Count("pk", filter=_case(state=state))
    for key, low, high in AGE_BUCKETS:
        age = is_open & _case(reported_at__lte=now - datetime.timedelta(days=low))
        if high is not None:
            age &= _case(reported_at__gt=now - datetime.timedelta(days=high))
        aggregates[f"age_{key}"] = Count("pk", filter=age)
    return {name: _narrowed(aggregate, only) for name, aggregate in aggregates.items()}


def _narrowed(aggregate, only):
    """``aggregate`` counting only the cases matching ``only`` too."""
    aggregate.filter = aggregate.filter & only
    return aggregate


# The counts of a grid without a case to count.
_COUNTS = ("due", "closed", "closed_on_time", "resolved_cases", "closed_in_period", "closed_at_grid")
_NO_CASES = {
    **dict.fromkeys((*_COUNTS, "closed_in_community", "overdue"), 0),
    **{f"state_{state.value}": 0 for state in OPEN_STATES},
    **{f"age_{key}": 0 for key, _, _ in AGE_BUCKETS},
    "resolve_time": None,
}


def _in_period(grid_ids, start, end):
    """The cases some measure of the period counts: open now, or due, closed or resolved in the
    period (a superset: each aggregate says exactly which it counts). Each part is read off an
    index that leads with the grid (the grids' ids first, ``in_first``), so a community's cases
    of other periods are never read; the parts meet by primary key."""
    parts = [
        Q(state__in=OPEN_STATES),  # case_grid_state_idx
        Q(due_at__gte=start, due_at__lt=end),  # case_grid_due_idx
        Q(counted_due_at__gte=start, counted_due_at__lt=end),  # case_grid_counted_due_idx
        Q(closed_at__gte=start, closed_at__lt=end),  # case_grid_closed_idx
        Q(resolved_at__gte=start, resolved_at__lt=end),  # case_grid_resolved_idx
    ]
    in_period = Q()
    for part in parts:
        in_period |= Q(pk__in_first=Case.objects.filter(part, grid_id__in_first=grid_ids).order_by().values("pk"))
    return in_period


def compute(grids, start, end, now, *, category=None, department=None):
    """The measures of the cases of ``grids`` (a Grid queryset, from ``scope.grids(user)``) for
    the period ``[start, end)`` as of ``now``: totals, per grid and per community, in three
    queries (the grids, their cases of the period, the period's timeline)."""
    only, event_only = Q(), Q()
    if category is not None:
        only &= _case(category=category)
        event_only &= Q(case__category=category)
    if department is not None:
        only &= _case(department=department)
        event_only &= Q(case__department=department)
    grid_ids = grids.order_by().values("pk")
    grid_list = grids.order_by("community__name", "community_id", "number", "pk").values(
        "pk", "name", "number", "community_id", "community__name"
    )
    case_rows = (
        Case.objects.filter(_in_period(grid_ids, start, end))
        .order_by()
        .values("grid_id")
        .annotate(**_case_aggregates(start, end, now, only))
    )
    cases_by_grid = {row["grid_id"]: row for row in case_rows}
    grid_rows = [{**_NO_CASES, **cases_by_grid.get(grid["pk"], {}), **grid} for grid in grid_list]
    event_rows = (
        # The period's entries of the counted actions first (case_event_action_time_idx), then
        # their cases by primary key, kept when in the grids.
        CaseEvent.objects.filter(
            event_only,
            action__in=(*REWORK_ACTIONS, *RESOLVE_ACTIONS, "feedback"),
            created_at__gte=start,
            created_at__lt=end,
            case__grid_id__in_first=grids.order_by().values("pk"),
        )
        .order_by()
        .values("case__grid_id")
        .annotate(
            reworked=Count("pk", filter=Q(action__in=REWORK_ACTIONS)),
            resolved=Count("pk", filter=Q(action__in=RESOLVE_ACTIONS)),
            feedback=Count("pk", filter=Q(action="feedback", satisfaction__in=Satisfaction.values)),
            satisfied=Count(
                "pk",
                filter=Q(action="feedback", satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.BASICALLY)),
            ),
        )
    )
    events = {row["case__grid_id"]: row for row in event_rows}

    by_grid, by_community, total = [], {}, Measures()
    for row in grid_rows:
        grid_events = events.get(row["pk"], {})
        measures = Measures(
            due=row["due"],
            closed=row["closed"],
            closed_on_time=row["closed_on_time"],
            reworked=grid_events.get("reworked", 0),
            resolved=grid_events.get("resolved", 0),
            feedback=grid_events.get("feedback", 0),
            satisfied=grid_events.get("satisfied", 0),
            resolved_cases=row["resolved_cases"],
            resolve_time=row["resolve_time"] or datetime.timedelta(0),
            closed_in_period=row["closed_in_period"],
            closed_at_grid=row["closed_at_grid"],
            closed_in_community=row["closed_in_community"],
            overdue=row["overdue"],
            open_by_state={state.value: row[f"state_{state.value}"] for state in OPEN_STATES},
            open_by_age={key: row[f"age_{key}"] for key, _, _ in AGE_BUCKETS},
        )
        by_grid.append(Row(row["pk"], row["name"], row["community_id"], row["community__name"], measures))
        community = by_community.setdefault(
            row["community_id"],
            Row(row["community_id"], row["community__name"], row["community_id"], row["community__name"], Measures()),
        )
        community.measures.add(measures)
        total.add(measures)
    return Report(start=start, end=end, now=now, total=total, grids=by_grid, communities=list(by_community.values()))
