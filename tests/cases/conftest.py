"""Cases' people and helpers: Shen is the police station's part-time grid worker for Grid 1
(一格一警), Fang works at the town's construction & planning office; ``case_in`` walks a case
through the lifecycle, the way the people of the story would, to the state a test needs."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases import services, workflow
from cases.models import Case, Category, Department, DepartmentKind

from ..factories import UserFactory

# The categories the migration installs (staff edit them); their deadlines in hours.
DISPUTE, LEAK, NUISANCE = "邻里纠纷", "漏水渗水", "噪音与动物扰民"


@pytest.fixture
def dispute(db):
    return Category.objects.get(name=DISPUTE)


@pytest.fixture
def leak(db):
    return Category.objects.get(name=LEAK)


@pytest.fixture
def nuisance(db):
    return Category.objects.get(name=NUISANCE)


def make_department(community, name, kind):
    return Department.objects.create(town=community.town, name=name, kind=kind)


def member_of(dept, username, **names):
    user = UserFactory(username=username, **names)
    dept.members.add(user)
    return user


@pytest.fixture
def police(dongluchi):
    return make_department(dongluchi, "临浦派出所", DepartmentKind.POLICE)


@pytest.fixture
def officer(police):
    """Shen, the police station's part-time grid worker for Grid 1."""
    return member_of(police, "officer", first_name="志强", last_name="沈")


@pytest.fixture
def construction(dongluchi):
    return make_department(dongluchi, "临浦镇建设规划办", DepartmentKind.CONSTRUCTION)


@pytest.fixture
def planner(construction):
    """Fang of the construction & planning office: a department the case is not referred to."""
    return member_of(construction, "planner", first_name="丽", last_name="方")


@pytest.fixture
def as_user(client):
    """Log a user in, reading pages in English (the source strings)."""

    def log_in(user):
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return log_in


def report(by, grid, *, category=None, title="楼上漏水", priority="normal", channel="walk_in", **fields):
    """Record a case as the intake form does."""
    fields.setdefault("description", "临江路4幢302室天花板渗水，怀疑楼上水管漏水")
    fields.setdefault("complainant_name", "任爱香")
    return services.case_report(
        by=by,
        grid=grid,
        title=title,
        category=category or Category.objects.get(name=LEAK),
        priority=priority,
        channel=channel,
        **fields,
    )


def change_for(action_name, case, **given):
    """What the case page's form would send for this action."""
    change = {}
    if workflow.ACTIONS[action_name].needs_note:
        change["note"] = "已处理"
    if action_name == "extend":
        change["proposed_due"] = case.due_at + datetime.timedelta(days=3)
        change["reason"] = given.pop("note", None) or "等待配件到货"
    if action_name in ("close", "settle"):
        change["close_reason"] = "fixed"
    if action_name == "feedback":
        change["satisfaction"] = "satisfied"
    if action_name == "add_assist":  # a department of the town other than the lead
        town = case.community.town_id
        change["assisting"] = list(Department.objects.filter(town=town).exclude(pk=case.department_id)[:1])
    if action_name in ("remove_assist", "assist_done") and case.assist_list:
        change["assist"] = case.assist_list[0].department
    change.update(given)
    return services.Change(**change)


def act(case, action_name, by, **given):
    """Take an action on the case as it is now in the database; returns the changed case."""
    case = Case.objects.get(pk=case.pk)
    return services.perform(
        case=case, action_name=action_name, by=by, version=case.version, change=change_for(action_name, case, **given)
    )


# How each state is reached: (action, who). Cases dispatched go to the police station.
PATHS = {
    "reported": [],
    "rejected": [("reject", "staff")],
    "registered": [("register", "staff")],
    "handling": [("register", "staff"), ("take", "wu")],
    "escalated": [("register", "staff"), ("take", "wu"), ("escalate", "wu")],
    "dispatched": [("register", "staff"), ("dispatch", "staff")],
}
PATHS["resolved"] = [*PATHS["dispatched"], ("resolve", "officer")]
PATHS["verified"] = [*PATHS["resolved"], ("verify", "wu")]
PATHS["closed"] = [*PATHS["verified"], ("close", "staff")]
PATHS["feedback"] = [*PATHS["closed"], ("feedback", "wu")]


def walk_to(state, *, people, police, grid, **fields):
    """A case of ``grid`` reported by Wu and walked to ``state`` by ``people`` (wu, staff, officer)."""
    case = report(people["wu"], grid, **fields)
    for action_name, who in PATHS[state]:
        extra = {"department": police} if action_name == "dispatch" else {}
        case = act(case, action_name, people[who], **extra)
    assert case.state == state
    return case


@pytest.fixture
def case_in(wu, staff, officer, police, grid1):
    """``case_in("resolved")``: a Grid 1 case reported by Wu and walked to that state."""
    people = {"wu": wu, "staff": staff, "officer": officer}

    def walk(state, **fields):
        return walk_to(state, people=people, police=police, grid=grid1, **fields)

    return walk


def post_action(client, case, action_name, **data):
    """Submit an action's form from the case page as it stands now (its current version)."""
    data.setdefault("version", Case.objects.get(pk=case.pk).version)
    return client.post(reverse("case_act", args=[case.pk, action_name]), data)


def local_input(value):
    """A datetime as a phone's datetime-local input sends it (Asia/Shanghai, minutes)."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def fresh(case):
    return Case.objects.get(pk=case.pk)


def queue_choice(cases, assignee, *, shown=None):
    """What the queue's assign form sends: the cases ticked, each at the version the queue showed
    (``shown``: the queue page the user had; default: as the cases are now), and whom to."""
    versions = {case.pk: case.version for case in shown.context["page"]} if shown else {}
    data = {"cases": [case.pk for case in cases], "assignee": assignee.pk}
    for case in cases:
        data[f"version-{case.pk}"] = versions.get(case.pk) or fresh(case).version
    return data
