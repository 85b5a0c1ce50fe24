"""Story 1 of DOMAIN.md with the clock frozen: Wu visits Ren Aixiang, 86, living alone, whose
home ventilator is broken; the morning digests bring her weekly check-in and the ventilator
follow-up each when it falls due; the return visit closes the follow-up and moves her next
check-in to a week after it."""

import datetime
import zoneinfo

import time_machine
from django.urls import reverse

from gridapp.models import Notification, ResidentCategoryLink
from visits import checkins
from visits.models import CareAssignment, FollowUp, Reminder

from ..visits.conftest import visit_form

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FIRST_VISIT = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def morning(days_after_first_visit):
    """07:30, when the daily sweep runs, so many days after the first visit."""
    day = FIRST_VISIT.date() + datetime.timedelta(days=days_after_first_visit)
    return datetime.datetime.combine(day, datetime.time(7, 30), tzinfo=SHANGHAI)


def digests(wu):
    return list(Notification.objects.filter(recipient=wu, kind="checkin_digest").order_by("created_at"))


def test_story_1_the_weekly_check_in_and_the_ventilator_follow_up(client, wu, ren, weekly):
    ResidentCategoryLink.objects.create(resident=ren, category="elderly_alone")
    visit_url = reverse("visit_household", args=[ren.household.pk])
    with time_machine.travel(FIRST_VISIT, tick=False) as clock:
        # At her door: the ventilator is broken; a repair is arranged, a follow-up set for ten days on.
        client.force_login(wu)
        care_page = client.get(reverse("resident_care", args=[ren.pk]))
        assert care_page.context["suggestion"] == weekly
        client.post(reverse("resident_care", args=[ren.pk]), {"level": weekly.pk})
        client.post(
            visit_url,
            visit_form(
                notes="呼吸机坏了，已联系厂家维修",
                follow_up_what="回访呼吸机维修情况",
                follow_up_in_days="10",
                **{f"resident_{ren.pk}": "needs_help"},
            ),
        )
        follow_up = FollowUp.objects.get()
        assert follow_up.due_on == datetime.date(2026, 3, 12)
        assert checkins.sweep().digests == 0

        # A week on, the morning digest has her check-in, and only that.
        clock.move_to(morning(7))
        assert checkins.sweep().digests == 1
        [first] = digests(wu)
        assert "任爱香" in first.body and "回访呼吸机维修情况" not in first.body
        client.force_login(wu)
        assert [row.resident for row in client.get(reverse("home")).context["checkins_due"]] == [ren]

        clock.move_to(morning(8))
        assert checkins.sweep().digests == 0

        # Ten days on, the follow-up falls due: it is in that morning's digest, in his inbox.
        clock.move_to(morning(10))
        assert checkins.sweep().digests == 1
        second = digests(wu)[-1]
        assert "回访呼吸机维修情况" in second.body
        assert "任爱香" not in second.body  # her check-in was due on day 7 and reminded then
        client.force_login(wu)
        assert reverse("notification_detail", args=[second.pk]) in client.get(reverse("inbox")).content.decode()
        assert "回访呼吸机维修情况" in client.get(reverse("notification_detail", args=[second.pk])).content.decode()

        # He goes back, confirms the repair and closes the follow-up.
        clock.move_to(FIRST_VISIT + datetime.timedelta(days=10, hours=1))
        client.force_login(wu)  # hours after the morning's look at his inbox: a new session
        client.post(
            visit_url,
            visit_form(
                notes="呼吸机已修好，运转正常",
                **{f"resident_{ren.pk}": "well", f"close_follow_up_{follow_up.pk}": "on"},
            ),
        )
        follow_up.refresh_from_db()
        assert follow_up.done_at is not None and follow_up.done_by == wu

        # Her next check-in is a week after that visit; the next morning's sweep has nothing for her.
        care = checkins.with_due_dates(CareAssignment.objects.filter(resident=ren)).get()
        assert (care.last_seen_on, care.due_on) == (datetime.date(2026, 3, 12), datetime.date(2026, 3, 19))
        reminders = Reminder.objects.filter(resident=ren).count()
        clock.move_to(morning(11))
        result = checkins.sweep()
        assert (result.reminders_created, result.follow_ups_due, result.digests) == (0, 0, 0)
        assert Reminder.objects.filter(resident=ren).count() == reminders
        assert len(digests(wu)) == 2

        # A week after the return visit she is due again.
        clock.move_to(morning(17))
        assert checkins.sweep().digests == 1
        assert "任爱香" in digests(wu)[-1].body
