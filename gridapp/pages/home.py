"""The pages that gather from every app: the worker's day, the staff's desk and a department's
(the top floor; nothing imports this module)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cases import hotline
from cases import scope as case_scope
from gridapp import scope
from gridapp.models import WorkerHeartbeat

from .desk import department_desk, staff_desk
from .register import grids_with_counts
from .worker_day import worker_day

# An admin's communities a page at a time, each with its grids: every grid of a district on one
# page made the admin's home grow with the data (498 KB at district scale, issue 16).
COMMUNITIES_PER_PAGE = 10


@require_safe
def home(request):
    """A worker's day; a staff member's desk; a department's desk; an admin's communities. A user
    holding several roles sees each part in turn."""
    user_scope = scope.for_user(request.user)
    in_department = bool(case_scope.department_ids(request.user))
    context = {"user_scope": user_scope, "in_department": in_department}
    if user_scope.is_worker:
        context.update(worker_day(request.user))
    if user_scope.is_worker and not (user_scope.is_staff or user_scope.is_admin):
        # A worker's own grid or two, with what they hold (counting one grid is cheap).
        context["grids"] = list(grids_with_counts(request.user))
    elif user_scope.is_admin:
        context["grids"], context["page"] = _admin_communities(request)
    else:
        # The grids as links: counting the residents of a community (or a town) on every load
        # is what made the staff home slow at town scale.
        context["grids"] = list(scope.grids(request.user))
    if user_scope.is_staff:
        desk = staff_desk(request.user)
        context["desk"] = desk
        # Residents needing help keep their own card (emergency contact, "mark as handled").
        help_section = next(section for section in desk if section.key == "help")
        context.update(help_alerts=help_section.objects, help_alerts_count=help_section.count)
    if in_department:
        context["department_desk"] = department_desk(request.user)
    if user_scope.is_admin:
        context["heartbeats"] = WorkerHeartbeat.objects.order_by("-seen_at")[:3]
        # Hotline calls whose address named no grid wait for the town (Open311, issue 18).
        context["hotline_waiting"] = hotline.waiting(request.user).count()
    return render(request, "gridapp/home.html", context)


def _admin_communities(request):
    """One page of the admin's communities (town, then name) and the grids of those communities."""
    communities = scope.communities(request.user).order_by("town__name", "name", "pk")
    page = Paginator(communities, COMMUNITIES_PER_PAGE).get_page(request.GET.get("page"))
    grids = scope.grids(request.user).filter(community_id__in=[c.pk for c in page])
    return list(grids.order_by("community__town__name", "community__name", "community_id", "number")), page
