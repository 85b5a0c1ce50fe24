"""The writes of cases. Every state change goes through ``perform``, one path for every action:
it checks the action's row of the lifecycle table (``cases.workflow``), updates the case as the
row says only if nobody changed it since the user loaded it (optimistic lock), writes the
history and the timeline entry in the same transaction, and tells the people the row names.
Assignments and mediation records write their timeline entries through the same ``_write``."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import yesno
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridapp import notify
from gridapp.core import history
from gridapp.core.display import person
from gridapp.models import Role, RoleKind
from visits.hazards import services as hazard_services
from visits.services import settle_help_alerts_for_case

from . import effects, outbox, workflow
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


def _write(case, *, by, action, reason, updates=None, version=None, note="", public=True, satisfaction="", now=None):
    """Set ``updates`` on ``case`` with a new version, record the change in its history and write
    its timeline entry; returns the entry. With ``version``, only if the case is still at that
    version (else CaseChanged). Call it inside a transaction."""
    updates = updates or {}
    from_state = case.state
    expected = {} if version is None else {"version": version}
    if Case.objects.filter(pk=case.pk, **expected).update(version=F("version") + 1, **updates) != 1:
        raise CaseChanged(Case.objects.get(pk=case.pk), version)
    case.refresh_from_db()
    case.__dict__.pop("pending_extension", None)  # the write may have answered it
    history.record_changes([case], by=by, reason=reason)
    return CaseEvent.objects.create(
        case=case,
        action=action,
        # A write that keeps the state names the state the case is in now.
        from_state=from_state if "state" in updates else case.state,
        to_state=case.state,
        level=case.level,
        actor=by,
        public=public,
        note=note,
        satisfaction=satisfaction,
        created_at=now or timezone.now(),
        version=case.version,
    )


@transaction.atomic
def case_report(
    *, by, grid, title, description, category, priority, channel, households=(), shops=(), photos=(), **fields
):
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
    for photo in photos:
        case.photos.create(image=photo)
    entry = CaseEvent.objects.create(
        # Public: that the case was received (no note: the description stays inside).
        case=case,
        action="report",
        to_state=State.REPORTED,
        level=case.level,
        actor=by,
        note="",
        version=1,
        public=True,
    )
    outbox.publish(case, entry)  # the API clients' "case.created", sent after the commit
    _tell(case, workflow.REPORT, by, description)
    # A resident found needing help leaves the staff's list once a case is raised about them.
    settle_help_alerts_for_case(
        by=by,
        visit_id=case.visit_id,
        household_ids=case.households.values_list("pk", flat=True),
        resident_ids=[case.complainant_id] if case.complainant_id else [],
    )
    if case.hazard_id:  # escalated from the hazard register: the hazard now waits on the case
        hazard_services.mark_escalated(hazard=case.hazard, by=by)
    return case


@dataclass
class Change:
    """What an action may be given besides its name: the note, and the fields its form asks."""

    note: str = ""
    public: bool | None = None  # None: as the action's row says
    department: object = None
    assisting: tuple = ()  # dispatch, add_assist: the assisting departments (协办) to add
    assist: object = None  # remove_assist, assist_done: the assisting department whose part it is
    proposed_due: datetime.datetime | None = None  # extend: the deadline asked for, and why
    reason: str = ""
    close_reason: str = ""
    duplicate_of: object = None
    satisfaction: str = ""
    photos: tuple = ()
    category: object = None  # register: the confirmed category and priority
    priority: str = ""


def perform(*, case, action_name, by, version, change=None):
    """Take ``action_name`` on ``case`` as ``by``, as its row of the lifecycle table says; raises
    PermissionDenied if the table does not allow it, CaseChanged if the case moved on since
    ``version``."""
    change = change or Change()
    if not workflow.allowed(by, case, action_name):
        raise PermissionDenied(workflow.refusal(action_name))
    action = workflow.ACTIONS[action_name]
    if action.needs_note and not change.note.strip():
        raise ValueError("note required")
    now = timezone.now()
    updates = action.changes(case, change, by=by, now=now)
    with transaction.atomic():
        event = _write(
            case,
            by=by,
            action=action_name,
            reason=history.action_reason(action_name),
            version=version,
            note=action.note(case, change),
            public=action.public if change.public is None else change.public,
            # What the complainant said, on a feedback entry (``CaseEvent.satisfaction`` says why).
            satisfaction=updates.get("satisfaction", ""),
            now=now,
            updates=updates,
        )
        for photo in change.photos:
            CasePhoto.objects.create(case=case, event=event, image=photo)
        for record in action.records:
            record(case, change, by, now)
        outbox.publish(case, event)  # in this transaction: the event is queued if and only if the change is
        _tell(case, action, by, event.note)
    return case


class CasesChanged(Exception):
    """Some of the cases changed since the user chose them; nothing was saved."""

    def __init__(self, changes):
        super().__init__(", ".join(changed.case.number for changed in changes))
        self.changes = changes


class NotAssignable(Exception):
    """Closed and rejected cases are not assigned; nothing was saved."""

    def __init__(self, cases):
        numbers = ", ".join(case.number for case in cases)
        super().__init__(
            _("Closed and rejected cases are not assigned: %(numbers)s. Nothing was assigned.") % {"numbers": numbers}
        )
        self.cases = cases


@transaction.atomic
def case_assign(*, cases, assignee, by, versions=None):
    """Assign cases (bulk, from the queue); each gets an internal timeline entry, none changes state.

    ``versions`` maps each case's id to the version the user chose it at; if any case changed
    since, CasesChanged. None (scripts) assigns the cases as they are. A closed or rejected
    case is refused (NotAssignable). Either way, nothing is assigned."""
    locked = Case.objects.select_for_update().filter(pk__in=[case.pk for case in cases]).order_by("pk")
    current = {case.pk: case for case in locked}
    if versions is not None:
        stale = [CaseChanged(current[pk], versions[pk]) for pk in current if current[pk].version != versions[pk]]
        if stale:
            raise CasesChanged(stale)
    if closed := [case for case in current.values() if not case.is_open]:
        raise NotAssignable(closed)
    note = _("Assigned to %(name)s") % {"name": person(assignee)}
    for case in cases:
        _write(
            case,
            by=by,
            action="assign",
            reason=history.REASON_ASSIGN,
            public=False,
            note=note,
            updates={"assignee": assignee},
        )
    notify.send_many(
        [
            _message(case, assignee.pk, "case_assigned", _("Case %(number)s assigned to you") % {"number": case.number})
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
    note = _("Mediation: %(outcome)s") % {"outcome": record.get_outcome_display()}
    _write(case, by=by, action="mediation", reason=history.REASON_MEDIATION, note=note)
    return record


@transaction.atomic
def record_mediation_follow_up(*, record, by, kept, followed_up_on):
    """Whether a mediation agreement held when the worker went back; a timeline entry says so."""
    record.kept, record.followed_up_on = kept, followed_up_on
    record.save(update_fields=["kept", "followed_up_on"])
    note = _("Agreement kept: %(answer)s") % {"answer": yesno(kept)}
    _write(record.case, by=by, action="mediation_follow_up", reason=history.REASON_MEDIATION, note=note)
    return record


def _message(case, user_id, kind, subject, body=None, event=""):
    """A notification about ``case``: its title unless told otherwise, and a link to its page."""
    return notify.Message(
        recipient_id=user_id,
        kind=kind,
        subject=subject,
        body=case.title if body is None else body,
        link=case.get_absolute_url(),
        community_id=case.community_id,
        event=event,
    )


def _tell(case, action, by, note=""):
    """Tell the people the action's row names (never the one who took it): one message each in
    the site's language (like every stored message), and one post on the group robot for them all."""
    told = effects.recipients(action.tells, case, by)
    if not told:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = effects.message(action.says(case), case, by, note)
    kind = f"case_{action.name}"
    event = f"{kind}:{case.pk}:{case.version}"  # the case's version names the hand-off
    notify.send_many([_message(case, user_id, kind, subject, body, event=event) for user_id in sorted(told)])


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
            subject = _("Overdue: %(number)s %(title)s") % {"number": case.number, "title": case.title}
            body = _("Due %(due)s") % {"due": effects.when(case.due_at)}
            event = f"case_overdue:{case.pk}:{case.version}"  # the group robot posts it once
            messages += [_message(case, user_id, "case_overdue", subject, body, event) for user_id in recipients]
        notify.send_many(messages)
    return len(ids)
