"""The printable case sheet (事件处理单): story 3 on one A4 page for the parties to sign, with
what the case page shows the one who prints it and nothing more, and each print in the
personal-data access log."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Case
from gridapp.core.display import mask_id, mask_phone
from gridapp.models import DataAccess, DataAccessLog

from ..factories import HouseholdFactory, ResidentFactory
from .conftest import act, member_of, report
from .test_query_counts import MANY, Timeline


@pytest.fixture
def upstairs(grid1, linjiang4):
    return HouseholdFactory(
        grid=grid1, building=linjiang4, unit="1", room="402", address="临江路4幢1单元402室", head_name="张磊"
    )


@pytest.fixture
def zhang(upstairs):
    return ResidentFactory(household=upstairs, name="张磊")


@pytest.fixture
def leak_case(wu, staff, ren, zhang, upstairs):
    """Story 3: Ren Aixiang complains of the leak from 402; Wu and Old Li settle it in the grid."""
    case = report(
        wu,
        ren.household.grid,
        title="楼上漏水至302室",
        complainant=ren,
        complainant_name="",
        complainant_phone="13812345678",
        households=[ren.household, upstairs],
    )
    case = act(case, "register", wu, public=True)
    case = act(case, "take", wu, public=True)
    act(case, "extend", staff, note="物业周五才能上门", public=False)  # internal: the office's own note
    services.record_mediation(
        case=Case.objects.get(pk=case.pk),
        by=wu,
        held_on=case.reported_at.date(),
        parties=[ren, zhang],
        other_parties="",
        mediators=[wu, staff],
        other_mediators="李烈鸿（网格党小组长）",
        outcome="agreed",
        agreement="402室当天修好水管，承担302室天花板修补费用",
    )
    return act(case, "settle", wu, note="双方达成协议，当场化解", public=True)


def print_sheet(client, case):
    response = client.post(reverse("case_sheet", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(page, start, end):
    return page[page.index(start) : page.index(end, page.index(start))]


def test_the_sheet_holds_the_case_for_the_parties_to_sign(client, leak_case, staff):
    client.force_login(staff)  # in Chinese, as printed at the office
    page = print_sheet(client, leak_case)
    assert "东麓池社区 · 事件处理单" in page
    assert leak_case.number in page and "楼上漏水至302室" in page
    facts = section(page, 'class="sheet-table sheet-facts"', "</table>")
    for shown in ("漏水渗水", "任爱香", "临江路4幢1单元302室、临江路4幢1单元402室", "已结案", "网格"):
        assert shown in facts, shown
    assert leak_case.due_at.astimezone().strftime("%Y-%m-%d %H:%M") in facts
    mediation = section(page, 'class="sheet-table sheet-mediation"', "</table>")
    assert "任爱香" in mediation and "张磊" in mediation and "达成协议" in mediation
    mediators = section(mediation, "调解人", "</tr>")
    assert "吴佳栋" in mediators and "李烈鸿（网格党小组长）" in mediators and ">wu<" not in mediators
    assert "402室当天修好水管" in mediation
    signatures = section(page, 'class="sheet-signatures"', "</section>")
    assert [s in signatures for s in ("当事人签字", "网格员签字", "日期")] == [True, True, True]


def test_only_the_timelines_public_entries_are_on_the_sheet(as_user, leak_case, staff):
    timeline = section(print_sheet(as_user(staff), leak_case), 'class="sheet-table sheet-timeline"', "</table>")
    steps = re.findall(r'<tr class="sheet-event">', timeline)
    assert len(steps) == leak_case.events.filter(public=True).count() == 5
    assert "Register · Reported → Registered" in timeline
    assert "Record a mediation</td>" in timeline  # the state did not change: no "→"
    assert "双方达成协议，当场化解" in timeline
    assert "物业周五才能上门" not in timeline and "Ask for more time" not in timeline  # internal


def test_the_sheet_masks_personal_data_as_the_case_page_does(as_user, leak_case, wu, ren, zhang):
    client = as_user(wu)
    page = client.get(leak_case.get_absolute_url()).content.decode()
    sheet = print_sheet(client, leak_case)
    for text in (page, sheet):
        assert mask_phone("13812345678") in text and "13812345678" not in text
        for resident in (ren, zhang):
            assert mask_id(resident.id_number) in text and resident.id_number not in text


@pytest.mark.parametrize("who", ["wu", "staff", "officer"])
def test_the_sheet_shows_no_more_than_the_case_page_shows_the_same_user(request, client, who, police):
    """Whatever masked number or name the sheet shows, the case page shows the same user."""
    staff = request.getfixturevalue("staff")
    case = act(request.getfixturevalue("leak_case"), "reopen", staff, note="投诉人不满意")
    case = act(case, "dispatch", staff, department=police)  # so that the police station sees it too
    user = request.getfixturevalue(who)
    client.force_login(user)
    page = client.get(case.get_absolute_url()).content.decode()
    sheet = print_sheet(client, case)
    masked = set(re.findall(r"\d{3,4}\*{4,}\d{3}[\dX]", sheet))
    assert masked <= set(re.findall(r"\d{3,4}\*{4,}\d{3}[\dX]", page))
    for name in ("任爱香", "张磊", "吴佳栋"):
        assert (name in sheet) <= (name in page), name


def test_a_department_prints_the_referred_case_without_id_numbers(client, leak_case, staff, officer, police, ren):
    case = act(act(leak_case, "reopen", staff, note="投诉人不满意"), "dispatch", staff, department=police)
    client.force_login(officer)
    sheet = print_sheet(client, case)
    assert "任爱香" in sheet and mask_phone("13812345678") in sheet
    assert mask_id(ren.id_number) not in sheet  # the case page shows a department no ID number either
    assert mask_id(ren.id_number) not in client.get(case.get_absolute_url()).content.decode()


def test_each_print_writes_one_access_log_entry(client, leak_case, wu, staff, ren):
    client.force_login(wu)
    print_sheet(client, leak_case)
    print_sheet(client, leak_case)
    entries = DataAccessLog.objects.filter(action=DataAccess.PRINT_CASE)
    assert entries.count() == 2
    entry = entries.first()
    assert (entry.user, entry.community, entry.resident, entry.reason, entry.ip_address) == (
        wu,
        leak_case.community,
        ren,
        "",
        "127.0.0.1",
    )
    assert entry.subject == f"{leak_case.number} 楼上漏水至302室"
    # The community's staff read it in the access log, in Chinese.
    client.force_login(staff)
    log = client.get(reverse("access_log")).content.decode()
    assert "吴佳栋 · 打印了事件处理单" in log and leak_case.number in log


def test_an_anonymous_complainant_is_not_named_in_the_log(client, wu, grid1, ren):
    case = report(wu, grid1, complainant=ren, complainant_name="", anonymous=True)
    client.force_login(wu)
    sheet = print_sheet(client, case)
    assert "任爱香" not in sheet and "匿名" in sheet
    assert DataAccessLog.objects.get(action=DataAccess.PRINT_CASE).resident is None


def test_another_grids_worker_gets_404_and_nothing_is_logged(client, leak_case, chen):
    client.force_login(chen)
    assert client.post(reverse("case_sheet", args=[leak_case.pk])).status_code == 404
    assert not DataAccessLog.objects.exists()


def test_a_department_prints_only_the_cases_referred_to_it(client, case_in, officer, construction, police, staff):
    planner = member_of(construction, "planner")
    dispatched = case_in("dispatched")
    client.force_login(officer)
    print_sheet(client, dispatched)
    client.force_login(planner)
    assert client.post(reverse("case_sheet", args=[dispatched.pk])).status_code == 404
    # Returned to the community, the case is no longer the police station's to print.
    act(dispatched, "return", officer)
    client.force_login(officer)
    assert client.post(reverse("case_sheet", args=[dispatched.pk])).status_code == 404
    assert DataAccessLog.objects.filter(action=DataAccess.PRINT_CASE).count() == 1


def test_the_sheet_is_printed_from_the_case_page_not_by_a_link(as_user, leak_case, wu):
    client = as_user(wu)
    page = client.get(leak_case.get_absolute_url()).content.decode()
    url = reverse("case_sheet", args=[leak_case.pk])
    assert f'<form method="post" action="{url}"' in page and "Print the case sheet" in page
    assert client.get(url).status_code == 405  # a link, a prefetch or a restored tab prints nothing
    assert not DataAccessLog.objects.exists()


SHEET_QUERIES = 16


def test_the_sheet_costs_the_same_for_1_and_20_entries(client, case_in, wu, staff, ren, django_assert_num_queries):
    case = case_in("handling", households=[ren.household], complainant=ren)
    world = Timeline(case, wu, staff, ren)  # extensions, assignments and mediations
    client.force_login(wu)
    url = reverse("case_sheet", args=[case.pk])
    world.grow_to(1)
    with CaptureQueriesContext(connection) as one:
        assert client.post(url).status_code == 200
    world.grow_to(MANY)
    with django_assert_num_queries(SHEET_QUERIES):
        assert client.post(url).status_code == 200
    assert len(one.captured_queries) == SHEET_QUERIES
