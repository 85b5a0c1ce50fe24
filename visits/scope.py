"""The scope of visits, follow-ups and campaigns: the rights ``gridapp.scope`` decides (which
grids and communities a user sees or manages), applied to this app's models. Nothing else
filters them by hand; a visit is scoped by the grid it belongs to, like the register.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gridapp import scope

from .models import Campaign, Facility, FollowUp, Hazard, HelpAlert, Visit

# A worker may correct their own visit for this long; staff and admins at any time.
VISIT_EDIT_WINDOW = datetime.timedelta(hours=24)


def visits(user):
    return Visit.objects.select_related("worker", "household", "shop", "grid", "campaign").filter(
        scope.grid_q(scope.for_user(user), "grid")
    )


def can_edit_visit(user, visit):
    """Staff and admins at any time; the worker who logged it within 24 hours of logging it."""
    if scope.manages(user, visit.grid.community_id):
        return True
    return visit.worker_id == user.pk and timezone.now() - visit.created_at < VISIT_EDIT_WINDOW


def get_visit(user, pk, *, write=False):
    visit = scope.get_or_404(visits(user), pk)
    if write and not can_edit_visit(user, visit):
        raise PermissionDenied("A worker may edit their own visit for 24 hours; after that, ask community staff.")
    return visit


def follow_ups(user):
    return FollowUp.objects.select_related("visit__household", "visit__shop", "assignee", "grid").filter(
        scope.grid_q(scope.for_user(user), "grid")
    )


def get_follow_up(user, pk):
    """Anyone who may see a follow-up may also close it: it is the grid's shared to-do."""
    return scope.get_or_404(follow_ups(user), pk)


def campaigns(user):
    user_scope = scope.for_user(user)
    qs = Campaign.objects.all()
    if user_scope.is_admin:
        return qs
    return qs.filter(
        pk__in=Campaign.grids.through.objects.filter(scope.grid_q(user_scope, "grid")).values("campaign_id")
    )


def get_campaign(user, pk, *, write=False):
    campaign = scope.get_or_404(campaigns(user), pk)
    if write:
        scope.require_manage(user)
    return campaign


def help_alerts(user):
    """Residents recorded needing help or unwell, in the user's grids."""
    return HelpAlert.objects.select_related(
        "resident__household", "visit__worker", "grid__community", "handled_by"
    ).filter(scope.grid_q(scope.for_user(user), "grid"))


def get_help_alert(user, pk, *, write=False):
    """404 outside the user's grids; marking one handled is for its community's staff (403)."""
    alert = scope.get_or_404(help_alerts(user), pk)
    if write:
        scope.require_manage(user, alert.grid.community_id)
    return alert


def hazards(user):
    """Hazards of the user's grids: grid-scoped like visits."""
    return Hazard.objects.select_related("grid__community", "kind", "building", "household", "shop").filter(
        scope.grid_q(scope.for_user(user), "grid")
    )


def get_hazard(user, pk):
    """404 outside the user's grids; anyone who sees a hazard may recheck it (the grid's shared work)."""
    return scope.get_or_404(hazards(user), pk)


def facilities(user):
    """Service facilities of the user's grids."""
    return Facility.objects.select_related("grid", "kind", "building").filter(
        scope.grid_q(scope.for_user(user), "grid")
    )


def get_facility(user, pk):
    return scope.get_or_404(facilities(user), pk)
