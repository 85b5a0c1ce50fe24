"""The case lifecycle as one table: which action moves a case from which states to which, and
who may take it. The case page asks ``available_actions``; ``cases.services.perform`` enforces
``allowed``. Nothing else decides a case's state.

Roles are relative to the case: ``worker`` is a grid worker of the case's grid, ``staff`` the
staff of its community (or an admin), ``department`` a member of the department it was
dispatched to.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gridapp import scope

from . import scope as case_scope
from .models import Level, State

WORKER, STAFF, DEPARTMENT = "worker", "staff", "department"


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple
    target: str | None  # None: back to where the case was resolved from (a failed verification)
    roles: frozenset
    needs_note: bool = False
    level: str | None = None  # the level the case reaches, if the action changes it
    style: str = "outline-primary"


ACTIONS = {
    a.name: a
    for a in (
        Action("register", _("Register"), (State.REPORTED,), State.REGISTERED, frozenset({WORKER, STAFF})),
        Action(
            "reject", _("Reject"), (State.REPORTED,), State.REJECTED, frozenset({STAFF}), True, style="outline-danger"
        ),
        Action("take", _("Start handling"), (State.REGISTERED,), State.HANDLING, frozenset({WORKER, STAFF})),
        # 自行处置: the grid worker settles a small matter and closes it at once.
        Action(
            "settle",
            _("Settle and close"),
            (State.REGISTERED, State.HANDLING),
            State.CLOSED,
            frozenset({WORKER, STAFF}),
            True,
            style="success",
        ),
        Action(
            "escalate",
            _("Escalate to the community"),
            (State.HANDLING,),
            State.ESCALATED,
            frozenset({WORKER, STAFF}),
            True,
            Level.COMMUNITY,
        ),
        Action(
            "dispatch",
            _("Dispatch to a department"),
            (State.REGISTERED, State.ESCALATED),
            State.DISPATCHED,
            frozenset({STAFF}),
            False,
            Level.TOWN,
        ),
        Action(
            "return",
            _("Return to the community"),
            (State.DISPATCHED,),
            State.ESCALATED,
            frozenset({DEPARTMENT}),
            True,
            Level.COMMUNITY,
            style="outline-danger",
        ),
        Action(
            "extend",
            _("Ask for more time"),
            (State.HANDLING, State.ESCALATED, State.DISPATCHED),
            None,
            frozenset({WORKER, STAFF, DEPARTMENT}),
            True,
            style="outline-secondary",
        ),
        Action(
            "resolve",
            _("Mark resolved"),
            (State.HANDLING, State.ESCALATED, State.DISPATCHED),
            State.RESOLVED,
            frozenset({WORKER, STAFF, DEPARTMENT}),
            True,
            style="success",
        ),
        # Checked by someone other than a department handler (and not by who resolved it).
        Action(
            "verify", _("Verify: fixed"), (State.RESOLVED,), State.VERIFIED, frozenset({WORKER, STAFF}), style="success"
        ),
        Action(
            "rework",
            _("Verify: not fixed"),
            (State.RESOLVED,),
            None,
            frozenset({WORKER, STAFF}),
            True,
            style="outline-danger",
        ),
        Action("close", _("Close"), (State.VERIFIED,), State.CLOSED, frozenset({WORKER, STAFF}), style="success"),
        Action("feedback", _("Record feedback"), (State.CLOSED,), State.FEEDBACK, frozenset({WORKER, STAFF})),
        Action(
            "reopen",
            _("Reopen"),
            (State.CLOSED, State.FEEDBACK),
            State.REGISTERED,
            frozenset({STAFF}),
            True,
            style="outline-danger",
        ),
    )
}

# Taking these does not change the state (the timeline still records them).
STATE_KEEPING = {"extend"}

# Timeline entries that are not actions of the table.
OTHER_ENTRIES = {
    "report": State.REPORTED.label,
    "assign": _("Assigned"),
    "mediation": _("Record a mediation"),
    "mediation_follow_up": _("Mediation follow-up"),
}


def entry_label(name):
    """What a timeline entry did, in words (its ``action`` is a code)."""
    if name in ACTIONS:
        return ACTIONS[name].label
    return OTHER_ENTRIES.get(name, name)


def roles(user, case):
    """The roles ``user`` holds on ``case``."""
    user_scope = scope.for_user(user)
    held = set()
    if user_scope.is_admin or case.community_id in user_scope.staff_community_ids:
        held.add(STAFF)
    if case.grid_id in user_scope.worker_grid_ids:
        held.add(WORKER)
    if case.department_id and case.department_id in case_scope.department_ids(user):
        held.add(DEPARTMENT)
    return held


def allowed(user, case, action_name):
    """Whether ``user`` may take this action on this case now."""
    action = ACTIONS.get(action_name)
    if action is None or case.state not in action.sources:
        return False
    held = roles(user, case)
    if case.state != State.DISPATCHED:
        # A department acts on a case only while it is dispatched to it (not after a reopen).
        held.discard(DEPARTMENT)
    if not held & action.roles:
        return False
    if action.name in ("verify", "rework"):
        # A department never verifies its own work, and nobody verifies their own resolution.
        return case.resolved_by_id != user.pk and bool(held - {DEPARTMENT})
    if action.name in ("resolve", "extend", "return") and case.state == State.DISPATCHED:
        # Once dispatched, the department handles it; staff may still step in.
        return bool(held & {DEPARTMENT, STAFF})
    if action.name in ("resolve", "extend") and case.state == State.ESCALATED:
        return STAFF in held  # escalated: the community handles it now, and owns its deadline
    return True


def available_actions(user, case):
    return [action for name, action in ACTIONS.items() if allowed(user, case, name)]


def target_state(action, case):
    if action.name in STATE_KEEPING:
        return case.state
    if action.target is None:  # rework: back to whoever resolved it
        return case.resolved_from or State.HANDLING
    return action.target
