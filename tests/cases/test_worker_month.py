"""A worker's month (工作台账), November 2026, read on Saturday 5 December at noon in Shanghai.

Wu works Grid 1; Ren (weekly check-ins since 1 October) and Li (a care level set on 25
November) live there. All times are Shanghai's unless they say UTC.

Visits by Wu (V0 and V4 are outside November):
  V0  28 Oct 10:00  Ren seen          → check-in due 4 Nov
  Vb   1 Nov 01:00  (31 Oct 17:00 UTC) Li's household, Li seen → November; Li's level is later
  V1   4 Nov 23:30  Ren seen          → 4 Nov done on time; next due 11 Nov
  L   10 Nov 10:00  Li seen           → due 17 Nov, before Li's level was set: not counted
  V2  13 Nov 09:00  Ren seen          → 11 Nov done late; superseded the same day by V2b
  V2b 13 Nov 15:00  Ren seen          → due 20 Nov
  S   15 Nov 10:00  the shop
  N   24 Nov 10:00  Ren not at home   → closes nothing
  V3  20 Nov 23:59  Ren seen          → 20 Nov on time; next due 27 Nov
  V4   1 Dec 00:30  (30 Nov 16:30 UTC) Ren seen → 27 Nov done late; a December visit
So: 8 visits, 2 households, 1 shop; check-ins due 4, on time 2, late 2.

Follow-ups assigned to Wu: due 10 Nov closed 10 Nov 23:00 (on time); due 15 Nov closed 16 Nov
00:30 (15 Nov 16:30 UTC: late); due 30 Nov open; due 2 Dec (December). So 3 due, 1 on time.

Cases of Grid 1 (a two-day category): A reported by Wu 2 Nov, settled at once, satisfied; B
reported by Wu 20 Nov, registered, open; C reported by staff 5 Nov, settled by Wu 8 Nov (late),
unsatisfied; D reported by Wu 31 Oct 23:30 (October), due 2 Nov, open. Chen's case in Grid 2 is not Wu's.
"""

import datetime
import uuid
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cases import measures
from cases.models import Category
from gridapp.models import DataAccessLog, Grid, RoleKind
from visits.models import CareAssignment, CareLevel
from visits.services import NewFollowUp, complete_follow_up, log_visit

from ..factories import HouseholdFactory, ResidentFactory, ShopFactory, UserFactory, give_role
from .conftest import act, report

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=SHANGHAI)


