"""A worker's month (工作台账): one worker's figures for a month, and the community's workers side
by side. The figures and their definitions are ``cases.worker_month``'s; these pages only show
them. A record to talk about, not a score: the overview is ordered by grid and name, never by a
figure.

Who reads which month: the community's staff and admins any worker of the grids they manage, a
worker their own; anyone else gets 404 (``worker_month.get_worker``). The overview is the
staff's (403 for everyone else, as the people area)."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases import worker_month
from gridapp import scope
from gridapp.core.display import person
from gridapp.core.forms import id_param


def _month(request):
    today = timezone.localdate()
    return worker_month.Month(worker_month.parse_month(request.GET.get("month"), today), today)


def _measures_url(month):
    """The case measures page for the month: the list behind the case figures."""
    query = {"start": month.first.isoformat(), "end": month.last.isoformat()}
    return f"{reverse('case_measures')}?{urlencode(query)}"


@require_safe
def person_month(request, pk):
    """One worker's month, with previous/next month links and each figure's definition."""
    month = _month(request)
    worker = worker_month.get_worker(request.user, pk)
    worker_month.compute([worker], month)
    user_scope = scope.for_user(request.user)
    return render(
        request,
        "gridapp/worker_month.html",
        {
            "worker": worker,
            "name": person(worker.user),
            "month": month,
            "figures": worker.figures(),
            "measures_url": _measures_url(month) if (user_scope.is_staff or user_scope.is_admin) else "",
            "is_staff_view": user_scope.is_staff or user_scope.is_admin,
        },
    )


@require_safe
def community_month(request):
    """The community's full-time workers and their main figures for one month, by grid and name."""
    user_scope = scope.for_user(request.user)
    if not (user_scope.is_staff or user_scope.is_admin):
        raise PermissionDenied(_("Only community staff and admins see the workers' months."))
    communities = scope.export_communities(request.user).order_by("name", "pk")
    community_id = id_param(request.GET.get("community"))
    community = scope.get_or_404(communities, community_id) if community_id is not None else communities.first()
    month = _month(request)
    workers = worker_month.community_workers(request.user, community) if community else []
    worker_month.compute(workers, month)
    return render(
        request,
        "gridapp/community_month.html",
        {
            "community": community,
            "communities": list(communities[:50]) if user_scope.is_admin else [],
            "month": month,
            "measures": worker_month.MEASURES,
            "rows": [{"worker": w, "name": person(w.user), "figures": w.figures()} for w in workers],
            "measures_url": _measures_url(month),
            "can_export": request.user.has_perm(scope.EXPORT_PERMISSION),
        },
    )
