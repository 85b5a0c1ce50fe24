"""The pages that gather from every app: the worker's day and the staff home (the top floor;
nothing imports this module)."""

import datetime

from django.db.models import Exists, F, OuterRef
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cases import scope as case_scope
from cases.models import OPEN_STATES, State
from gridapp import scope
from gridapp.models import PersonCategory, ResidentCategoryLink, WorkerHeartbeat
from visits import scope as visit_scope
from visits.checkins import active_assignments, due_checkins
from visits.selectors import last_seen_at, needs_help_open

from .register import grids_with_counts

# Who the worker's day lists as "not seen for the longest time".
CARE_CATEGORIES = (
    PersonCategory.ELDERLY_ALONE,
    PersonCategory.EMPTY_NEST,
    PersonCategory.MEDICAL_EQUIPMENT,
    PersonCategory.DISABLED,
)
LONGEST_UNSEEN = 10
CHECKINS_ON_THE_DAY = 15
CASES_ON_THE_DAY = 15
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
        context.update(_worker_day(request.user))
    return render(request, "gridapp/home.html", context)


def _worker_day(user):
    today = timezone.localdate()
    start_of_day = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    cared_for = ResidentCategoryLink.objects.filter(resident=OuterRef("pk"), category__in=CARE_CATEGORIES)
    my_grids = scope.for_user(user).worker_grid_ids
    checkins_due = list(
        due_checkins(
            active_assignments()
            .filter(resident__household__grid_id__in=my_grids)
            .select_related("resident__household", "level"),
            today,
        )[:CHECKINS_ON_THE_DAY]
    )
    for row in checkins_due:
        row.days_overdue = (today - row.due_on).days
    return {
        "today": today,
        "checkins_due": checkins_due,
        "follow_ups_due": visit_scope.follow_ups(user)
        .filter(assignee=user, done_at__isnull=True, due_on__lte=today)
        .order_by("due_on"),
        "longest_unseen": scope.residents(user)
        .filter(Exists(cared_for), household__grid_id__in=my_grids)
        .annotate(last_seen=last_seen_at())
        .select_related("household")
        .order_by(F("last_seen").asc(nulls_first=True), "date_of_birth")[:LONGEST_UNSEEN],
        "todays_visits": visit_scope.visits(user)
        .filter(worker=user, visited_at__gte=start_of_day)
        .order_by("-visited_at"),
        "my_cases": case_scope.cases(user)
        .filter(state__in=OPEN_STATES, grid_id__in=my_grids)
        .exclude(state=State.RESOLVED)
        .order_by("due_at")[:CASES_ON_THE_DAY],
        # Resolved by someone else (a department, staff): the grid worker checks it.
        "to_verify": case_scope.cases(user)
        .filter(state=State.RESOLVED, grid_id__in=my_grids)
        .exclude(resolved_by=user)
        .order_by("resolved_at"),
    }
