"""The pages that gather from every app: the worker's day and the staff home (the top floor;
nothing imports this module)."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from cases import scope as case_scope
from gridapp import scope
from gridapp.models import WorkerHeartbeat
from visits.selectors import needs_help_open

from .register import grids_with_counts
from .worker_day import worker_day

# Residents found needing help whom nobody has acted on: the first few, then "show all".
HELP_ALERTS_SHOWN = 5


@require_safe
def home(request):
    """A worker's day; a staff member's community; every community for an admin."""
    user_scope = scope.for_user(request.user)
    in_department = bool(case_scope.department_ids(request.user))
    if in_department and not user_scope.has_any_role:
        return redirect("department_queue")  # department staff have no grid: their day is their queue
    context = {
        "grids": list(grids_with_counts(request.user)),
        "user_scope": user_scope,
        "in_department": in_department,
    }
    if user_scope.is_admin:
        context["heartbeats"] = WorkerHeartbeat.objects.order_by("-seen_at")[:3]
    if user_scope.is_staff:
        waiting = needs_help_open(request.user)
        context.update(help_alerts=list(waiting[:HELP_ALERTS_SHOWN]), help_alerts_count=waiting.count())
    if user_scope.is_worker:
        context.update(worker_day(request.user))
    return render(request, "gridapp/home.html", context)
