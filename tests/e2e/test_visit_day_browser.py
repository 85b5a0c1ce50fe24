"""The rest of the worker's day at the door, on a phone (390×844): the form asks about a resident
left unrecorded before anything is sent; story 2 logged from a shop's own page counts towards the
campaign; a resident found unwell reaches the community's staff (inbox and home) and the worker
arranges the follow-up in one tap."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gridapp.models import RoleKind
from visits.models import Campaign, CareAssignment, FollowUp, HelpAlert, Visit

from ..checkins.conftest import care, weekly  # noqa: F401 (weekly: the weekly care level, a fixture)
from ..factories import ShopFactory, UserFactory, give_role
from ..visits.conftest import eco_campaign, log  # noqa: F401 (eco_campaign: story 2's campaign, a fixture)
from .conftest import log_in, screenshot
from .test_visit_browser import tap_condition, thumb_sized

PASSWORD = "correct-horse-battery"


@pytest.fixture
def ren_weekly(ren, weekly):  # noqa: F811
    ren.emergency_contact_name = "任建华"
    ren.emergency_contact_relation = "儿子"
    ren.emergency_contact_phone = "13905710001"
    ren.save(update_fields=["emergency_contact_name", "emergency_contact_relation", "emergency_contact_phone"])
    care(ren, weekly)
    return ren


@pytest.fixture
def shen(dongluchi):
    """沈丽华, Dongluchi's community staff."""
    user = UserFactory(username="shen", first_name="丽华", last_name="沈")
    return give_role(user, RoleKind.COMMUNITY_STAFF, community=dongluchi)


@pytest.mark.browser
def test_the_form_asks_about_her_before_sending_and_one_tap_answers(phone, wu, ren_weekly):
    ren = ren_weekly
    log_in(phone, "wu", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('visit_household', args=[ren.household.pk])}")
    phone.locator("button[type=submit].btn-lg").click()
    ask = phone.locator(f"#resident-{ren.pk} .ask")
    ask.wait_for(state="visible")
    assert ask.inner_text() == "任爱香情况如何？见到本人请点选其情况；没见到本人请选“不在家”。"
    assert phone.url.endswith(reverse("visit_household", args=[ren.household.pk]))  # nothing was sent
    assert not Visit.objects.exists()
    screenshot(phone, "visit-asks")
    assert phone.locator("button[type=submit].btn-lg").is_enabled()  # ready for the second tap

    tap_condition(phone, ren, "not_home")
    assert ask.is_hidden()
    phone.locator("button[type=submit].btn-lg").click()
    phone.wait_for_url(f"**{ren.household.get_absolute_url()}")
    # Not at home does not count, and the confirmation says so in so many words.
    assert phone.locator(".alert-warning").inner_text() == "走访已保存。任爱香仍需走访：不在家。"
    assert CareAssignment.objects.get(resident=ren).last_seen_on is None


@pytest.mark.browser
def test_story_2_a_visit_from_the_shops_own_page_counts_towards_the_campaign(phone, wu, staff, grid1, eco_campaign):  # noqa: F811
    shops = [ShopFactory(grid=grid1, street_front=True, name=f"峙山北路{n}号店") for n in range(1, 4)]
    log(wu, shop=shops[0], purposes=["campaign"], campaign=eco_campaign)
    log_in(phone, "wu", PASSWORD)
    phone.goto(f"{phone.base_url}{shops[1].get_absolute_url()}")
    phone.locator(f"a[href='{reverse('visit_shop', args=[shops[1].pk])}']").click()  # "Log a visit"
    phone.wait_for_url(f"**{reverse('visit_shop', args=[shops[1].pk])}")

    # The campaign the shop is a target of is chosen, and its purpose, not a knock-on-door check-in.
    assert phone.locator(f"input[name=campaign][value='{eco_campaign.pk}']").is_checked()
    assert phone.locator("input[name=purposes][value=campaign]").is_checked()
    assert not phone.locator("input[name=purposes][value=routine]").is_checked()
    phone.fill("textarea[name=notes]", "已发放宣传单，店主表示支持")
    thumb_sized(phone)
    screenshot(phone, "visit-shop-campaign")
    phone.locator("button[type=submit].btn-lg").click()
    phone.wait_for_url(f"**{shops[1].get_absolute_url()}")
    assert "已计入“生态环境满意度提升宣传”：已走访 2 / 3。" in phone.locator(".alert-success").inner_text()

    phone.goto(f"{phone.base_url}{eco_campaign.get_absolute_url()}")
    assert phone.locator("#coverage").inner_text() == "已走访 2 / 3"
    remaining = phone.locator(".list-group").inner_text()
    assert shops[2].name in remaining and shops[1].name not in remaining
    screenshot(phone, "campaign-after-shop-visit")
    assert Visit.objects.get(shop=shops[1]).campaign == Campaign.objects.get()


