"""Service facilities (服务设施): the grid's list, a facility's page, and a broken one reported as a
hazard in one tap, prefilled; another grid's facility is a 404, on its page and as a forged id."""

import pytest
from django.urls import reverse

from visits.facility_models import Facility, FacilityKind
from visits.hazard_models import Hazard

pytestmark = pytest.mark.django_db


def facility(grid, code, name, **fields):
    return Facility.objects.create(grid=grid, kind=FacilityKind.objects.get(code=code), name=name, **fields)


def test_the_grids_facilities_and_nothing_of_another_grid(client, wu, grid1, grid2, linjiang4):
    hydrant = facility(grid1, "hydrant", "临江路4幢东侧消防栓", building=linjiang4, condition="broken")
    facility(grid1, "canteen", "东麓池老年食堂", address="临江路6幢一楼", opening_hours="11:00–12:30")
    other = facility(grid2, "aed", "第二网格AED", address="东藩路8号")
    client.force_login(wu)
    page = client.get(reverse("facility_list")).content.decode()
    assert "东麓池老年食堂" in page and "11:00–12:30" in page and "损坏" in page
    assert "第二网格AED" not in page
    assert client.get(other.get_absolute_url()).status_code == 404
    detail = client.get(hydrant.get_absolute_url()).content.decode()
    assert "报告隐患" in detail and "损坏" in detail


def test_a_broken_facility_becomes_a_hazard_in_one_tap(client, wu, grid1, linjiang4):
    hydrant = facility(grid1, "hydrant", "临江路4幢东侧消防栓", building=linjiang4, condition="broken")
    client.force_login(wu)
    url = reverse("hazard_create", args=[grid1.pk]) + f"?facility={hydrant.pk}"
    assert url.replace("&", "&amp;") in client.get(hydrant.get_absolute_url()).content.decode()
    form = client.get(url).content.decode()
    assert "消防栓：临江路4幢东侧消防栓" in form
    kind = FacilityKind.objects.get(code="hydrant")
    response = client.post(
        url,
        {"building": linjiang4.pk, "place": "消防栓：临江路4幢东侧消防栓", "kind": _hazard_kind("facility"),
         "risk": "high", "description": "消防栓无水，阀门锈死。"},
    )  # fmt: skip
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.building == linjiang4 and hazard.kind.code == "facility" and kind.name in hazard.place


def test_another_grids_facility_by_forged_id_is_404(client, wu, grid1, grid2):
    other = facility(grid2, "aed", "第二网格AED", address="东藩路8号")
    client.force_login(wu)
    assert client.get(reverse("hazard_create", args=[grid1.pk]) + f"?facility={other.pk}").status_code == 404


def _hazard_kind(code):
    from visits.hazard_models import HazardKind

    return HazardKind.objects.get(code=code).pk


def test_the_list_costs_the_same_queries_for_more_facilities(
    client, wu, grid1, linjiang4, django_assert_max_num_queries
):
    client.force_login(wu)
    for n in range(3):
        facility(grid1, "extinguisher", f"灭火器点{n}", building=linjiang4)
    client.get(reverse("facility_list"))
    with django_assert_max_num_queries(8):
        client.get(reverse("facility_list"))
    for n in range(30):
        facility(grid1, "hydrant", f"消防栓{n}", building=linjiang4)
    with django_assert_max_num_queries(8):
        assert "消防栓29" in client.get(reverse("facility_list")).content.decode()
