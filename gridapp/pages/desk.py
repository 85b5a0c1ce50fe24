"""The community's desk: the staff home as a work list, and a department's home the same way.

Each group is something the staff member (or the department) must do, with its count, its
first rows (``ROWS``) and a link to the full list; every row opens the page where it is
settled: a case its page, a resident needing help the visit that found them, a check-in past
its grace the resident, a record a worker added the record (its "confirm" button).

The page costs the same queries whatever the community holds (``tests/gridapp/test_desk.py``
pins them): the case groups are counted in one aggregate, each other group in one query, and
rows are fetched only for a group that has any. Nothing counts the register's residents.

Extension requests waiting for the office's answer are a group of their own, after "resolved,
to verify" (``cases.scope.extensions_to_answer``: never one's own).
"""

import datetime

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Value
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases import scope as case_scope
from cases.filters import TO_VERIFY
from cases.models import OPEN_STATES, CaseAssist, CaseEvent, State
from gridapp import scope
from gridapp.core.display import due_in_words, person, since_in_words
from gridapp.models import DeliveryStatus, Grid
from visits import risk
from visits.checkins import in_grids, past_grace
from visits.models import CareAssignment
from visits.selectors import needs_help_open

from .worker_day import ObjectSection, Row

ROWS = 3
# "Due soon": a deadline within this window counts with the overdue ones.
DUE_SOON = datetime.timedelta(hours=24)
# Failed deliveries the desk shows: the recent ones (older ones stay on their own page).
FAILED_RECENTLY = datetime.timedelta(days=7)


def _queue(**params):
    return f"{reverse('case_queue')}?" + "&".join(f"{name}={value}" for name, value in params.items())


def _first(queryset, count, n=ROWS):
    """The first ``n`` rows; no query when the count says there are none."""
    return list(queryset[:n]) if count else []


def _case_row(case, *, detail=""):
    return Row(
        label=case.title,
        url=case.get_absolute_url(),
        detail=" · ".join(part for part in (case.number, case.grid.name, detail) if part),
        when=due_in_words(case.due_at) if case.due_at else "",
        urgent=case.is_overdue,
    )


def _case_section(key, title, count, cases, links, empty, *, detail=lambda case: ""):
    rows = [_case_row(case, detail=detail(case)) for case in cases]
    return ObjectSection(key, title, count, rows, links, empty, objects=cases)


# --- the staff's desk ----------------------------------------------------------------------------


def _returned():
    """An escalated case a department sent back (rather than one a worker escalated): its latest
    arrival at the community was a "return" (the action stamps ``escalated_at`` as it goes)."""
    return Exists(
        CaseEvent.objects.filter(case=OuterRef("pk"), action="return", created_at__gte=OuterRef("escalated_at"))
    )


def staff_desk(user):
    """The groups of the desk of a community's staff member, for the communities they run."""
    communities = scope.for_user(user).staff_community_ids
    now = timezone.now()
    today = timezone.localdate()
    cases = _case_sections(user, communities, now)
    return [
        *cases[:3],
        _extension_section(user, communities),
        *cases[3:],
        _help_section(user, communities),
        _checkin_section(communities, today),
        _awaiting_section(user),
        _failed_deliveries_section(user, communities, now),
    ]


def _case_sections(user, communities, now):
    cases = (
        case_scope.cases(user)
        .filter(community_id__in=communities, state__in=OPEN_STATES)
        .annotate(returned=_returned())
    )
    conditions = {
        "reports": Q(state=State.REPORTED),
        "escalations": Q(state=State.ESCALATED, returned=False),
        "verify": Q(state=State.RESOLVED) & ~Q(resolved_by=user),  # nobody verifies their own resolution
        "returns": Q(state=State.ESCALATED, returned=True),
        "due": Q(due_at__lt=now + DUE_SOON),
    }
    counts = cases.aggregate(**{key: Count("pk", filter=q) for key, q in conditions.items()})

    def first(key, order, *related):
        return _first(cases.filter(conditions[key]).select_related(*related).order_by(*order), counts[key])

    return [
        _case_section(
            "reports",
            _("Reports to register"),
            counts["reports"],
            first("reports", ["reported_at"], "complainant"),
            # Hotline calls whose address named no grid wait for the office in the intake list.
            [
                (_("All reports"), _queue(state=State.REPORTED)),
                (_("Hotline requests to place"), reverse("open311:intake")),
            ],
            _("No report waits to be registered."),
            detail=lambda case: case.complainant_label(),
        ),
        _case_section(
            "escalations",
            _("Escalations to dispatch"),
            counts["escalations"],
            first("escalations", ["escalated_at"]),
            [(_("All escalated cases"), _queue(state=State.ESCALATED))],
            _("No escalation waits."),
        ),
        _case_section(
            "verify",
            _("Resolved, to verify"),
            counts["verify"],
            first("verify", ["resolved_at"], "resolved_by"),
            [(_("All cases to verify"), _queue(state=TO_VERIFY))],
            _("Nothing to verify."),
            detail=lambda case: person(case.resolved_by),
        ),
        _case_section(
            "returns",
            _("Returned by departments"),
            counts["returns"],
            first("returns", ["-escalated_at"]),
            [(_("All escalated cases"), _queue(state=State.ESCALATED))],
            _("No case came back from a department."),
        ),
        _case_section(
            "due",
            _("Overdue or due within 24 hours"),
            counts["due"],
            first("due", ["due_at"]),
            [(_("All overdue cases"), _queue(state="open", overdue="true"))],
            _("No deadline within a day."),
            detail=lambda case: case.get_state_display(),
        ),
    ]


