"""Who is visited when, and what the worker finds: the plan of the visit history, day by day.

Each working day a worker knocks on the doors whose check-in is due, closest care first
(weekly, then fortnightly, monthly), then the longest overdue; someone unwell is looked in on
again within days, a door not answered is tried again soon, and a household with an open
follow-up waits for it. Around them: the shop campaign (story 2), safety checks of shops, Ren
Aixiang's weekly check-ins and her ventilator (story 1), and the follow-ups of Wu's day.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from gridapp.models import BusinessType, Household, HouseholdTag, PersonCategory, Shop, Tenure
from visits.models import Campaign, CampaignTarget, Condition, Purpose

from .people import STORY_NAMES
from .places import address_number
from .visit_data import (
    CADENCE_ELDERLY,
    CADENCE_EMPTY_NEST,
    CADENCE_KEY_CARE,
    CADENCE_LIVING_ALONE,
    CAMPAIGN_ENDS_IN_DAYS,
    CAMPAIGN_FOOD_NOTES,
    CAMPAIGN_NAME,
    CAMPAIGN_NOTES,
    CAMPAIGN_PURPOSE,
    CAMPAIGN_ROUTE,
    CAMPAIGN_SHOPS_VISITED,
    CAMPAIGN_STARTED_DAYS_AGO,
    CHECK_INS_PER_DAY,
    COUPLE_WELL_NOTES,
    EXTINGUISHER_FOLLOW_UP,
    EXTINGUISHER_NOTES,
    FOLLOW_UP_STORIES,
    HISTORY_DAYS,
    NOT_HOME_NOTES,
    PARTNER_OUT_NOTES,
    PILLS_CLOSED_NOTES,
    REN_EARLIER_NOTES,
    REN_FOLLOW_UP,
    REN_FOLLOW_UP_IN_DAYS,
    REN_NAME,
    REN_NOTES,
    REN_VISIT_DAYS_AGO,
    SAFETY_ISSUE_NOTES,
    SAFETY_OK_NOTES,
    SEASONS,
    TENANT_NOTES,
    UNWELL_NOTES,
    VISIT_HOURS,
    VISIT_MINUTES_A_DAY,
    WELL_NOTES,
    WIRING_FOLLOW_UP,
    WIRING_NOTES,
    WORKING,
    PlannedVisit,
)


class VisitPlanner:
    """Plans HISTORY_DAYS days of Wu's and Chen's visits with the history's own generator."""

    def __init__(self, community, today, now, rng):
        self.rng = rng
        self.today = today
        self.now = now
        self.first_day = today - datetime.timedelta(days=HISTORY_DAYS)
        self.days = [self.first_day + datetime.timedelta(days=n) for n in range(HISTORY_DAYS + 1)]
        users = {u.username: u for u in get_user_model().objects.filter(username__in=("wu", "chen", "staff"))}
        self.wu, self.chen, self.staff = users["wu"], users["chen"], users["staff"]
        grids = {g.number: g for g in community.grids.all()}
        self.grid1, self.grid2 = grids[1], grids[2]
        self.campaign = None
        self.planned = []
        self._minutes = {}

    # --- helpers ---------------------------------------------------------------------------------

    def days_ago(self, n):
        return self.today - datetime.timedelta(days=n)

    @staticmethod
    def households(grid):
        return list(
            Household.objects.filter(grid=grid, archived_at__isnull=True)
            .prefetch_related("tags", "residents__categories")
            .order_by("pk")
        )

    @staticmethod
    def shops(grid):
        return list(Shop.objects.filter(grid=grid, archived_at__isnull=True).order_by("pk"))

    def cadence(self, household):
        tags = {t.tag for t in household.tags.all()}
        if HouseholdTag.KEY_CARE in tags:
            return CADENCE_KEY_CARE
        if HouseholdTag.LIVING_ALONE in tags:
            return CADENCE_LIVING_ALONE
        if tags & {HouseholdTag.EMPTY_NEST, HouseholdTag.DISABILITY}:
            return CADENCE_EMPTY_NEST
        if any(r.age_on(self.today) >= 75 for r in household.residents.all()):
            return CADENCE_ELDERLY
        return None

    def looked_in_on(self, household):
        """The residents a check-in is about: the elderly and anyone disabled or on medical equipment."""
        care = {PersonCategory.DISABLED, PersonCategory.MEDICAL_EQUIPMENT}
        residents = sorted(
            (r for r in household.residents.all() if r.archived_at is None),
            key=lambda r: (not r.is_head, r.date_of_birth),
        )
        return [
            r for r in residents if r.age_on(self.today) >= 60 or care & {c.category for c in r.categories.all()}
        ] or residents[:1]

    def working_days(self, username):
        weekday, saturday, sunday = WORKING[username]
        days = []
        for day in self.days:
            chance = weekday if day.weekday() < 5 else saturday if day.weekday() == 5 else sunday
            if self.rng.random() < chance and self.minutes(day):
                days.append(day)
        return days

    @staticmethod
    def on_or_before(days, day):
        return max((d for d in days if d <= day), default=day)

    def minutes(self, day):
        """The minutes of ``day`` at which a visit may have started, none later than now."""
        if day in self._minutes:
            return self._minutes[day]
        latest = self.now - datetime.timedelta(minutes=5)
        found = []
        for start, end in VISIT_HOURS:
            opens = timezone.make_aware(datetime.datetime.combine(day, start))
            closes = min(timezone.make_aware(datetime.datetime.combine(day, end)), latest)
            span = int((closes - opens).total_seconds() // 60)
            found.extend(opens + datetime.timedelta(minutes=m) for m in range(max(span, 0)))
        self._minutes[day] = found
        return found

    # --- what a routine visit finds -------------------------------------------------------------

    def check_in(self, household, day):
        """(purposes, conditions, notes) of a routine check-in."""
        rng = self.rng
        people = self.looked_in_on(household)
        if rng.random() < 0.07:
            return (Purpose.ROUTINE,), dict.fromkeys(people, Condition.NOT_HOME), rng.choice(NOT_HOME_NOTES)
        conditions = {}
        for resident in people:
            roll = rng.random()
            if len(people) > 1 and roll < 0.05:
                conditions[resident] = Condition.NOT_HOME
            elif roll < 0.14:
                conditions[resident] = Condition.UNWELL
            else:
                conditions[resident] = Condition.WELL
        if Condition.UNWELL in conditions.values():
            return (Purpose.ROUTINE,), conditions, rng.choice(UNWELL_NOTES)
        if Condition.NOT_HOME in conditions.values():
            return (Purpose.ROUTINE,), conditions, rng.choice(PARTNER_OUT_NOTES)
        _, reminder, extra_purpose, checks = next(s for s in SEASONS if day.month in s[0])
        roll = rng.random()
        if extra_purpose and roll < 0.12:
            return (Purpose.ROUTINE, extra_purpose), conditions, rng.choice(checks)
        if roll < 0.35:
            return (Purpose.ROUTINE,), conditions, ""  # a handful of taps at the door
        if roll < 0.5:
            return (Purpose.ROUTINE,), conditions, reminder
        return (Purpose.ROUTINE,), conditions, rng.choice(COUPLE_WELL_NOTES if len(people) > 1 else WELL_NOTES)

    # --- the plan --------------------------------------------------------------------------------

    def plan_campaign(self, shops, workdays, busy):
        """Story 2: Wu walks the street-front shops road by road; a shop found closed waits."""
        rng = self.rng
        starts_on = self.days_ago(CAMPAIGN_STARTED_DAYS_AGO)
        self.campaign = Campaign.objects.create(
            name=CAMPAIGN_NAME,
            purpose=CAMPAIGN_PURPOSE,
            starts_on=starts_on,
            ends_on=self.today + datetime.timedelta(days=CAMPAIGN_ENDS_IN_DAYS),
            target=CampaignTarget.STREET_FRONT_SHOPS,
            created_by=self.staff,
        )
        self.campaign.grids.set([self.grid1])
        created_at = timezone.make_aware(
            datetime.datetime.combine(starts_on - datetime.timedelta(days=2), VISIT_HOURS[0][0])
        )
        Campaign.objects.filter(pk=self.campaign.pk).update(created_at=created_at + datetime.timedelta(hours=2))

        def route(shop):
            road, number = address_number(shop.address)
            return (CAMPAIGN_ROUTE.index(road) if road in CAMPAIGN_ROUTE else len(CAMPAIGN_ROUTE), number)

        visited = []
        for shop in sorted((s for s in shops if s.street_front), key=route):
            if len(visited) == CAMPAIGN_SHOPS_VISITED:
                break
            if rng.random() >= 0.06:
                visited.append(shop)
        days = [d for d in workdays if starts_on <= d < self.today]
        weights = [rng.uniform(0.6, 1.4) for _ in days]
        sizes = [int(len(visited) * w / sum(weights)) for w in weights]
        for i in rng.sample(range(len(days)), len(visited) - sum(sizes)):
            sizes[i] += 1
        walk = iter(visited)
        for day, size in zip(days, sizes, strict=True):
            for _ in range(size):
                shop = next(walk)
                notes = rng.choice(CAMPAIGN_FOOD_NOTES if shop.business_type == BusinessType.FOOD else CAMPAIGN_NOTES)
                self.planned.append(
                    PlannedVisit(day, self.wu, shop=shop, purposes=(Purpose.CAMPAIGN,), notes=notes, campaign=True)
                )
            busy[day] = busy.get(day, 0) + (size + 1) // 2
        return len(visited)

    def plan_safety(self, worker, shops, workdays, busy, chance):
        """Fire and gas checks of shops now and then; an expired extinguisher leaves a follow-up."""
        rng = self.rng
        unchecked = list(shops)
        rng.shuffle(unchecked)
        last_day = self.on_or_before(workdays, self.days_ago(2))
        for day in workdays:
            if day >= self.today:
                continue
            count = 1 if day == last_day else rng.choice((1, 1, 2)) if rng.random() < chance else 0
            for index in range(count):
                if not unchecked:
                    return
                shop = unchecked.pop()
                visit = PlannedVisit(day, worker, shop=shop, purposes=(Purpose.SAFETY,))
                if day == last_day and index == 0 and worker is self.wu:
                    visit.notes = EXTINGUISHER_NOTES
                    visit.follow_up = (EXTINGUISHER_FOLLOW_UP, day + datetime.timedelta(days=7))
                else:
                    visit.notes = rng.choice(SAFETY_ISSUE_NOTES if rng.random() < 0.25 else SAFETY_OK_NOTES)
                self.planned.append(visit)
            busy[day] = busy.get(day, 0) + count

    def story_visits(self, households, workdays):
        """Story 1 (Ren Aixiang's weekly check-ins and the ventilator) and the follow-ups of Wu's day."""
        rng = self.rng
        ren_household = next(h for h in households if any(r.name == REN_NAME for r in h.residents.all()))
        (ren,) = self.looked_in_on(ren_household)
        visits = []
        ventilator_day = self.days_ago(REN_VISIT_DAYS_AGO)
        visits.append(
            PlannedVisit(
                ventilator_day,
                self.wu,
                household=ren_household,
                conditions={ren: Condition.NEEDS_HELP},
                notes=REN_NOTES,
                follow_up=(REN_FOLLOW_UP, ventilator_day + datetime.timedelta(days=REN_FOLLOW_UP_IN_DAYS)),
            )
        )
        day = ventilator_day
        for notes in REN_EARLIER_NOTES:
            day = self.on_or_before(workdays, day - datetime.timedelta(days=rng.choice((6, 7, 7, 8))))
            if day <= self.first_day:
                break
            visits.append(
                PlannedVisit(day, self.wu, household=ren_household, conditions={ren: Condition.WELL}, notes=notes)
            )

        ordinary = [h for h in households if not any(r.name in STORY_NAMES for r in h.residents.all())]
        alone = [h for h in ordinary if self.cadence(h) == CADENCE_LIVING_ALONE]
        empty_nest = [h for h in ordinary if self.cadence(h) == CADENCE_EMPTY_NEST]
        chosen = {"grab_bar": rng.choice(alone), "water_heater": rng.choice(empty_nest)}
        chosen["pills"] = rng.choice([h for h in alone if h is not chosen["grab_bar"]])
        for key, days_ago, notes, what, due_in, condition in FOLLOW_UP_STORIES:
            household = chosen[key]
            day = self.on_or_before(workdays, self.days_ago(days_ago))
            due_on = (
                day + datetime.timedelta(days=3) if due_in is None else self.today + datetime.timedelta(days=due_in)
            )
            conditions = dict.fromkeys(self.looked_in_on(household), condition)
            visits.append(
                PlannedVisit(
                    day,
                    self.wu,
                    household=household,
                    conditions=conditions,
                    notes=notes,
                    follow_up=(what, due_on),
                    opens=key,
                )
            )
            if key == "pills":  # done two days later, before it fell due
                closed_on = min((d for d in workdays if d >= day + datetime.timedelta(days=2)), default=due_on)
                visits.append(
                    PlannedVisit(
                        closed_on,
                        self.wu,
                        household=household,
                        conditions=dict.fromkeys(conditions, Condition.WELL),
                        notes=PILLS_CLOSED_NOTES,
                        closes=key,
                    )
                )
        return visits

    def plan_check_ins(self, worker, households, workdays, busy, scripted):
        """Routine check-ins day by day, around the scripted visits (which count like any other)."""
        rng = self.rng
        low, high = CHECK_INS_PER_DAY[worker.username]
        workdays = set(workdays)
        cadence = {h.pk: self.cadence(h) for h in households}
        due = {pk: self.first_day + datetime.timedelta(days=rng.randrange(c)) for pk, c in cadence.items() if c}
        tenants = [h for h in households if h.tenure == Tenure.RENTED]
        scripted_on, scripted_days = {}, {}
        for visit in scripted:
            scripted_on.setdefault(visit.day, []).append(visit)
            scripted_days.setdefault(visit.household.pk, []).append(visit.day)

        def visited(visit):
            """The household is next due when the first of its people is: a cadence after they
            were seen, within days if unwell, and soon if they were not at home."""
            pk, day = visit.household.pk, visit.day
            if visit.follow_up:
                due[pk] = datetime.date.max  # waits for the visit that settles the follow-up
                return
            if not cadence.get(pk):
                return
            days = []
            for condition in visit.conditions.values():
                if condition == Condition.NOT_HOME:
                    days.append(rng.randint(1, 3))
                elif condition == Condition.WELL:
                    days.append(cadence[pk])
                else:
                    days.append(min(cadence[pk], rng.randint(3, 5)))
            due[pk] = day + datetime.timedelta(days=min(days))

        for day in self.days:
            todays = scripted_on.get(day, [])
            for visit in todays:
                self.planned.append(visit)
                visited(visit)
            if day not in workdays:
                continue
            count = rng.randint(low, high) - busy.get(day, 0) - len(todays)
            if day == self.today:
                count = count * len(self.minutes(day)) // VISIT_MINUTES_A_DAY
            knocked = {v.household.pk for v in todays}
            candidates = [
                h
                for h in households
                if due.get(h.pk, datetime.date.max) <= day
                and h.pk not in knocked
                and not any(0 <= (d - day).days <= 5 for d in scripted_days.get(h.pk, ()))
            ]
            # The closest care first (weekly before fortnightly before monthly), then the most overdue.
            candidates.sort(key=lambda h: (cadence[h.pk], due[h.pk], rng.random()))
            for household in candidates[: max(count, 0)]:
                purposes, conditions, notes = self.check_in(household, day)
                visit = PlannedVisit(
                    day, worker, household=household, purposes=purposes, conditions=conditions, notes=notes
                )
                self.planned.append(visit)
                visited(visit)
            if tenants and day < self.today and rng.random() < 0.15:
                household = rng.choice(tenants)
                self.planned.append(
                    PlannedVisit(
                        day,
                        worker,
                        household=household,
                        purposes=(Purpose.OTHER,),
                        conditions={self.looked_in_on(household)[0]: Condition.WELL},
                        notes=rng.choice(TENANT_NOTES),
                    )
                )

    def set_times(self):
        """Spread each worker's day over the visiting hours, in the order of a walk down the streets."""
        by_day = {}
        for visit in self.planned:
            by_day.setdefault((visit.worker.pk, visit.day), []).append(visit)
        for (_, day), visits in by_day.items():
            visits.sort(key=lambda v: (v.target.address, v.closes))
            times = sorted(self.rng.sample(self.minutes(day), len(visits)))
            for visit, at in zip(visits, times, strict=True):
                visit.visited_at = at

    def plan(self):
        """Every visit of the history, with its time. Creates the campaign the shop visits are for."""
        households1, shops1 = self.households(self.grid1), self.shops(self.grid1)
        households2, shops2 = self.households(self.grid2), self.shops(self.grid2)
        wu_days, chen_days = self.working_days("wu"), self.working_days("chen")
        wu_busy, chen_busy = {}, {}

        self.plan_campaign(shops1, wu_days, wu_busy)
        self.plan_safety(self.wu, shops1, wu_days, wu_busy, chance=0.3)
        self.plan_check_ins(self.wu, households1, wu_days, wu_busy, self.story_visits(households1, wu_days))

        self.plan_safety(self.chen, shops2, chen_days, chen_busy, chance=0.1)
        alone2 = [h for h in households2 if self.cadence(h) in (CADENCE_KEY_CARE, CADENCE_LIVING_ALONE)]
        household = self.rng.choice(alone2)
        day = self.on_or_before(chen_days, self.days_ago(4))
        wiring = PlannedVisit(
            day,
            self.chen,
            household=household,
            purposes=(Purpose.ROUTINE, Purpose.SAFETY),
            conditions=dict.fromkeys(self.looked_in_on(household), Condition.WELL),
            notes=WIRING_NOTES,
            follow_up=(WIRING_FOLLOW_UP, day + datetime.timedelta(days=10)),
        )
        self.plan_check_ins(self.chen, households2, chen_days, chen_busy, [wiring])

        self.set_times()
        return self.planned
