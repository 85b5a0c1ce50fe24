"""Story 1 on Wu's phone (390×844): at Ren Aixiang's door her ventilator is broken; he logs the
visit with a follow-up ten days on and lands on a confirmation that says the community's staff
were told. Ten days later he goes back, confirms the repair, the follow-up closes and her next
check-in moves to a week after that visit."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gridapp.models import RoleKind
from visits.checkins import refresh_last_seen
from visits.models import CareAssignment, FollowUp, HelpAlert, Visit

from ..checkins.conftest import care, weekly  # noqa: F401 (weekly: the weekly care level, a fixture)
from ..factories import UserFactory, give_role
from .conftest import log_in, screenshot

# Every control a thumb taps (a toggle's target is its label), inside the page's main part.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    "main :is(a[href], button, input:not([type=hidden]):not(.btn-check), select, textarea, summary, label.btn)"
  )].map((el) => [el, el.getBoundingClientRect()])
    .filter(([el, box]) => box.width > 0 && box.height > 0 && (box.width < 44 || box.height < 44))
    .map(([el, box]) => `${el.tagName} "${(el.innerText || el.name || "").trim().slice(0, 30)}" `
                        + `${Math.round(box.width)}×${Math.round(box.height)}`)"""
WIDER_THAN_THE_PHONE = """() => [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > 390)
    .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)"""


def thumb_sized(phone):
    """Nothing scrolls sideways at 390 px, every control is at least 44×44 px, one h1."""
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, phone.evaluate(WIDER_THAN_THE_PHONE)
    assert phone.evaluate(SMALL_TARGETS) == []
    assert phone.locator("h1").count() == 1


def tap_condition(phone, resident, condition):
    phone.locator(f"input[name=resident_{resident.pk}][value={condition}] + label").click()


@pytest.fixture
def ren_weekly(ren, weekly):  # noqa: F811
    ren.emergency_contact_name = "任建华"
    ren.emergency_contact_phone = "13905710001"
    ren.save(update_fields=["emergency_contact_name", "emergency_contact_phone"])
    care(ren, weekly)
    return ren


@pytest.mark.browser
def test_wu_logs_a_visit_with_a_follow_up_on_his_phone(phone, wu, ren_weekly, dongluchi):
    ren = ren_weekly
    give_role(
        UserFactory(username="shen", first_name="丽华", last_name="沈"), RoleKind.COMMUNITY_STAFF, community=dongluchi
    )
    log_in(phone, "wu", "correct-horse-battery")
    phone.goto(f"{phone.base_url}/households/{ren.household.pk}/")
    phone.locator(f"a[href='/households/{ren.household.pk}/visit/']").click()
    phone.wait_for_url(f"**/households/{ren.household.pk}/visit/")

    # Defaults: a routine check-in, now; Ren is listed with her health note, her check-in due.
    assert phone.locator("input[name=purposes][value=routine]").is_checked()
    assert "依赖家用呼吸机" in phone.content()
    assert "应走访" in phone.locator(f"#resident-{ren.pk}").inner_text()
    tap_condition(phone, ren, "needs_help")
    phone.fill("textarea[name=notes]", "呼吸机坏了，已联系维修")
    phone.locator("details summary").click()
    phone.fill("input[name=follow_up_what]", "回访呼吸机维修情况")
    phone.locator("input[name=follow_up_in_days][value='10'] + label").click()
    screenshot(phone, "visit-form")
    # Everything a thumb needs fits the phone's width.
    thumb_sized(phone)
    submit = phone.locator("button[type=submit].btn-lg")
    assert submit.bounding_box()["height"] >= 44
    submit.click()

    # She needs help: the confirmation is the visit, saying who was told and what happens next.
    visit = Visit.objects.get()
    phone.wait_for_url(f"**/visits/{visit.pk}/")
    screenshot(phone, "visit-saved")
    panel = phone.locator("section.help-alert").inner_text()
    assert "已即时通知：沈丽华" in panel
    assert "已安排跟进：回访呼吸机维修情况" in panel
    assert phone.locator(f"section.help-alert a[href='{reverse('case_create')}?visit={visit.pk}']").is_visible()
    thumb_sized(phone)

    assert visit.worker == wu
    assert visit.residents_seen.get().condition == "needs_help"
    follow_up = FollowUp.objects.get()
    assert follow_up.due_on == timezone.localdate() + datetime.timedelta(days=10)
    assert follow_up.assignee == wu
    # The visit's page shows its open follow-up at once.
    assert "回访呼吸机维修情况" in phone.content()


@pytest.mark.browser
def test_ten_days_on_the_return_visit_closes_the_follow_up_and_moves_her_check_in(phone, wu, ren_weekly):
    ren = ren_weekly
    first = Visit.objects.get(pk=_ventilator_visit(wu, ren).pk)
    follow_up = FollowUp.objects.get()

    log_in(phone, "wu", "correct-horse-battery")
    phone.goto(f"{phone.base_url}/follow-ups/{follow_up.pk}/")
    thumb_sized(phone)
    phone.locator(f"a[href='/households/{ren.household.pk}/visit/']").click()  # "Visit again and confirm"
    phone.wait_for_url(f"**/households/{ren.household.pk}/visit/")
    phone.locator(f"label[for=id_close_follow_up_{follow_up.pk}]").click()
    tap_condition(phone, ren, "well")
    phone.fill("textarea[name=notes]", "呼吸机已修好，运转正常")
    thumb_sized(phone)
    phone.locator("button[type=submit].btn-lg").click()
    phone.wait_for_url(f"**/households/{ren.household.pk}/")
    screenshot(phone, "visit-return")

    next_due = timezone.localdate() + datetime.timedelta(days=7)
    message = phone.locator(".alert-success").inner_text()
    assert message == f"走访已保存。任爱香下次走访：{next_due.month}月{next_due.day}日。"
    follow_up.refresh_from_db()
    return_visit = Visit.objects.exclude(pk=first.pk).get()
    assert (follow_up.done_in_visit, follow_up.done_by, follow_up.outcome) == (
        return_visit,
        wu,
        "呼吸机已修好，运转正常",
    )
    assert CareAssignment.objects.get(resident=ren).last_seen_on == timezone.localdate()
    # Seen again, and well: nobody is waiting on the first visit's alert any more.
    assert HelpAlert.objects.get().handled_how in ("follow_up", "seen_again")


def _ventilator_visit(wu, ren):
    """The first visit, ten days ago, with its follow-up falling due today."""
    from visits.services import NewFollowUp

    from ..visits.conftest import log

    visit = log(
        wu,
        household=ren.household,
        conditions={ren: "needs_help"},
        notes="呼吸机坏了，已联系维修",
        follow_up=NewFollowUp(what="回访呼吸机维修情况", due_on=timezone.localdate(), assignee=wu),
    )
    ten_days_ago = timezone.now() - datetime.timedelta(days=10)
    Visit.objects.filter(pk=visit.pk).update(visited_at=ten_days_ago, created_at=ten_days_ago)
    refresh_last_seen([ren.pk])
    assert CareAssignment.objects.get(resident=ren).last_seen_on == timezone.localdate(ten_days_ago)
    return visit