def at(month, day, hour=9, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def visit(worker, when, *, household=None, shop=None, seen=(), condition="well", follow_up=None):
    with time_machine.travel(when, tick=False):
        v, _ = log_visit(
            worker=worker,
            client_id=uuid.uuid4(),
            visited_at=when,
            household=household,
            shop=shop,
            conditions=dict.fromkeys(seen, condition),
            follow_up=follow_up,
        )
    return v


def close(follow_up, by, when):
    with time_machine.travel(when, tick=False):
        complete_follow_up(follow_up=follow_up, by=by, outcome="已修好", visit=None)


@pytest.fixture
def november(wu, chen, staff, grid1, grid2, ren):
    weekly = CareLevel.objects.create(name="每周（台账测试）", cadence_days=7, grace_days=2)
    CareAssignment.objects.create(resident=ren, level=weekly, assigned_on=datetime.date(2026, 10, 1))
    li_home = HouseholdFactory(grid=grid1, address="峙山北路4幢1单元101室")
    li = ResidentFactory(household=li_home, name="李秀英")
    CareAssignment.objects.create(resident=li, level=weekly, assigned_on=datetime.date(2026, 11, 25))
    shop = ShopFactory(grid=grid1, name="东麓池便利店")
    home = ren.household

    visit(wu, at(10, 28, 10), household=home, seen=[ren])  # V0
    visit(wu, datetime.datetime(2026, 10, 31, 17, 0, tzinfo=datetime.UTC), household=li_home, seen=[li])  # Vb
    f1 = visit(wu, at(11, 4, 23, 30), household=home, seen=[ren], follow_up=NewFollowUp("送药", at(11, 10).date(), wu))
    visit(wu, at(11, 10, 10), household=li_home, seen=[li])  # L
    f2 = visit(wu, at(11, 13), household=home, seen=[ren], follow_up=NewFollowUp("修呼吸机", at(11, 15).date(), wu))
    visit(wu, at(11, 13, 15), household=home, seen=[ren], follow_up=NewFollowUp("回访", at(11, 30).date(), wu))
    visit(wu, at(11, 15, 10), shop=shop, follow_up=NewFollowUp("复查灭火器", at(12, 2).date(), wu))
    visit(wu, at(11, 24, 10), household=home, seen=[ren], condition="not_home")  # N
    visit(wu, at(11, 20, 23, 59), household=home, seen=[ren])  # V3
    visit(wu, datetime.datetime(2026, 11, 30, 16, 30, tzinfo=datetime.UTC), household=home, seen=[ren])  # V4
    visit(chen, at(11, 6), household=HouseholdFactory(grid=grid2), seen=[])
    close(f1.follow_ups.get(), wu, at(11, 10, 23))
    close(f2.follow_ups.get(), wu, datetime.datetime(2026, 11, 15, 16, 30, tzinfo=datetime.UTC))

    two_days = Category.objects.create(name="两日办结", hours_normal=48)

    def case(by, grid, when, steps=()):
        with time_machine.travel(when, tick=False):
            c = report(by, grid, category=two_days)
        for action, who, moment, given in steps:
            with time_machine.travel(moment, tick=False):
                act(c, action, who, **given)
        return c

    case(wu, grid1, at(11, 2), [
        ("register", wu, at(11, 2, 10), {}),
        ("settle", wu, at(11, 2, 12), {}),
        ("feedback", wu, at(11, 3), {"satisfaction": "satisfied"}),
    ])  # fmt: skip
    case(wu, grid1, at(11, 20), [("register", wu, at(11, 20, 10), {})])
    case(staff, grid1, at(11, 5), [
        ("register", staff, at(11, 5, 10), {}),
        ("take", wu, at(11, 5, 11), {}),
        ("settle", wu, at(11, 8), {}),
        ("feedback", wu, at(11, 9), {"satisfaction": "unsatisfied"}),
    ])  # fmt: skip
    case(wu, grid1, at(10, 31, 23, 30))
    case(chen, grid2, at(11, 12), [("register", chen, at(11, 12, 10), {})])


def month_page(client, user, pk, month="2026-11", status=200):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("person_month", args=[pk]), {"month": month})
    assert response.status_code == status
    return response


def figures(response):
    return {f["measure"].key: (f["value"], f["total"]) for f in response.context["figures"]}


def test_wus_november_on_a_known_month(client, november, staff, wu):
    got = figures(month_page(client, staff, wu.pk))
    assert got["visits"] == (8, None)
    assert got["households"] == (2, None)
    assert got["shops"] == (1, None)
    assert got["checkins_due"] == (4, None)
    assert got["checkins_on_time"] == (2, 4)
    assert got["checkins_late"] == (2, 4)
    assert got["follow_ups_due"] == (3, None)
    assert got["follow_ups_on_time"] == (1, 3)
    assert got["cases_reported"] == (2, None)
    assert got["cases_closed_at_grid"] == (2, 2)
    assert got["cases_due"] == (4, None)  # A, B, C and D (due 2 Nov, two days after it was reported)
    assert got["cases_closing"] == (2, 4)
    assert got["cases_on_time"] == (1, 4)
    assert got["satisfied"] == (1, 2)


def test_the_case_figures_agree_with_the_measures_page(client, november, staff, wu, grid1):
    got = figures(month_page(client, staff, wu.pk))
    start, end = at(11, 1, 0), at(12, 1, 0)
    with time_machine.travel(NOW, tick=False):
        grid = measures.compute(Grid.objects.filter(pk=grid1.pk), start, end, NOW).total
    assert (got["cases_due"][0], got["cases_closing"][0], got["cases_on_time"][0]) == (
        grid.due,
        grid.closed,
        grid.closed_on_time,
    )
    assert got["satisfied"] == (grid.satisfied, grid.feedback)


