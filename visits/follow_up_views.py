"""The list of follow-ups: the full list behind the worker's day's "all follow-ups"."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from gridapp import scope

from . import risk
from . import scope as visit_scope

PAGE_SIZE = 30
# ?when=: those due (today and overdue, riskiest first) or every open one (soonest first).
WHEN = ("due", "open")


@require_safe
def follow_up_list(request):
    """Open follow-ups: a worker's own; those of every grid the user runs for staff and admins."""
    today = timezone.localdate()
    when = request.GET.get("when") if request.GET.get("when") in WHEN else "due"
    follow_ups = visit_scope.follow_ups(request.user).filter(done_at__isnull=True)
    manages = scope.can_manage_register(request.user)
    if not manages:
        follow_ups = follow_ups.filter(assignee=request.user)
    if when == "due":
        follow_ups = risk.follow_ups_by_risk(follow_ups.filter(due_on__lte=today), today)
    else:
        follow_ups = follow_ups.order_by("due_on", "pk")
    page = Paginator(follow_ups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/follow_up_list.html",
        {"page": page, "when": when, "today": today, "show_assignee": manages},
    )
