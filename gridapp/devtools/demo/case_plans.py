"""The plan of the case history: every case's intake — when, where, who reports it, who
complains — decided up front with the plan's own generator, before any case is taken through
its life."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import Channel as CaseChannel
from cases.models import DepartmentKind, Priority
from gridapp.models import Building, BusinessType, Household, Shop, Tenure
from visits.models import Visit

from .case_data import (
    CASE_HISTORY_DAYS,
    CASE_SCENARIOS,
    CASES_SEED,
    COMMUNITY_SCENARIOS,
    GRID_SHARE,
    LONG_SCENARIOS,
    REFERRED_SCENARIOS,
    STOP_AGES,
)
from .case_kinds import COMMUNITY_KINDS, DEPARTMENT_KINDS, GRID_KINDS, REJECTED_KINDS, CaseKind
from .people import LOCAL_SURNAMES, MOBILE_PREFIXES, STORY_NAMES
from .places import CORRIDOR_BUILDING, address_number
from .visit_data import HISTORY_DAYS


@dataclass(frozen=True)
class Cast:
    """Who takes the cases through their lives: the grid workers, the community's staff, Old Li,
    and the town's departments with their members who have an account."""

    staff: object
    li: object
    grid1: object
    grid2: object
    workers: dict  # grid pk → the grid's worker
    departments: dict  # DepartmentKind → the town's department of that kind
    members: dict  # DepartmentKind → the department's member

    @classmethod
    def load(cls, community, departments):
        users = get_user_model().objects.in_bulk(
            ["wu", "chen", "staff", "li", "police", "build", "agri", "repair"], field_name="username"
        )
        grids = {g.number: g for g in community.grids.all()}
        return cls(
            staff=users["staff"],
            li=users["li"],
            grid1=grids[1],
            grid2=grids[2],
            workers={grids[1].pk: users["wu"], grids[2].pk: users["chen"]},
            departments=departments,
            members={
                DepartmentKind.POLICE: users["police"],
                DepartmentKind.CONSTRUCTION: users["build"],
                DepartmentKind.AGRICULTURE: users["agri"],
                DepartmentKind.CONTRACTOR: users["repair"],
            },
        )


@dataclass
class CasePlan:
    """One case to be: its intake, decided up front by the plan's generator."""

    when: datetime.datetime  # reported at
    scenario: str  # a CASE_SCENARIOS name, or story_3/4/5
    seed: str  # the seed of the case's own generator (its pace and feedback)
    grid: object = None
    kind: CaseKind | None = None
    reporter: object = None
    channel: str = CaseChannel.WALK_IN
    priority: str = Priority.NORMAL
    title: str = ""
    description: str = ""
    place_label: str = ""  # {place} in the kind's texts
    other_label: str = ""  # {other}: the flat above, in a dispute between two households
    households: list = field(default_factory=list)
    shops: list = field(default_factory=list)
    building: object = None
    complainant: object = None
    complainant_name: str = ""
    complainant_phone: str = ""
    anonymous: bool = False
    visit: object = None
    department: str = ""  # the DepartmentKind it is referred to
    wrong_department: str = ""  # dispatch_return: where it goes first
    stop_after: str = ""  # the action after which the case stays as it is
    duplicate_of: "CasePlan | None" = None
    case: object = None

    @property
    def has_complainant(self):
        return not self.anonymous and bool(self.complainant or self.complainant_name)

    def text(self, template):
        """A kind's text about this case's place."""
        return template.format(place=self.place_label, other=self.other_label)


def pick(items, rng):
    """One of ``items``, drawing one number whatever their count (the stream stays aligned)."""
    return items[int(rng.random() * len(items))]


def adult(household, today):
    """The household's first adult: the head if of age."""
    residents = sorted(
        (r for r in household.residents.all() if r.archived_at is None and r.age_on(today) >= 18),
        key=lambda r: (not r.is_head, r.pk),
    )
    return residents[0] if residents else None


