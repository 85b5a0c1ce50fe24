"""The grid worker's day on the home page: about two phone screens, most urgent first.

Sections, each with its count, its first few rows (``ROWS``) and a link to the full list:
overdue (follow-ups, then check-ins, riskiest first), due today (the same), the worker's open
cases, the cases resolved by others for the worker to check, the cared-for residents not seen
the longest (those not already listed as due), and today's visits. Every row is one tap from
where it is settled: a check-in or a follow-up opens the visit form of its household or shop, a
case its page. The page costs the same queries whatever the grid holds: rows are sliced and
counted in the database (``visits.risk`` orders them).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from cases import scope as case_scope
from cases.models import OPEN_STATES, State
from gridapp import scope
from gridapp.core.display import due_in_words, since_in_words
from gridapp.models import Household, PersonCategory, Resident, ResidentCategoryLink
from visits import risk
from visits import scope as visit_scope
from visits.checkins import in_grids, with_due_dates
from visits.models import CareAssignment
from visits.selectors import last_seen_at

# How many rows a section shows before "show all": the day must fit about two screens, so the
# urgent sections show three and the rest two.
ROWS = 3
FEW = 2
# Who the day lists as "not seen for the longest time".
CARE_CATEGORIES = (
    PersonCategory.ELDERLY_ALONE,
    PersonCategory.EMPTY_NEST,
    PersonCategory.MEDICAL_EQUIPMENT,
    PersonCategory.DISABLED,
)


@dataclass(frozen=True)
class Row:
    """One line of a section (the same shape as a notification's items)."""

    label: str
    url: str
    detail: str = ""
    when: str = ""
    urgent: bool = False
    badge: str = ""  # what kind of row, where a section mixes them


@dataclass
class Section:
    key: str
    title: str
    count: int
    rows: list
    links: list = field(default_factory=list)  # (label, url) of the full lists
    empty: str = ""


def worker_day(user):
    """The home page's context for a grid worker (the bounded lists keep their names)."""
    today = timezone.localdate()
    my_grids = scope.for_user(user).worker_grid_ids
    checkins = _due_checkins(my_grids, today)
    follow_ups = _due_follow_ups(user, today)
    cases, to_verify = _cases(user, my_grids)
    unseen = _longest_unseen(my_grids, today)
    visits = _todays_visits(user, today)
    return {
        "today": today,
        "sections": [
            _due_section("overdue", follow_ups["overdue"], checkins["overdue"], today),
            _due_section("today", follow_ups["today"], checkins["today"], today),
            cases,
            to_verify,
            unseen,
            visits,
        ],
        # The rows shown, by kind (tests and other pages read them).
        "checkins_due": checkins["overdue"][1] + checkins["today"][1],
        "follow_ups_due": follow_ups["overdue"][1] + follow_ups["today"][1],
        "my_cases": cases.objects,
        "to_verify": to_verify.objects,
        "longest_unseen": unseen.objects,
        "todays_visits": visits.objects,
    }


def _due_checkins(grid_ids, today):
    """{"overdue"|"today": (count, first rows riskiest first)} of the worker's grids' check-ins."""
    due = with_due_dates(in_grids(CareAssignment.objects, grid_ids)).filter(due_on__lte=today)
    counts = _split_count(due, today)
    ranked = risk.checkins_by_risk(due.select_related("resident__household", "level"), today)
    result = {}
    for key, when in WHEN.items():
        rows = _first(ranked.filter(when(today)), counts[key], ROWS)
        for row in rows:
            row.days_overdue = (today - row.due_on).days
        result[key] = (counts[key], rows)
    return result


# The two sections of what is due, as conditions on ``due_on``.
WHEN = {"overdue": lambda today: Q(due_on__lt=today), "today": lambda today: Q(due_on=today)}


def _split_count(due, today):
    return due.aggregate(**{key: Count("pk", filter=when(today)) for key, when in WHEN.items()})


def _first(rows, count, n):
    """The first ``n`` rows; no query when the count says there are none."""
    return list(rows[:n]) if count else []


def _due_follow_ups(user, today):
    """The same for the follow-ups assigned to the worker."""
    due = visit_scope.follow_ups(user).filter(assignee=user, done_at__isnull=True, due_on__lte=today)
    counts = _split_count(due, today)
    ranked = risk.follow_ups_by_risk(due, today)
    return {key: (counts[key], _first(ranked.filter(when(today)), counts[key], ROWS)) for key, when in WHEN.items()}


def _due_section(key, follow_ups, checkins, today):
    """Follow-ups first (each set at a door for a reason), then check-ins, riskiest first."""
    title = pgettext("worker's day", "Overdue") if key == "overdue" else _("Due today")
    (n_follow_ups, follow_up_rows), (n_checkins, checkin_rows) = follow_ups, checkins
    rows = [_follow_up_row(f, today) for f in follow_up_rows] + [_checkin_row(c, today) for c in checkin_rows]
    links = []
    if n_checkins:
        label = ngettext("All %(n)d check-in", "All %(n)d check-ins", n_checkins) % {"n": n_checkins}
        links.append((label, reverse("checkins")))
    if n_follow_ups:
        label = ngettext("All %(n)d follow-up", "All %(n)d follow-ups", n_follow_ups) % {"n": n_follow_ups}
        links.append((label, reverse("follow_ups")))
    empty = _("Nothing overdue.") if key == "overdue" else _("Nothing due today.")
    return Section(key, title, n_follow_ups + n_checkins, rows[:ROWS], links, empty)


def _follow_up_row(follow_up, today):
    visit = follow_up.visit
    if visit.household_id:
        url, detail = reverse("visit_household", args=[visit.household_id]), visit.household.address
    else:
        url, detail = reverse("visit_shop", args=[visit.shop_id]), f"{visit.shop.name} · {visit.shop.address}"
    return Row(
        label=follow_up.what,
        url=url,
        detail=detail,
        when=due_in_words(follow_up.due_on, today),
        urgent=follow_up.due_on < today,
        badge=_("Follow-up"),
    )


def _checkin_row(row, today):
    resident = row.resident
    cues = [_("%(age)s years") % {"age": resident.age}, row.level.name]
    if row.risk_equipment:
        cues.append(_("on medical equipment"))
    return Row(
        label=resident.name,
        url=reverse("visit_household", args=[resident.household_id]),
        detail=" · ".join([*cues, resident.household.address]),
        when=due_in_words(row.due_on, today),
        urgent=row.days_overdue > 0,
        badge=_("Check-in"),
    )


def _cases(user, grid_ids):
    """The worker's open cases (not those waiting for a check) and those resolved by others."""
    in_grids = case_scope.cases(user).filter(state__in=OPEN_STATES, grid_id__in=grid_ids)
    is_open = ~Q(state=State.RESOLVED)
    # Resolved by someone else (a department, staff): the grid worker checks it.
    is_to_verify = Q(state=State.RESOLVED) & ~Q(resolved_by=user)
    counts = in_grids.aggregate(open=Count("pk", filter=is_open), verify=Count("pk", filter=is_to_verify))
    mine = _first(in_grids.filter(is_open).order_by("due_at"), counts["open"], ROWS)
    verify = _first(in_grids.filter(is_to_verify).order_by("resolved_at"), counts["verify"], FEW)
    return (
        ObjectSection(
            "cases",
            _("My open cases"),
            counts["open"],
            [
                Row(c.title, c.get_absolute_url(), f"{c.number} · {c.get_state_display()}", _deadline(c), c.is_overdue)
                for c in mine
            ],
            [(_("All cases"), reverse("case_queue"))],
            _("No open cases."),
            objects=mine,
        ),
        ObjectSection(
            "verify",
            _("Cases to verify"),
            counts["verify"],
            [Row(c.title, c.get_absolute_url(), c.number, _("to verify")) for c in verify],
            [(_("All cases to verify"), f"{reverse('case_queue')}?state={State.RESOLVED}")],
            _("Nothing to verify."),
            objects=verify,
        ),
    )


def _deadline(case):
    return due_in_words(case.due_at) if case.due_at else ""


def _longest_unseen(grid_ids, today):
    """Residents who need care, never or least recently seen, not already listed as due."""
    cared_for = ResidentCategoryLink.objects.filter(resident=OuterRef("pk"), category__in=CARE_CATEGORIES)
    due = with_due_dates(CareAssignment.objects.filter(resident=OuterRef("pk"))).filter(due_on__lte=today)
    # The worker's grids are the scope's (worker_day); their current households' current
    # residents, found by index. Through scope.residents() the planner joined the grid and its
    # community for each of the grid's thousands of residents: most of this query's time (issue 16).
    grid_households = Household.objects.filter(grid_id__in=grid_ids, archived_at__isnull=True).order_by().values("pk")
    residents = list(
        Resident.objects.filter(archived_at__isnull=True)
        .filter(Exists(cared_for), ~Exists(due), household_id__in_first=grid_households)
        # A resident with a care level has the day of her last visit on her care assignment
        # (kept by the visit service); only one without looks it up in the visits (COALESCE
        # stops at the first value it has).
        .annotate(
            last_seen=Coalesce("care__last_seen_on", TruncDate(last_seen_at(), tzinfo=timezone.get_current_timezone()))
        )
        .select_related("household")
        .order_by(F("last_seen").asc(nulls_first=True), "date_of_birth")[:ROWS]
    )
    rows = [
        Row(
            label=r.name,
            url=reverse("visit_household", args=[r.household_id]),
            detail=f"{_('%(age)s years') % {'age': r.age}} · {r.household.address}",
            when=_("seen %(when)s") % {"when": since_in_words(r.last_seen, today)} if r.last_seen else _("never seen"),
            urgent=r.last_seen is None,
        )
        for r in residents
    ]
    empty = _("No elderly or vulnerable residents registered.")
    return ObjectSection("unseen", _("Not seen for the longest time"), None, rows, [], empty, residents)


def _todays_visits(user, today):
    start_of_day = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    visits = visit_scope.visits(user).filter(worker=user, visited_at__gte=start_of_day).order_by("-visited_at")
    count = visits.count()
    shown = _first(visits, count, FEW)
    rows = [Row(str(v.target), v.get_absolute_url(), when=f"{timezone.localtime(v.visited_at):%H:%M}") for v in shown]
    return ObjectSection("visits", _("Today's visits"), count, rows, [], _("No visits logged yet today."), shown)


@dataclass
class ObjectSection(Section):
    """A section that also keeps the objects its rows were made from."""

    objects: list = field(default_factory=list)
