"""How each case of the spread goes, from its report to where it has got to by now: settled or
resolved in the grid, escalated to the community, referred to a department — with the
reworks, returns, extensions, reopenings and mediations of their scenario."""

import contextlib
import random

from cases.models import CloseReason, MediationOutcome, Satisfaction

from .case_data import (
    COMMUNITY_SCENARIOS,
    DISPATCH_NOTE,
    DUPLICATE_NOTE,
    ESCALATE_TO_DEPARTMENT,
    EXTEND_NOTES,
    FAILED_MEDIATION,
    PARTIAL_MEDIATION,
    REDONE_NOTE,
    REFERRED_SCENARIOS,
    REOPEN_NOTE,
    RETURN_NOTE,
    TAKE_NOTES,
    TAKE_NOTES_FOUND,
    UNABLE_FEEDBACK,
    UNABLE_NOTE,
    WITHDRAWN_NOTE,
    WORKER_EXTEND_NOTE,
)
from .case_plans import pick
from .case_steps import CaseRun, CaseSteps, NotYet
from .case_stories import STORY_PLAYS


class CasePlayer(CaseSteps):
    """Takes each planned case through its life, in the order the cases were reported."""

    def play(self, plan):
        run = CaseRun(plan, random.Random(plan.seed))
        self.report(run)
        with contextlib.suppress(NotYet):  # the case stays where it has got to by now
            STORY_PLAYS.get(plan.scenario, CasePlayer.play_spread)(self, run)
            # A week or two on, the worker looks in on the parties of an agreement: mostly kept.
            worker = self.workers[plan.grid.pk]
            for record, _ in run.mediations:
                if record.outcome == MediationOutcome.AGREED and record.pk not in run.followed_up:
                    self.follow_up(run, record, worker, (5 * 24, 14 * 24), kept=run.rng.random() < 0.9)
        self.backdate(run)

    def play_spread(self, run):
        plan, kind, rng = run.plan, run.plan.kind, run.rng
        scenario = plan.scenario
        worker, staff = self.workers[plan.grid.pk], self.staff
        if scenario == "fresh":
            return
        if scenario == "rejected":
            self.act(run, "reject", staff, (0.3, 20), note=kind.done)
            return
        registrar = staff if plan.reporter == staff or scenario in REFERRED_SCENARIOS else worker
        if scenario == "escalate_dispatch":
            registrar = worker
        self.act(run, "register", registrar, (0.1, 4))
        if scenario == "duplicate":
            self.act(
                run,
                "settle",
                registrar,
                (0.1, 3),
                note=DUPLICATE_NOTE,
                close_reason=CloseReason.DUPLICATE,
                duplicate_of=plan.duplicate_of.case,
            )
            return
        if scenario in REFERRED_SCENARIOS and scenario != "escalate_dispatch":
            self.play_referred(run)
            return
        if registrar == staff:
            self.assign(run, worker, staff, (0.05, 1))
        self.act(
            run,
            "take",
            worker,
            (0.1, 20),
            note=pick(TAKE_NOTES if plan.has_complainant else TAKE_NOTES_FOUND, rng),
        )
        # Old Li, Grid 1's party group leader, joins half of Wu's mediations.
        mediators = [worker, self.li] if plan.grid == self.grid1 and rng.random() < 0.5 else [worker]
        agreement, done = plan.text(kind.agreement), plan.text(kind.done)
        if scenario in COMMUNITY_SCENARIOS or scenario == "escalate_dispatch":
            if scenario == "community_mediation":
                self.mediate(run, worker, (1, 48), mediators, MediationOutcome.FAILED, FAILED_MEDIATION)
            department = self.departments.get(plan.department)
            note = kind.escalate or ESCALATE_TO_DEPARTMENT.format(department=department.name)
            self.act(run, "escalate", worker, (4, 48), note=note)
            if scenario == "stalled_escalated":
                return
            if scenario == "escalate_dispatch":
                self.play_referred(run)
                return
            if scenario == "community_mediation":
                self.mediate(run, staff, (24, 96), [staff, worker], MediationOutcome.AGREED, agreement)
            self.act(run, "resolve", staff, (24, 120), note=done)
            self.verify_and_close(run, worker, worker if rng.random() < 0.7 else staff)
            return
        # In the grid.
        if kind.agreement and scenario not in ("withdrawn", "unable"):
            partial = scenario == "stalled_handling"
            outcome = MediationOutcome.PARTIAL if partial else MediationOutcome.AGREED
            self.mediate(run, worker, (0.5, 30), mediators, outcome, PARTIAL_MEDIATION if partial else agreement)
        if scenario == "stalled_handling":
            return
        if scenario in ("settle", "withdrawn", "unable"):
            note, reason = {
                "settle": (done, kind.close_reason),
                "withdrawn": (WITHDRAWN_NOTE, CloseReason.WITHDRAWN),
                "unable": (UNABLE_NOTE, CloseReason.UNABLE),
            }[scenario]
            self.act(run, "settle", worker, (0.5, 30), note=note, close_reason=reason)
            if scenario == "unable":
                self.feedback(run, worker, (2, 72), satisfaction=Satisfaction.UNSATISFIED, note=UNABLE_FEEDBACK)
            elif scenario == "settle":
                self.feedback(run, worker, (2, 72))
            return
        self.act(run, "resolve", worker, (2, 72), note=done)
        if scenario == "grid_rework":
            self.act(run, "rework", staff, (6, 48), note=kind.redo)
            self.act(run, "resolve", worker, (12, 72), note=REDONE_NOTE.format(done=done))
        if scenario != "reopened":
            self.verify_and_close(run, staff, staff, unhappy=scenario == "grid_rework")
            return
        self.verify(run, staff)
        self.act(run, "close", staff, (0.1, 20))
        self.feedback(run, worker, (48, 120), satisfaction=Satisfaction.UNSATISFIED)
        for record, _ in run.mediations:  # the complainant came back because the agreement was not kept
            self.follow_up(run, record, worker, (0.1, 1), kept=False)
        self.act(run, "reopen", staff, (2, 48), note=REOPEN_NOTE.format(redo=kind.redo))
        self.act(run, "take", worker, (0.5, 24))
        self.extend(run, worker, (1, 24), (5, 10), WORKER_EXTEND_NOTE)
        self.act(run, "resolve", worker, (48, 120), note=REDONE_NOTE.format(done=done))
        self.verify(run, staff)
        self.act(run, "close", staff, (0.1, 20))
        self.feedback(run, worker, (2, 72), satisfaction=Satisfaction.BASICALLY)

    def play_referred(self, run):
        """From registered or escalated: referred by staff, handled by the department."""
        plan, kind, rng = run.plan, run.plan.kind, run.rng
        scenario = plan.scenario
        worker, staff = self.workers[plan.grid.pk], self.staff
        department, member = self.departments[plan.department], self.members[plan.department]
        first = self.departments[plan.wrong_department] if plan.wrong_department else department
        self.act(
            run,
            "dispatch",
            staff,
            (0.5, 24),
            department=first,
            note=DISPATCH_NOTE.format(department=first.name),
            public=False,
        )
        if scenario == "stalled_dispatch":
            return
        if plan.wrong_department:
            wrong_member = self.members[plan.wrong_department]
            self.act(run, "return", wrong_member, (4, 48), note=RETURN_NOTE.format(department=department.name))
            self.act(
                run,
                "dispatch",
                staff,
                (1, 24),
                department=department,
                note=DISPATCH_NOTE.format(department=department.name),
                public=False,
            )
        if scenario == "dispatch_extend":
            self.extend(run, member, (24, 72), (7, 14), EXTEND_NOTES[plan.department])
        self.act(run, "resolve", member, (24, 150), note=kind.done)
        if scenario == "dispatch_rework":
            self.act(run, "rework", worker, (12, 48), note=kind.redo)
            self.act(run, "resolve", member, (24, 120), note=REDONE_NOTE.format(done=kind.done))
        self.verify_and_close(
            run, worker, worker if rng.random() < 0.7 else staff, unhappy=scenario == "dispatch_rework"
        )
