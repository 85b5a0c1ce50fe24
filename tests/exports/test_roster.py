"""Story 6: before a typhoon, staff pull the vulnerable residents by building, to print."""

import datetime

import pytest
from django.utils import timezone

from gridapp.exports.roster import born_on_or_before, natural_key
from gridapp.models import DataAccess, DataAccessLog, HouseholdTag, HouseholdTagLink, PersonCategory

from ..factories import BuildingFactory, HouseholdFactory, ResidentFactory
from .conftest import XLSX, categorise, rows, workbook, zh

ROSTER = "/exports/typhoon-roster/"


def years_ago(years, days=0):
    return born_on_or_before(timezone.localdate(), years) + datetime.timedelta(days=days)


@pytest.fixture
def street(register, grid1, linjiang4, zhishan4):
    """Residents of Grid 1 in three buildings and a bungalow without one."""
    linjiang10 = BuildingFactory(grid=grid1, road="临江路", number="10")

    def resident(building, room, name, born, *categories, address=""):
        household = HouseholdFactory(
            grid=grid1, building=building, unit="1" if building else "", room=room, address=address or "x"
        )
        if building:
            household.address = household.compose_address()
            household.save()
        r = ResidentFactory(household=household, name=name, date_of_birth=born)
        categorise(r, *categories)
        return r

    people = {
        "turns80": resident(zhishan4, "101", "今天八十", years_ago(80)),
        "is79": resident(zhishan4, "102", "七十九岁", years_ago(80, days=1)),
        "disabled": resident(linjiang10, "201", "轮椅使用者", datetime.date(1970, 1, 1), PersonCategory.DISABLED),
        "alone_tag": resident(linjiang4, "502", "独居户", datetime.date(1955, 6, 1)),
        "bungalow": resident(None, "", "平房老人", datetime.date(1938, 2, 2), address="峙山北路后排平房3号"),
        "young": resident(linjiang4, "601", "年轻人", datetime.date(1995, 1, 1)),
    }
    HouseholdTagLink.objects.create(household=people["alone_tag"].household, tag=HouseholdTag.LIVING_ALONE)
    return people


def _roster(client, **data):
    return client.post(ROSTER, {"reason_choice": "typhoon", **data}, REMOTE_ADDR="10.9.8.7")


def test_who_is_on_the_roster(client, staff, street, grid1):
    client.force_login(staff)
    response = _roster(client, grid=grid1.pk)
    assert response.status_code == 200
    names = [row.resident.name for s in response.context["sections"] for row in s.rows]
    assert set(names) == {"任爱香", "今天八十", "轮椅使用者", "独居户", "平房老人"}
    assert "七十九岁" not in names and "年轻人" not in names


def test_grouped_by_building_road_then_number_in_number_order(client, staff, street, grid1):
    client.force_login(staff)
    sections = _roster(client, grid=grid1.pk).context["sections"]
    assert [s.title for s in sections] == ["临江路4幢", "临江路10幢", "峙山北路4幢", zh("Other addresses")]
    first = sections[0]
    assert [row.place for row in first.rows] == ["1单元302室", "1单元502室"]
    assert [row.resident.name for row in sections[-1].rows] == ["平房老人"]


def test_each_row_says_why_and_how_to_reach_them(client, staff, street, grid1):
    client.force_login(staff)
    ren_row = _roster(client, grid=grid1.pk).context["sections"][0].rows[0]
    assert ren_row.resident.name == "任爱香"
    assert ren_row.reasons[0] == "独居老人"
    assert ren_row.reasons[-1] == "依赖医疗设备"
    assert ren_row.health_notes == "依赖家用呼吸机"
    page = _roster(client, grid=grid1.pk).content.decode()
    assert "13812345678" in page  # the full mobile: the roster exists to call them
    assert "周建明" in page and "13900001111" in page
    assert register_id_absent(page, street)


