"""A hazard without a place, a responsible person, building or shop of another grid picked by a
forged id, a deadline in the past: each a clear form error, and nothing saved."""

import pytest
from django.urls import reverse

from tests.factories import BuildingFactory
from visits.hazard_models import Hazard

from .conftest import kind

pytestmark = pytest.mark.django_db


def _post(client, user, grid, **fields):
    client.force_login(user)
    data = {"kind": kind("fire").pk, "risk": "high", "description": "消防通道堵塞", **fields}
    return client.post(reverse("hazard_create", args=[grid.pk]), data)


def test_a_hazard_without_a_place_is_refused(client, wu, grid1):
    response = _post(client, wu, grid1)
    assert response.status_code == 200
    assert "请填写隐患所在位置" in response.content.decode()
    assert not Hazard.objects.exists()


@pytest.mark.parametrize("field", ["building", "household", "shop", "responsible_resident", "responsible_shop"])
def test_a_record_of_another_grid_by_forged_id_is_refused(
    client, wu, grid1, linjiang4, field, grid2_household, grid2_resident, grid2_shop
):
    forged = {
        "building": grid2_household.building_id,
        "household": grid2_household.pk,
        "shop": grid2_shop.pk,
        "responsible_resident": grid2_resident.pk,
        "responsible_shop": grid2_shop.pk,
    }[field]
    if forged is None:  # the factory's household has no building: use another grid's building
        forged = BuildingFactory(grid=grid2_household.grid, road="东藩路", number="9").pk
    fields = {"building": linjiang4.pk, field: forged}
    response = _post(client, wu, grid1, **fields)
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Hazard.objects.exists()


def test_a_deadline_in_the_past_is_refused(client, wu, grid1, linjiang4):
    response = _post(client, wu, grid1, building=linjiang4.pk, deadline="2020-01-01")
    assert "整改期限已过" in response.content.decode()
    assert not Hazard.objects.exists()


def test_another_grids_worker_cannot_open_the_form_or_prefill_it(client, chen, wu, grid1, linjiang4):
    client.force_login(chen)
    assert client.get(reverse("hazard_create", args=[grid1.pk])).status_code == 404
    client.force_login(wu)
    response = client.get(reverse("hazard_create", args=[grid1.pk]) + "?building=999999")
    assert response.status_code == 404


def test_from_a_building_page_the_form_is_prefilled_and_saves(client, wu, grid1, linjiang4, ren):
    client.force_login(wu)
    page = client.get(linjiang4.get_absolute_url()).content.decode()
    url = reverse("hazard_create", args=[grid1.pk]) + f"?building={linjiang4.pk}"
    assert url.replace("&", "&amp;") in page or url in page
    form = client.get(url).content.decode()
    assert f'<option value="{linjiang4.pk}" selected>' in form
    response = client.post(
        url,
        {"building": linjiang4.pk, "place": "2单元楼道", "kind": kind("ebike").pk, "risk": "high",
         "description": "楼道内电动车充电", "responsible_resident": ren.pk},
    )  # fmt: skip
    hazard = Hazard.objects.get()
    assert response.status_code == 302
    assert hazard.responsible_resident == ren
    assert hazard.found_by == wu