def _extension_section(user, communities):
    waiting = case_scope.extensions_to_answer(user).filter(case__community_id__in=communities)
    count = waiting.count()
    # Each request is answered on its case's page and the queue has no list of them: the desk
    # shows up to ten (a community has a few at a time).
    requests = _first(waiting.select_related("case__grid"), count, n=10)
    rows = [
        Row(
            label=request.case.title,
            url=request.case.get_absolute_url(),
            detail=" · ".join(
                (
                    request.case.number,
                    person(request.asked_by),
                    _("until %(date)s")
                    % {"date": formats.date_format(timezone.localtime(request.proposed_due), "MONTH_DAY_FORMAT")},
                    request.reason[:40],
                )
            ),
            when=due_in_words(request.case.due_at),
            urgent=request.case.is_overdue,
        )
        for request in requests
    ]
    empty = _("No extension request waits.")
    return ObjectSection("extensions", _("Extension requests"), count, rows, [], empty, objects=requests)


def _help_section(user, communities):
    waiting = needs_help_open(user).filter(grid__community_id__in=communities)
    count = waiting.count()
    alerts = _first(waiting, count)
    rows = [
        Row(
            label=alert.resident.name,
            url=alert.visit.get_absolute_url(),
            detail=" · ".join((alert.get_condition_display(), alert.grid.name, alert.resident.household.address)),
            when=since_in_words(alert.created_at),
            urgent=True,
        )
        for alert in alerts
    ]
    links = [(_("All residents waiting"), reverse("help_alert_list"))]
    empty = _("Nobody recorded as needing help is waiting.")
    return ObjectSection("help", _("Needs help after a visit"), count, rows, links, empty, objects=alerts)


def _checkin_section(communities, today):
    assignments = in_grids(CareAssignment.objects, Grid.objects.filter(community_id__in=communities))
    late = past_grace(assignments, today)
    count = late.count()
    ranked = risk.checkins_by_risk(
        late.select_related("resident__household__grid", "level"),
        today,
    )
    shown = _first(ranked, count)
    rows = [
        Row(
            label=row.resident.name,
            url=row.resident.get_absolute_url(),
            detail=" · ".join((row.level.name, row.resident.household.grid.name, row.resident.household.address)),
            when=due_in_words(row.due_on, today),
            urgent=True,
        )
        for row in shown
    ]
    links = [(_("All check-ins due"), reverse("checkins"))]
    empty = _("No check-in is overdue past its grace days.")
    return ObjectSection("checkins", _("Check-ins overdue past grace"), count, rows, links, empty, objects=shown)


# What a worker may add, how the desk names it and where it is confirmed.
_ADDED = {
    "household": (gettext_lazy("Household"), "household_detail"),
    "resident": (gettext_lazy("Resident"), "resident_detail"),
    "shop": (gettext_lazy("Shop"), "shop_detail"),
}


