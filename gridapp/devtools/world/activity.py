"""A grid's year of visits: the cared-for homes knocked on about as often as their care level
asks (some late, so check-ins fall due), the rest of the visits spread over households and
shops; the residents seen and how they were, the follow-ups (closed once past), and the help
alerts (open only for the last two days; staff marked the older ones handled)."""

import datetime

from visits.models import Condition, FollowUp, HelpAlert, HelpHandled, Purpose, ResidentSeen, Visit, VisitPurpose

from . import names

YEAR = 365
CONDITIONS = (Condition.WELL,) * 85 + (Condition.UNWELL,) * 5 + (Condition.NEEDS_HELP,) * 2 + (Condition.NOT_HOME,) * 8


class ActivityMixin:
    def open_activity(self):
        w = self.writer
        self.visits = w.open(
            Visit, "id", "worker_id", "visited_at", "grid_id", "household_id", "shop_id", "notes", "client_id",
            "created_at", "updated_at",
        )  # fmt: skip
        self.purposes = w.open(VisitPurpose, "id", "visit_id", "purpose")
        self.seen = w.open(ResidentSeen, "id", "visit_id", "resident_id", "condition")
        self.follow_ups = w.open(
            FollowUp, "id", "visit_id", "grid_id", "what", "due_on", "assignee_id", "done_at", "done_by_id", "outcome"
        )
        self.alerts = w.open(
            HelpAlert, "id", "visit_id", "resident_id", "grid_id", "condition", "created_at", "handled_at",
            "handled_by_id", "handled_how",
        )  # fmt: skip

    def plan_visits(self, homes, shops):
        """(moment, home or None, shop id or None) for each of the grid's visits."""
        rng, budget = self.rng, self.scale.visits
        plan = []
        for home in homes:
            if home.cadence is None:
                continue
            moment = self.ago(home.cadence * 1.2)
            while moment > self.anchor - datetime.timedelta(days=YEAR) and len(plan) < budget // 2:
                plan.append((moment, home, None))
                moment -= datetime.timedelta(days=home.cadence * rng.uniform(0.8, 1.4))
        while len(plan) < budget:
            if shops and rng.random() < 0.1:
                plan.append((self.ago(YEAR), None, rng.choice(shops)))
            else:
                plan.append((self.ago(YEAR), rng.choice(homes), None))
        plan.sort(key=lambda visit: visit[0])
        return plan

    def build_visits(self, grid, homes, shops):
        """Writes the grid's visits; returns the day each cared-for resident was last seen."""
        rng = self.rng
        last_seen = {}
        recent = self.anchor - datetime.timedelta(days=2)
        for moment, home, shop_id in self.plan_visits(homes, shops):
            visit_id = self.ids.take(Visit)
            worker = grid.worker if rng.random() < 0.95 else grid.officer
            self.visits.add(
                visit_id, worker, moment, grid.grid_id, home and home.id, shop_id, rng.choice(names.VISIT_NOTES),
                self.uuid(visit_id), moment, moment,
            )  # fmt: skip
            if shop_id:
                purpose = Purpose.SAFETY if rng.random() < 0.7 else Purpose.CAMPAIGN
            else:
                purpose = Purpose.ROUTINE if rng.random() < 0.85 else rng.choice((Purpose.FLOOD, Purpose.OTHER))
            self.purposes.add(self.ids.take(VisitPurpose), visit_id, purpose)
            if home is None:
                continue
            day = moment.astimezone(self.tz).date()
            for resident_id in home.residents:
                condition = rng.choice(CONDITIONS)
                self.seen.add(self.ids.take(ResidentSeen), visit_id, resident_id, condition)
                if condition != Condition.NOT_HOME and resident_id in self.cared:
                    last_seen[resident_id] = day  # the plan is in time order
                if condition in (Condition.UNWELL, Condition.NEEDS_HELP):
                    self._alert(grid, visit_id, resident_id, condition, moment, recent)
            if rng.random() < 0.03:
                self._follow_up(grid, visit_id, worker, day)
        return last_seen

    def _alert(self, grid, visit_id, resident_id, condition, moment, recent):
        if moment > recent:
            handled = (None, None, "")
        else:
            handled = (moment + datetime.timedelta(hours=20), grid.staff[0], HelpHandled.ACKNOWLEDGED)
        self.alerts.add(self.ids.take(HelpAlert), visit_id, resident_id, grid.grid_id, condition, moment, *handled)

    def _follow_up(self, grid, visit_id, worker, day):
        due = day + datetime.timedelta(days=10)
        if due < self.today - datetime.timedelta(days=3):
            done = (self.anchor - datetime.timedelta(days=(self.today - due).days), worker, "已处理")
        else:
            done = (None, None, "")
        self.follow_ups.add(
            self.ids.take(FollowUp), visit_id, grid.grid_id, self.rng.choice(names.FOLLOW_UPS), due, worker, *done
        )
