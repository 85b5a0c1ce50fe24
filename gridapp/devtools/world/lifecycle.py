"""A grid's cases, each walked along one of the lifecycle's paths (``cases.workflow``) as far as
its age allows: a case reported more than 45 days ago has reached the end of its path; a recent
one stops anywhere on it, so every state has cases. Each step writes what the service would:
the case's state, its stamp, level, assignee, department, resolver and a timeline entry with
the next version."""

import datetime

from cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    Category,
    Channel,
    CloseReason,
    Level,
    Priority,
    Satisfaction,
    State,
)
from cases.workflow import ACTIONS, STAMPS

from . import names

# Who takes each step: W the grid worker, O the grid's officer, S community staff, D a member of
# the department the case is dispatched to.
GRID = [("register", "W"), ("take", "W"), ("resolve", "W"), ("verify", "S"), ("close", "W"), ("feedback", "W")]
PATHS = (
    (35, "grid", GRID),
    (20, "settle", [("register", "W"), ("settle", "W"), ("feedback", "W")]),
    (8, "officer", [("register", "W"), ("refer_officer", "W"), ("resolve", "O"), *GRID[3:]]),
    (12, "community", [*GRID[:2], ("escalate", "W"), ("resolve", "S"), ("verify", "W"), ("close", "S"),
                       ("feedback", "W")]),
    (12, "department", [*GRID[:2], ("escalate", "W"), ("dispatch", "S"), ("resolve", "D"), ("verify", "W"),
                        ("close", "S"), ("feedback", "W")]),
    (5, "rework", [*GRID[:3], ("rework", "S"), ("resolve", "W"), *GRID[3:]]),
    (4, "rejected", [("reject", "S")]),
    (4, "reopened", [*GRID, ("reopen", "S"), *GRID[1:]]),
)  # fmt: skip
WEIGHTS = [weight for weight, _name, _steps in PATHS]
SATISFACTION = (Satisfaction.SATISFIED,) * 7 + (Satisfaction.BASICALLY,) * 2 + (Satisfaction.UNSATISFIED,)
PRIORITIES = (Priority.NORMAL,) * 6 + (Priority.HIGH,) * 2 + (Priority.URGENT, Priority.LOW)
DEPARTMENT_FOR = {True: "police", False: "construction"}
CASE_COLUMNS = (
    "id", "number", "community_id", "grid_id", "title", "description", "category_id", "priority", "channel",
    "complainant_id", "complainant_name", "building_id", "level", "state", "resolved_from", "assignee_id",
    "resolved_by_id", "department_id", "due_at", "reported_at", "registered_at", "escalated_at", "dispatched_at",
    "resolved_at", "verified_at", "closed_at", "feedback_at", "close_reason", "satisfaction", "rework_count",
    "version", "created_by_id",
)  # fmt: skip


