"""The register's search and the case intake by search, on a phone (390×844): Wu types "rax" and
opens Ren Aixiang's page; Wu reports a case from her household's page, picking the household
upstairs by search as a second chip."""

import pytest

from cases.models import Case, Category

from ..factories import HouseholdFactory, ResidentFactory
from .conftest import log_in, screenshot

PASSWORD = "correct-horse-battery"


def fits_the_phone(phone):
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def thumb_sized(locator):
    box = locator.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box


@pytest.mark.browser
def test_wu_finds_ren_aixiang_by_her_initials_and_opens_her_page(phone, wu, ren, grid2_resident):
    log_in(phone, "wu", PASSWORD)
    box = phone.locator(".nav-search input[type=search]")
    thumb_sized(box)
    box.fill("rax")
    result = phone.locator("#nav-search-results [data-kind=residents] a.search-item-main", has_text="任爱香")
    result.wait_for()
    text = phone.locator("#nav-search-results").inner_text()
    assert "临江路4幢1单元302室" in text and "86 岁" in text
    assert "王建国" not in text  # Grid 2's
    thumb_sized(result)
    thumb_sized(phone.locator("#nav-search-results .search-visit"))
    fits_the_phone(phone)
    screenshot(phone, "search-rax")
    result.click()
    phone.wait_for_url(f"**/residents/{ren.pk}/")
    assert "任爱香" in phone.locator("h1").inner_text()


@pytest.mark.browser
def test_the_home_page_box_finds_her_too_and_a_tap_elsewhere_closes_the_navbar_list(phone, wu, ren):
    log_in(phone, "wu", PASSWORD)
    home_box = phone.locator(".home-search input[type=search]")
    thumb_sized(home_box)
    home_box.fill("renaixiang")
    phone.locator("#home-search-results [data-kind=residents] a", has_text="任爱香").first.wait_for()
    phone.locator(".nav-search input[type=search]").fill("任爱")
    phone.locator("#nav-search-results a", has_text="任爱香").first.wait_for()
    phone.locator("main h1").first.click()
    phone.wait_for_function("!document.querySelector('#nav-search-results').children.length")
    assert phone.locator("#nav-search-results").is_hidden()


@pytest.mark.browser
def test_wu_reports_a_case_from_rens_household_picking_the_flat_upstairs(phone, wu, ren, grid1):
    leak, _ = Category.objects.get_or_create(name="漏水渗水", defaults={"hours_normal": 72})
    upstairs = HouseholdFactory(grid=grid1, address="临江路4幢1单元402室", head_name="张磊")
    ResidentFactory(household=upstairs, name="张磊")
    wrong = HouseholdFactory(grid=grid1, address="临江路4幢1单元401室", head_name="陈静")
    log_in(phone, "wu", PASSWORD)
    phone.goto(f"{phone.base_url}{ren.household.get_absolute_url()}")
    report = phone.locator("#report-case")
    thumb_sized(report)
    report.click()
    phone.wait_for_url(f"**/cases/new/?household={ren.household.pk}")

    # Her household is already a chip; she is one tap away as the complainant.
    households = phone.locator("#div_id_households")
    assert "临江路4幢1单元302室" in households.locator("[data-chips]").inner_text()
    complainant = phone.locator("#div_id_complainant")
    suggestion = complainant.locator("[data-pick-id]", has_text="任爱香")
    thumb_sized(suggestion)
    suggestion.click()
    assert "任爱香" in complainant.locator("[data-chips]").inner_text()

    # Upstairs and, by a slip, the flat next door; the slip is removed.
    search = households.locator("input[type=search]")
    thumb_sized(search)
    for typed, address in (("402", "临江路4幢1单元402室"), ("401", "临江路4幢1单元401室")):
        search.fill(typed)
        households.locator("[data-pick-id]", has_text=address).click()
    chips = households.locator("[data-chip]")
    assert chips.count() == 3
    slip = chips.filter(has_text="401室")
    thumb_sized(slip.locator("[data-chip-remove]"))
    slip.locator("[data-chip-remove]").click()
    assert chips.count() == 2

    # The building, by its road: Enter takes the first choice (and sends no form).
    building = phone.locator("#div_id_building")
    building.locator("input[type=search]").fill("临江路4")
    building.locator("[data-pick-id]", has_text="临江路4幢").wait_for()
    building.locator("input[type=search]").press("Enter")
    assert "临江路4幢" in building.locator("[data-chips]").inner_text()
    assert phone.url.endswith(f"/cases/new/?household={ren.household.pk}")
    fits_the_phone(phone)

    phone.fill("input[name=title]", "楼上漏水")
    phone.fill("textarea[name=description]", "302室卫生间天花板渗水，怀疑402室水管渗漏")
    phone.select_option("select[name=category]", str(leak.pk))
    screenshot(phone, "case-intake-by-search")
    phone.locator("input[type=submit]").click()
    phone.wait_for_url("**/cases/*/")
    case = Case.objects.get()
    assert set(case.households.all()) == {ren.household, upstairs}
    assert wrong not in case.households.all()
    assert (case.complainant, case.channel, case.building) == (ren, "visit", ren.household.building)
    page = phone.content()
    assert case.number in page
    screenshot(phone, "case-reported-from-household")
