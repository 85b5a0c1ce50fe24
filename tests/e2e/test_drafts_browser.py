"""Drafts that survive, on Wu's phone (390×844): what he types on a visit form stays on the
phone when the page is closed, an expired log-in or a refused CSRF token lose none of it, and
nobody else who logs in on the phone sees it (static/js/drafts.js)."""

from importlib import import_module

import pytest
from django.conf import settings
from django.urls import reverse

from cases.models import MediationRecord
from gridapp.accounts import security
from gridapp.models import RoleKind
from visits.models import Visit

from ..cases.conftest import report
from ..factories import UserFactory, give_role
from .conftest import DATA_MIGRATIONS, log_in, open_account_menu, run_data_migrations, screenshot

PASSWORD = "correct-horse-battery"
NOTES = "呼吸机坏了，已联系维修；十天后回访"
DRAFTS = "() => Object.keys(localStorage).filter((key) => key.startsWith('gridapp.draft.'))"


def drafts(page):
    return page.evaluate(DRAFTS)


def type_notes(page, url, notes=NOTES):
    """Open the visit form, record how Ren is and type the notes; wait until the phone kept them."""
    page.goto(page.base_url + url)
    page.fill("textarea[name=notes]", notes)
    page.wait_for_function(f"() => ({DRAFTS})().length === 1")


def notice(page):
    return page.locator("[data-draft-notice]")


def age_session(page, seconds):
    """The phone's session, as if its last request was ``seconds`` ago (the idle timeout)."""
    [cookie] = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    store = import_module(settings.SESSION_ENGINE).SessionStore(cookie["value"])
    store[security.SEEN_AT] -= seconds
    store[security.LOGIN_AT] -= seconds
    store.save()


@pytest.fixture
def form_url(ren):
    return reverse("visit_household", args=[ren.household_id])


@pytest.mark.browser
def test_a_draft_survives_closing_the_page_is_discarded_on_demand_and_cleared_once_saved(phone, wu, ren, form_url):
    log_in(phone, "wu", PASSWORD)
    type_notes(phone, form_url)
    phone.locator(f"input[name=resident_{ren.pk}][value=needs_help] + label").click()
    phone.wait_for_timeout(600)  # the draft is written 0.4 s after the last change

    # Closed and opened again: everything is back, with when it was typed and a way to discard it.
    context = phone.context
    phone.close()
    page = context.new_page()
    page.base_url = phone.base_url
    page.goto(page.base_url + form_url)
    assert page.locator("textarea[name=notes]").input_value() == NOTES
    assert page.locator(f"input[name=resident_{ren.pk}][value=needs_help]").is_checked()
    assert notice(page).is_visible()
    assert "已恢复您在" in notice(page).inner_text() and "尚未提交" in notice(page).inner_text()
    assert "草稿不保存照片" in notice(page).inner_text()  # the form has a photo input
    discard = notice(page).get_by_role("button", name="丢弃草稿")
    assert discard.bounding_box()["height"] >= 44
    screenshot(page, "draft-restored")

    discard.click()
    assert "草稿已丢弃" in notice(page).inner_text()
    assert page.locator("textarea[name=notes]").input_value() == ""
    assert not page.locator(f"input[name=resident_{ren.pk}][value=needs_help]").is_checked()
    assert drafts(page) == []
    page.reload()
    assert notice(page).count() == 0

    # Typed again and saved: the saved page tells the phone to forget it.
    type_notes(page, form_url, "一切正常")
    page.locator("button[type=submit].btn-lg").click()
    page.wait_for_url(f"**{ren.household.get_absolute_url()}")
    assert Visit.objects.get().notes == "一切正常"
    assert drafts(page) == []
    page.goto(page.base_url + form_url)
    assert notice(page).count() == 0
    assert page.locator("textarea[name=notes]").input_value() == ""


@pytest.mark.browser
def test_a_form_sent_after_the_log_in_expired_is_back_after_logging_in(phone, wu, ren, form_url):
    log_in(phone, "wu", PASSWORD)
    type_notes(phone, form_url)
    age_session(phone, settings.GRIDAPP_SESSION_IDLE_TIMEOUT + 60)  # he was called away mid-form

    phone.locator("button[type=submit].btn-lg").click()
    phone.wait_for_url("**/accounts/login/**")
    assert "您的登录已过期，请重新登录" in phone.content()
    assert not Visit.objects.exists()
    phone.fill("input[name=username]", "wu")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit].btn-primary")

    phone.wait_for_url(f"**{form_url}")
    assert phone.locator("textarea[name=notes]").input_value() == NOTES
    assert "您的登录已过期，刚才提交的表单没有保存。已为您保留在本机填写的内容" in phone.locator("main").inner_text()
    assert notice(phone).is_visible()
    screenshot(phone, "draft-after-expired-session")
    phone.locator("button[type=submit].btn-lg").click()
    phone.wait_for_url(f"**{ren.household.get_absolute_url()}")
    assert Visit.objects.get().notes == NOTES
    assert drafts(phone) == []


