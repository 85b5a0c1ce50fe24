"""Staff manage their people in a real Chromium at the office's 1366×768: Shen opens 人员管理 from
the menu, adds Zhang Xiaomei as Grid 2's worker, and Zhang, logging in with the temporary
password, is asked to choose her own before anything else."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from gridapp.models import Role

from .conftest import log_in, screenshot
from .taps import problems
from .test_security_browser import csp_violations

DESK = {"width": 1366, "height": 768}
TEMPORARY = "linpu-temp-2026-x"


@pytest.fixture
def desk(browser, live_server):
    context = browser.new_context(viewport=DESK, locale="en-US")  # the product is Chinese whatever the browser says
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.mark.browser
def test_staff_add_a_grid_worker_who_then_chooses_her_password(desk, staff, wu, grid2):
    violations = csp_violations(desk)
    log_in(desk, "staff", "correct-horse-battery")
    desk.get_by_role("link", name="人员管理").click()
    assert desk.locator("h1").inner_text() == "人员管理"
    assert "吴佳栋" in desk.locator(".list-group").inner_text()  # names, not login names

    desk.get_by_role("link", name="添加网格员或协助人员").click()
    desk.fill("input[name=last_name]", "张")
    desk.fill("input[name=first_name]", "小梅")
    desk.fill("input[name=username]", "zhangxiaomei")
    desk.fill("input[name=email]", "zxm@example.com")
    desk.select_option("select[name=grid]", label="东麓池社区 · 第二网格")
    desk.fill("input[name=password1]", TEMPORARY)
    desk.fill("input[name=password2]", TEMPORARY)
    desk.get_by_role("button", name="添加").click()
    desk.wait_for_load_state()
    assert "张小梅 现在可以登录了" in desk.locator(".alert-success").inner_text()
    assert "第二网格" in desk.locator(".list-group").first.inner_text()
    assert "授予：网格员" in desk.locator("#role-history").inner_text()
    screenshot(desk, "staff-person-added")
    zhang = get_user_model().objects.get(username="zhangxiaomei")
    assert Role.objects.get(user=zhang).grid == grid2

    desk.context.clear_cookies()
    log_in(desk, "zhangxiaomei", TEMPORARY)
    assert desk.url.endswith("/accounts/password_change/")
    desk.fill("input[name=old_password]", TEMPORARY)
    desk.fill("input[name=new_password1]", "东藩路8号-my-own")
    desk.fill("input[name=new_password2]", "东藩路8号-my-own")
    desk.get_by_role("button", name="保存新密码").click()
    desk.wait_for_load_state()
    assert desk.locator("h1").inner_text() == "密码已保存"
    desk.get_by_role("link", name="进入我的首页").click()
    assert desk.url == desk.base_url + "/"
    assert violations == []


@pytest.mark.browser
def test_the_people_pages_fit_a_thumb_on_a_phone(phone, staff, wu, grid2):
    log_in(phone, "staff", "correct-horse-battery")
    found = []
    for name, url in [
        ("people", reverse("people")),
        ("person", reverse("person_detail", args=[wu.pk])),
        ("add a person", reverse("person_add")),
        ("give a role", reverse("role_grant", args=[wu.pk])),
        ("temporary password", reverse("person_password", args=[wu.pk])),
    ]:
        phone.goto(phone.base_url + url)
        phone.wait_for_load_state()
        found += problems(phone, name)
    screenshot(phone, "staff-person-phone")
    assert found == []


@pytest.mark.browser
def test_the_password_reset_pages_fit_a_thumb_on_a_phone(phone):
    found = []
    for name, url in [
        ("log-in", reverse("login")),
        ("reset", reverse("password_reset")),
        ("reset done", reverse("password_reset_done")),
        ("bad link", reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "x-y"})),
    ]:
        phone.goto(phone.base_url + url)
        phone.wait_for_load_state()
        found += problems(phone, name)
    assert found == []
