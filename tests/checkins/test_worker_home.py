"""Wu's home page is his day in about two phone screens (issue 13, item 2): sections with counts,
most urgent first — overdue, due today, his open cases, cases to verify, who has not been seen
the longest, today's visits — each with its first rows riskiest first, a link to the full list,
one h1, and "my grid" in the menu of every page. However much is due, the page shows a few rows
and a count, and costs the same queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Department, DepartmentKind
from gridapp.models import ResidentCategoryLink, RoleKind
from gridapp.pages.worker_day import FEW, ROWS
from visits import checkins
from visits.models import CareAssignment, FollowUp

from ..cases.conftest import act, report, walk_to
from ..factories import GridFactory, HouseholdFactory, ResidentFactory, ShopFactory, UserFactory, give_role
from ..visits.conftest import log
from .conftest import care, cared_resident, days_ago

ORDER = ["overdue", "today", "cases", "verify", "unseen", "visits"]


def day(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def sections(response):
    return {section.key: section for section in response.context["sections"]}


def follow_up(wu, *, due_on, household=None, shop=None, what="回访"):
    visit = log(wu, household=household, shop=shop, visited_at=timezone.now() - datetime.timedelta(days=10))
    return FollowUp.objects.create(visit=visit, grid=visit.grid, what=what, due_on=due_on, assignee=wu)


def many_due(grid, level, n, *, assigned_on):
    """``n`` residents of ``grid`` with ``level``, never seen, due since ``assigned_on``."""
    residents = [ResidentFactory(household=HouseholdFactory(grid=grid), name=f"待探访{i}") for i in range(n)]
    CareAssignment.objects.bulk_create(
        CareAssignment(resident=r, level=level, assigned_on=assigned_on) for r in residents
    )
    checkins.refresh_due(CareAssignment.objects.filter(resident__in=residents))
    return residents


@pytest.fixture
def people(wu, staff, dongluchi):
    police = Department.objects.create(town=dongluchi.town, name="临浦派出所", kind=DepartmentKind.POLICE)
    officer = UserFactory(username="officer")
    police.members.add(officer)
    return {"wu": wu, "staff": staff, "officer": officer, "police": police}


def case_in(people, grid, state, title):
    return walk_to(
        state,
        people={k: people[k] for k in ("wu", "staff", "officer")},
        police=people["police"],
        grid=grid,
        title=title,
    )


# --- sections, counts, order ------------------------------------------------------------------


def test_the_sections_come_most_urgent_first_with_one_h1(client, wu, ren_cared):
    response = day(client, wu)
    assert [s.key for s in response.context["sections"]] == ORDER
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    titles = [html.index(f'id="day-{key}"') for key in ORDER]
    assert titles == sorted(titles)  # on the page in the same order


def test_overdue_lists_follow_ups_first_then_check_ins_riskiest_first(client, wu, grid1, ren_cared, monthly, weekly):
    care(ren_cared, weekly, assigned_on=days_ago(2))  # 86, alone, on a ventilator, weekly: 2 days overdue
    older = cared_resident(
        grid1, "九旬老人", monthly, assigned_on=days_ago(20), date_of_birth=datetime.date(1932, 1, 1)
    )
    cared_resident(grid1, "孙阿婆", monthly, assigned_on=days_ago(9))
    ventilator = follow_up(wu, household=ren_cared.household, due_on=days_ago(1), what="回访呼吸机维修情况")
    cared_resident(grid1, "今天到期", monthly)

    overdue = sections(day(client, wu))["overdue"]
    assert overdue.count == 4  # the follow-up and three check-ins
    assert [row.label for row in overdue.rows] == ["回访呼吸机维修情况", "任爱香", "九旬老人"]
    assert overdue.rows[0].url == reverse("visit_household", args=[ren_cared.household.pk])
    assert overdue.rows[1].url == reverse("visit_household", args=[ren_cared.household.pk])
    assert overdue.rows[2].url == reverse("visit_household", args=[older.household.pk])
    assert [row.when for row in overdue.rows] == ["已超期 1 天", "已超期 2 天", "已超期 20 天"]
    assert "依赖医疗设备" in overdue.rows[1].detail
    assert [label for label, _ in overdue.links] == ["全部 3 人待探访", "全部 1 项跟进事项"]
    assert ventilator in day(client, wu).context["follow_ups_due"]


def test_due_today_comes_after_overdue_and_before_cases(client, wu, grid1, monthly, people):
    cared_resident(grid1, "今天到期", monthly)
    follow_up(wu, shop=ShopFactory(grid=grid1, name="东炉池便利店"), due_on=timezone.localdate(), what="复查灭火器")
    case_in(people, grid1, "handling", "楼道堆物")
    response = day(client, wu)
    today = sections(response)["today"]
    assert today.count == 2
    assert [row.label for row in today.rows] == ["复查灭火器", "今天到期"]
    assert today.rows[0].detail.startswith("东炉池便利店")
    assert [row.when for row in today.rows] == ["今天到期", "今天到期"]
    html = response.content.decode()
    assert html.index("复查灭火器") < html.index("楼道堆物")


def test_a_grid_with_200_due_check_ins_shows_three_rows_and_the_count(client, wu, grid1, monthly):
    many_due(grid1, monthly, 200, assigned_on=days_ago(3))
    response = day(client, wu)
    overdue = sections(response)["overdue"]
    assert overdue.count == 200 and len(overdue.rows) == ROWS
    assert len(response.context["checkins_due"]) == ROWS
    html = response.content.decode()
    assert "全部 200 人待探访" in html and f'href="{reverse("checkins")}"' in html
    assert len(re.findall(r"待探访\d+", html)) == ROWS  # the rest are on the full list, not here


def test_cases_and_cases_to_verify_are_counted_and_bounded(client, wu, grid1, people):
    for n in range(5):
        case_in(people, grid1, "handling", f"在办事件{n}")
        case_in(people, grid1, "resolved", f"待核查{n}")
    by_wu = act(report(wu, grid1, title="吴自己处置"), "register", people["staff"])
    by_wu = act(act(by_wu, "take", wu), "resolve", wu, note="已修好")  # resolved by Wu: not his to check
    found = sections(day(client, wu))
    assert (found["cases"].count, len(found["cases"].rows)) == (5, ROWS)
    assert (found["verify"].count, len(found["verify"].rows)) == (5, FEW)
    assert all(row.url.startswith("/cases/") for row in found["cases"].rows + found["verify"].rows)
    assert found["verify"].links == [("全部待核查事件", f"{reverse('case_queue')}?state=resolved")]


def test_not_seen_the_longest_leaves_out_those_already_due(client, wu, grid1, monthly):
    due = cared_resident(grid1, "已到期", monthly, assigned_on=days_ago(5))
    ResidentCategoryLink.objects.create(resident=due, category="elderly_alone")
    later = ResidentFactory(household=HouseholdFactory(grid=grid1), name="还没到期")
    ResidentCategoryLink.objects.create(resident=later, category="empty_nest")
    care(later, monthly)
    log(
        wu,
        household=later.household,
        visited_at=timezone.now() - datetime.timedelta(days=9),
        conditions={later: "well"},
    )
    unseen = sections(day(client, wu))["unseen"]
    assert [row.label for row in unseen.rows] == ["还没到期"]
    assert unseen.rows[0].when == "9 天前见过"


def test_an_empty_day_says_so(client, wu):
    response = day(client, wu)
    assert all(s.rows == [] for s in response.context["sections"])
    html = response.content.decode()
    assert "没有超期的事项。" in html and "今天没有到期的事项。" in html


# --- query count --------------------------------------------------------------------------------


class WusDay:
    """``n`` of everything on Wu's day: check-ins overdue and due today, follow-ups overdue and
    due today, open cases, cases to verify, residents not seen, visits today."""

    def __init__(self, wu, grid, level, people):
        self.wu, self.grid, self.level, self.people, self.n = wu, grid, level, people, 0

    def grow_to(self, n):
        for i in range(self.n, n):
            many_due(self.grid, self.level, 1, assigned_on=days_ago(2))
            many_due(self.grid, self.level, 1, assigned_on=timezone.localdate())
            shop = ShopFactory(grid=self.grid)
            follow_up(self.wu, shop=shop, due_on=days_ago(1))
            follow_up(self.wu, shop=shop, due_on=timezone.localdate())
            case_in(self.people, self.grid, "handling", f"在办{i}")
            case_in(self.people, self.grid, "resolved", f"核查{i}")
            resident = ResidentFactory(household=HouseholdFactory(grid=self.grid))
            ResidentCategoryLink.objects.create(resident=resident, category="elderly_alone")
            log(self.wu, shop=shop)
        self.n = n


def test_the_day_costs_the_same_queries_for_1_and_25_of_everything(
    client, wu, grid1, monthly, people, django_assert_num_queries
):
    world = WusDay(wu, grid1, monthly, people)
    world.grow_to(1)
    client.force_login(wu)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    budget = 18
    assert len(one.captured_queries) == budget
    world.grow_to(25)
    with django_assert_num_queries(budget):
        response = client.get(reverse("home"))
    counts = {s.key: s.count for s in response.context["sections"]}
    assert counts == {"overdue": 50, "today": 50, "cases": 25, "verify": 25, "unseen": None, "visits": 25}
    assert all(len(s.rows) <= ROWS for s in response.context["sections"])


# --- my grid, the menu -----------------------------------------------------------------------------


def worker_pages(ren_cared):
    return [
        reverse("home"),
        reverse("checkins"),
        reverse("follow_ups"),
        reverse("case_queue"),
        reverse("inbox"),
        reverse("campaign_list"),
        reverse("household_detail", args=[ren_cared.household.pk]),
        reverse("visit_household", args=[ren_cared.household.pk]),
        reverse("resident_detail", args=[ren_cared.pk]),
    ]


def test_my_grid_is_in_the_menu_on_every_page(client, wu, grid1, ren_cared):
    client.force_login(wu)
    link = f'id="nav-my-grid" href="{reverse("grid_detail", args=[grid1.pk])}"'
    for url in worker_pages(ren_cared):
        assert link in client.get(url).content.decode(), url


def test_a_worker_of_two_grids_chooses_on_the_home_page(client, wu, dongluchi, ren_cared):
    give_role(wu, RoleKind.GRID_WORKER, grid=GridFactory(community=dongluchi, number=3, name="第三网格"))
    client.force_login(wu)
    html = client.get(reverse("checkins")).content.decode()
    assert f'id="nav-my-grid" href="{reverse("home")}#my-grids"' in html
    home = client.get(reverse("home")).content.decode()
    assert 'id="my-grids"' in home and "第三网格" in home


def test_the_menu_of_a_worker_holds_what_a_worker_uses(client, wu):
    client.force_login(wu)
    html = client.get(reverse("home")).content.decode()
    menu = html[html.index('id="nav"') : html.index("</ul>", html.index('id="nav"'))]
    for url in ("home", "checkins", "follow_ups", "case_queue", "campaign_list"):
        assert f'href="{reverse(url)}"' in menu, url
    for url in ("case_measures", "visit_weekly", "access_log"):
        assert f'href="{reverse(url)}"' not in menu, url


def test_staff_have_no_my_grid_and_keep_their_home(client, staff, grid1, grid2):
    client.force_login(staff)
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert 'id="nav-my-grid"' not in html
    assert "sections" not in response.context
    assert len(re.findall(r"<h1[\s>]", html)) == 1 and "第一网格" in html and "第二网格" in html