@pytest.mark.browser
def test_cleared_cookies_mid_form_give_a_page_in_chinese_and_keep_the_text(phone, wu, ren, form_url):
    log_in(phone, "wu", PASSWORD)
    type_notes(phone, form_url)
    phone.context.clear_cookies()

    phone.locator("button[type=submit].btn-lg").click()
    phone.get_by_role("heading", name="页面已失效，未保存任何内容").wait_for()
    page = phone.locator("main").inner_text()
    assert "您填写的内容已保留在本机（照片除外）" in page and "您需要先登录" in page
    assert "Forbidden" not in phone.content()
    screenshot(phone, "csrf-failure")
    assert not Visit.objects.exists()

    phone.get_by_role("link", name="返回表单").click()
    phone.wait_for_url("**/accounts/login/**")
    phone.fill("input[name=username]", "wu")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit].btn-primary")
    phone.wait_for_url(f"**{form_url}")
    assert phone.locator("textarea[name=notes]").input_value() == NOTES
    assert "表单所在页面已失效，表单没有保存" in phone.locator("main").inner_text()


@pytest.mark.browser
def test_another_user_on_the_same_phone_never_sees_the_draft(phone, wu, ren, form_url, grid1):
    give_role(UserFactory(username="li", first_name="敏", last_name="李"), RoleKind.GRID_WORKER, grid=grid1)
    log_in(phone, "wu", PASSWORD)
    type_notes(phone, form_url)

    phone.context.clear_cookies()  # Wu's log-in ended; Li logs in on the same browser
    log_in(phone, "li", PASSWORD)
    phone.goto(phone.base_url + form_url)
    assert phone.locator("textarea[name=notes]").input_value() == ""
    assert notice(phone).count() == 0
    assert drafts(phone) == [], "Wu's draft left the phone when Li logged in"


@pytest.mark.browser
def test_log_out_clears_the_drafts(phone, wu, ren, form_url):
    log_in(phone, "wu", PASSWORD)
    type_notes(phone, form_url)
    open_account_menu(phone)
    phone.get_by_role("button", name="退出").click()
    phone.wait_for_url("**/accounts/login/**")
    assert drafts(phone) == []


@pytest.mark.browser
def test_a_case_intake_keeps_its_picked_places_and_a_mediation_record_its_mediators(phone, wu, staff, ren, grid1):
    log_in(phone, "wu", PASSWORD)
    intake = reverse("case_create") + f"?household={ren.household_id}"
    phone.goto(phone.base_url + intake)
    phone.fill("input[name=title]", "楼上漏水")
    phone.fill("textarea[name=description]", "天花板渗水")
    phone.locator("[data-pick-id]").first.click()  # Ren, suggested as the complainant
    phone.wait_for_function(f"() => ({DRAFTS})().length === 1")
    phone.wait_for_timeout(600)
    phone.goto(phone.base_url + intake)
    assert phone.locator("input[name=title]").input_value() == "楼上漏水"
    assert phone.locator("textarea[name=description]").input_value() == "天花板渗水"
    assert phone.locator("input[name=complainant]").input_value() == str(ren.pk)
    assert "任爱香" in phone.locator("[data-chips]").first.inner_text()

    run_data_migrations(DATA_MIGRATIONS[:1])  # the case categories
    case = report(wu, grid1, households=[ren.household])
    mediation = reverse("mediation_create", args=[case.pk])
    phone.goto(phone.base_url + mediation)
    phone.locator(f"input[name=parties][value='{ren.pk}']").check()
    phone.fill("textarea[name=agreement]", "楼上修好水管")
    phone.wait_for_timeout(600)
    phone.goto(phone.base_url + mediation)
    assert phone.locator(f"input[name=parties][value='{ren.pk}']").is_checked()
    assert phone.locator("textarea[name=agreement]").input_value() == "楼上修好水管"
    phone.locator("input[name=outcome][value=agreed]").check()
    phone.locator("[type=submit]").last.click()
    phone.wait_for_url(f"**{case.get_absolute_url()}")
    assert MediationRecord.objects.get().agreement == "楼上修好水管"
    assert drafts(phone) == [f"gridapp.draft.{wu.pk}.case:household:{ren.household_id}"]


@pytest.mark.browser
def test_a_submission_refused_for_its_errors_keeps_the_draft(phone, wu, ren, form_url):
    log_in(phone, "wu", PASSWORD)
    type_notes(phone, form_url)
    phone.locator("input[name=purposes][value=routine] + label").click()  # no purpose left: refused

    phone.locator("button[type=submit].btn-lg").click()
    phone.locator(".alert-danger").wait_for()
    assert not Visit.objects.exists()
    # The page shows what was sent and its errors, not a "restored" notice over them …
    assert notice(phone).count() == 0
    assert phone.locator("textarea[name=notes]").input_value() == NOTES
    # … and the draft is still on the phone: leaving now loses nothing.
    phone.goto(phone.base_url + form_url)
    assert phone.locator("textarea[name=notes]").input_value() == NOTES
    assert notice(phone).is_visible()
