"""The server's side of drafts kept on the phone (static/js/drafts.js, gridapp/core/drafts.py):
each of the three forms names its draft, the page that answers a submission says so, and the
page after a save tells the phone, once, which draft to forget. The browser's side is
tests/e2e/test_drafts_browser.py."""

import re

import pytest
from django.urls import reverse

from cases.models import Category

from ..cases.conftest import LEAK, report
from ..cases.test_mediation import mediation
from ..visits.conftest import visit_form


def form_tag(response):
    """The page's form that keeps a draft (the one with data-draft)."""
    [tag] = re.findall(r"<form[^>]*data-draft=[^>]*>", response.content.decode())
    return tag


def draft_key(response):
    return re.search(r'data-draft="([^"]*)"', form_tag(response)).group(1)


def saved_keys(response):
    return re.search(r'id="drafts"[^>]*data-saved="([^"]*)"', response.content.decode()).group(1).split()


def test_every_page_names_its_user_for_the_drafts(client, wu):
    client.force_login(wu)
    page = client.get(reverse("home")).content.decode()
    assert f'id="drafts" hidden data-user="{wu.pk}"' in page
    assert 'src="/static/js/drafts.js"' in page


def test_the_log_in_page_names_no_user(client):
    assert 'id="drafts" hidden data-user=""' in client.get(reverse("login")).content.decode()


def test_the_visit_form_keeps_a_draft_per_household_and_shop(client, wu, ren, shop1):
    client.force_login(wu)
    assert draft_key(client.get(reverse("visit_household", args=[ren.household_id]))) == (
        f"visit:household:{ren.household_id}"
    )
    assert draft_key(client.get(reverse("visit_shop", args=[shop1.pk]))) == f"visit:shop:{shop1.pk}"


def test_a_saved_visit_tells_the_next_page_to_forget_its_draft_once(client, wu, ren):
    client.force_login(wu)
    url = reverse("visit_household", args=[ren.household_id])
    response = client.post(url, visit_form(**{f"resident_{ren.pk}": "well"}), follow=True)
    assert saved_keys(response) == [f"visit:household:{ren.household_id}"]
    assert saved_keys(client.get(reverse("home"))) == []


def test_a_visit_refused_for_its_errors_keeps_the_draft_and_says_the_page_answers_a_submission(client, wu, ren):
    client.force_login(wu)
    url = reverse("visit_household", args=[ren.household_id])
    response = client.post(url, visit_form(purposes=[]))
    assert response.status_code == 200 and response.context["form"].errors
    assert 'data-draft-bound="true"' in form_tag(response)
    assert saved_keys(response) == []
    assert "data-draft-bound" not in form_tag(client.get(url))


@pytest.mark.parametrize(
    ("origin", "key"),
    [("", "case:new"), ("household", "case:household:{household}"), ("shop", "case:shop:{shop}")],
)
def test_the_case_intake_keeps_a_draft_per_place_it_was_reported_from(client, wu, ren, shop1, origin, key):
    client.force_login(wu)
    pks = {"household": ren.household_id, "shop": shop1.pk}
    query = f"?{origin}={pks[origin]}" if origin else ""
    assert draft_key(client.get(reverse("case_create") + query)) == key.format(**pks)


def test_a_recorded_case_forgets_its_draft(client, wu, ren):
    client.force_login(wu)
    leak = Category.objects.get(name=LEAK)
    data = {
        "title": "楼上漏水",
        "category": leak.pk,
        "description": "天花板渗水",
        "priority": "normal",
        "channel": "walk_in",
        "grid": ren.household.grid_id,
        "complainant_name": "任爱香",
    }
    response = client.post(reverse("case_create") + f"?household={ren.household_id}", data, follow=True)
    assert response.redirect_chain, response.context["form"].errors
    assert saved_keys(response) == [f"case:household:{ren.household_id}"]


def test_the_mediation_record_keeps_a_draft_per_case_and_forgets_it_once_saved(client, wu, staff, ren, grid1):
    case = report(wu, grid1, households=[ren.household])
    client.force_login(wu)
    url = reverse("mediation_create", args=[case.pk])
    assert draft_key(client.get(url)) == f"mediation:case:{case.pk}"
    response = client.post(url, mediation([ren], [wu]), follow=True)
    assert response.redirect_chain
    assert saved_keys(response) == [f"mediation:case:{case.pk}"]
