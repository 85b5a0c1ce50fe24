"""The lifecycle table, cell by cell: every state × every action × every role.

The expected table is written out here from DOMAIN.md ("Lifecycle"), not read from
``cases.workflow.ACTIONS``: a change to who may do what has to change this page too.
Roles are relative to a Grid 1 case of Dongluchi: Wu works Grid 1, Chen Grid 2, Staff runs
Dongluchi, Zhao another community; Shen (officer) is in the police station the case is
dispatched to, Fang (planner) in another department; Admin sees everything.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import override_settings

from cases import services, workflow
from cases.models import Case, CaseEvent, DepartmentKind, State
from gridapp.models import Notification, RoleKind

from ..factories import CommunityFactory, GridFactory, UserFactory, give_role
from .conftest import change_for, make_department, member_of, walk_to

WORKER, STAFF = RoleKind.GRID_WORKER, RoleKind.COMMUNITY_STAFF

ROLES = {
    "worker": "wu",
    "other_worker": "chen",
    "staff": "staff",
    "other_staff": "zhao",
    "department": "officer",
    "other_department": "planner",
    "admin": "admin_user",
}
STATES = [
    "reported",
    "rejected",
    "registered",
    "handling",
    "escalated",
    "dispatched",
    "resolved",
    "verified",
    "closed",
    "feedback",
]
ACTIONS = [
    "register",
    "reject",
    "take",
    "settle",
    "escalate",
    "refer_officer",  # nobody in the walk: Grid 1 has no part-time officer (test_grid_officer.py)
    "take_back",
    "dispatch",
    "add_assist",
    "remove_assist",  # nobody in the walk: no department assists (test_assists.py)
    "add_note",
    "assist_done",
    "return",
    "extend",
    "approve_extension",
    "refuse_extension",
    "resolve",
    "verify",
    "rework",
    "close",
    "feedback",
    "reopen",
]

GRID_SIDE = {"worker", "staff", "admin"}  # the grid worker, and the community office above them
OFFICE = {"staff", "admin"}

# (state, action) → the roles that may take it. Every cell not listed: nobody. No case of the
# walk has an extension request waiting, so nobody may answer one (approve_extension,
# refuse_extension: the office, never the asker, while one waits: test_extensions.py).
ALLOWED = {
    ("reported", "register"): GRID_SIDE,  # staff, or a worker for their own grid
    ("reported", "reject"): OFFICE,
    ("registered", "take"): GRID_SIDE,
    ("registered", "settle"): GRID_SIDE,  # 自行处置
    ("registered", "dispatch"): OFFICE,
    ("handling", "settle"): GRID_SIDE,
    ("handling", "escalate"): GRID_SIDE,
    ("handling", "extend"): GRID_SIDE,
    ("handling", "resolve"): GRID_SIDE,
    # Escalated: the community handles it now.
    ("escalated", "dispatch"): OFFICE,
    ("escalated", "extend"): OFFICE,
    ("escalated", "resolve"): OFFICE,
    # Dispatched: the department owns it; the office may still step in.
    ("dispatched", "return"): {"department"},
    ("dispatched", "add_assist"): OFFICE,  # 协办: the construction office asked to assist
    ("dispatched", "extend"): {"department", *OFFICE},
    ("dispatched", "resolve"): {"department", *OFFICE},
    # Resolved by the police station: checked by the grid worker or the office, never the department.
    ("resolved", "verify"): GRID_SIDE,
    ("resolved", "rework"): GRID_SIDE,
    ("verified", "close"): GRID_SIDE,
    ("closed", "feedback"): GRID_SIDE,
    ("closed", "reopen"): OFFICE,
    ("feedback", "reopen"): OFFICE,
}

# Where each action leads from the state it was taken in.
TARGET = {
    "register": "registered",
    "reject": "rejected",
    "take": "handling",
    "settle": "closed",
    "escalate": "escalated",
    "dispatch": "dispatched",
    "return": "escalated",
    "resolve": "resolved",
    "verify": "verified",
    "rework": "dispatched",  # back to where it was resolved from: the police station
    "close": "closed",
    "feedback": "feedback",
    "reopen": "registered",
}
# The level each state of the walk is at, and the level an action moves the case to.
LEVEL = {
    "reported": "grid",
    "rejected": "grid",
    "registered": "grid",
    "handling": "grid",
    "escalated": "community",
    "dispatched": "town",
    "resolved": "town",
    "verified": "town",
    "closed": "town",
    "feedback": "town",
}
ACTION_LEVEL = {"escalate": "community", "dispatch": "town", "return": "community"}

CELLS = [(state, action, role) for state in STATES for action in ACTIONS for role in ROLES]


def test_the_table_covers_every_state_and_action():
    assert set(STATES) == set(State.values)
    assert set(ACTIONS) == set(workflow.ACTIONS)
    assert {action for _, action in ALLOWED} <= set(ACTIONS)


def snapshot(case):
    return (
        Case.objects.filter(pk=case.pk).values().get(),
        list(CaseEvent.objects.filter(case=case).values_list("pk", flat=True)),
        Notification.objects.count(),
    )


@pytest.fixture(scope="module")
def walked(django_db_setup, django_db_blocker):
    """The people of every role and a Grid 1 case walked to every state, built once for the
    980 cells inside a transaction rolled back at the end of the module; each cell runs in a
    savepoint of its own within it (pytest-django's ``db``), so what one cell does is undone."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        dongluchi = CommunityFactory(name="东麓池社区", code="DLC")
        grid1 = GridFactory(community=dongluchi, number=1, name="第一网格")
        grid2 = GridFactory(community=dongluchi, number=2, name="第二网格")
        other_grid = GridFactory(community=CommunityFactory(name="浦南社区", code="PN"), number=1)
        police = make_department(dongluchi, "临浦派出所", DepartmentKind.POLICE)
        construction = make_department(dongluchi, "临浦镇建设规划办", DepartmentKind.CONSTRUCTION)
        people = {
            "worker": give_role(UserFactory(username="wu", first_name="佳栋", last_name="吴"), WORKER, grid=grid1),
            "other_worker": give_role(UserFactory(username="chen"), WORKER, grid=grid2),
            "staff": give_role(UserFactory(username="staff"), STAFF, community=dongluchi),
            "other_staff": give_role(UserFactory(username="zhao"), STAFF, community=other_grid.community),
            "department": member_of(police, "officer"),
            "other_department": member_of(construction, "planner"),
            "admin": give_role(UserFactory(username="admin", is_staff=True), RoleKind.ADMIN),
        }
        walkers = {"wu": people["worker"], "staff": people["staff"], "officer": people["department"]}
        cases = {state: walk_to(state, people=walkers, police=police, grid=grid1).pk for state in STATES}
        yield people, cases, police
        transaction.set_rollback(True)


@pytest.mark.parametrize(("state", "action", "role"), CELLS, ids=["-".join(cell) for cell in CELLS])
def test_lifecycle_cell(db, walked, state, action, role):
    people, cases, police = walked
    case = Case.objects.get(pk=cases[state])
    user = people[role]
    expected = role in ALLOWED.get((state, action), ())
    assert workflow.allowed(user, case, action) is expected
    assert (action in {a.name for a in workflow.available_actions(user, case)}) is expected

    extra = {"department": police} if action == "dispatch" else {}
    change = change_for(action, case, **extra)
    before = snapshot(case)
    if not expected:
        with pytest.raises(PermissionDenied):
            services.perform(case=case, action_name=action, by=user, version=case.version, change=change)
        assert snapshot(case) == before
        return

    services.perform(case=case, action_name=action, by=user, version=case.version, change=change)
    case.refresh_from_db()
    assert case.state == TARGET.get(action, state)
    assert case.version == before[0]["version"] + 1
    [event] = CaseEvent.objects.filter(case=case).exclude(pk__in=before[1])
    level = ACTION_LEVEL.get(action, LEVEL[state])
    assert (event.action, event.from_state, event.to_state, event.actor, event.level) == (
        action,
        state,
        case.state,
        user,
        level,
    )
    assert (case.level, event.version) == (level, case.version)