class CasePlanner:
    """Plans the spread of cases over both grids: every category, priority, channel and scenario."""

    def __init__(self, cast, today, horizon, rng):
        self.rng = rng
        self.today = today
        self.horizon = horizon
        self.staff, self.workers, self.members = cast.staff, cast.workers, cast.members
        self.grid1, self.grid2 = cast.grid1, cast.grid2
        self.places = {g.pk: self.load_places(g) for g in (self.grid1, self.grid2)}
        self.used_visits = set()
        self.decks = {}
        self.used_places = set()

    # --- the register, as places for cases -------------------------------------------------

    def load_places(self, grid):
        households = [
            h
            for h in Household.objects.filter(grid=grid, archived_at__isnull=True)
            .select_related("building")
            .prefetch_related("residents")
            .order_by("pk")
            if not any(r.name in STORY_NAMES for r in h.residents.all())
            and not (h.building and (h.building.road, h.building.number) == CORRIDOR_BUILDING)
        ]
        flats = [h for h in households if h.building_id]
        by_flat = {(h.building_id, h.unit, h.room): h for h in flats}
        above = {}
        for h in flats:
            if h.room.isdigit() and (upper := by_flat.get((h.building_id, h.unit, str(int(h.room) + 100)))):
                above[h.pk] = upper
        shops = list(Shop.objects.filter(grid=grid, archived_at__isnull=True).order_by("pk"))
        buildings = list(
            Building.objects.filter(grid=grid).exclude(road=CORRIDOR_BUILDING[0], number=CORRIDOR_BUILDING[1])
        )
        buildings.sort(key=lambda b: b.pk)
        return {
            "households": households,
            "flat": flats,
            "pair": [h for h in flats if h.pk in above],
            "above": above,
            "rented": [h for h in flats if h.tenure == Tenure.RENTED],
            "house": [h for h in households if not h.building_id],
            "building": [b for b in buildings if b.year_built < 1995] or buildings,
            "shop": shops,
            "food_shop": [s for s in shops if s.business_type == BusinessType.FOOD] or shops,
            "night_shop": [s for s in shops if any(w in s.name for w in ("棋牌", "烧烤", "足浴", "奶茶"))]
            or [s for s in shops if s.business_type == BusinessType.FOOD],
        }

    def deal(self, kinds):
        """The next of ``kinds`` from a shuffled deck: a kind comes again once all have come."""
        key = tuple(kinds)
        if not self.decks.get(key):
            deck = list(kinds)
            self.rng.shuffle(deck)
            self.decks[key] = deck
        return self.decks[key].pop()

    def fresh(self, items, *fallbacks):
        """One of ``items`` (places) not yet the place of a case; when all have been, one of the
        first of ``fallbacks`` that has such a place; else any of ``items``."""
        for tier in (items, *fallbacks):
            unused = [i for i in tier if (type(i), i.pk) not in self.used_places]
            if unused:
                break
        item = pick(unused or items, self.rng)
        self.used_places.add((type(item), item.pk))
        return item

    def household_in(self, grid, building=None, road=None, exclude=()):
        places = self.places[grid.pk]
        candidates = [h for h in places["households"] if h not in exclude]
        if building is not None:
            candidates = [h for h in candidates if h.building_id == building.pk] or candidates
        elif road is not None:
            candidates = [h for h in candidates if h.address.startswith(road)] or candidates
        return pick(candidates, self.rng)

    # --- the plan ---------------------------------------------------------------------------

    def intake_time(self, days_ago, channel):
        """A time on the day ``days_ago`` days back: the 12345 hotline forwards calls from 7:00
        to 21:00, everything else comes in office hours."""
        low, high = (7.0, 21.0) if channel == CaseChannel.HOTLINE else (8.0, 17.5)
        day = self.today - datetime.timedelta(days=days_ago)
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) + datetime.timedelta(
            hours=self.rng.uniform(low, high)
        )
        while at > self.horizon:
            at -= datetime.timedelta(days=1)
        return at

    def spread_plans(self):
        plans = []
        # The departments take turns, so each has its share of every way a referral goes, and one
        # of the cases still with a department (stalled or stopped at dispatch) to act on.
        turns = {True: 0, False: 0}
        kinds_by_scenario = {
            "rejected": REJECTED_KINDS,
            "fresh": GRID_KINDS + COMMUNITY_KINDS + DEPARTMENT_KINDS,
            "grid_rework": [k for k in GRID_KINDS if k.redo],
            "reopened": [k for k in GRID_KINDS if k.redo and k.complainant != "none"],
            "stalled_handling": [k for k in GRID_KINDS if k.agreement],
            "withdrawn": [k for k in GRID_KINDS if k.agreement],
            "unable": [k for k in GRID_KINDS if k.agreement and k.category == "漏水渗水"],
            "community_mediation": [k for k in COMMUNITY_KINDS if k.agreement],
            "dispatch_rework": [k for k in DEPARTMENT_KINDS if k.redo],
        }
        department_order = (DepartmentKind.POLICE, DepartmentKind.CONSTRUCTION, DepartmentKind.AGRICULTURE)
        for name, count in CASE_SCENARIOS:
            scenario, _, stop_after = name.partition("@")
            if scenario == "duplicate":
                continue
            for _ in range(count):
                if scenario in kinds_by_scenario:
                    kinds = kinds_by_scenario[scenario]
                elif scenario in REFERRED_SCENARIOS:
                    still_there = scenario == "stalled_dispatch" or stop_after == "dispatch"
                    department = department_order[turns[still_there] % len(department_order)]
                    turns[still_there] += 1
                    kinds = [k for k in DEPARTMENT_KINDS if k.department == department]
                    if scenario == "dispatch_rework":
                        kinds = [k for k in kinds if k.redo] or kinds
                elif scenario in COMMUNITY_SCENARIOS:
                    kinds = COMMUNITY_KINDS
                else:
                    kinds = GRID_KINDS
                plans.append(self.plan(scenario, self.deal(kinds), len(plans), stop_after=stop_after))
        # A second report of something already reported about a building or a road.
        public = [p for p in plans if p.kind.place in ("road", "building") and p.scenario not in ("rejected", "fresh")]
        public = [p for p in public if p.when + datetime.timedelta(days=5) < self.horizon]
        for _ in range(dict(CASE_SCENARIOS)["duplicate"]):
            original = pick(public, self.rng)
            plan = self.plan("duplicate", original.kind, len(plans), original=original)
            plans.append(plan)
        return plans

    def plan(self, scenario, kind, index, original=None, stop_after=""):
        rng = self.rng
        plan = CasePlan(when=None, scenario=scenario, seed=f"{CASES_SEED}:{index}", kind=kind, stop_after=stop_after)
        if original is not None:
            plan.grid = original.grid
        else:
            plan.grid = self.grid1 if rng.random() < GRID_SHARE else self.grid2
        worker = self.workers[plan.grid.pk]
        plan.priority = pick(kind.priorities, self.rng)
        plan.department = kind.department

        # Who reports it, how, and when.
        roll = rng.random()
        if scenario == "rejected":
            plan.reporter, plan.channel = self.staff, CaseChannel.HOTLINE if roll < 0.7 else CaseChannel.PHONE
        elif kind.complainant == "none":
            plan.reporter = worker
            visited = kind.place in ("flat", "building", "shop") and scenario not in ("fresh", "duplicate")
            plan.channel = CaseChannel.VISIT if visited else CaseChannel.PATROL
        elif roll < 0.5:
            plan.reporter = worker
            plan.channel = CaseChannel.WALK_IN if roll < 0.3 else CaseChannel.PHONE
        else:
            plan.reporter = self.staff
            plan.channel = (CaseChannel.PHONE, CaseChannel.HOTLINE, CaseChannel.HOTLINE, CaseChannel.WALK_IN)[
                int(rng.random() * 4)
            ]
        if original is not None:
            days_ago = max((self.today - timezone.localdate(original.when)).days - rng.uniform(1, 4), 0)
        elif scenario == "fresh":
            days_ago = 0
        elif stop_after:
            days_ago = rng.uniform(*STOP_AGES[stop_after])
        elif scenario.startswith("stalled"):
            days_ago = rng.uniform(8, 30)
        elif scenario == "reopened":
            days_ago = rng.uniform(35, 75)
        elif scenario in LONG_SCENARIOS:
            days_ago = rng.uniform(20, CASE_HISTORY_DAYS - 5)
        else:
            days_ago = CASE_HISTORY_DAYS * rng.random() ** 1.25
            if plan.channel == CaseChannel.VISIT:  # within the visit history
                days_ago = days_ago * (HISTORY_DAYS - 1) / CASE_HISTORY_DAYS + 1
        if scenario == "fresh":
            plan.when = self.horizon - datetime.timedelta(hours=rng.uniform(0.5, 6))
        else:
            plan.when = self.intake_time(int(days_ago), plan.channel)

        # Where, and who complains.
        places = self.places[plan.grid.pk]
        if original is not None:
            plan.duplicate_of = original
            plan.households, plan.shops, plan.building = original.households, original.shops, original.building
            plan.place_label, plan.other_label = original.place_label, original.other_label
        else:
            plan.place_label, plan.other_label = self.place(plan, places)
        if plan.channel == CaseChannel.VISIT and not self.found_on_visit(plan, worker):
            plan.channel = CaseChannel.PATROL
        plan.title = plan.text(kind.title)
        plan.description = plan.text(kind.description)
        self.complain(plan, places)
        if scenario == "dispatch_return":
            others = [d for d in self.members if d != kind.department]
            plan.wrong_department = pick(others, self.rng)
        return plan

    def place(self, plan, places):
        """Choose the place of ``plan``; return (label, the other flat's label)."""
        kind = plan.kind
        if kind.place == "pair":
            lower = self.fresh(places["pair"])
            upper = places["above"][lower.pk]
            plan.households = [lower, upper]
            return lower.address, f"{upper.unit}单元{upper.room}室" if upper.unit else upper.address
        if kind.place == "rented":  # a flat let without telling anyone, if the rented ones have had a case
            plan.households = [self.fresh(places["rented"], places["flat"])]
            return plan.households[0].address, ""
        if kind.place in ("flat", "house"):
            plan.households = [self.fresh(places[kind.place])]
            return plan.households[0].address, ""
        if kind.place == "building":
            plan.building = self.fresh(places["building"])
            return str(plan.building), ""
        if kind.place in ("shop", "food_shop", "night_shop"):
            plan.shops = [self.fresh(places[kind.place])]
            return f"{plan.shops[0].address}{plan.shops[0].name}", ""
        # A stretch of road: by a shop or a house of the grid.
        spot = self.fresh(places["shop"] + places["house"])
        road, number = address_number(spot.address)
        return f"{road}{number}号附近", ""

    def found_on_visit(self, plan, worker):
        """Raise the case on the worker's visit nearest its time (within days, before today) to
        the kind of place it is about; False if there is none."""
        kind = plan.kind
        start_of_today = timezone.make_aware(datetime.datetime.combine(self.today, datetime.time.min))
        visits = Visit.objects.filter(worker=worker, visited_at__lt=start_of_today).select_related(
            "household__building", "shop"
        )
        if kind.place == "shop":
            visits = visits.filter(shop__isnull=False)
        else:  # a flat, or the building of one
            visits = visits.filter(household__building__isnull=False)
        window = datetime.timedelta(days=3)
        candidates = [
            v
            for v in visits.filter(visited_at__gte=plan.when - window, visited_at__lte=plan.when + window).order_by(
                "visited_at", "pk"
            )
            if v.pk not in self.used_visits
        ]
        if not candidates:
            return False
        visit = min(candidates, key=lambda v: abs(v.visited_at - plan.when))
        self.used_visits.add(visit.pk)
        plan.visit = visit
        plan.when = visit.visited_at + datetime.timedelta(minutes=self.rng.uniform(3, 15))
        plan.households, plan.shops, plan.building = [], [], None
        if kind.place == "shop":
            plan.shops = [visit.shop]
            plan.place_label = f"{visit.shop.address}{visit.shop.name}"
        elif kind.place == "building":
            plan.building = visit.household.building
            plan.place_label = str(plan.building)
        else:
            plan.households = [visit.household]
            plan.place_label = visit.household.address
        return True

    def complain(self, plan, places):
        """The complainant: someone of the household, a neighbour, a caller's name, anonymous."""
        rng = self.rng
        kind = plan.kind
        if kind.complainant == "none":
            return
        roll = rng.random()
        if plan.channel == CaseChannel.HOTLINE:
            # 12345 forwards a name and a number; a third of the callers stay anonymous.
            if roll < 0.35 and plan.scenario != "reopened":
                plan.anonymous = True
            else:
                plan.complainant_name = rng.choice(LOCAL_SURNAMES) + ("先生" if rng.random() < 0.5 else "女士")
                plan.complainant_phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            return
        if kind.complainant == "place" and plan.households:
            plan.complainant = adult(plan.households[0], self.today)
            return
        if plan.households and plan.households[0].building_id:
            neighbour = self.household_in(plan.grid, building=plan.households[0].building, exclude=plan.households)
        elif plan.building is not None:
            neighbour = self.household_in(plan.grid, building=plan.building)
        else:
            road = address_number(plan.shops[0].address if plan.shops else plan.place_label)[0]
            neighbour = self.household_in(plan.grid, road=road, exclude=plan.households)
        plan.complainant = adult(neighbour, self.today)
        if roll < 0.15 and kind.category in ("噪音与动物扰民", "疑似违法行为") and plan.scenario != "reopened":
            plan.complainant, plan.anonymous = None, True
