"""The reads of visits: last visits, coverage, weekly counts — set-based, for any scope."""

import datetime

from django.db.models import Case, Count, Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from gridapp import scope
from gridapp.models import Shop

from . import scope as visit_scope
from .checkins import active_assignments, with_due_dates
from .models import Campaign, CampaignTarget, Condition, ResidentSeen, Visit


def last_visit_at(target_field):
    """The time of the latest visit to each row (``target_field`` is "household" or "shop")."""
    latest = Visit.objects.filter(**{target_field: OuterRef("pk")}).order_by("-visited_at").values("visited_at")[:1]
    return Subquery(latest)


def last_seen_at():
    """The latest visit in which each resident was seen (any condition but "not at home")."""
    latest = (
        ResidentSeen.objects.filter(resident=OuterRef("pk"))
        .exclude(condition=Condition.NOT_HOME)
        .order_by("-visit__visited_at")
        .values("visit__visited_at")[:1]
    )
    return Subquery(latest)


def _is_target(campaign, place):
    """Whether the household or shop is one of the campaign's targets (its grids aside)."""
    if isinstance(place, Shop):
        return campaign.target == CampaignTarget.ALL_SHOPS or (
            campaign.target == CampaignTarget.STREET_FRONT_SHOPS and place.street_front
        )
    return campaign.target == CampaignTarget.ALL_HOUSEHOLDS


def campaigns_for(user, place, day=None):
    """The campaigns this household or shop is a target of and that run on ``day`` (default
    today): what the visit form offers."""
    day = day or timezone.localdate()
    running = visit_scope.campaigns(user).filter(grids=place.grid_id, starts_on__lte=day, ends_on__gte=day)
    return [campaign for campaign in running.order_by("ends_on", "pk") if _is_target(campaign, place)]


def _places(user, target):
    if target in (CampaignTarget.STREET_FRONT_SHOPS, CampaignTarget.ALL_SHOPS):
        shops = scope.shops(user)
        return (shops.filter(street_front=True) if target == CampaignTarget.STREET_FRONT_SHOPS else shops), "shop"
    return scope.households(user), "household"


def counting_visits(field, *, place, campaign_id, starts_on, ends_on, purpose):
    """The visits to ``place`` that count towards a campaign: within its dates (local days), with
    its purpose, and not logged for another campaign (a worker who picked one campaign on the
    form meant that one). The campaign's values may be OuterRefs, so the campaign page's list
    and the coverage figures are one rule, computed in the database."""
    day = TruncDate("visited_at", tzinfo=timezone.get_current_timezone())
    return (
        Visit.objects.annotate(day=day)
        .filter(**{field: place}, day__gte=starts_on, day__lte=ends_on, purposes__purpose=purpose)
        .filter(Q(campaign__isnull=True) | Q(campaign=campaign_id))
    )


def campaign_targets(user, campaign: Campaign):
    """The households or shops the campaign aims at, within what the user may see, each with
    ``visited``: whether a visit counts towards the campaign."""
    places, field = _places(user, campaign.target)
    visited = counting_visits(
        field,
        place=OuterRef("pk"),
        campaign_id=campaign.pk,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        purpose=campaign.visit_purpose,
    )
    return places.filter(grid__in=campaign.grids.all()).annotate(visited=Exists(visited)), field


def campaign_coverage(user, campaign):
    """(visited, total) over the campaign's targets the user may see."""
    return coverage_for(user, [campaign])[campaign.pk]


def _count(queryset):
    """A queryset's row count as a scalar subquery."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"), output_field=IntegerField()
    )


def coverage_for(user, campaigns):
    """{campaign id: (visited, total)} for several campaigns: one query per kind of target (three
    at most), however many campaigns, by the same rule as ``campaign_targets``. A target counts
    while it is current and in one of the campaign's grids."""
    by_target = {}
    for campaign in campaigns:
        by_target.setdefault(campaign.target, []).append(campaign.pk)
    result = {}
    for target, ids in by_target.items():
        places, field = _places(user, target)
        # Two levels down from the campaign: its targets, then each target's visits.
        in_its_grids = places.filter(
            grid__in=Campaign.grids.through.objects.filter(campaign=OuterRef(OuterRef("pk"))).values("grid")
        )
        visited = counting_visits(
            field,
            place=OuterRef("pk"),
            campaign_id=OuterRef(OuterRef("pk")),
            starts_on=OuterRef(OuterRef("starts_on")),
            ends_on=OuterRef(OuterRef("ends_on")),
            purpose=OuterRef(OuterRef("visit_purpose")),
        )
        rows = (
            Campaign.objects.filter(pk__in=ids)
            .annotate(visited=_count(in_its_grids.filter(Exists(visited))), total=_count(in_its_grids))
            .values_list("pk", "visited", "total")
        )
        result.update({pk: (visited or 0, total or 0) for pk, visited, total in rows})
    return result


def campaigns_counting(user, visit):
    """The campaigns a saved visit counts towards, by the rule of ``counting_visits``."""
    day = timezone.localdate(visit.visited_at)
    purposes = [p.purpose for p in visit.purposes.all()]
    candidates = visit_scope.campaigns(user).filter(
        grids=visit.grid_id, starts_on__lte=day, ends_on__gte=day, visit_purpose__in=purposes
    )
    return [
        campaign
        for campaign in candidates.order_by("ends_on", "pk")
        if _is_target(campaign, visit.target) and visit.campaign_id in (None, campaign.pk)
    ]


def needs_help_open(user):
    """Residents recorded needing help or unwell whom nobody has acted on yet (no follow-up or
    case raised since, not seen again, not marked handled: ``visits.alerts``), in the user's
    grids: those needing help first, then the newest."""
    urgency = Case(When(Q(condition=Condition.NEEDS_HELP), then=Value(0)), default=Value(1))
    return visit_scope.help_alerts(user).filter(handled_at__isnull=True).order_by(urgency, "-created_at")


def household_checkins(visit):
    """After a visit to a household: its residents with check-ins, each as (resident, next due
    date, what the visit recorded — "" for nothing), for the confirmation."""
    if visit.household_id is None:
        return []
    recorded = dict(visit.residents_seen.values_list("resident_id", "condition"))
    rows = (
        with_due_dates(active_assignments().filter(resident__household_id=visit.household_id))
        .select_related("resident")
        .order_by("-resident__is_head", "resident__date_of_birth")
    )
    return [(row.resident, row.due_on, recorded.get(row.resident_id, "")) for row in rows]


def weekly_visits(user, *, weeks=8):
    """Visits per worker per week (Monday-based, Asia/Shanghai), newest week first."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=today.weekday() + 7 * (weeks - 1))
    start_at = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    rows = (
        visit_scope.visits(user)
        .filter(visited_at__gte=start_at)
        .annotate(week=TruncWeek("visited_at", tzinfo=timezone.get_current_timezone()))
        .values("worker", "worker__username", "worker__first_name", "worker__last_name", "week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    week_starts = [start + datetime.timedelta(weeks=i) for i in range(weeks)][::-1]
    table = {}
    for row in rows:
        week = row["week"].date() if hasattr(row["week"], "date") else row["week"]
        name = f"{row['worker__last_name']}{row['worker__first_name']}".strip() or row["worker__username"]
        table.setdefault((name, row["worker"]), {})[week] = row["n"]
    return week_starts, [
        (name, [counts.get(week, 0) for week in week_starts], sum(counts.values()))
        for (name, _), counts in sorted(table.items())
    ]
