"""The reads of visits: last visits, coverage, weekly counts — set-based, for any scope."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import TruncWeek
from django.utils import timezone

from gridapp import scope

from . import scope as visit_scope
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


def open_campaigns(user, grid):
    """Campaigns a visit to a place in this grid may count towards: started, over this grid."""
    return visit_scope.campaigns(user).filter(grids=grid, starts_on__lte=timezone.localdate())


def campaign_targets(user, campaign: Campaign):
    """The households or shops the campaign aims at, within what the user may see."""
    if campaign.targets_shops:
        qs = scope.shops(user).filter(grid__in=campaign.grids.all())
        if campaign.target == CampaignTarget.STREET_FRONT_SHOPS:
            qs = qs.filter(street_front=True)
        field = "shop"
    else:
        qs = scope.households(user).filter(grid__in=campaign.grids.all())
        field = "household"
    visited = Visit.objects.filter(campaign=campaign, **{field: OuterRef("pk")})
    return qs.annotate(visited=Exists(visited)), field


def campaign_coverage(user, campaign):
    """(visited, total) over the campaign's targets the user may see."""
    return coverage_for(user, [campaign])[campaign.pk]


def coverage_for(user, campaigns):
    """{campaign id: (visited, total)} for several campaigns in a fixed number of queries."""
    campaigns = list(campaigns)
    grid_ids = {grid.pk for campaign in campaigns for grid in campaign.grids.all()}
    shops = {
        row["grid"]: row
        for row in scope.shops(user)
        .filter(grid__in=grid_ids)
        .values("grid")
        .annotate(all=Count("pk"), street_front=Count("pk", filter=Q(street_front=True)))
        .order_by()
    }
    households = {
        row["grid"]: row["n"]
        for row in scope.households(user).filter(grid__in=grid_ids).values("grid").annotate(n=Count("pk")).order_by()
    }
    # A target counts while it is current and still in one of the campaign's grids, exactly as
    # campaign_targets() lists it.
    campaign_grid = Campaign.grids.through.objects.filter(campaign=OuterRef("campaign"))
    shop_counts = Q(shop__archived_at__isnull=True) & Exists(campaign_grid.filter(grid=OuterRef("shop__grid")))
    household_counts = Q(household__archived_at__isnull=True) & Exists(
        campaign_grid.filter(grid=OuterRef("household__grid"))
    )
    visited = {
        row["campaign"]: row
        for row in visit_scope.visits(user)
        .filter(campaign__in=campaigns)
        .values("campaign")
        .annotate(
            shops=Count("shop", distinct=True, filter=shop_counts),
            street_front_shops=Count("shop", distinct=True, filter=shop_counts & Q(shop__street_front=True)),
            households=Count("household", distinct=True, filter=household_counts),
        )
        .order_by()
    }
    result = {}
    for campaign in campaigns:
        grids = [grid.pk for grid in campaign.grids.all()]
        done = visited.get(campaign.pk, {})
        if campaign.target == CampaignTarget.STREET_FRONT_SHOPS:
            total = sum(shops.get(g, {}).get("street_front", 0) for g in grids)
            result[campaign.pk] = (done.get("street_front_shops", 0), total)
        elif campaign.target == CampaignTarget.ALL_SHOPS:
            result[campaign.pk] = (done.get("shops", 0), sum(shops.get(g, {}).get("all", 0) for g in grids))
        else:
            result[campaign.pk] = (done.get("households", 0), sum(households.get(g, 0) for g in grids))
    return result


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
