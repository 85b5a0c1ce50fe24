"""The desk (issue 14, item 1): the staff home is a work list grouped by what staff must do, a
department's home the same for its referrals; each row opens the page where it is settled; the
page costs the same queries however much waits. And the menu per role (item 8): nobody is offered
a form they cannot complete."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from gridapp.models import Delivery, DeliveryStatus, Notification, RoleKind
from visits.checkins import refresh_due, set_care_level
from visits.models import CareAssignment, CareLevel, CareRule

from ..factories import GridFactory, HouseholdFactory, ResidentFactory, UserFactory, give_role
from ..visits.conftest import log
from .conftest import act, fresh, make_department, member_of, report

_n = itertools.count()


def desk_of(response, key="desk"):
    """{group key: section} of the home page's desk (``key``: "desk" or "department_desk")."""
    return {section.key: section for section in response.context[key]}


def shown(section):
    """The titles (or names) of a group's rows."""
    return [row.label for row in section.rows]


@pytest.fixture
def weekly(db):
    level, _ = CareLevel.objects.get_or_create(
        suggest_for=CareRule.ALONE_80_OR_EQUIPMENT, defaults={"name": "每周探访", "cadence_days": 7, "grace_days": 2}
    )
    return level


class Office:
    """One of everything a community's staff must act on, in ``grid``, made by its people (a
    worker, a staff member, a department's officer), each named after the group it belongs to
    and ``tag`` (so community A's rows and community B's never look alike)."""

    def __init__(self, *, grid, worker, staff, officer, department, level, tag):
        self.__dict__.update(grid=grid, worker=worker, staff=staff, officer=officer, department=department)
        self.level, self.tag = level, tag

    def case(self, title, *steps):
        case = report(self.worker, self.grid, title=f"{self.tag}{title}{next(_n)}")
        for action_name, who in steps:
            extra = {"department": self.department} if action_name == "dispatch" else {}
            case = act(case, action_name, getattr(self, who), **extra)
        return case

    def add_one_of_each(self):
        self.case("上报")
        self.case("上报的升级", ("register", "staff"), ("take", "worker"), ("escalate", "worker"))
        self.case("退回", ("register", "staff"), ("dispatch", "staff"), ("return", "officer"))
        self.case("待核查", ("register", "staff"), ("dispatch", "staff"), ("resolve", "officer"))
        self.case("延期", ("register", "staff"), ("dispatch", "staff"), ("extend", "officer"))
        late = self.case("超期", ("register", "staff"), ("take", "worker"))
        Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=3))
        # A resident found needing help on a visit.
        helped = ResidentFactory(household=HouseholdFactory(grid=self.grid), name=f"{self.tag}求助{next(_n)}")
        log(self.worker, household=helped.household, conditions={helped: "needs_help"})
        # A check-in 30 days overdue on a weekly level (grace 2 days).
        cared = ResidentFactory(household=HouseholdFactory(grid=self.grid), name=f"{self.tag}独居{next(_n)}")
        set_care_level(resident=cared, level=self.level, by=None)
        CareAssignment.objects.filter(resident=cared).update(assigned_on=timezone.localdate() - datetime.timedelta(30))
        refresh_due(CareAssignment.objects.filter(resident=cared))
        # A message that could not be delivered, about this community.
        message = Notification.objects.create(
            recipient=self.staff, kind="escalation", subject=f"{self.tag}提醒", body="", community=self.grid.community
        )
        Delivery.objects.create(notification=message, channel="email", status=DeliveryStatus.FAILED)
        # A household the worker added at a door.
        HouseholdFactory(grid=self.grid, address=f"{self.tag}新住户{next(_n)}", added_by=self.worker)


@pytest.fixture
def offices(wu, staff, officer, police, grid1, other_grid, zhao, weekly):
    """Dongluchi's office (Wu, its staff, the police station) and 浦南's (its worker, Zhao, the
    police of its own town)."""
    south_worker = give_role(UserFactory(username="south"), RoleKind.GRID_WORKER, grid=other_grid)
    south_police = make_department(other_grid.community, "浦南派出所", "police")
    south_officer = member_of(south_police, "south_officer")
    ours = Office(grid=grid1, worker=wu, staff=staff, officer=officer, department=police, level=weekly, tag="东")
    theirs = Office(
        grid=other_grid, worker=south_worker, staff=zhao, officer=south_officer, department=south_police,
        level=weekly, tag="南",
    )  # fmt: skip
    ours.add_one_of_each()
    theirs.add_one_of_each()
    return ours, theirs


GROUPS = [
    *("reports", "escalations", "verify", "extensions", "returns", "due"),
    *("help", "checkins", "confirm", "deliveries"),
]


