"""What an action of the lifecycle table does besides moving the state: the named effects its
row lists, the note it writes on the timeline, and who is told.

An effect is ``effect(case, change, by, now) -> {field: value}``: the fields it sets on the case,
read from the case as the user saw it (``case``) and what the form or a script gave
(``change``, a ``cases.services.Change``). ``cases.services.perform`` applies them all in one
conditional UPDATE.
"""

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridapp.core.display import person
from gridapp.models import Role, RoleKind
from visits.hazards import services as hazard_services

from .models import CaseAssist, CloseReason, ExtensionRequest, ExtensionState, State, default_due_at


def when(moment):
    """A deadline as notes and messages quote it: local time, to the minute."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


# --- effects -------------------------------------------------------------------------------------


def confirm_category(case, change, by, now):
    """Registration confirms the category and priority (left blank: as intake recorded them); the
    deadline counts from the report."""
    category = change.category or case.category
    priority = change.priority or case.priority
    return {"category": category, "priority": priority, "due_at": default_due_at(category, priority, case.reported_at)}


def assign_actor(case, change, by, now):
    """Whoever takes an unassigned case handles it."""
    return {} if case.assignee_id else {"assignee": by}


def clear_assignee(case, change, by, now):
    """The community office has it now and decides who handles it."""
    return {"assignee": None}


def grid_officers(case):
    """The grid's part-time officers from the police station (一格一警: a part-time grid worker's
    role on the case's grid): the active ones, in the order they were given the role; read once
    per case object (the page asks for each button, the service again for the action)."""
    if "_grid_officers" not in case.__dict__:
        roles = Role.objects.filter(kind=RoleKind.GRID_WORKER, grid=case.grid_id, part_time=True, user__is_active=True)
        case._grid_officers = [role.user for role in roles.select_related("user").order_by("pk")]
    return case._grid_officers


def grid_officer(case):
    """The officer a case is referred to: the grid's first (a grid has one, as the slogan says)."""
    officers = grid_officers(case)
    return officers[0] if officers else None


def assign_officer(case, change, by, now):
    return {"assignee": grid_officer(case)}


def assign_actor_back(case, change, by, now):
    """The office takes the case back from the officer: it is theirs now."""
    return {"assignee": by}


def set_department(case, change, by, now):
    return {"department": change.department}


def clear_department(case, change, by, now):
    return {"department": None}


def grant_extension(case, change, by, now):
    """The deadline moves to the date asked and is flagged again if missed. 按期结案率 counts
    against the new date only if it is approved before the deadline it counts against fell due;
    approved later, that deadline stays the one counted (a late case is not made on time after
    the fact). ``counted_due_at`` is left empty while it is the deadline itself."""
    counted = case.counted_deadline
    in_time = counted is None or now <= counted
    return {
        "due_at": case.pending_extension.proposed_due,
        "overdue_flagged_at": None,
        "counted_due_at": None if in_time else counted,
    }


def record_resolver(case, change, by, now):
    """Where a failed verification sends the case back to, and who may not verify it."""
    return {"resolved_from": case.state, "resolved_by": by}


def resolve_on_the_spot(case, change, by, now):
    """自行处置: settled and closed in one step, so resolved by the one who settled it."""
    return {"resolved_at": now, "resolved_by": by}


def count_rework(case, change, by, now):
    return {"rework_count": F("rework_count") + 1, "resolved_at": None}


def close_with_reason(case, change, by, now):
    return {"close_reason": change.close_reason or CloseReason.FIXED, "duplicate_of": change.duplicate_of}


def record_satisfaction(case, change, by, now):
    return {"satisfaction": change.satisfaction}


def start_afresh(case, change, by, now):
    """Reopened: a fresh deadline (the old one has usually passed) and nothing left of the close."""
    return {
        "due_at": default_due_at(case.category, case.priority, now),
        "counted_due_at": None,
        **dict.fromkeys(("resolved_at", "verified_at", "closed_at", "feedback_at", "overdue_flagged_at")),
        "close_reason": "",
        "duplicate_of": None,
        "satisfaction": "",
    }


# --- rows written besides the case (``Action.records``) ---------------------------------------


def record_extension_request(case, change, by, now):
    ExtensionRequest.objects.create(
        case=case,
        asked_by=by,
        asked_at=now,
        reason=change.reason,
        proposed_due=change.proposed_due,
        deadline_when_asked=case.due_at,
    )


def _answer_extension(state):
    def answer(case, change, by, now):
        ExtensionRequest.objects.filter(case=case, state=ExtensionState.PENDING).update(
            state=state, decided_by=by, decided_at=now
        )

    answer.__doc__ = f"The pending request is {state.label}, by whom and when."
    return answer


