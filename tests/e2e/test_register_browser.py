"""Wu, on his phone, finds Ren Aixiang's household in Grid 1."""

import pytest

from .conftest import log_in, screenshot


@pytest.mark.browser
def test_wu_finds_ren_aixiang_by_search_on_his_phone(phone, wu, ren, grid1, grid2_household):
    log_in(phone, "wu", "correct-horse-battery")
    screenshot(phone, "worker-home")
    phone.get_by_role("link", name="第一网格").click()
    phone.wait_for_url(f"**/grids/{grid1.pk}/")
    phone.get_by_role("main").get_by_role("searchbox").fill("任爱香")  # the grid's own (the navbar has one too)
    phone.get_by_role("button", name="搜索").click()
    phone.wait_for_load_state()
    screenshot(phone, "worker-grid-search")
    results = phone.locator(".list-group-item")
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    assert results.count() == 1
    assert "临江路4幢1单元302室" in results.first.inner_text()
    # Thumbs: the result row is a comfortable target and the page does not scroll sideways.
    assert results.first.bounding_box()["height"] >= 44
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    results.first.click()
    phone.wait_for_url(f"**/households/{ren.household.pk}/")
    screenshot(phone, "worker-household")
    assert "依赖家用呼吸机" in phone.content()
    assert "东藩路8号" not in phone.content()