def test_each_group_of_the_staff_desk_shows_its_community_and_nothing_of_another(as_user, offices, staff, zhao):
    desk = desk_of(as_user(staff).get(reverse("home")))
    assert list(desk) == GROUPS
    for key in GROUPS:
        assert desk[key].count == 1, key
        (row,) = desk[key].rows
        assert row.label.startswith("东"), (key, row.label)
    assert shown(desk["reports"])[0].startswith("东上报")
    assert shown(desk["escalations"])[0].startswith("东上报的升级")
    assert shown(desk["returns"])[0].startswith("东退回")
    assert shown(desk["verify"])[0].startswith("东待核查")
    assert shown(desk["extensions"])[0].startswith("东延期")
    assert shown(desk["due"])[0].startswith("东超期")
    theirs = desk_of(as_user(zhao).get(reverse("home")))
    assert all(row.label.startswith("南") for key in GROUPS for row in theirs[key].rows)


def test_each_row_opens_the_page_where_it_is_settled(as_user, offices, staff):
    client = as_user(staff)
    desk = desk_of(client.get(reverse("home")))
    returned = Case.objects.get(title__startswith="东退回")
    assert desk["returns"].rows[0].url == returned.get_absolute_url()
    # The resident needing help: the visit that found them (its panel: follow-up, case, "handled").
    alert = desk["help"].objects[0]
    assert desk["help"].rows[0].url == alert.visit.get_absolute_url()
    # The check-in past its grace: the resident; the household added: the household (its "confirm").
    assert desk["checkins"].rows[0].url == desk["checkins"].objects[0].resident.get_absolute_url()
    added = client.get(desk["confirm"].rows[0].url)
    assert added.status_code == 200 and reverse("register_confirm", args=["household", added.context["household"].pk])
    for key in GROUPS:
        assert client.get(desk[key].rows[0].url).status_code == 200, key


def test_a_case_is_off_the_desk_once_it_is_settled(as_user, offices, staff):
    ours, _ = offices
    report_case = Case.objects.get(title__startswith="东上报", state="reported")
    act(report_case, "register", staff)
    to_verify = Case.objects.get(title__startswith="东待核查")
    act(to_verify, "verify", ours.worker)
    desk = desk_of(as_user(staff).get(reverse("home")))
    assert (desk["reports"].count, desk["verify"].count) == (0, 0)
    assert "No report waits to be registered." in as_user(staff).get(reverse("home")).content.decode()


def test_a_returned_case_escalated_again_later_is_an_escalation_again(as_user, offices, staff, police):
    ours, _ = offices
    returned = Case.objects.get(title__startswith="东退回")
    act(returned, "dispatch", staff, department=police)
    case = act(act(returned, "resolve", ours.officer), "rework", ours.worker)
    assert case.state == "dispatched"
    desk = desk_of(as_user(staff).get(reverse("home")))
    assert desk["returns"].count == 0


def test_staff_see_the_grids_as_links_without_counting_their_residents(as_user, offices, staff, grid1):
    response = as_user(staff).get(reverse("home"))
    assert grid1.get_absolute_url() in response.content.decode()
    assert not hasattr(response.context["grids"][0], "resident_count")


def test_the_admin_sees_every_communitys_grids_as_links_and_no_desk(as_user, offices, admin_user, grid1, other_grid):
    response = as_user(admin_user).get(reverse("home"))
    html = response.content.decode()
    assert "desk" not in response.context and "All communities" in html
    assert grid1.get_absolute_url() in html and other_grid.get_absolute_url() in html
    assert "Background jobs" in html


def staff_desk_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(captured.captured_queries)


# Session, user, roles, departments, unread messages; the five case groups in one count and a
# query of rows each; extension requests, help, check-ins, records to confirm and failed
# deliveries a count and rows each; the grids.
STAFF_DESK_QUERIES = 22


def test_the_staff_desk_costs_the_same_queries_however_much_waits_and_however_many_grids(
    client, offices, staff, grid1, django_assert_num_queries
):
    ours, _ = offices
    client.force_login(staff)
    assert staff_desk_queries(client) == STAFF_DESK_QUERIES
    for _ in range(3):
        ours.add_one_of_each()
        GridFactory(community=grid1.community)
    with django_assert_num_queries(STAFF_DESK_QUERIES):
        response = client.get(reverse("home"))
    rows = {section.key: len(section.rows) for section in response.context["desk"]}
    assert rows.pop("extensions") == 4, "every waiting extension request (up to ten): the queue has no list of them"
    assert set(rows.values()) == {3}, "every other group shows its first three"
    assert desk_of(response)["reports"].count == 4


# --- a department's desk ---------------------------------------------------------------------------


@pytest.fixture
def referrals(case_in, wu, staff, officer, police):
    """Three cases at the police station: one just dispatched, one sent back after Wu found it
    not fixed, one it is working on that is due in two hours."""
    new = case_in("dispatched", title="新转派")
    rework = act(case_in("resolved", title="返工"), "rework", wu)
    working = case_in("dispatched", title="办理中")
    act(working, "extend", officer)  # he has written on it: no longer new
    Case.objects.filter(pk=working.pk).update(due_at=timezone.now() + datetime.timedelta(hours=2))
    return {"new": new, "rework": rework, "working": fresh(working)}