approve_extension_request = _answer_extension(ExtensionState.APPROVED)
refuse_extension_request = _answer_extension(ExtensionState.REFUSED)


def close_hazard(case, change, by, now):
    """A case escalated from a hazard and closed as fixed closes the hazard (any other reason —
    a duplicate, referred elsewhere, unable to fix — leaves it open and rechecked)."""
    if case.hazard_id and (change.close_reason or CloseReason.FIXED) == CloseReason.FIXED:
        note = _("Closed with case %(number)s, fixed.") % {"number": case.number}
        hazard_services.closed_with_case(hazard_id=case.hazard_id, by=by, note=note, now=now)


# 协办: the assisting departments' parts. Each write forgets the case's list of parts and keeps
# the departments it added or removed for the message (``ASSISTS_CHANGED``).


def _parts_changed(case, department_ids):
    case.__dict__.pop("assist_list", None)
    case._assists_changed = list(department_ids)


def add_assisting(case, change, by, now):
    """Dispatch and add_assist: a part for each department chosen, and none for the lead (a
    case dispatched anew to a department that assisted: it leads now)."""
    CaseAssist.objects.filter(case=case, department=case.department_id).delete()
    added = [
        CaseAssist.objects.create(case=case, department=department, added_by=by, added_at=now).department_id
        for department in change.assisting
        if department.pk != case.department_id
    ]
    _parts_changed(case, added)


def remove_assisting(case, change, by, now):
    CaseAssist.objects.filter(case=case, department=change.assist).delete()
    _parts_changed(case, [change.assist.pk])


def end_assisting(case, change, by, now):
    """Returned to the community: the parts end with the lead's (staff name them again when they
    dispatch it anew); the timeline keeps who assisted."""
    CaseAssist.objects.filter(case=case).delete()
    _parts_changed(case, [])


def mark_part_done(case, change, by, now):
    """The part chosen (one of the actor's departments', still open): done, by whom, when, how."""
    CaseAssist.objects.filter(case=case, department=change.assist, done_at=None).update(
        done_at=now, done_by=by, note=change.note
    )
    _parts_changed(case, [])


# --- timeline notes ------------------------------------------------------------------------------


def as_typed(case, change):
    return change.note


def extension_asked(case, change):
    """The request's dates, then its reason."""
    asked = _("Asked to move the deadline from %(old)s to %(new)s.") % {
        "old": when(case.due_at),
        "new": when(change.proposed_due),
    }
    return f"{asked}\n{change.reason}"


def referred_to_officer(case, change):
    """Names the officer, then what the worker typed."""
    referred = _("Referred to the grid's officer %(name)s.") % {"name": person(grid_officer(case))}
    return "\n".join(filter(None, [referred, change.note]))


def taken_back_from_officer(case, change):
    taken = _("Taken back from the grid's officer %(name)s.") % {"name": person(case.assignee)}
    return "\n".join(filter(None, [taken, change.note]))


def _names(departments):
    return "、".join(str(department) for department in departments)


def dispatched(case, change):
    """The departments assisting, if any, then what staff typed."""
    assisting = [d for d in change.assisting if d != change.department]
    line = _("Assisting: %(names)s.") % {"names": _names(assisting)} if assisting else ""
    return "\n".join(filter(None, [line, change.note]))


def assisting_added(case, change):
    added = _("Assisting departments added: %(names)s.") % {"names": _names(change.assisting)}
    return "\n".join(filter(None, [added, change.note]))


def assisting_removed(case, change):
    removed = _("No longer assisting: %(name)s.") % {"name": change.assist}
    return "\n".join(filter(None, [removed, change.note]))


def part_done(case, change):
    done = _("Assisting part done: %(name)s.") % {"name": change.assist}
    return "\n".join(filter(None, [done, change.note]))


def resolved(case, change):
    """A resolution with assisting parts still open says which: the one who verifies sees it."""
    still_open = case.open_assists if case.department_id else []
    line = (
        _("Resolved while these assisting parts were still open: %(names)s.")
        % {"names": _names(part.department for part in still_open)}
        if still_open
        else ""
    )
    return "\n".join(filter(None, [change.note, line]))


def extension_approved(case, change):
    request = case.pending_extension
    moved = _("Deadline moved from %(old)s to %(new)s.") % {"old": when(case.due_at), "new": when(request.proposed_due)}
    return "\n".join(filter(None, [moved, change.note]))


def extension_refused(case, change):
    refused = _("Extension to %(new)s refused; the deadline stays %(old)s.") % {
        "new": when(case.pending_extension.proposed_due),
        "old": when(case.due_at),
    }
    return f"{refused}\n{change.note}"


