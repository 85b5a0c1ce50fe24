"""The pages that gather from every app: the worker's day, the staff's desk and a department's
(the top floor; nothing imports this module)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from cases import scope as case_scope
from gridapp import scope
from gridapp.models import WorkerHeartbeat

from .desk import department_desk, staff_desk
from .register import grids_with_counts
from .worker_day import worker_day


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
    return render(request, "gridapp/home.html", context)
