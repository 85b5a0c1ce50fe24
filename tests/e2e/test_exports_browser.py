"""On a phone (390×844, real Chromium): staff open the typhoon roster, print it, download it as
.xlsx, and download an export from the export form."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from ..exports.conftest import register, zhishan4  # noqa: F401  (fixtures)
from .conftest import ARTIFACTS, log_in, screenshot
from .test_security_browser import csp_violations


@pytest.mark.browser
def test_staff_print_and_download_the_typhoon_roster_on_a_phone(phone, staff, register, grid1, zhishan4):  # noqa: F811
    violations = csp_violations(phone)
    log_in(phone, "staff", "correct-horse-battery")
    phone.locator(f'a[href$="typhoon-roster/?community={grid1.community_id}"]').click()
    phone.wait_for_load_state()
    phone.locator("button[type=submit].btn-lg").click()  # typhoon preparation is chosen already
    phone.wait_for_load_state()
    assert phone.locator(".roster-building").count() == 1
    assert "任爱香" in phone.locator(".roster-building").first.inner_text()
    assert "13812345678" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls, not the page
    screenshot(phone, "typhoon-roster-phone")

    phone.emulate_media(media="print")
    assert phone.locator("nav").first.evaluate("e => getComputedStyle(e).display") == "none"
    assert phone.locator("[data-print]").evaluate("e => getComputedStyle(e).display") == "none"
    assert phone.locator(".roster-table thead").evaluate("e => getComputedStyle(e).display") == "table-header-group"
    assert phone.locator(".roster-row").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "typhoon-roster-print.png"), full_page=True)
    phone.emulate_media(media="screen")

    with phone.expect_download() as download:
        phone.locator("form[data-download] button[type=submit]").click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    assert any(row[1] == "任爱香" for row in sheet.iter_rows(values_only=True))
    assert violations == []


@pytest.mark.browser
def test_staff_download_grid1_households_from_the_grid_page(phone, staff, register, grid1):  # noqa: F811
    violations = csp_violations(phone)
    log_in(phone, "staff", "correct-horse-battery")
    phone.goto(f"{phone.base_url}{grid1.get_absolute_url()}")
    phone.locator(f'a[href$="/exports/?grid={grid1.pk}"]').click()
    phone.wait_for_load_state()
    assert phone.locator("#div_id_state").is_visible()  # nothing chosen yet: every field
    phone.locator("input[name=what][value=visits]").check()
    assert phone.locator("#div_id_start").is_visible() and not phone.locator("#div_id_state").is_visible()
    phone.locator("input[name=what][value=register]").check()
    assert not phone.locator("#div_id_start").is_visible() and phone.locator("#div_id_full_phones").is_visible()
    phone.locator("select[name=reason_choice]").select_option("visits")
    screenshot(phone, "export-form-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    with phone.expect_download() as download:
        phone.locator("form[data-download] button[type=submit]").click()
    assert download.value.suggested_filename.startswith("东麓池社区第一网格-")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    residents = list(book.worksheets[1].iter_rows(values_only=True))
    assert residents[2][2] == "任爱香" and residents[2][7] == "138****5678"
    # The button comes back for another export (the page stays where it is).
    expect(phone.locator("form[data-download] button[type=submit]")).to_be_enabled(timeout=6000)
    assert violations == []