def test_the_page_shows_each_figure_with_its_definition_and_the_months_around(client, november, staff, wu):
    response = month_page(client, staff, wu.pk)
    page = response.content.decode()
    assert "50% <span" in page  # check-ins on time: 2 of 4
    assert page.count("How it is counted") == len(response.context["figures"])
    assert "seen again on or before the due date" in page
    assert "?month=2026-10" in page and "?month=2026-12" in page
    assert "Patrols and building coverage are not recorded yet" in page
    assert reverse("case_measures") + "?start=2026-11-01&amp;end=2026-11-30" in page


def test_december_is_still_running_and_counts_up_to_today(client, november, staff, wu):
    response = month_page(client, staff, wu.pk, month="2026-12")
    got = figures(response)
    assert got["visits"] == (1, None)  # V4, 1 Dec 00:30 in Shanghai (30 Nov in UTC)
    assert got["follow_ups_due"] == (1, None)  # due 2 Dec, still open
    assert got["follow_ups_on_time"] == (0, 1)
    # Ren is next due on 8 December (V4 + 7 days), after today; Li's due date (17 November)
    # came before her level was set.
    assert got["checkins_due"] == (0, None)
    assert response.context["month"].next is None


@pytest.mark.parametrize("month", ["2026-13", "nonsense", "", "9999-01", "２０２６-11"])
def test_a_month_that_is_no_month_is_this_month(client, november, staff, wu, month):
    response = month_page(client, staff, wu.pk, month=month)
    assert response.context["month"].key == "2026-12"


def test_who_reads_whose_month(client, november, wu, chen, staff, zhao, admin_user, other_grid):
    month_page(client, wu, wu.pk)  # one's own
    month_page(client, admin_user, wu.pk)
    month_page(client, chen, wu.pk, status=404)  # a colleague of the next grid
    month_page(client, wu, chen.pk, status=404)
    month_page(client, zhao, wu.pk, status=404)  # another community's staff
    month_page(client, staff, staff.pk, status=404)  # staff are not grid workers
    stranger = give_role(UserFactory(username="pn_worker"), RoleKind.GRID_WORKER, grid=other_grid)
    month_page(client, staff, stranger.pk, status=404)
    month_page(client, staff, 10**12, status=404)
    wu.is_active = False
    wu.save()
    month_page(client, staff, wu.pk)  # a deactivated worker's record stays readable to the staff


def overview(client, user, params=None, status=200):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("community_month"), params or {"month": "2026-11"})
    assert response.status_code == status
    return response


def test_the_overview_lists_the_workers_by_grid_not_by_figures(client, november, wu, chen, staff, grid1):
    officer = give_role(UserFactory(username="officer"), RoleKind.GRID_WORKER, grid=grid1)
    officer.gridapp_roles.update(part_time=True)
    response = overview(client, staff)
    names = [row["worker"].user.username for row in response.context["rows"]]
    assert names == ["wu", "chen"]  # Grid 1, then Grid 2; the part-time officer is not listed
    wu_row = {f["measure"].key: f["value"] for f in response.context["rows"][0]["figures"]}
    assert wu_row["visits"] == 8 and wu_row["checkins_on_time"] == 2
    page = response.content.decode()
    assert reverse("person_month", args=[wu.pk]) + "?month=2026-11" in page
    assert reverse("worker_month_export") in page


def test_the_overview_is_the_staffs(client, november, wu, zhao, other_community, dongluchi):
    overview(client, wu, status=403)
    response = overview(client, zhao)
    assert response.context["community"] == other_community
    assert response.context["rows"] == []
    overview(client, zhao, {"community": str(dongluchi.pk)}, status=404)
    overview(client, zhao, {"community": "x"})  # not an id: their own community


