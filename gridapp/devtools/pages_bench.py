"""The pages people open every day, as the users of a generated world (``generate_world``) open
them, for ``manage.py bench_pages``: who they are, which objects they look at, and the requests
(two of them POSTs that a second run can repeat: a new visit each time, and a case passed to the
grid's officer and taken back by turns)."""

import dataclasses
import datetime
import uuid
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from cases import workflow
from cases.models import Case, Department, State
from gridapp.models import Grid, Household, Role, RoleKind
from visits.forms import VisitForm
from visits.models import CareAssignment

User = get_user_model()


@dataclasses.dataclass
class Page:
    key: str
    label: str
    who: str
    path: Callable  # () → (method, url, data): called before each request, outside the timing
    expect: int = 200


@dataclasses.dataclass
class Cast:
    worker: object
    staff: object
    member: object
    admin: object
    grid: object
    household: object
    search: str
    case: object  # a case to read
    acted: object  # a case to act on, again and again


def _first(queryset, what):
    found = queryset.first()
    if found is None:
        raise CommandError(f"The world has no {what}: build one with manage.py generate_world.")
    return found


def cast():
    """The people and objects of the benchmark, chosen from the world the same way every run."""
    roles = Role.objects.select_related("user", "grid")
    worker_role = _first(
        roles.filter(kind=RoleKind.GRID_WORKER, part_time=False, user__is_active=True).order_by("grid_id", "pk"),
        "full-time grid worker",
    )
    grid = worker_role.grid
    staff = _first(roles.filter(kind=RoleKind.COMMUNITY_STAFF, community=grid.community_id).order_by("pk"), "staff")
    admin = _first(roles.filter(kind=RoleKind.ADMIN).order_by("pk"), "administrator")
    department = _first(
        Department.objects.filter(town=grid.community.town_id, members__isnull=False)
        .annotate(dispatched=Count("cases"))
        .order_by("-dispatched", "pk"),
        "department with members",
    )
    # A household with someone to check on: the visit form lists its residents.
    cared = CareAssignment.objects.filter(resident__household__grid=grid).order_by("resident_id")
    household = _first(
        Household.objects.filter(pk__in=cared.values("resident__household")[:1]) or Household.objects.filter(grid=grid),
        "household in the worker's grid",
    )
    cases = Case.objects.filter(grid=grid)
    acted = _first(
        cases.filter(state=State.HANDLING, category__officer_may_take=True).order_by("pk"),
        "case being handled in a category the grid's officer may take",
    )
    case = _first(
        cases.filter(state__in=(State.CLOSED, State.FEEDBACK)).annotate(n=Count("events")).order_by("-n", "pk"),
        "closed case",
    )
    head = household.head_name
    return Cast(
        worker=worker_role.user,
        staff=staff.user,
        member=department.members.order_by("pk").first(),
        admin=admin.user,
        grid=grid,
        household=household,
        search=head[:2] if len(head) > 1 else head,
        case=case,
        acted=acted,
    )


def visit_data(worker, household):
    """What the visit form posts when the worker taps "save" without changing anything but how
    everyone was ("well"), with a new submission id each time."""
    form = VisitForm(user=worker, household=household)
    data = {}
    for name in form.fields:
        value = form[name].initial
        if name.startswith("resident_") and not value:
            value = "well"
        if value in (None, "", False) or name == "photos":
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    data["client_id"] = str(uuid.uuid4())
    return data


def case_action(staff, case_pk):
    """The next of the two actions staff take by turns on the case: refer it to the grid's
    officer (一格一警), then take it back; each writes a timeline entry and tells someone."""
    case = Case.objects.select_related("category").get(pk=case_pk)
    for name in ("take_back", "refer_officer"):
        if workflow.allowed(staff, case, name):
            url = reverse("case_act", args=[case.pk, name])
            return "POST", url, {"version": str(case.version), "note": "基准测试"}
    raise CommandError(f"Staff can neither refer case {case.number} to the grid's officer nor take it back.")


def pages(c):
    """The pages, in the order they are measured."""
    today = timezone.localdate()
    measures = f"{reverse('case_measures')}?start={today - datetime.timedelta(days=89)}&end={today}"
    queue = reverse("case_queue")
    household = reverse("household_detail", args=[c.household.pk])
    visit = reverse("visit_household", args=[c.household.pk])

    def get(url):
        return lambda: ("GET", url, None)

    return [
        Page("worker_home", "worker's home", "worker", get(reverse("home"))),
        Page("register_search", "register search", "worker", get(f"{reverse('search')}?q={c.search}")),
        Page(
            "grid_households_search",
            "grid's households, searched",
            "worker",
            get(f"{reverse('grid_detail', args=[c.grid.pk])}?q={c.search}"),
        ),
        Page("household", "household page", "worker", get(household)),
        Page("visit_form", "visit form", "worker", get(visit)),
        Page("visit_post", "visit POST", "worker", lambda: ("POST", visit, visit_data(c.worker, c.household)), 302),
        Page("checkins_worker", "due check-ins (worker)", "worker", get(reverse("checkins"))),
        Page("checkins_staff", "due check-ins (staff)", "staff", get(reverse("checkins"))),
        Page("staff_home", "staff desk", "staff", get(reverse("home"))),
        Page("staff_queue", "staff queue", "staff", get(queue)),
        Page(
            "staff_queue_filtered",
            "staff queue, open in a grid, overdue",
            "staff",
            get(f"{queue}?state=open&grid={c.grid.pk}&overdue=true"),
        ),
        Page("case", "case page", "staff", get(reverse("case_detail", args=[c.case.pk]))),
        Page("case_action", "case action POST", "staff", lambda: case_action(c.staff, c.acted.pk), 302),
        Page("measures", "measures, community, 90 days", "staff", get(measures)),
        Page("department_queue", "department's queue", "member", get(reverse("department_queue"))),
        Page("admin_home", "admin home", "admin", get(reverse("home"))),
    ]


def grids_count():
    return Grid.objects.count()
