"""The scope of cases: the rights ``gridapp.scope`` decides (grids, communities), applied to
cases, plus the one role that only cases know — membership of a department, which sees the
cases referred to it. Nothing else filters cases by hand.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from gridapp import scope
from gridapp.models import Role

from .models import OPEN_STATES, Case, CaseAssist, Department, ExtensionRequest, ExtensionState, MediationRecord


def department_ids(user):
    """The departments the user belongs to (loaded once per request, only when cases need it)."""
    cached = getattr(user, "_gridapp_departments", None)
    if cached is None:
        cached = frozenset(user.departments.values_list("pk", flat=True)) if user.is_authenticated else frozenset()
        user._gridapp_departments = cached
    return cached


def assisted_case_ids(department_ids):
    """The cases the departments assist on (协办), as a subquery."""
    return CaseAssist.objects.filter(department_id__in=department_ids).values("case_id")


def cases(user):
    """Cases of the user's grids or community, and those referred to the user's departments,
    as the lead or assisting (协办)."""
    user_scope = scope.for_user(user)
    qs = Case.objects.select_related("grid", "community", "category", "assignee", "department")
    if user_scope.is_admin:
        return qs
    mine = department_ids(user)
    seen = (
        Q(grid_id__in=user_scope.worker_grid_ids)
        | Q(community_id__in=user_scope.staff_community_ids)
        | Q(department_id__in=mine)
    )
    if mine:
        seen |= Q(pk__in=assisted_case_ids(mine))
    if user_scope.helper_grid_ids:
        # A grid's helper (Old Li) sees the cases of that grid they are named on as a mediator,
        # nothing else of it: a subquery, so the list costs no query more.
        mediated = MediationRecord.objects.filter(mediators=user, case__grid_id__in=user_scope.helper_grid_ids)
        seen |= Q(pk__in=mediated.values("case_id"))
    return qs.filter(seen)


def managed_cases(user):
    """The cases the user may assign in bulk: those of the communities they run (admins: all)."""
    user_scope = scope.for_user(user)
    qs = cases(user)
    return qs if user_scope.is_admin else qs.filter(community_id__in=user_scope.staff_community_ids)


def get_case(user, pk):
    return scope.get_or_404(cases(user), pk)


def extensions_to_answer(user):
    """The extension requests waiting for this user's answer (the staff's desk): those of open
    cases of the communities they run (admins: all), not their own."""
    return (
        ExtensionRequest.objects.filter(
            state=ExtensionState.PENDING, case__in=managed_cases(user).filter(state__in=OPEN_STATES)
        )
        .exclude(asked_by=user)
        .select_related("case", "asked_by")
        .order_by("asked_at", "pk")
    )


def assignable_users(user):
    """Whom a case can be assigned to: workers and staff of the user's grids and communities."""
    user_scope = scope.for_user(user)
    roles = Role.objects.all()
    if not user_scope.is_admin:
        grid_ids = scope.grids(user).values("pk")
        roles = roles.filter(
            Q(grid_id__in=grid_ids)
            | Q(community_id__in=user_scope.staff_community_ids)
            | Q(community__grids__in=grid_ids)
        )
    return get_user_model().objects.filter(pk__in=roles.values("user_id"), is_active=True)


def departments(user):
    """The departments the user may choose (to dispatch to, or to narrow a list by): those of
    the towns of the user's communities, and the user's own."""
    return Department.objects.filter(
        # Subqueries, not ids read first: the choice costs no query of its own.
        Q(town__in=scope.communities(user).values("town")) | Q(pk__in=user.departments.values("pk"))
    )


def mediators(case):
    """Who may be named as a mediator of the case: the active users with a role in its grid or
    its community (helpers without an account are named in words)."""
    roles = Role.objects.filter(Q(grid=case.grid_id) | Q(community=case.community_id))
    return get_user_model().objects.filter(pk__in=roles.values("user_id"), is_active=True)
