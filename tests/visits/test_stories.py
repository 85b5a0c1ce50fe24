"""The stories of DOMAIN.md, end to end through the pages Wu and the community office use.

Story 1 (the visit and follow-up half): Wu visits Ren Aixiang, 86, living alone; her home
ventilator is broken. He logs the visit, arranges a repair and sets a follow-up ten days on;
when it falls due it is on his day; he goes back, confirms the repair, and it closes.

Story 2: Wu publicises the ecological-environment satisfaction drive to Grid 1's 92
street-front shops; the campaign shows visited 61 of 92 and lists the 31 left.
"""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from gridapp import scope
from visits.models import FollowUp, Visit
from visits.selectors import last_seen_at

from ..factories import ShopFactory
from .conftest import log, visit_form


def test_story_1_the_ventilator_follow_up(client, wu, ren):
    # At her door: the form lists Ren with her health note.
    client.force_login(wu)
    visit_url = reverse("visit_household", args=[ren.household.pk])
    page = client.get(visit_url)
    assert [resident for resident, _ in page.context["form"].resident_rows()] == [ren]
    assert "依赖家用呼吸机" in page.content.decode()

    client.post(
        visit_url,
        visit_form(
            notes="呼吸机坏了，已联系厂家维修",
            follow_up_what="回访呼吸机维修情况",
            follow_up_in_days="10",
            **{f"resident_{ren.pk}": "needs_help"},
        ),
    )
    first_visit = Visit.objects.get()
    assert first_visit.residents_seen.get().condition == "needs_help"
    follow_up = FollowUp.objects.get()
    assert (follow_up.assignee, follow_up.what) == (wu, "回访呼吸机维修情况")
    assert follow_up.due_on == timezone.localdate() + datetime.timedelta(days=10)
    assert list(client.get(reverse("home")).context["follow_ups_due"]) == []

    with time_machine.travel(timezone.now() + datetime.timedelta(days=10), tick=False):
        # Ten days on, the follow-up is on Wu's day.
        client.force_login(wu)
        day = client.get(reverse("home"))
        assert list(day.context["follow_ups_due"]) == [follow_up]
        assert "回访呼吸机维修情况" in day.content.decode()

        # He goes back, confirms the repair and ticks the follow-up.
        form = client.get(visit_url).context["form"]
        assert [f for f, _ in form.follow_up_rows()] == [follow_up]
        client.post(
            visit_url,
            visit_form(
                notes="呼吸机已修好，运转正常",
                **{f"resident_{ren.pk}": "well", f"close_follow_up_{follow_up.pk}": "on"},
            ),
        )
        return_visit = Visit.objects.exclude(pk=first_visit.pk).get()
        follow_up.refresh_from_db()
        assert follow_up.done_at is not None
        assert (follow_up.done_in_visit, follow_up.done_by) == (return_visit, wu)
        assert list(client.get(reverse("home")).context["follow_ups_due"]) == []

        # Ren was last seen at the return visit.
        ren_seen = scope.residents(wu).annotate(last_seen=last_seen_at()).get(pk=ren.pk)
        assert ren_seen.last_seen == return_visit.visited_at


def test_story_2_the_campaign_reaches_61_of_92_shops(client, wu, staff, pan, grid1, eco_campaign):
    shops = [ShopFactory(grid=grid1, street_front=True, address=f"峙山北路{n + 1:03d}号") for n in range(92)]
    ShopFactory(grid=grid1, street_front=False, name="后街仓库")
    ShopFactory(grid=grid1, street_front=False, name="小区内理发店")
    visited, left = shops[:61], shops[61:]

    # One from the campaign page's link, as Wu does it at the shop's counter …
    client.force_login(wu)
    campaign_url = reverse("campaign_detail", args=[eco_campaign.pk])
    link = reverse("visit_shop", args=[visited[0].pk]) + f"?campaign={eco_campaign.pk}"
    assert link in client.get(campaign_url).content.decode()
    form = client.get(link).context["form"]
    data = visit_form(purposes=form["purposes"].value(), campaign=str(form["campaign"].value()), notes="已发放宣传单")
    assert client.post(link, data)["Location"] == campaign_url
    assert Visit.objects.get().campaign == eco_campaign

    # … and sixty more, one of them twice.
    for shop in visited[1:]:
        log(wu, shop=shop, campaign=eco_campaign, purposes=["campaign"])
    log(wu, shop=visited[5], campaign=eco_campaign, purposes=["campaign"])

    client.force_login(staff)
    response = client.get(campaign_url)
    assert (response.context["visited"], response.context["total"]) == (61, 92)
    assert response.context["percent"] == 66
    assert list(response.context["remaining"]) == left
    page = response.content.decode()
    assert "61" in page
    assert "92" in page
    assert all(shop.name in page for shop in left)
    assert not any(f">{shop.name}<" in page for shop in visited)

    listed = client.get(reverse("campaign_list")).context["campaigns"]
    assert [c.coverage for c in listed] == [(61, 92)]

    client.force_login(pan)
    assert client.get(campaign_url).status_code == 404
