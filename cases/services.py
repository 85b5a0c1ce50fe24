"""The writes of cases. Every state change goes through ``perform``, which checks the lifecycle
table, updates the case only if nobody changed it since the user loaded it (optimistic lock),
and writes the timeline entry in the same transaction."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.translation import gettext as _

from gridapp import notify
from gridapp.core import history
from gridapp.core.display import person
from gridapp.models import Role, RoleKind

from . import workflow
from .models import OPEN_STATES, Case, CaseCounter, CaseEvent, CasePhoto, MediationRecord, State, default_due_at


class CaseChanged(Exception):
    """The case changed since the user loaded it; nothing was saved."""

    def __init__(self, case, since_version):
        super().__init__(f"{case.number} changed since version {since_version}")
        self.case = case
        self.events = list(case.events.filter(version__gt=since_version).select_related("actor"))


def _next_number(community, year):
    with transaction.atomic():
        counter, _ = CaseCounter.objects.select_for_update().get_or_create(community=community, year=year)
        CaseCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
        counter.refresh_from_db()
    return f"{community.code}-{year}-{counter.last:06d}"


@transaction.atomic
def case_report(*, by, grid, title, description, category, priority, channel, households=(), shops=(), **fields):
    """Record a new case (intake). Returns the case, in state "reported"."""
    now = timezone.now()
    case = Case(
        number=_next_number(grid.community, timezone.localdate(now).year),
        community=grid.community,
        grid=grid,
        title=title,
        description=description,
        category=category,
        priority=priority,
        channel=channel,
        due_at=default_due_at(category, priority, now),
        reported_at=now,
        created_by=by,
        **fields,
    )
    case._history_user = by  # the history names the reporter, in a request or not
    case.save(force_insert=True)
    case.households.set(households)
    case.shops.set(shops)
    CaseEvent.objects.create(
        case=case, action="report", to_state=State.REPORTED, level=case.level, actor=by, note="", version=1
    )
    return case


@dataclass
class Change:
    """What an action may set besides the state."""

    note: str = ""
    public: bool = True
    department: object = None
    due_at: datetime.datetime | None = None
    close_reason: str = ""
    duplicate_of: object = None
    satisfaction: str = ""
    photos: tuple = ()
    category: object = None  # register: the confirmed category and priority
    priority: str = ""


_STAMP = {
    State.REGISTERED: "registered_at",
    State.ESCALATED: "escalated_at",
    State.DISPATCHED: "dispatched_at",
    State.RESOLVED: "resolved_at",
    State.VERIFIED: "verified_at",
    State.CLOSED: "closed_at",
    State.FEEDBACK: "feedback_at",
}


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def perform(*, case, action_name, by, version, change=None):
    """Take ``action_name`` on ``case`` as ``by``; raises PermissionDenied if the table does not
    allow it, CaseChanged if the case moved on since ``version``."""
    change = change or Change()
    if not workflow.allowed(by, case, action_name):
        raise PermissionDenied(_("You cannot do this on this case now."))
    action = workflow.ACTIONS[action_name]
    if action.needs_note and not change.note.strip():
        raise ValueError("note required")
    now = timezone.now()
    from_state = case.state
    to_state = workflow.target_state(action, case)
    updates = {"state": to_state, "version": F("version") + 1}
    if stamp := _STAMP.get(to_state):
        updates[stamp] = now
    if action.level:
        updates["level"] = action.level
    if action_name == "dispatch":
        updates["department"] = change.department
    if action_name == "return":
        updates["department"] = None
    if action_name in ("escalate", "return"):
        updates["assignee"] = None  # the community office has it now and decides who handles it
    note = change.note
    if action_name == "extend":
        updates["due_at"] = change.due_at
        updates["overdue_flagged_at"] = None  # the new deadline is flagged again if it is missed
        note = _("Deadline moved from %(old)s to %(new)s.") % {"old": _when(case.due_at), "new": _when(change.due_at)}
        note = f"{note}\n{change.note}"
    if action_name == "resolve":
        updates["resolved_from"] = case.state
        updates["resolved_by"] = by
    if action_name == "rework":
        updates["rework_count"] = F("rework_count") + 1
        updates["resolved_at"] = None
    if action_name in ("close", "settle"):
        updates["close_reason"] = change.close_reason or "fixed"
        updates["duplicate_of"] = change.duplicate_of
        if action_name == "settle":
            updates["resolved_at"] = now
            updates["resolved_by"] = by
    if action_name == "feedback":
        updates["satisfaction"] = change.satisfaction
    if action_name == "register":
        # Registration confirms the category and priority; the deadline counts from the report.
        category = change.category or case.category
        priority = change.priority or case.priority
        updates.update(
            category=category, priority=priority, due_at=default_due_at(category, priority, case.reported_at)
        )
    if action_name == "reopen":
        # Back to registered with a fresh deadline: the old one has usually passed.
        updates["due_at"] = default_due_at(case.category, case.priority, now)
        for field in ("resolved_at", "verified_at", "closed_at", "feedback_at"):
            updates[field] = None
        updates.update(close_reason="", duplicate_of=None, satisfaction="", overdue_flagged_at=None)
    if action_name in ("take", "settle") and case.assignee_id is None:
        updates["assignee"] = by
    with transaction.atomic():
        if Case.objects.filter(pk=case.pk, version=version).update(**updates) != 1:
            raise CaseChanged(Case.objects.get(pk=case.pk), version)
        case.refresh_from_db()
        history.record_changes([case], by=by, reason=history.action_reason(action_name))
        event = CaseEvent.objects.create(
            case=case,
            action=action_name,
            from_state=from_state,
            to_state=case.state,
            level=case.level,
            actor=by,
            public=change.public,
            note=note,
            satisfaction=change.satisfaction if action_name == "feedback" else "",
            created_at=now,
            version=case.version,
        )
        for photo in change.photos:
            CasePhoto.objects.create(case=case, event=event, image=photo)
        _notify(case, action_name, by)
    return case


@transaction.atomic
def case_assign(*, cases, assignee, by):
    """Assign cases (bulk from the queue); each gets a timeline entry, none changes state."""
    for case in cases:
        Case.objects.filter(pk=case.pk).update(assignee=assignee, version=F("version") + 1)
        case.refresh_from_db()
        CaseEvent.objects.create(
            case=case,
            action="assign",
            from_state=case.state,
            to_state=case.state,
            level=case.level,
            actor=by,
            public=False,
            note=_("Assigned to %(name)s") % {"name": person(assignee)},
            version=case.version,
        )
    history.record_changes(cases, by=by, reason=history.REASON_ASSIGN)
    notify.send_many(
        [
            notify.Message(
                recipient_id=assignee.pk,
                kind="case_assigned",
                subject=_("Case %(number)s assigned to you") % {"number": case.number},
                body=case.title,
                link=case.get_absolute_url(),
                community_id=case.community_id,
            )
            for case in cases
        ]
    )


@transaction.atomic
def record_mediation(*, case, by, held_on, parties, other_parties, mediators, other_mediators, outcome, agreement):
    record = MediationRecord.objects.create(
        case=case,
        held_on=held_on,
        other_parties=other_parties,
        other_mediators=other_mediators,
        outcome=outcome,
        agreement=agreement,
        recorded_by=by,
    )
    record.parties.set(parties)
    record.mediators.set(mediators)
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
    case.refresh_from_db()
    history.record_changes([case], by=by, reason=history.REASON_MEDIATION)
    CaseEvent.objects.create(
        case=case,
        action="mediation",
        from_state=case.state,
        to_state=case.state,
        level=case.level,
        actor=by,
        note=_("Mediation: %(outcome)s") % {"outcome": record.get_outcome_display()},
        version=case.version,
    )
    return record


@transaction.atomic
def record_mediation_follow_up(*, record, by, kept, followed_up_on):
    """Whether a mediation agreement held when the worker went back; a timeline entry says so."""
    record.kept, record.followed_up_on = kept, followed_up_on
    record.save(update_fields=["kept", "followed_up_on"])
    case = record.case
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
    case.refresh_from_db()
    history.record_changes([case], by=by, reason=history.REASON_MEDIATION)
    CaseEvent.objects.create(
        case=case,
        action="mediation_follow_up",
        from_state=case.state,
        to_state=case.state,
        level=case.level,
        actor=by,
        note=_("Agreement kept: %(answer)s") % {"answer": yesno(kept)},
        version=case.version,
    )
    return record


def _notify(case, action_name, by):
    """Tell whoever is responsible now: the department when dispatched, staff when escalated."""
    recipients = set()
    if action_name == "dispatch" and case.department_id:
        recipients |= set(case.department.members.values_list("pk", flat=True))
    if action_name in ("escalate", "return"):
        recipients |= set(
            Role.objects.filter(kind=RoleKind.COMMUNITY_STAFF, community=case.community_id).values_list(
                "user_id", flat=True
            )
        )
    if action_name == "resolve" and case.assignee_id:
        recipients.add(case.assignee_id)
    recipients.discard(by.pk)
    notify.send_many(
        [
            notify.Message(
                recipient_id=user_id,
                kind=f"case_{action_name}",
                subject=f"{case.number} · {case.get_state_display()}",
                body=case.title,
                link=case.get_absolute_url(),
                community_id=case.community_id,
            )
            for user_id in recipients
        ]
    )


def flag_overdue(now=None):
    """Flag each overdue open case once and tell its assignee, the community's staff and, while
    it is dispatched, the department that has it."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Case.objects.select_for_update(skip_locked=True)
            .filter(state__in=OPEN_STATES, due_at__lt=now, overdue_flagged_at__isnull=True)
            .values_list("pk", flat=True)
        )
        Case.objects.filter(pk__in=ids).update(overdue_flagged_at=now)
        staff = {}
        for user_id, community_id in Role.objects.filter(kind=RoleKind.COMMUNITY_STAFF).values_list(
            "user_id", "community_id"
        ):
            staff.setdefault(community_id, set()).add(user_id)
        flagged = list(Case.objects.filter(pk__in=ids).prefetch_related("department__members"))
        history.record_changes(flagged, by=None, reason=history.REASON_OVERDUE)
        messages = []
        for case in flagged:
            recipients = set(staff.get(case.community_id, ()))
            if case.assignee_id:
                recipients.add(case.assignee_id)
            if case.state == State.DISPATCHED and case.department_id:
                recipients |= {member.pk for member in case.department.members.all()}
            messages += [
                notify.Message(
                    recipient_id=user_id,
                    kind="case_overdue",
                    subject=_("Overdue: %(number)s %(title)s") % {"number": case.number, "title": case.title},
                    body=_("Due %(due)s") % {"due": _when(case.due_at)},
                    link=case.get_absolute_url(),
                    community_id=case.community_id,
                )
                for user_id in recipients
            ]
        notify.send_many(messages)
    return len(ids)
