"""The steps of a case's life, taken through ``cases.services`` as the people of the demo.

Each step is given a time after the one before (office hours for staff and departments); a
step that would come after now is not taken, so recent cases are still open wherever their
story has got to. The services stamp ``timezone.now()``: the intake is moved back as soon as
the case is recorded (deadlines count from it, and an extension's note quotes the old one);
the rest — every timeline entry's ``created_at``, the case's ``registered_at`` …
``feedback_at``, a mediation record's ``created_at``, the notifications the steps sent — once
the case is as far as it goes (``backdate``), with queryset ``update()``s that map each stamp
to the time of the step that wrote it. Nothing writes a case's state but the services.
"""

import bisect
import datetime
import random
from dataclasses import dataclass, field

from django.db.models import Case as SqlCase
from django.db.models import F, Value, When
from django.utils import timezone

from cases.models import Case, CaseAssist, CaseEvent, Category, MediationRecord, Satisfaction, default_due_at
from cases.services import Change, case_assign, case_report, perform, record_mediation, record_mediation_follow_up
from gridapp.models import Notification

from .case_data import FEEDBACK_NOTES, OFFICE_HOURS, VERIFY_NOTES, VERIFY_NOTES_FOUND
from .case_plans import CasePlan, adult, pick
from .places import CHANGE_REASON


class NotYet(Exception):
    """The next step of a case would come after now: the case stays where it has got to."""


@dataclass
class CaseRun:
    """A case being taken through its life: its clock and what to backdate afterwards."""

    plan: CasePlan
    rng: random.Random
    case: object = None
    at: datetime.datetime | None = None  # when the last step happened
    times: list = field(default_factory=list)  # when each timeline entry happened, in order
    mediations: list = field(default_factory=list)  # (record, when)
    followed_up: set = field(default_factory=set)  # mediation records whose follow-up is recorded


TOLD_THE_COMPLAINANT = frozenset({"register", "reject", "settle", "resolve", "close", "feedback", "reopen"})


