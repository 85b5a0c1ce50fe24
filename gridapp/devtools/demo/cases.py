"""The last three months of Dongluchi's cases: stories 3, 4 and 5 (``case_stories``) and a
spread of others over both grids (``case_plans``), taken through their lives step by step
(``case_plays``, ``case_steps``); then the overdue sweep as it would have run, the numbers of
the year each case was reported in, and the notifications of the past read and delivered."""

import datetime
import random

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from cases.models import OPEN_STATES, Case, CaseCounter
from cases.services import flag_overdue
from gridapp.models import Delivery, DeliveryStatus, Notification

from .case_data import CASES_SEED, READ_AFTER, SWEEP_MINUTES
from .case_plans import CasePlanner, Cast
from .case_plays import CasePlayer
from .case_stories import story_plans


class CaseHistoryBuilder:
    """The last CASE_HISTORY_DAYS days of Dongluchi's cases, every category, priority, channel
    and state.

    Each case is planned first (intake, place, people) with the plan's generator, then taken
    through its life in the order the cases were reported, step by step through
    ``cases.services`` as the people of the demo: Wu or Chen for their grid, Shen Lihua for the
    community, the departments' members.
    """

    def __init__(self, community, departments, today, now, rng=None):
        self.community = community
        self.today = today
        self.horizon = now - datetime.timedelta(minutes=5)
        self.cast = Cast.load(community, departments)
        self.planner = CasePlanner(self.cast, today, self.horizon, rng or random.Random(CASES_SEED))
        self.player = CasePlayer(self.cast, today, self.horizon)
        self.first_notification = self.player.last_notification

    def build(self):
        plans = story_plans(self.cast, self.today) + self.planner.spread_plans()
        plans.sort(key=lambda p: p.when)
        for plan in plans:
            self.player.play(plan)
        self.flag_overdue()
        self.renumber()
        self.settle_notifications()

    def flag_overdue(self):
        """Run the overdue sweep as it would have run: at the first quarter-hour after each
        open case fell due."""
        open_cases = Case.objects.filter(
            community=self.community, state__in=OPEN_STATES, due_at__lt=self.horizon, overdue_flagged_at__isnull=True
        )
        swept_until = None
        last_notification = self.player.last_notification
        for due_at in open_cases.order_by("due_at").values_list("due_at", flat=True):
            if swept_until is not None and due_at < swept_until:
                continue
            local = timezone.localtime(due_at).replace(second=0, microsecond=0)
            sweep = local + datetime.timedelta(minutes=SWEEP_MINUTES - local.minute % SWEEP_MINUTES)
            if sweep > self.horizon:
                break
            flag_overdue(now=sweep)
            swept_until = sweep
            new = list(Notification.objects.filter(pk__gt=last_notification).values_list("pk", flat=True))
            if new:
                last_notification = max(new)
                Notification.objects.filter(pk__in=new).update(created_at=sweep)

    def renumber(self):
        """Give each case the number of the year it was reported in, in the order reported (the
        services number by the year of ``now``, which is another year for a case moved back
        across New Year)."""
        cases = Case.objects.filter(community=self.community).order_by("reported_at", "pk")
        last = {}
        for pk, number, reported_at in cases.values_list("pk", "number", "reported_at"):
            year = timezone.localtime(reported_at).year
            last[year] = last.get(year, 0) + 1
            wanted = f"{self.community.code}-{year}-{last[year]:06d}"
            if number != wanted:
                Case.objects.filter(pk=pk).update(number=wanted)
                Case.history.filter(id=pk).update(number=wanted)
        for year, count in last.items():
            # A year's counter never goes back: a gap in the numbers is harmless, a reused number is not.
            counter, _ = CaseCounter.objects.get_or_create(community=self.community, year=year)
            if counter.last < count:
                CaseCounter.objects.filter(pk=counter.pk).update(last=count)

    def settle_notifications(self):
        """The notifications of the past were delivered and, but for the last days', read. Their
        e-mails count as sent then, so the worker does not send three months of them at once."""
        notifications = Notification.objects.filter(pk__gt=self.first_notification)
        notifications.filter(created_at__lt=self.horizon - READ_AFTER).update(
            read_at=F("created_at") + datetime.timedelta(hours=1)
        )
        created_at = Subquery(Notification.objects.filter(pk=OuterRef("notification_id")).values("created_at")[:1])
        Delivery.objects.filter(notification__in=notifications).update(
            created_at=created_at, sent_at=created_at, status=DeliveryStatus.SENT, attempts=1
        )