class LifecycleMixin:
    def open_cases(self):
        w = self.writer
        self.cases = w.open(Case, *CASE_COLUMNS)
        self.case_households = w.open(Case.households.through, "id", "case_id", "household_id")
        self.events = w.open(
            CaseEvent, "id", "case_id", "action", "from_state", "to_state", "level", "actor_id", "public", "note",
            "satisfaction", "created_at", "version",
        )  # fmt: skip
        self.counters = w.open(CaseCounter, "id", "community_id", "year", "last")
        self.category_list = list(Category.objects.filter(active=True).order_by("pk"))
        if not self.category_list:
            raise LookupError("no case categories: the migrations create them")
        self.numbers = {}  # (community id, year) → the last number used

    def write_counters(self):
        for (community_id, year), last in sorted(self.numbers.items()):
            self.counters.add(self.ids.take(CaseCounter), community_id, year, last)

    def build_cases(self, grid, homes, code):
        rng = self.rng
        # Every grid has a case in hand at the grid in a category its officer may take (一格一警):
        # bench_pages refers it to the officer and takes it back, again and again.
        officer_category = next((c for c in self.category_list if c.officer_may_take), self.category_list[0])
        self._case(grid, homes, code, self.ago(3, 1), officer_category, GRID[:2])
        for _c in range(self.scale.cases - 1):
            reported = self.ago(365)
            _weight, path, steps = rng.choices(PATHS, weights=WEIGHTS)[0]
            category = rng.choice(self.category_list)
            if path == "officer" and not category.officer_may_take:
                steps = GRID
            age = (self.anchor - reported).days
            if age < 45:
                steps = steps[: rng.randint(0, len(steps))]
            elif steps[-1][0] == "feedback" and rng.random() < 0.3:
                steps = steps[:-1]  # closed, the complainant not asked (yet)
            self._case(grid, homes, code, reported, category, steps)

    def _case(self, grid, homes, code, reported, category, steps):
        rng = self.rng
        case_id = self.ids.take(Case)
        year = reported.astimezone(self.tz).year
        number = self.numbers[grid.community_id, year] = self.numbers.get((grid.community_id, year), 0) + 1
        home = rng.choice(homes)
        reporter = grid.worker if rng.random() < 0.7 else grid.staff[0]
        channel = (
            Channel.VISIT if reporter == grid.worker else rng.choice((Channel.WALK_IN, Channel.PHONE, Channel.HOTLINE))
        )
        priority = rng.choice(PRIORITIES)
        case = {
            "level": Level.GRID, "state": State.REPORTED, "resolved_from": "", "assignee_id": None,
            "resolved_by_id": None, "department_id": None, "due_at": None, "close_reason": "", "satisfaction": "",
            "rework_count": 0, "version": 1, **dict.fromkeys(STAMPS.values()),
        }  # fmt: skip
        moment = reported
        self._event(case_id, "report", "", State.REPORTED, Level.GRID, reporter, moment, 1, "")
        for action_name, who in steps:
            moment = min(moment + datetime.timedelta(hours=rng.uniform(1, 60)), self.anchor)
            actor = self._actor(grid, who, category)
            satisfaction = self._step(case, ACTIONS[action_name], actor, moment, grid, category, priority, reported)
            case["version"] += 1
            note = rng.choice(names.CASE_NOTES) if ACTIONS[action_name].needs_note or rng.random() < 0.3 else ""
            self._event(
                case_id, action_name, case["from"], case["state"], case["level"], actor, moment, case["version"],
                note or ("已处理" if ACTIONS[action_name].needs_note else ""), satisfaction,
                public=ACTIONS[action_name].public,
            )  # fmt: skip
        complainant = rng.choice(home.residents) if rng.random() < 0.6 else None
        case.update(
            id=case_id, number=f"{code}-{year}-{number:06d}", community_id=grid.community_id, grid_id=grid.grid_id,
            title=rng.choice(names.CASE_TITLES), description="居民反映情况，请核实处理。", category_id=category.pk,
            priority=priority, channel=channel, complainant_id=complainant,
            complainant_name="" if complainant else "匿名来电" if channel == Channel.HOTLINE else "来访居民",
            building_id=home.building_id, reported_at=reported, created_by_id=reporter,
        )  # fmt: skip
        self.cases.add(*(case[column] for column in CASE_COLUMNS))
        self.case_households.add(self.ids.take(Case.households.through), case_id, home.id)

    def _actor(self, grid, who, category):
        if who == "W":
            return grid.worker
        if who == "O":
            return grid.officer
        if who == "S":
            return grid.staff[self.rng.random() < 0.5]
        return grid.departments[DEPARTMENT_FOR[category.officer_may_take]][1][0]

    def _step(self, case, action, actor, moment, grid, category, priority, reported):
        """Moves ``case`` (a dict of its columns) as ``cases.workflow`` would; returns the
        satisfaction said, on a feedback entry."""
        name = action.name
        case["from"] = case["state"]
        target = case["resolved_from"] if name == "rework" else action.target
        case["state"] = target
        if stamp := STAMPS.get(target):
            case[stamp] = moment
        if action.level:
            case["level"] = action.level
        satisfaction = ""
        if name == "register":
            hours = category.deadline_hours(priority)
            case["due_at"] = reported + datetime.timedelta(hours=hours)
        elif name in ("take", "settle") and case["assignee_id"] is None:
            case["assignee_id"] = actor
        elif name == "refer_officer":
            case["assignee_id"] = grid.officer
        elif name == "escalate":
            case["assignee_id"] = None
        elif name == "dispatch":
            case["department_id"] = grid.departments[DEPARTMENT_FOR[category.officer_may_take]][0]
        elif name == "resolve":
            case["resolved_from"], case["resolved_by_id"] = case["from"], actor
        elif name == "rework":
            case["rework_count"] += 1
            case["resolved_at"] = None
        elif name == "feedback":
            satisfaction = case["satisfaction"] = self.rng.choice(SATISFACTION)
        elif name == "reopen":
            self._start_afresh(case, category, priority, moment)
        if name == "settle":
            case["resolved_at"], case["resolved_by_id"] = moment, actor
        if name in ("settle", "close"):
            case["close_reason"] = CloseReason.FIXED
        return satisfaction

    def _start_afresh(self, case, category, priority, moment):
        """``cases.effects.start_afresh``: a fresh deadline, nothing left of the close."""
        case.update(
            due_at=moment + datetime.timedelta(hours=category.deadline_hours(priority)),
            resolved_at=None, verified_at=None, closed_at=None, feedback_at=None, close_reason="", satisfaction="",
        )  # fmt: skip

    def _event(self, case_id, action, from_state, to_state, level, actor, moment, version, note, satisfaction="",
               public=True):  # fmt: skip
        self.events.add(
            self.ids.take(CaseEvent), case_id, action, from_state, to_state, level, actor, public, note, satisfaction,
            moment, version,
        )  # fmt: skip