def register_id_absent(page, street):
    return all(r.id_number not in page for r in street.values())


def test_the_page_is_print_ready(client, staff, street, grid1):
    client.force_login(staff)
    page = _roster(client, grid=grid1.pk).content.decode()
    assert page.count('class="roster-building"') == 4
    assert page.count("<thead>") == 4
    assert "/static/css/print.css" in page
    assert "data-print" in page and "<script>" not in page  # the print button is a static script
    with open("static/css/print.css", encoding="utf-8") as css:
        rules = css.read()
    assert "@page { size: A4; margin: 12mm; }" in rules
    assert ".roster-building + .roster-building { break-before: page;" in rules
    assert "thead { display: table-header-group; }" in rules
    assert "break-inside: avoid" in rules


def test_viewing_the_roster_is_logged(client, staff, street, grid1):
    client.force_login(staff)
    _roster(client, grid=grid1.pk)
    entry = DataAccessLog.objects.get()
    assert (entry.user, entry.action, entry.community, entry.ip_address) == (
        staff,
        DataAccess.EXPORT,
        grid1.community,
        "10.9.8.7",
    )
    assert entry.reason == zh("Typhoon and flood preparation")
    assert entry.subject.startswith("东麓池社区第一网格 · ")
    assert entry.row_count == 5


def test_the_roster_as_xlsx(client, staff, street, grid1):
    client.force_login(staff)
    response = _roster(client, grid=grid1.pk, format="xlsx")
    assert response["Content-Type"] == XLSX
    ws = workbook(response).active
    values = rows(ws)
    assert values[2][0] == "临江路4幢"  # the first building's heading
    assert [r[1] for r in values[3:5]] == ["任爱香", "独居户"]
    assert values[3][5] == "13812345678"
    assert values[3][10] == "依赖家用呼吸机"
    # Each building after the first starts a new printed page; the header row repeats.
    assert len(ws.row_breaks.brk) == 3
    assert ws.print_title_rows == "$2:$2"
    assert DataAccessLog.objects.get().subject.endswith("(.xlsx)")


def test_admins_get_the_roster_without_health_notes(client, admin_user, street, grid1):
    """Health notes are for the grid's workers and the community's staff (scope.can_see_health_notes)."""
    client.force_login(admin_user)
    page = _roster(client, grid=grid1.pk).content.decode()
    assert "任爱香" in page and "依赖家用呼吸机" not in page


def test_the_community_roster_covers_both_grids_only(client, staff, street, register, dongluchi, grid2):
    old = HouseholdFactory(grid=grid2, address="通一路3号")
    ResidentFactory(household=old, name="九十老人", date_of_birth=datetime.date(1930, 1, 1))
    client.force_login(staff)
    names = [r.resident.name for s in _roster(client, community=dongluchi.pk).context["sections"] for r in s.rows]
    assert "九十老人" in names and "任爱香" in names and "沈阿大" not in names


def test_archived_residents_are_left_out(client, staff, street, grid1):
    street["turns80"].archived_at = timezone.now()
    street["turns80"].save()
    client.force_login(staff)
    names = [r.resident.name for s in _roster(client, grid=grid1.pk).context["sections"] for r in s.rows]
    assert "今天八十" not in names


def test_the_form_has_typhoon_chosen_already(client, staff, grid1):
    client.force_login(staff)
    form = client.get(f"{ROSTER}?grid={grid1.pk}").context["form"]
    assert form["reason_choice"].value() == "typhoon" and form.initial["grid"] == grid1.pk


def test_natural_order():
    assert sorted(["10", "4", "4-1", "2"], key=natural_key) == ["2", "4", "4-1", "10"]


def test_born_on_29_february():
    assert born_on_or_before(datetime.date(2028, 2, 29), 80) == datetime.date(1948, 2, 29)
    assert born_on_or_before(datetime.date(2026, 2, 28), 80) == datetime.date(1946, 2, 28)
