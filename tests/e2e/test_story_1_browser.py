"""Story 1 end to end on Wu's phone (390×844), and how many taps a check-in takes.

Ren Aixiang (86, living alone, on a home ventilator) is on the weekly check-in. Wu found her
ventilator broken and set a follow-up ten days on; that was ten days ago, and she was last seen
then. This morning the sweep runs in a real Celery worker process: Wu's digest lists the
ventilator follow-up and her check-in first, each opening her visit form; the return visit
closes the follow-up and moves her next check-in to a week after it.

The tap counts (issue 13): a routine check-in of a due resident takes at most 3 taps from the
home page, and at most 5 for a resident found by the register's search. A tap is a click or a
tap on the screen; typing is not. The tests fail if a change adds a tap."""

import datetime
import time

import pytest
from django.conf import settings
from django.utils import timezone

from visits.models import CareAssignment, FollowUp, Reminder, Visit
from visits.tasks import sweep_checkins

from ..celery_helpers import celery_worker
from ..checkins.conftest import care, seen, weekly  # noqa: F401 (weekly: a fixture)
from ..conftest import require_or_skip
from ..gridapp.test_celery_worker import _broker_reachable
from .conftest import log_in, screenshot

PASSWORD = "correct-horse-battery"
FROM_HOME, FROM_SEARCH = 3, 5


class Taps:
    """Clicks on the page, counted."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        locator.click()
        self.count += 1


@pytest.fixture
def ren_ten_days_on(wu, ren, weekly):  # noqa: F811
    """Ren on the weekly level, seen ten days ago when the ventilator was found broken; the
    follow-up to check the repair falls due today."""
    care(ren, weekly, assigned_on=timezone.localdate() - datetime.timedelta(days=30))
    visit = seen(wu, ren, days_before=10, condition="needs_help")
    FollowUp.objects.create(
        visit=visit, grid=visit.grid, what="回访呼吸机维修情况", due_on=timezone.localdate(), assignee=wu
    )
    return ren


def _sweep_in_a_worker(tmp_path):
    require_or_skip(_broker_reachable(), f"broker {settings.CELERY_BROKER_URL} is not reachable")
    with celery_worker(tmp_path / "worker.log") as queue:
        sweep_checkins.apply_async(queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not Reminder.objects.exists():
            time.sleep(0.5)
        time.sleep(1)  # the digest is written in the sweep's transaction with its reminders
    log = (tmp_path / "worker.log").read_text()
    assert Reminder.objects.exists(), f"the worker did not run the sweep; its log:\n{log}"


@pytest.mark.browser
@pytest.mark.celery_worker
def test_story_1_the_morning_digest_leads_to_the_return_visit(phone, wu, ren_ten_days_on, tmp_path):
    ren = ren_ten_days_on
    follow_up = FollowUp.objects.get()
    _sweep_in_a_worker(tmp_path)

    log_in(phone, "wu", PASSWORD)
    phone.goto(f"{phone.base_url}/inbox/")
    phone.locator("a.list-group-item", has_text="今日").first.click()
    phone.wait_for_url("**/inbox/*/")
    screenshot(phone, "story-1-digest")
    items = phone.locator("main a.day-row")
    visit_form = f"/households/{ren.household.pk}/visit/"
    assert "回访呼吸机维修情况" in items.nth(0).inner_text()
    assert "任爱香" in items.nth(1).inner_text()
    assert [items.nth(i).get_attribute("href") for i in (0, 1)] == [visit_form, visit_form]

    items.nth(0).click()
    phone.wait_for_url(f"**{visit_form}")
    phone.locator(f"label[for=id_close_follow_up_{follow_up.pk}]").click()
    phone.locator(f"input[name=resident_{ren.pk}][value=well] + label").click()
    phone.fill("textarea[name=notes]", "呼吸机已修好，运转正常")
    phone.locator("button[type=submit].btn-lg").click()
    phone.wait_for_url(f"**/households/{ren.household.pk}/")
    screenshot(phone, "story-1-return-visit")

    follow_up.refresh_from_db()
    assert follow_up.done_at is not None and follow_up.done_by == wu
    next_due = timezone.localdate() + datetime.timedelta(days=7)
    assert f"任爱香下次走访：{next_due.month}月{next_due.day}日" in phone.locator(".alert-success").inner_text()
    assert CareAssignment.objects.get(resident=ren).last_seen_on == timezone.localdate()


@pytest.mark.browser
def test_a_routine_check_in_from_the_home_page_takes_three_taps(phone, wu, ren, weekly):  # noqa: F811
    care(ren, weekly, assigned_on=timezone.localdate() - datetime.timedelta(days=30))
    seen(wu, ren, days_before=9)
    log_in(phone, "wu", PASSWORD)
    phone.goto(f"{phone.base_url}/")
    tap = Taps()

    tap(phone.locator("#section-overdue a.day-row", has_text="任爱香").first)
    tap(phone.locator(f"input[name=resident_{ren.pk}][value=well] + label"))
    tap(phone.locator("button[type=submit].btn-lg"))
    phone.wait_for_url(f"**/households/{ren.household.pk}/")

    assert Visit.objects.filter(worker=wu, residents_seen__resident=ren, residents_seen__condition="well").count() == 2
    assert CareAssignment.objects.get(resident=ren).last_seen_on == timezone.localdate()
    assert tap.count <= FROM_HOME, f"a routine check-in from home took {tap.count} taps"


@pytest.mark.browser
def test_a_check_in_of_a_resident_found_by_search_takes_at_most_five_taps(phone, wu, ren, weekly):  # noqa: F811
    care(ren, weekly, assigned_on=timezone.localdate() - datetime.timedelta(days=30))
    seen(wu, ren, days_before=3)  # not due yet: she is not on the home page's lists
    log_in(phone, "wu", PASSWORD)
    phone.goto(f"{phone.base_url}/")
    tap = Taps()

    box = phone.locator(".nav-search input[type=search]")
    tap(box)
    box.press_sequentially("rax")
    visit_button = phone.locator("#nav-search-results .search-visit").first
    visit_button.wait_for()
    tap(visit_button)
    phone.wait_for_url(f"**/households/{ren.household.pk}/visit/")
    tap(phone.locator(f"input[name=resident_{ren.pk}][value=well] + label"))
    tap(phone.locator("button[type=submit].btn-lg"))
    phone.wait_for_url(f"**/households/{ren.household.pk}/")

    assert CareAssignment.objects.get(resident=ren).last_seen_on == timezone.localdate()
    assert tap.count <= FROM_SEARCH, f"a check-in of a resident found by search took {tap.count} taps"
