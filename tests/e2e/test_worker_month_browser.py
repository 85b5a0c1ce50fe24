"""A worker's month in a real Chromium: Wu reads his own on a phone (390×844), the staff read the
community's workers as cards on a phone and as a table at the office's screen (1366×768)."""

import datetime
import uuid

import pytest
from django.utils import timezone

from visits.services import log_visit

from .conftest import log_in, open_account_menu, screenshot
from .taps import problems

PASSWORD = "correct-horse-battery"


@pytest.fixture
def visited(wu, chen, ren):
    log_visit(
        worker=wu,
        client_id=uuid.uuid4(),
        visited_at=timezone.now() - datetime.timedelta(hours=1),
        household=ren.household,
        conditions={ren: "well"},
    )


@pytest.mark.browser
def test_wu_reads_his_month_on_a_phone(phone, visited, wu):
    log_in(phone, "wu", PASSWORD)
    phone.goto(f"{phone.base_url}/")
    open_account_menu(phone)
    phone.get_by_role("link", name="我的本月工作台账").click()
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    visits = phone.locator("[data-measure=visits]")
    assert visits.locator(".fs-4").inner_text().strip() == "1"
    visits.locator("summary").click()
    assert "走访" in visits.locator("details p").inner_text()
    assert phone.get_by_role("link", name="‹ 上个月").is_visible()
    assert problems(phone, "worker month") == []
    screenshot(phone, "worker-month-phone")


@pytest.mark.browser
def test_the_staff_read_the_workers_side_by_side(desk, phone, visited, staff):
    log_in(phone, "staff", PASSWORD)
    phone.goto(f"{phone.base_url}/people/month/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    rows = phone.locator("#workers tbody tr")
    assert rows.count() == 2
    for index in range(2):
        box = rows.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert problems(phone, "workers' months") == []
    screenshot(phone, "community-month-phone")

    log_in(desk, "staff", PASSWORD)
    desk.goto(f"{desk.base_url}/people/month/")
    assert desk.locator("#workers thead").is_visible()
    names = desk.locator("#workers tbody th").all_inner_texts()
    assert names[0].startswith("吴佳栋") and "第一网格" in names[0]
    screenshot(desk, "community-month-desk")