def _awaiting_section(user):
    """Households, residents and shops grid workers added, oldest first, in one list: the count
    and the first rows are one query each (a UNION of the three kinds)."""
    waiting = scope.awaiting_confirmation(user)
    kinds = (
        ("household", waiting.households, "address"),
        ("resident", waiting.residents, "name"),
        ("shop", waiting.shops, "name"),
    )
    parts = [
        qs.order_by()
        .annotate(kind=Value(kind, output_field=CharField()), key=F("pk"), label=F(field), added=F("created_at"))
        .values_list("kind", "key", "label", "added")
        for kind, qs, field in kinds
    ]
    count = scope.awaiting_confirmation_count(user)
    added = _first(parts[0].union(*parts[1:], all=True).order_by("added"), count)
    rows = [
        Row(
            label=label,
            url=reverse(_ADDED[kind][1], args=[pk]),
            when=since_in_words(at),
            badge=str(_ADDED[kind][0]),
        )
        for kind, pk, label, at in added
    ]
    links = [(_("All records to confirm"), reverse("awaiting_confirmation"))]
    empty = _("Nothing waits for confirmation.")
    title = _("Added by workers, to confirm")
    return ObjectSection("confirm", title, count, rows, links, empty, objects=added)


def _failed_deliveries_section(user, communities, now):
    failed = scope.deliveries(user).filter(
        notification__community_id__in=communities, status=DeliveryStatus.FAILED, created_at__gte=now - FAILED_RECENTLY
    )
    count = failed.count()
    shown = _first(failed.select_related("notification__recipient").order_by("-created_at"), count)
    rows = [
        Row(
            label=d.notification.subject,
            url=reverse("failed_deliveries"),
            detail=f"{person(d.notification.recipient)} · {d.get_channel_display()}",
            when=since_in_words(d.created_at),
            urgent=True,
        )
        for d in shown
    ]
    links = [(_("All failed deliveries"), reverse("failed_deliveries"))]
    empty = _("Every message of the past week was delivered.")
    title = _("Failed deliveries this week")
    return ObjectSection("deliveries", title, count, rows, links, empty, objects=shown)


# --- a department's desk -------------------------------------------------------------------------


def _touched_by_the_department():
    """Someone of the department wrote on the case since it was dispatched to them (an action
    that keeps the case dispatched, such as asking for time, stamps ``dispatched_at`` anew)."""
    return Exists(
        CaseEvent.objects.filter(
            case=OuterRef("pk"),
            created_at__gte=OuterRef("dispatched_at"),
            actor__departments=OuterRef("department_id"),
        ).exclude(action="dispatch")
    )


def _open_part_of(departments):
    """One of these departments assists on the case (协办) and has not marked its part done."""
    return Exists(CaseAssist.objects.filter(case=OuterRef("pk"), department_id__in=departments, done_at=None))


def department_desk(user):
    """The groups of a department member's home: the cases dispatched to their departments that
    nobody of the department has touched yet, those sent back after a failed verification, those
    due within a day, and the cases they assist on whose part is still open (one aggregate)."""
    now = timezone.now()
    mine = case_scope.department_ids(user)
    cases = (
        case_scope.cases(user)
        .filter(Q(department_id__in=mine) | Q(pk__in=case_scope.assisted_case_ids(mine)), state=State.DISPATCHED)
        .annotate(touched=_touched_by_the_department(), open_part=_open_part_of(mine))
    )
    lead = Q(department_id__in=mine)
    conditions = {
        "referrals": lead & Q(rework_count=0, touched=False),
        "rework": lead & Q(rework_count__gt=0),
        "due": lead & Q(due_at__lt=now + DUE_SOON),
        "assisting": ~lead & Q(open_part=True),
    }
    counts = cases.aggregate(**{key: Count("pk", filter=q) for key, q in conditions.items()})

    def first(key, order):
        return _first(cases.filter(conditions[key]).order_by(*order), counts[key])

    queue = [(_("All cases with my department"), reverse("department_queue"))]

    def reworked(case):
        return ngettext("sent back %(n)d time", "sent back %(n)d times", case.rework_count) % {"n": case.rework_count}

    return [
        _case_section(
            "referrals",
            _("New referrals"),
            counts["referrals"],
            first("referrals", ["dispatched_at"]),
            queue,
            _("No new referral."),
            detail=lambda case: str(case.department),
        ),
        _case_section(
            "rework",
            _("Sent back after verification"),
            counts["rework"],
            first("rework", ["due_at"]),
            queue,
            _("Nothing sent back."),
            detail=reworked,
        ),
        _case_section(
            "department-due",
            _("Overdue or due within 24 hours"),
            counts["due"],
            first("due", ["due_at"]),
            queue,
            _("No deadline within a day."),
            detail=lambda case: str(case.department),
        ),
        _case_section(
            "assisting",
            _("Assisting: our part still open"),
            counts["assisting"],
            first("assisting", ["due_at"]),
            queue,
            _("No case waits for your department's help."),
            detail=lambda case: _("led by %(name)s") % {"name": case.department},
        ),
    ]
