"""The hazard lists (the worker's grid, the staff's community with filters), their query counts,
and the typhoon roster's open flood and structural hazards beside the vulnerable residents."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.exports.conftest import rows, workbook
from tests.factories import BuildingFactory
from visits.hazards import services

from .conftest import kind, record

pytestmark = pytest.mark.django_db


def _rows(response):
    """The list's hazards as their links, in the page's order."""
    page = response.content.decode()
    return [
        part.split('"')[0] for part in page.split('href="/hazards/')[1:] if part.split('"')[0].rstrip("/").isdigit()
    ]


def test_the_worker_sees_his_grids_open_hazards_due_rechecks_first(client, wu, chen, grid1, grid2, linjiang4):
    later = record(wu, grid1, risk="low", building=linjiang4)
    sooner = record(wu, grid1, risk="high", place="河边护栏", code="flood")
    done = record(wu, grid1, risk="high", place="车棚")
    services.recheck(hazard=done, by=wu, result="rectified")
    record(chen, grid2, place="第二网格楼道")
    client.force_login(wu)
    response = client.get(reverse("hazard_list"))
    assert _rows(response) == [f"{sooner.pk}/", f"{later.pk}/"]
    every = client.get(reverse("hazard_list"), {"state": "all"})
    assert _rows(every) == [f"{sooner.pk}/", f"{later.pk}/", f"{done.pk}/"]


def test_staff_filter_the_communitys_hazards(client, staff, wu, chen, grid1, grid2):
    fire = record(wu, grid1, risk="high", place="消防通道", code="fire")
    gas = record(chen, grid2, risk="low", place="老旧燃气管", code="gas")
    overdue = record(
        chen,
        grid2,
        risk="medium",
        place="楼顶水箱",
        code="structure",
        found_at=timezone.now() - datetime.timedelta(days=30),
    )
    client.force_login(staff)
    assert set(_rows(client.get(reverse("hazard_list")))) == {f"{fire.pk}/", f"{gas.pk}/", f"{overdue.pk}/"}
    assert _rows(client.get(reverse("hazard_list"), {"kind": kind("gas").pk})) == [f"{gas.pk}/"]
    assert _rows(client.get(reverse("hazard_list"), {"risk": "high"})) == [f"{fire.pk}/"]
    assert _rows(client.get(reverse("hazard_list"), {"overdue": "on"})) == [f"{overdue.pk}/"]
    assert _rows(client.get(reverse("hazard_list"), {"state": "closed"})) == []
    assert client.get(reverse("hazard_list"), {"kind": "x", "risk": "<b>", "page": "-1"}).status_code == 200


def test_the_list_and_the_page_cost_the_same_queries_for_more_hazards(
    client, wu, grid1, linjiang4, django_assert_max_num_queries
):
    client.force_login(wu)
    for n in range(3):
        record(wu, grid1, building=linjiang4, place=f"{n}单元楼道")
    hazard = record(wu, grid1, building=linjiang4)
    services.recheck(hazard=hazard, by=wu, result="not_yet")
    client.get(reverse("hazard_list"))  # warm the session and the scope
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("hazard_list"))
    for n in range(25):
        record(wu, grid1, building=linjiang4, place=f"{n}号车棚")
        services.recheck(hazard=hazard, by=wu, result="not_yet")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("hazard_list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("hazard_detail", args=[hazard.pk])).status_code == 200


def test_the_typhoon_roster_lists_open_flood_and_structural_hazards_by_building(client, staff, wu, grid1, ren):
    zhishan4 = BuildingFactory(grid=grid1, road="峙山北路", number="4", year_built=1985)
    rail = record(wu, grid1, code="structure", building=zhishan4, place="3楼阳台护栏松动")
    record(wu, grid1, code="flood", building=ren.household.building, place="地下车库进水口")
    record(wu, grid1, code="fire", building=zhishan4, place="楼道堆放杂物")  # not a typhoon's concern
    fixed = record(wu, grid1, code="flood", building=zhishan4, place="排水沟堵塞")
    services.recheck(hazard=fixed, by=wu, result="rectified")
    client.force_login(staff)
    form = {"reason_choice": "typhoon", "grid": grid1.pk, "community": grid1.community_id}
    response = client.post("/exports/typhoon-roster/", form)
    page = response.content.decode()
    assert response.status_code == 200, page[:2000]
    assert "3楼阳台护栏松动" in page and "地下车库进水口" in page
    assert "楼道堆放杂物" not in page and "排水沟堵塞" not in page
    # 峙山北路4幢 has no vulnerable resident, but its loose rail still gets its section.
    zhishan = page.index("峙山北路4幢")
    assert zhishan < page.index("3楼阳台护栏松动")
    assert "任爱香" in page and page.index("地下车库进水口") < page.index("任爱香")
    sheet = workbook(client.post("/exports/typhoon-roster/", {**form, "format": "xlsx"})).active
    cells = [str(c) for row in rows(sheet) for c in row if c]
    assert any(rail.place in c and "房屋结构" in c for c in cells)
    assert not any("楼道堆放杂物" in c for c in cells)


def test_an_open_hazard_reads_to_be_rectified_in_chinese(client, wu, grid1, linjiang4):
    # "Open" alone is the catalogue's verb for opening a page (查看): a hazard's state has its own.
    hazard = record(wu, grid1, building=linjiang4)
    client.force_login(wu)
    for url in (reverse("hazard_list"), hazard.get_absolute_url()):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "待整改" in page
        assert ">查看<" not in page and "· 查看" not in page
