"""Every control Wu taps is big enough for a thumb, on every page of his day, in the demo world:
at least 44×44 CSS pixels at 390×844, one h1 a page, a name on every control, nothing wider than
the screen. The rules (what counts as a control, when a link in a sentence may be smaller) are
``taps.py``'s; a failure lists every problem of every page at once."""

import pytest
from django.urls import reverse

from cases.models import OPEN_STATES, Case
from gridapp.devtools.demo import accounts
from gridapp.models import Grid, Resident, Shop
from gridapp.scope import for_user
from visits.models import Campaign, FollowUp, Visit

from .conftest import log_in, screenshot
from .taps import problems


def worker_pages(wu):
    """Every page of a grid worker's day, as (name, URL), with the demo world's records of his grid."""
    grid = Grid.objects.get(pk=min(for_user(wu).worker_grid_ids))
    ren = Resident.objects.get(name="任爱香", household__grid=grid)
    household = ren.household
    shop = Shop.objects.filter(grid=grid, archived_at=None).order_by("pk").first()
    visit = Visit.objects.filter(worker=wu).order_by("-visited_at").first()
    follow_up = FollowUp.objects.filter(grid=grid, done_at=None).order_by("due_on").first()
    case = Case.objects.filter(grid=grid, state__in=OPEN_STATES).order_by("-pk").first()
    campaign = Campaign.objects.filter(grids=grid).order_by("-starts_on").first()
    notification = wu.notifications.order_by("-created_at").first()
    pages = [
        ("home", reverse("home")),
        ("grid: households", reverse("grid_detail", args=[grid.pk])),
        ("grid: shops", reverse("grid_detail", args=[grid.pk]) + "?tab=shops"),
        ("grid: buildings", reverse("grid_detail", args=[grid.pk]) + "?tab=buildings"),
        ("household", household.get_absolute_url()),
        ("resident", ren.get_absolute_url()),
        ("resident: contact details", reverse("resident_edit", args=[ren.pk])),
        ("resident: care level", reverse("resident_care", args=[ren.pk])),
        ("resident: moved out or died", reverse("resident_depart", args=[ren.pk])),
        ("shop", shop.get_absolute_url()),
        ("building", household.building.get_absolute_url()),
        ("visit form: household", reverse("visit_household", args=[household.pk])),
        ("visit form: shop", reverse("visit_shop", args=[shop.pk])),
        ("visit", visit.get_absolute_url()),
        ("follow-up", reverse("follow_up_detail", args=[follow_up.pk])),
        ("check-ins", reverse("checkins")),
        ("cases", reverse("case_queue")),
        ("case", case.get_absolute_url()),
        ("case intake", reverse("case_create")),
        ("inbox", reverse("inbox")),
        ("notification", reverse("notification_detail", args=[notification.pk])),
        ("campaigns", reverse("campaign_list")),
        ("campaign", reverse("campaign_detail", args=[campaign.pk])),
        ("add a household", reverse("household_add", args=[grid.pk])),
        ("add a resident", reverse("resident_add", args=[household.pk])),
        ("add a shop", reverse("shop_add", args=[grid.pk])),
        ("visits without signal", reverse("offline_page")),
    ]
    return pages


@pytest.mark.browser
def test_every_control_on_wus_pages_is_thumb_sized(phone, demo):
    log_in(phone, "wu", accounts.DEMO_PASSWORD)
    found = []
    for name, url in worker_pages(demo):
        response = phone.goto(f"{phone.base_url}{url}")
        assert response.ok, f"{name}: {url} answered {response.status}"
        found += problems(phone, name)
        screenshot(phone, f"taps-{name.replace(' ', '-').replace(':', '')}")
    # The menu, opened: its links are tapped on every page.
    phone.goto(f"{phone.base_url}/")
    phone.locator(".navbar-toggler").click()
    phone.locator("#nav.show").wait_for()
    found += problems(phone, "menu")
    screenshot(phone, "taps-menu")
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)


# --- the check itself ----------------------------------------------------------------------------------

PROBE = """<!doctype html><html><head><meta name="viewport" content="width=device-width"></head><body>
<h1>Probe</h1>
<p>Read the <a href="/rules">rules</a> before you start, and ask if anything is unclear to you.</p>
<p><a href="/alone" id="alone">Alone</a></p>
<button id="small" style="height:30px">Small</button>
<button id="big" style="min-height:44px;min-width:44px">Big enough</button>
<button id="nameless" style="width:50px;height:50px"></button>
<input type="checkbox" id="tiny-box"><label for="tiny-box">Tiny</label>
<input type="text" id="unlabelled" style="height:50px">
<div style="width:600px;height:10px"></div>
</body></html>"""


@pytest.mark.browser
def test_the_check_finds_small_and_nameless_controls_and_spares_links_in_sentences(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_content(PROBE)
    found = "\n".join(problems(page, "probe"))
    context.close()
    assert "rules" not in found  # a link in running text
    assert '"Alone"' in found  # a standalone link is measured
    assert "#small" in found and "#big" not in found
    assert "no accessible name: <button#nameless" in found
    assert "no accessible name: <input#unlabelled" in found
    assert "<label>" in found and '"Tiny"' in found  # a checkbox is measured by its label
    assert "wider than the 390px screen" in found
    assert "2 h1" not in found and "h1 elements" not in found