class CaseSteps:
    """Takes one step of a case's life at a time, each at its time in the past."""

    def __init__(self, cast, today, horizon):
        self.today = today
        self.horizon = horizon
        self.staff, self.li, self.grid1 = cast.staff, cast.li, cast.grid1
        self.workers, self.departments, self.members = cast.workers, cast.departments, cast.members
        self.categories = {c.name: c for c in Category.objects.all()}
        self.last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def later(self, run, hours, by):
        """The time of the next step, ``hours`` (low, high) after the last: in office hours, and
        on a weekday unless ``by`` is a grid worker. Raises NotYet if that is after now."""
        rng = run.rng
        at = timezone.localtime(run.at + datetime.timedelta(hours=rng.uniform(*hours)))
        opens, closes = OFFICE_HOURS
        if not opens <= at.time() <= closes:
            next_day = at.time() > closes
            at = at.replace(hour=opens.hour, minute=opens.minute, second=0, microsecond=0)
            at += datetime.timedelta(days=int(next_day), minutes=rng.uniform(0, 90))
        last_weekday = 5 if by.pk in self.worker_ids else 4  # workers are out on Saturdays too
        while at.weekday() > last_weekday:
            at += datetime.timedelta(days=1)
        if at > self.horizon:
            raise NotYet
        return at

    @property
    def worker_ids(self):
        return {w.pk for w in self.workers.values()}

    @staticmethod
    def happened(run, when):
        """Note when the step just taken happened."""
        run.at = when
        run.times.append(when)

    def report(self, run):
        plan = run.plan
        run.case = case_report(
            by=plan.reporter,
            grid=plan.grid,
            title=plan.title[:100],
            description=plan.description,
            category=self.categories[plan.kind.category],
            priority=plan.priority,
            channel=plan.channel,
            households=plan.households,
            shops=plan.shops,
            building=plan.building,
            complainant=plan.complainant,
            complainant_name=plan.complainant_name,
            complainant_phone=plan.complainant_phone,
            anonymous=plan.anonymous,
            visit=plan.visit,
        )
        plan.case = run.case
        # The intake goes back to its time at once: the deadline counts from it, and an
        # extension's timeline note quotes the deadline it moves.
        case = run.case
        shift = plan.when - case.reported_at
        Case.objects.filter(pk=case.pk).update(reported_at=plan.when, due_at=F("due_at") + shift)
        Case.history.filter(id=case.pk).update(
            history_date=plan.when,
            reported_at=plan.when,
            due_at=F("due_at") + shift,
            history_change_reason=CHANGE_REASON,
        )
        case.refresh_from_db(fields=["reported_at", "due_at"])
        self.happened(run, plan.when)

    def act(self, run, action, by, hours, **change):
        when = self.later(run, hours, by)
        # Entries are internal unless the writer ticks "visible to the complainant": the demo's
        # people make public what the complainant is owed (decided, done, closed), as staff would.
        change.setdefault("public", action in TOLD_THE_COMPLAINANT)
        perform(case=run.case, action_name=action, by=by, version=run.case.version, change=Change(**change))
        if action == "reopen":  # the fresh deadline counts from the reopening, not from today
            case = run.case
            case.due_at = default_due_at(case.category, case.priority, when)
            Case.objects.filter(pk=case.pk).update(due_at=case.due_at)
        self.happened(run, when)
        if action == run.plan.stop_after:
            raise NotYet

    def extend(self, run, by, hours, days, note):
        """Ask for more time, until the end of office hours ``days`` (low, high) after the
        deadline (or after asking, if it has passed); the community office approves it a few
        office hours later (延期审批)."""
        asked = self.later(run, hours, by)
        start = max(asked, run.case.due_at)
        day = timezone.localdate(start) + datetime.timedelta(days=run.rng.randint(*days))
        proposed = timezone.make_aware(datetime.datetime.combine(day, OFFICE_HOURS[1]))
        perform(
            case=run.case,
            action_name="extend",
            by=by,
            version=run.case.version,
            change=Change(reason=note, proposed_due=proposed),
        )
        self.happened(run, asked)
        counted = run.case.counted_due_at or run.case.due_at  # the deadline the on-time rate counts
        answered = self.later(run, (0.5, 6), self.staff)
        perform(case=run.case, action_name="approve_extension", by=self.staff, version=run.case.version)
        self.happened(run, answered)
        # The request's times are the story's, and so is whether it was approved in time (the
        # service judged by today's clock).
        run.case.extension_requests.filter(decided_by__isnull=False, proposed_due=proposed).update(
            asked_at=asked, decided_at=answered
        )
        Case.objects.filter(pk=run.case.pk).update(counted_due_at=None if answered <= counted else counted)
        run.case.refresh_from_db(fields=["counted_due_at"])

    def assign(self, run, assignee, by, hours):
        when = self.later(run, hours, by)
        case_assign(cases=[run.case], assignee=assignee, by=by)
        self.happened(run, when)

    def mediate(self, run, by, hours, mediators, outcome, agreement, other_mediators=""):
        when = self.later(run, hours, by)
        parties = [r for r in (adult(h, self.today) for h in run.plan.households) if r is not None]
        spouses = [
            r
            for h in run.plan.households
            for r in h.residents.all()
            if r.relation_to_head == "配偶" and r.archived_at is None
        ]
        record = record_mediation(
            case=run.case,
            by=by,
            held_on=timezone.localdate(when),
            parties=parties + spouses,
            other_parties="",
            mediators=mediators,
            other_mediators=other_mediators,
            outcome=outcome,
            agreement=agreement,
        )
        run.mediations.append((record, when))
        self.happened(run, when)

    def follow_up(self, run, record, by, hours, kept):
        """Whether a mediation agreement held when the worker went back."""
        when = self.later(run, hours, by)
        record_mediation_follow_up(record=record, by=by, kept=kept, followed_up_on=timezone.localdate(when))
        run.followed_up.add(record.pk)
        self.happened(run, when)

    def feedback(self, run, by, hours, unhappy=False, satisfaction=None, note=None):
        """The complainant's view, if there is a complainant to ask."""
        if not run.plan.has_complainant:
            return
        if satisfaction is None:
            roll = run.rng.random()
            satisfied, basically = (0.3, 0.75) if unhappy else (0.7, 0.92)
            satisfaction = (
                Satisfaction.SATISFIED
                if roll < satisfied
                else Satisfaction.BASICALLY
                if roll < basically
                else Satisfaction.UNSATISFIED
            )
        note = note or pick(FEEDBACK_NOTES[satisfaction], run.rng)
        self.act(run, "feedback", by, hours, satisfaction=satisfaction, note=note)

    def verify(self, run, verifier):
        notes = VERIFY_NOTES if run.plan.has_complainant else VERIFY_NOTES_FOUND
        self.act(run, "verify", verifier, (3, 48), note=pick(notes, run.rng))

    def verify_and_close(self, run, verifier, closer, unhappy=False):
        worker = self.workers[run.plan.grid.pk]
        self.verify(run, verifier)
        self.act(run, "close", closer, (0.1, 20))
        self.feedback(run, worker, (2, 72), unhappy=unhappy)

    def backdate(self, run):
        """Move the case's timeline, stamps, mediation records and notifications back to when
        each step happened. A stamp the services wrote equals the ``created_at`` of the timeline
        entry they wrote with it, which is how each is matched to its step."""
        case = run.case
        events = list(case.events.order_by("pk").values_list("pk", "created_at"))
        if len(events) != len(run.times):
            raise RuntimeError(f"{case.number}: {len(events)} timeline entries for {len(run.times)} steps")
        CaseEvent.objects.filter(case=case).update(
            created_at=SqlCase(
                *(When(pk=pk, then=Value(when)) for (pk, _), when in zip(events, run.times, strict=True))
            )
        )
        step_time = {created: when for (_, created), when in zip(events, run.times, strict=True)}
        case.refresh_from_db()
        stamps = {}
        for name in (
            "registered_at",
            "escalated_at",
            "dispatched_at",
            "resolved_at",
            "verified_at",
            "closed_at",
            "feedback_at",
        ):
            value = getattr(case, name)
            if value is None:
                continue
            if value not in step_time:
                raise RuntimeError(f"{case.number}: {name} matches no timeline entry; cases.services changed?")
            stamps[name] = step_time[value]
        if stamps:
            Case.objects.filter(pk=case.pk).update(**stamps)
        # The assisting departments' parts (协办) were added and done with a timeline entry each.
        for part in CaseAssist.objects.filter(case=case):
            CaseAssist.objects.filter(pk=part.pk).update(
                added_at=step_time.get(part.added_at, part.added_at),
                done_at=step_time.get(part.done_at, part.done_at),
            )
        for record, when in run.mediations:
            MediationRecord.objects.filter(pk=record.pk).update(created_at=when)
        # A step's notifications were sent after its timeline entry was written, and before the
        # next step's: each goes back to the time of the last entry written before it.
        real_times = [created for _, created in events]
        sent = {}
        for pk, created in Notification.objects.filter(pk__gt=self.last_notification).values_list("pk", "created_at"):
            step = max(bisect.bisect_right(real_times, created) - 1, 0)
            sent.setdefault(run.times[step], []).append(pk)
            self.last_notification = max(self.last_notification, pk)
        for when, ids in sent.items():
            Notification.objects.filter(pk__in=ids).update(created_at=when)