def test_the_overviews_queries_do_not_grow_with_workers_or_records(
    client, november, staff, grid2, django_assert_num_queries
):
    client.force_login(staff)
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(OVERVIEW_QUERIES):
        client.get(reverse("community_month"), {"month": "2026-11"})
    for n in range(3):
        give_role(UserFactory(username=f"w{n}"), RoleKind.GRID_WORKER, grid=grid2)
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(reverse("community_month"), {"month": "2026-11"})
    assert len(response.context["rows"]) == 5


def test_the_workers_page_has_a_fixed_number_of_queries(client, november, staff, wu, django_assert_max_num_queries):
    client.force_login(staff)
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(QUERIES):
        client.get(reverse("person_month", args=[wu.pk]), {"month": "2026-11"})


# Session, user, scope, the worker's roles; visits, follow-ups, cases reported, check-ins (and the
# longest cadence) and the
# three queries of the case measures; the permissions (the export link, the menu) and the inbox's
# count. The overview reads the communities too, and the export permission.
QUERIES = 14
OVERVIEW_QUERIES = 16


def export(client, user, data):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.post(reverse("worker_month_export"), data)


def test_the_export_has_a_row_per_worker_and_the_definitions(client, november, staff, dongluchi, wu):
    from tests.exports.conftest import workbook

    data = {"community": dongluchi.pk, "month": "2026-11", "reason_choice": "report", "reason_text": "月度考核"}
    response = export(client, staff, data)
    assert response.status_code == 200
    book = workbook(response)
    sheet = book["Work record"]
    rows = list(sheet.iter_rows(values_only=True))
    assert "Work record 2026-11" in rows[0][0]
    header = rows[1]
    assert header[:3] == ("Worker", "Grids", "Visits")
    wu_row = dict(zip(header, rows[2], strict=True))
    assert wu_row["Visits"] == 8
    assert wu_row["Check-ins on time"] == 2
    assert wu_row["Check-ins on time (%)"] == 50.0
    assert wu_row["Follow-ups closed on time (%)"] == pytest.approx(33.3)
    assert rows[3][0] == "chen"
    definitions = [row[0] for row in book["How it is counted"].iter_rows(min_row=3, values_only=True)]
    assert "Check-ins due" in definitions and "Not recorded yet" in definitions
    entry = DataAccessLog.objects.get()
    assert entry.user == staff and entry.row_count == 2 and "Work record 2026-11" in entry.subject
    assert entry.reason.endswith("月度考核")


def test_the_export_refuses_what_is_not_asked_well(client, november, staff, wu, zhao, dongluchi):
    bad = export(client, staff, {"community": dongluchi.pk, "month": "2026-13", "reason_choice": "report"})
    assert bad.status_code == 400
    assert "YYYY-MM" in bad.content.decode()
    assert export(client, staff, {"community": dongluchi.pk, "month": "2026-11"}).status_code == 400
    assert (
        export(client, zhao, {"community": dongluchi.pk, "month": "2026-11", "reason_choice": "report"}).status_code
        == 400
    )
    assert (
        export(client, wu, {"community": dongluchi.pk, "month": "2026-11", "reason_choice": "report"}).status_code
        == 403
    )
    assert not DataAccessLog.objects.exists()


def test_the_page_speaks_chinese_by_default(client, november, staff, wu, settings):
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    page = month_page(client, staff, wu.pk).content.decode()
    assert "工作台账" in page and "按时探访" in page and "上个月" in page
    assert "巡查和楼栋覆盖率尚未记录" in page


def test_linked_from_the_workers_home_the_people_list_and_the_persons_page(client, november, wu, staff):
    client.force_login(wu)
    assert reverse("person_month", args=[wu.pk]) in client.get(reverse("home")).content.decode()
    client.force_login(staff)
    assert reverse("community_month") in client.get(reverse("people")).content.decode()
    assert reverse("community_month") in client.get(reverse("home")).content.decode()
    person = client.get(reverse("person_detail", args=[wu.pk])).content.decode()
    assert reverse("person_month", args=[wu.pk]) in person