# --- who is told ---------------------------------------------------------------------------------
# A row's ``tells`` names kinds of recipients; each kind is found from the case as it is after
# the action (``RECIPIENTS``: one query at most each). Nobody is told of their own action, and
# only active accounts are told. A new kind of recipient is one entry of ``RECIPIENTS``.

ASSIGNEE, COMMUNITY_STAFF, DEPARTMENT_MEMBERS, RESOLVER = "assignee", "community_staff", "department", "resolver"
GRID_WORKERS, VERIFIERS, HANDLER = "grid_workers", "verifiers", "handler"


def _active(users):
    return users.filter(is_active=True).values_list("pk", flat=True)


def _community_staff(case):
    return Role.objects.filter(
        kind=RoleKind.COMMUNITY_STAFF, community=case.community_id, user__is_active=True
    ).values_list("user_id", flat=True)


def _grid_workers(case):
    """The grid's own workers; not its part-time officer (一格一警), who hears of the cases
    referred to the police station only."""
    return Role.objects.filter(
        kind=RoleKind.GRID_WORKER, grid=case.grid_id, part_time=False, user__is_active=True
    ).values_list("user_id", flat=True)


def _department_members(case):
    return _active(case.department.members.all()) if case.department_id else ()


def _assisting_members(case):
    """The members of every assisting department of the case."""
    departments = [part.department_id for part in case.assist_list]
    return _active(get_user_model().objects.filter(departments__in=departments).distinct()) if departments else ()


def _assists_changed(case):
    """The members of the departments an action just added or removed as assisting."""
    changed = getattr(case, "_assists_changed", ())
    return _active(get_user_model().objects.filter(departments__in=changed).distinct()) if changed else ()


def _verifiers(case):
    """Who must check a resolution (never its resolver): the community's staff when the grid's
    worker resolved it (or the grid has no worker now), else — a department or the office
    resolved it — the grid's worker."""
    workers = set(_grid_workers(case))
    return workers if workers and case.resolved_by_id not in workers else _community_staff(case)


def _handler(case):
    """Who holds the case now, as ``cases.workflow.responsible`` says it: the department it is
    dispatched to, else its assignee, else the office while escalated, else the grid's worker."""
    if case.state == State.DISPATCHED:
        return _department_members(case)
    if case.assignee_id:
        return [case.assignee_id]
    if case.state == State.ESCALATED:
        return _community_staff(case)
    return _grid_workers(case)


def _grid_officers(case):
    return [user.pk for user in grid_officers(case)]


def _extension_asker(case):
    """Who asked for the extension just answered."""
    answered = case.extension_requests.exclude(state=ExtensionState.PENDING).order_by("-decided_at", "-pk")
    return answered.values_list("asked_by_id", flat=True)[:1]


EXTENSION_ASKER, GRID_OFFICERS = "extension_asker", "grid_officers"
ASSISTING_MEMBERS, ASSISTS_CHANGED = "assisting_members", "assists_changed"

RECIPIENTS = {
    ASSIGNEE: lambda case: [case.assignee_id],
    COMMUNITY_STAFF: _community_staff,
    GRID_WORKERS: _grid_workers,
    DEPARTMENT_MEMBERS: _department_members,
    RESOLVER: lambda case: [case.resolved_by_id],
    VERIFIERS: _verifiers,
    HANDLER: _handler,
    EXTENSION_ASKER: _extension_asker,
    GRID_OFFICERS: _grid_officers,
    ASSISTING_MEMBERS: _assisting_members,
    ASSISTS_CHANGED: _assists_changed,
}


def recipients(kinds, case, by):
    """The ids of the users of these kinds on ``case``, without ``by``."""
    told = {user_id for kind in kinds for user_id in RECIPIENTS[kind](case)}
    return told - {None, by.pk}


# --- what they are told --------------------------------------------------------------------------


def reworked(case):
    """A failed verification's message says how many times the case has come back."""
    return _("Not fixed: rework no. %(count)d") % {"count": case.rework_count}


NOTE_CHARS = 200


def message(headline, case, by, note=""):
    """A hand-off's message: what happened to which case (the subject, which the inbox lists and
    the group robot shows), then who did it, the deadline and the note (the body)."""
    subject = _("%(headline)s: %(number)s %(title)s") % {
        "headline": headline,
        "number": case.number,
        "title": case.title,
    }
    lines = [
        _("By %(name)s · %(state)s · due %(due)s")
        % {"name": person(by), "state": case.get_state_display(), "due": when(case.due_at)}
    ]
    if note := note.strip():
        # Its first 200 characters, as a help alert's: the rest, and the photos, are on the case.
        lines.append(note if len(note) <= NOTE_CHARS else f"{note[: NOTE_CHARS - 1]}…")
    return subject[:200], "\n".join(lines)