def test_a_department_member_sees_their_departments_groups(as_user, referrals, officer, planner):
    response = as_user(officer).get(reverse("home"))
    assert response.status_code == 200
    desk = desk_of(response, "department_desk")
    assert list(desk) == ["referrals", "rework", "department-due", "assisting"]
    assert shown(desk["referrals"]) == ["新转派"]
    assert shown(desk["rework"]) == ["返工"]
    assert "sent back 1 time" in desk["rework"].rows[0].detail
    assert shown(desk["department-due"]) == ["办理中"]
    assert desk["referrals"].rows[0].url == referrals["new"].get_absolute_url()
    assert "desk" not in response.context  # no community's desk for him
    # Another department sees none of the police station's cases.
    theirs = desk_of(as_user(planner).get(reverse("home")), "department_desk")
    assert all(section.count == 0 for section in theirs.values())


def test_an_assisting_department_finds_the_case_under_its_own_group_until_its_part_is_done(
    as_user, referrals, staff, planner, construction
):
    """协办: Fang's office assists the police station on the new referral; his desk lists it
    (led by the police station) until he marks his part done."""
    case = act(referrals["new"], "add_assist", staff, assisting=[construction])
    desk = desk_of(as_user(planner).get(reverse("home")), "department_desk")
    assert shown(desk["assisting"]) == ["新转派"]
    assert "临浦派出所" in desk["assisting"].rows[0].detail
    assert desk["referrals"].count == desk["department-due"].count == 0  # the police station leads

    act(case, "assist_done", planner, assist=construction, note="已派人勘查")
    desk = desk_of(as_user(planner).get(reverse("home")), "department_desk")
    assert desk["assisting"].count == 0


DEPARTMENT_DESK_QUERIES = 9


def test_the_department_desk_costs_the_same_queries_however_many_cases(
    client, case_in, referrals, officer, django_assert_num_queries
):
    client.force_login(officer)
    assert staff_desk_queries(client) == DEPARTMENT_DESK_QUERIES
    for n in range(3):
        case_in("dispatched", title=f"新转派{n}")
    with django_assert_num_queries(DEPARTMENT_DESK_QUERIES):
        response = client.get(reverse("home"))
    assert desk_of(response, "department_desk")["referrals"].count == 4


# --- the menu per role -----------------------------------------------------------------------------


def nav(client):
    html = client.get(reverse("home")).content.decode()
    return html.split('id="nav"')[1].split("</ul>")[0]


@pytest.mark.parametrize(
    ("who", "offered", "not_offered"),
    [
        ("wu", ["Check-ins due", "Follow-ups", "Cases", "Campaigns"], ["Measures", "Visits per week"]),
        ("staff", ["Check-ins due", "Cases", "Measures", "Visits per week", "Personal data access log"], []),
        ("officer", ["Cases"], ["Check-ins due", "Follow-ups", "Campaigns", "Measures"]),
        ("nobody", [], ["Cases", "Check-ins due", "Follow-ups", "Campaigns", "Measures"]),
    ],
)
def test_each_roles_menu_shows_only_what_the_role_uses(request, as_user, who, offered, not_offered):
    menu = nav(as_user(request.getfixturevalue(who)))
    for entry in offered:
        assert f">{entry}<" in menu, entry
    for entry in not_offered:
        assert f">{entry}<" not in menu, entry


@pytest.mark.parametrize("who", ["officer", "nobody"])
def test_no_record_a_case_button_for_a_user_with_no_grid(request, as_user, who):
    page = as_user(request.getfixturevalue(who)).get(reverse("case_queue")).content.decode()
    assert reverse("case_create") not in page


@pytest.mark.parametrize("who", ["wu", "staff"])
def test_the_grid_side_keeps_its_record_a_case_button(request, as_user, who, grid1):
    page = as_user(request.getfixturevalue(who)).get(reverse("case_queue")).content.decode()
    assert f'href="{reverse("case_create")}"' in page


@pytest.mark.parametrize("who", ["officer", "nobody"])
def test_the_case_form_tells_a_user_with_no_grid_whom_to_ask(request, as_user, who, grid1, leak):
    client = as_user(request.getfixturevalue(who))
    page = client.get(reverse("case_create"))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="cannot-report"' in html
    assert "your account works no grid" in html and 'name="title"' not in html
    sent = {"grid": grid1.pk, "title": "楼上漏水", "description": "漏水", "category": leak.pk, "priority": "normal"}
    assert 'id="cannot-report"' in client.post(reverse("case_create"), sent).content.decode()
    assert not Case.objects.exists()


def test_the_case_form_for_a_department_member_points_to_the_community_office(as_user, officer):
    html = as_user(officer).get(reverse("case_create")).content.decode()
    assert "Your department handles the cases referred to it." in html