@pytest.mark.browser
def test_a_resident_found_unwell_reaches_staff_inbox_and_home_until_handled(
    phone, browser, live_server, wu, shen, ren_weekly
):
    ren = ren_weekly
    log_in(phone, "wu", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('visit_household', args=[ren.household.pk])}")
    tap_condition(phone, ren, "unwell")
    phone.fill("textarea[name=notes]", "老人发烧，说胸口闷")
    phone.locator("button[type=submit].btn-lg").click()
    visit = Visit.objects.get()
    phone.wait_for_url(f"**{visit.get_absolute_url()}")
    assert "已即时通知：沈丽华" in phone.locator("section.help-alert").inner_text()

    # 沈丽华, on her own phone.
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    staff_phone = context.new_page()
    staff_phone.base_url = live_server.url
    log_in(staff_phone, "shen", PASSWORD)
    assert staff_phone.locator("#unread-count").inner_text() == "1"
    section = staff_phone.locator("section[aria-labelledby=help-alerts-heading]")
    assert "需要帮助：1 位居民待处理" in section.inner_text()
    assert "任爱香" in section.inner_text() and "139****0001" in section.inner_text()
    screenshot(staff_phone, "staff-home-help")
    thumb_sized_section = staff_phone.evaluate(
        """() => [...document.querySelectorAll("section[aria-labelledby=help-alerts-heading] :is(a, button)")]
            .map((el) => el.getBoundingClientRect()).filter((box) => box.height < 44 || box.width < 44).length"""
    )
    assert thumb_sized_section == 0

    staff_phone.goto(f"{staff_phone.base_url}{reverse('inbox')}")
    staff_phone.locator("a.list-group-item", has_text="【身体不适】任爱香 · 第一网格").click()
    body = staff_phone.locator(".card-body").inner_text()
    assert "紧急联系人：任建华（儿子） 139****0001" in body and "老人发烧，说胸口闷" in body
    staff_phone.locator(f"main a.btn[href='{visit.get_absolute_url()}']").click()  # "Open"
    staff_phone.wait_for_url(f"**{visit.get_absolute_url()}")

    staff_phone.goto(f"{staff_phone.base_url}/")
    section.locator("button", has_text="标记已处理").click()
    staff_phone.wait_for_url(f"{staff_phone.base_url}/")
    assert "已标记为已处理：任爱香。" in staff_phone.locator(".alert-success").inner_text()
    assert "没有待处理的需要帮助的居民。" in section.inner_text()
    alert = HelpAlert.objects.get()
    assert (alert.handled_how, alert.handled_by) == ("acknowledged", shen)
    context.close()


@pytest.mark.browser
def test_the_worker_arranges_the_follow_up_in_one_tap(phone, wu, shen, ren_weekly):
    ren = ren_weekly
    log_in(phone, "wu", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('visit_household', args=[ren.household.pk])}")
    tap_condition(phone, ren, "needs_help")
    phone.locator("button[type=submit].btn-lg").click()
    visit = Visit.objects.get()
    phone.wait_for_url(f"**{visit.get_absolute_url()}")
    panel = phone.locator("section.help-alert")
    assert panel.locator("input[name=follow_up_what]").input_value() == "回访任爱香（需要帮助）"
    assert panel.locator("input[name=follow_up_in_days][value='3']").is_checked()
    thumb_sized(phone)
    screenshot(phone, "visit-needs-help-offer")

    panel.locator("button[type=submit]", has_text="添加这条跟进").click()  # the one tap
    phone.wait_for_url(f"**{visit.get_absolute_url()}")
    due = timezone.localdate() + datetime.timedelta(days=3)
    assert (
        f"已安排跟进：回访任爱香（需要帮助），{due.month}月{due.day}日 到期。"
        in phone.locator(".alert-success").inner_text()
    )
    follow_up = FollowUp.objects.get()
    assert (follow_up.visit, follow_up.assignee, follow_up.due_on) == (visit, wu, due)
    assert HelpAlert.objects.get().handled_how == "follow_up"
