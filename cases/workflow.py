"""The case lifecycle as one table. Each row (``Action``) says everything about one action: from
which states, to which state, who may take it, the level the case reaches, what its form asks,
what it sets on the case, what it writes on the timeline and who is told. The case page asks
``available_actions``; ``cases.services.perform`` checks ``allowed`` and applies the row.
Nothing else decides a case's state.

Roles are relative to the case: ``worker`` is a grid worker of the case's grid, ``staff`` the
staff of its community (or an admin), ``department`` a member of the department it was
dispatched to (the lead), ``assisting`` a member of an assisting department (协办,
``CaseAssist``). Reaching a state stamps its time (``STAMPS``) whatever the action, unless its
row says not (the side steps of 协办, which leave the lead's referral as it was). The rules
beyond the roles (``guard``) are in ``cases.guards``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gridapp import scope
from gridapp.core.display import person

from . import effects as fx
from . import scope as case_scope
from .guards import (
    answers_someone_elses_extension,
    anyone,
    approves_a_later_deadline,
    has_a_department_to_add,
    has_an_open_part,
    has_assisting_parts,
    no_extension_pending,
    not_their_own_resolution,
    officer_may_take,
    with_the_officer,
)
from .models import OPEN_STATES, Level, State

WORKER, STAFF, DEPARTMENT, ASSISTING = "worker", "staff", "department", "assisting"
GRID_SIDE = frozenset({WORKER, STAFF})  # the grid worker, and the community office above them
OFFICE = frozenset({STAFF})
# Handling: the grid worker; escalated: the community, which owns its deadline now; dispatched:
# the department, and the office may still step in.
HANDLERS = {State.HANDLING: GRID_SIDE, State.ESCALATED: OFFICE, State.DISPATCHED: frozenset({DEPARTMENT, STAFF})}

STAMPS = {
    State.REGISTERED: "registered_at",
    State.ESCALATED: "escalated_at",
    State.DISPATCHED: "dispatched_at",
    State.RESOLVED: "resolved_at",
    State.VERIFIED: "verified_at",
    State.CLOSED: "closed_at",
    State.FEEDBACK: "feedback_at",
}


def stays(case):
    """The state the case is in: the action does not move it (the timeline still records it)."""
    return case.state


def back_to_where_resolved(case):
    """A failed verification sends the case back to whoever resolved it."""
    return case.resolved_from or State.HANDLING


EXTENSION_ANSWERS = ("approve_extension", "refuse_extension")


NOT_NOW = _("You cannot do this on this case now.")
NOT_FOR_THE_OFFICER = _(
    "Only a case of a category the community lets the grid's officer take, in a grid that has an officer, "
    "can be referred to the officer. Nothing was changed."
)
ASSISTS_BY_THE_OFFICE = _("Only the community office adds or removes assisting departments. Nothing was changed.")
NO_OPEN_PART = _(
    "Your department has no part of this case left to mark done: it is done already, or your department "
    "does not assist on it. Nothing was changed."
)
ANSWERED_BY_THE_OFFICE = _(
    "Extension requests are answered by the community office, never by whoever asked. Nothing was changed."
)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple  # the states it may be taken from
    target: str | Callable  # the state it leads to, or a function of the case that says it
    roles: frozenset | dict  # who may take it: the same in every source state, or {state: roles}
    level: str | None = None  # the level the case reaches, if the action changes it
    asks: tuple = ()  # the form's fields besides the note and its visibility (cases.forms.ASKED)
    needs_note: bool = False
    effects: tuple = ()  # what it sets besides the state, its stamp and the level (cases.effects)
    note: Callable = fx.as_typed  # the timeline entry's note, from the case and the change
    # Whether its timeline entry starts out visible to the complainant. No row says so: public
    # entries leave the system (the API, the printed sheet, later the hotline), so the writer
    # ticks "visible to the complainant" each time they mean it.
    public: bool = False
    tells: tuple = ()  # the kinds of people told (cases.effects.RECIPIENTS), never the actor
    headline: str | Callable | None = None  # what their message says happened (default: the label)
    guard: Callable = anyone  # a rule beyond the roles: guard(user, case)
    records: tuple = ()  # rows it writes besides the case: record(case, change, by, now), after the case
    refusal: str = NOT_NOW  # what a user who may not take it is told
    stamps: bool = True  # whether it stamps the state's time (a side step of 协办 does not)
    style: str = "outline-primary"

    def roles_in(self, state):
        return self.roles.get(state, frozenset()) if isinstance(self.roles, dict) else self.roles

    def says(self, case):
        """The first words of the message the people told get, from the case after the action."""
        headline = self.headline or self.label
        return headline(case) if callable(headline) else headline

    def target_state(self, case):
        return self.target(case) if callable(self.target) else self.target

    def changes(self, case, change, *, by, now):
        """The fields taking this action sets on ``case``."""
        state = self.target_state(case)
        updates = {"state": state}
        if self.stamps and (stamp := STAMPS.get(state)):
            updates[stamp] = now
        if self.level:
            updates["level"] = self.level
        for effect in self.effects:
            updates.update(effect(case, change, by, now))
        return updates


ACTIONS = {
    a.name: a
    for a in (
        Action(
            "register",
            _("Register"),
            (State.REPORTED,),
            State.REGISTERED,
            GRID_SIDE,  # staff, or a worker for their own grid
            asks=("category", "priority"),
            effects=(fx.confirm_category,),
        ),
        Action(
            "reject", _("Reject"), (State.REPORTED,), State.REJECTED, OFFICE, needs_note=True, style="outline-danger"
        ),
        Action(
            "take",
            _("Start handling"),
            (State.REGISTERED,),
            State.HANDLING,
            GRID_SIDE,
            effects=(fx.assign_actor,),
        ),
        # 自行处置: the grid worker settles a small matter and closes it at once.
        Action(
            "settle",
            _("Settle and close"),
            (State.REGISTERED, State.HANDLING),
            State.CLOSED,
            GRID_SIDE,
            asks=("close_reason", "duplicate_of", "photos"),
            needs_note=True,
            effects=(fx.close_with_reason, fx.resolve_on_the_spot, fx.assign_actor),
            records=(fx.close_hazard,),
            style="success",
        ),
        Action(
            "escalate",
            _("Escalate to the community"),
            (State.HANDLING,),
            State.ESCALATED,
            GRID_SIDE,
            level=Level.COMMUNITY,
            needs_note=True,
            effects=(fx.clear_assignee,),
            tells=(fx.COMMUNITY_STAFF,),
            headline=_("Escalated to the community"),
        ),
        # 一格一警: straight to the grid's part-time officer from the police station, for the
        # categories staff allow; the officer then handles it as the grid's worker would.
        Action(
            "refer_officer",
            _("Refer to the grid's officer"),
            (State.REGISTERED, State.HANDLING),
            State.HANDLING,
            GRID_SIDE,
            effects=(fx.assign_officer,),
            note=fx.referred_to_officer,
            tells=(fx.ASSIGNEE,),  # the officer
            headline=_("Referred to you as the grid's officer"),
            guard=officer_may_take,
            refusal=NOT_FOR_THE_OFFICER,
        ),
        Action(
            "take_back",
            _("Take back from the officer"),
            (State.HANDLING,),
            State.HANDLING,
            OFFICE,
            effects=(fx.assign_actor_back,),
            note=fx.taken_back_from_officer,
            tells=(fx.GRID_OFFICERS, fx.GRID_WORKERS),
            headline=_("Taken back from the grid's officer"),
            guard=with_the_officer,
            style="outline-secondary",
        ),
        Action(
            "dispatch",
            _("Dispatch to a department"),
            (State.REGISTERED, State.ESCALATED),
            State.DISPATCHED,
            OFFICE,
            level=Level.TOWN,
            asks=("department", "assisting"),
            effects=(fx.set_department,),
            note=fx.dispatched,
            records=(fx.add_assisting,),
            # The lead's members, and those of the departments asked to assist.
            tells=(fx.DEPARTMENT_MEMBERS, fx.ASSISTS_CHANGED),
            headline=_("Referred to your department"),
        ),
        # 协办: departments that assist the lead; staff add them on dispatch or later, and remove them.
        Action(
            "add_assist",
            _("Add assisting departments"),
            (State.DISPATCHED,),
            stays,
            OFFICE,
            asks=("assisting",),
            note=fx.assisting_added,
            records=(fx.add_assisting,),
            tells=(fx.ASSISTS_CHANGED,),
            headline=_("Your department is asked to assist"),
            guard=has_a_department_to_add,
            refusal=ASSISTS_BY_THE_OFFICE,
            style="outline-secondary",
            stamps=False,
        ),
        Action(
            "remove_assist",
            _("Remove an assisting department"),
            (State.DISPATCHED,),
            stays,
            OFFICE,
            asks=("assist",),
            note=fx.assisting_removed,
            records=(fx.remove_assisting,),
            tells=(fx.ASSISTS_CHANGED,),
            headline=_("Your department no longer assists"),
            guard=has_assisting_parts,
            refusal=ASSISTS_BY_THE_OFFICE,
            style="outline-secondary",
            stamps=False,
        ),
        # An assisting department writes on the timeline, and marks its part done; the lead resolves.
        Action(
            "add_note",
            _("Add a note"),
            (State.DISPATCHED,),
            stays,
            frozenset({ASSISTING}),
            needs_note=True,
            style="outline-secondary",
            stamps=False,
        ),
        Action(
            "assist_done",
            _("Mark our part done"),
            (State.DISPATCHED,),
            stays,
            frozenset({ASSISTING}),
            asks=("assist",),
            needs_note=True,
            note=fx.part_done,
            records=(fx.mark_part_done,),
            tells=(fx.DEPARTMENT_MEMBERS, fx.COMMUNITY_STAFF),  # the lead, and the office
            headline=_("Assisting part done"),
            guard=has_an_open_part,
            refusal=NO_OPEN_PART,
            style="success",
            stamps=False,
        ),
        Action(
            "return",
            _("Return to the community"),
            (State.DISPATCHED,),
            State.ESCALATED,
            frozenset({DEPARTMENT}),
            level=Level.COMMUNITY,
            needs_note=True,
            effects=(fx.clear_department, fx.clear_assignee),
            records=(fx.end_assisting,),
            tells=(fx.COMMUNITY_STAFF,),
            headline=_("Returned by the department"),
            style="outline-danger",
        ),
        # 延期申请: the handler asks; the deadline moves only when the office approves (below).
        Action(
            "extend",
            _("Ask for more time"),
            tuple(HANDLERS),
            stays,
            HANDLERS,
            asks=("proposed_due", "reason"),
            note=fx.extension_asked,
            records=(fx.record_extension_request,),
            tells=(fx.COMMUNITY_STAFF,),
            guard=no_extension_pending,
            style="outline-secondary",
        ),
        Action(
            "approve_extension",
            _("Approve the extension"),
            OPEN_STATES,
            stays,
            OFFICE,
            effects=(fx.grant_extension,),
            note=fx.extension_approved,
            records=(fx.approve_extension_request,),
            tells=(fx.EXTENSION_ASKER,),
            guard=approves_a_later_deadline,
            refusal=ANSWERED_BY_THE_OFFICE,
            style="success",
        ),
        Action(
            "refuse_extension",
            _("Refuse the extension"),
            OPEN_STATES,
            stays,
            OFFICE,
            needs_note=True,
            note=fx.extension_refused,
            records=(fx.refuse_extension_request,),
            tells=(fx.EXTENSION_ASKER,),
            guard=answers_someone_elses_extension,
            refusal=ANSWERED_BY_THE_OFFICE,
            style="outline-danger",
        ),
        Action(
            "resolve",
            _("Mark resolved"),
            tuple(HANDLERS),
            State.RESOLVED,
            HANDLERS,
            asks=("photos",),
            needs_note=True,
            effects=(fx.record_resolver,),
            # The lead resolves even with an assisting part still open (the residents wait on
            # the repair, not on a contractor's tap); the form warns and the note names them.
            note=fx.resolved,
            # A department's or the office's resolution: the grid's worker checks it; the
            # worker's own: the office.
            tells=(fx.VERIFIERS,),
            headline=_("Resolved, please verify"),
            style="success",
        ),
        # Checked by someone other than a department handler, and not by who resolved it.
        Action(
            "verify",
            _("Verify: fixed"),
            (State.RESOLVED,),
            State.VERIFIED,
            GRID_SIDE,
            guard=not_their_own_resolution,
            style="success",
        ),
        Action(
            "rework",
            _("Verify: not fixed"),
            (State.RESOLVED,),
            back_to_where_resolved,
            GRID_SIDE,
            needs_note=True,
            effects=(fx.count_rework,),
            tells=(fx.HANDLER,),  # the department again, if it resolved it
            headline=fx.reworked,  # with the number of times it came back
            guard=not_their_own_resolution,
            style="outline-danger",
        ),
        Action(
            "close",
            _("Close"),
            (State.VERIFIED,),
            State.CLOSED,
            GRID_SIDE,
            asks=("close_reason", "duplicate_of"),
            effects=(fx.close_with_reason,),
            records=(fx.close_hazard,),
            style="success",
        ),
        Action(
            "feedback",
            _("Record feedback"),
            (State.CLOSED,),
            State.FEEDBACK,
            GRID_SIDE,
            asks=("satisfaction",),
            effects=(fx.record_satisfaction,),
        ),
        Action(
            "reopen",
            _("Reopen"),
            (State.CLOSED, State.FEEDBACK),
            State.REGISTERED,
            OFFICE,
            needs_note=True,
            effects=(fx.start_afresh,),
            tells=(fx.GRID_WORKERS, fx.RESOLVER),  # the grid's worker and whoever handled it last
            headline=_("Reopened"),
            style="outline-danger",
        ),
    )
}

# A case is reported from no state, so the intake is not a row of the table; who hears of a new
# report is said here all the same (``cases.services.case_report`` tells them).
REPORT = Action(
    "report",
    State.REPORTED.label,
    (),
    State.REPORTED,
    frozenset(),
    tells=(fx.GRID_WORKERS, fx.COMMUNITY_STAFF),
    headline=_("New report"),
)

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
    mine = case_scope.department_ids(user)
    if case.department_id and case.department_id in mine:
        held.add(DEPARTMENT)
    if mine and case.department_id and mine & {part.department_id for part in case.assist_list}:
        held.add(ASSISTING)
    return held


def allowed(user, case, action_name):
    """Whether ``user`` may take this action on this case now."""
    action = ACTIONS.get(action_name)
    if action is None or case.state not in action.sources:
        return False
    held = roles(user, case)
    if case.state != State.DISPATCHED:
        # A department acts on a case only while it is dispatched to it (not after a reopen).
        held -= {DEPARTMENT, ASSISTING}
    return bool(held & action.roles_in(case.state)) and action.guard(user, case)


def refusal(action_name):
    """What a user who may not take this action is told."""
    action = ACTIONS.get(action_name)
    return action.refusal if action else NOT_NOW


def available_actions(user, case):
    return [action for name, action in ACTIONS.items() if allowed(user, case, name)]


def responsible(case):
    """Who has the case now, in words: the department it is dispatched to, else whoever it is
    assigned to, else the community office while it is escalated, else the grid's worker."""
    if case.state == State.DISPATCHED:
        return str(case.department)
    if case.assignee_id:
        return person(case.assignee)
    if case.state == State.ESCALATED:
        return _("Community staff")
    return _("Grid worker")
