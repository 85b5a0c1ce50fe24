"""The measures staff watch, for March 2026 as seen on Friday 20 March at noon in Shanghai.

Every case goes through the real services at a known instant; a normal case is due 48 hours
after it is reported.

Grid 1 (Wu):
  A  reported 2 Mar 09:00, settled by Wu 12:00 (3 h, grid level), satisfied
  B  reported 5 Mar 09:00, resolved, failed verification, resolved again 8 Mar 09:00 (72 h),
     closed 8 Mar 11:00, a day late; basically satisfied
  E  reported 19 Mar 09:00, still reported                       (open 27 h)
  F  reported 20 Mar 08:00, registered                           (open 4 h)
  G  reported 3 Mar, rejected: never due
Grid 2 (Chen):
  C  reported 10 Mar 09:00, escalated, resolved by staff 11 Mar 09:00 (24 h, community level),
     closed on time; unsatisfied
  D  reported 12 Mar 09:00, dispatched to the police station     (open 8 days, overdue)
  I  reported 16 Mar 09:00, being handled                        (open 4 days, overdue)
Another community (Zhao): Z reported 5 Mar 09:00, settled at once.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from cases import measure_views
from cases.models import Case, Category, Department
from gridapp.models import RoleKind, Town

from ..factories import give_role
from .conftest import act, report

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 20, 12, 0, tzinfo=SHANGHAI)
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture(autouse=True)
def english(client, settings):
    """Read the page in English (the source strings), whatever the translations say."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def at(month, day, hour=9, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def two_days(db):
    return Category.objects.create(name="两日办结", hours_normal=48)


class Story:
    """Reports and moves cases through the real services (``conftest.report`` and ``act``),
    each at its own instant."""

    def __init__(self, category):
        self.category = category

    def report(self, by, grid, when):
        with time_machine.travel(when, tick=False):
            return report(by, grid, category=self.category)

    def act(self, case, action, by, when, **given):
        with time_machine.travel(when, tick=False):
            act(case, action, by, **given)


@pytest.fixture
def story(two_days):
    return Story(two_days)


@pytest.fixture
def march(story, wu, chen, staff, grid1, grid2, police):
    s = story
    a = s.report(wu, grid1, at(3, 2))
    s.act(a, "register", wu, at(3, 2, 10))
    s.act(a, "settle", wu, at(3, 2, 12))
    s.act(a, "feedback", wu, at(3, 3), satisfaction="satisfied")

    b = s.report(wu, grid1, at(3, 5))
    s.act(b, "register", wu, at(3, 5, 10))
    s.act(b, "take", wu, at(3, 5, 11))
    s.act(b, "resolve", wu, at(3, 6))
    s.act(b, "rework", staff, at(3, 6, 15))
    s.act(b, "resolve", wu, at(3, 8))
    s.act(b, "verify", staff, at(3, 8, 10))
    s.act(b, "close", staff, at(3, 8, 11))
    s.act(b, "feedback", wu, at(3, 9), satisfaction="basically")

    g = s.report(wu, grid1, at(3, 3))
    s.act(g, "reject", staff, at(3, 3, 10))

    c = s.report(chen, grid2, at(3, 10))
    s.act(c, "register", chen, at(3, 10, 9, 30))
    s.act(c, "take", chen, at(3, 10, 9, 45))
    s.act(c, "escalate", chen, at(3, 10, 10))
    s.act(c, "resolve", staff, at(3, 11))
    s.act(c, "verify", chen, at(3, 11, 10))
    s.act(c, "close", chen, at(3, 11, 11))
    s.act(c, "feedback", chen, at(3, 12), satisfaction="unsatisfied")

    d = s.report(chen, grid2, at(3, 12))
    s.act(d, "register", staff, at(3, 12, 10))
    s.act(d, "dispatch", staff, at(3, 12, 11), department=police)

    i = s.report(chen, grid2, at(3, 16))
    s.act(i, "register", chen, at(3, 16, 10))
    s.act(i, "take", chen, at(3, 16, 11))

    s.report(wu, grid1, at(3, 19))  # E
    f = s.report(wu, grid1, at(3, 20, 8))
    s.act(f, "register", wu, at(3, 20, 8, 30))


@pytest.fixture
def pu_nan(story, zhao, other_grid):
    """One case in Zhao's community, settled at once."""
    z = story.report(zhao, other_grid, at(3, 5))
    story.act(z, "register", zhao, at(3, 5, 10))
    story.act(z, "settle", zhao, at(3, 5, 11))


def page(client, user, params=None, *, status=200):
    with time_machine.travel(NOW, tick=False):
        client.force_login(user)
        response = client.get(reverse("case_measures"), params or {})
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def cards(response):
    return {card.label: (card.value, card.detail) for card in response.context["cards"]}


def rows(response, table=-1):
    _, _, lines = response.context["tables"][table]
    return {line.name: line for line in lines}


# --- the figures ------------------------------------------------------------------------


def test_staff_see_every_measure_of_their_community(client, march, staff):
    m = page(client, staff, MARCH).context["report"].total
    assert (m.due, m.closed, m.closed_on_time) == (7, 3, 2)  # G was rejected: never due
    assert (m.reworked, m.resolved) == (1, 3)  # A was settled: no verification to fail
    assert (m.satisfied, m.feedback) == (2, 3)
    assert (m.resolved_cases, m.mean_time_to_resolve) == (3, datetime.timedelta(hours=33))  # (3 + 72 + 24) / 3
    assert (m.closed_at_grid, m.closed_in_community, m.closed_in_period) == (2, 3, 3)
    assert m.open_by_state == {
        "reported": 1,
        "registered": 1,
        "handling": 1,
        "escalated": 0,
        "dispatched": 1,
        "resolved": 0,
        "verified": 0,
    }
    assert m.open_by_age == {"under_1": 1, "1_to_3": 1, "3_to_7": 1, "over_7": 1}
    assert (m.open, m.overdue) == (4, 2)


def test_the_headline_cards_show_each_rate(client, march, staff):
    assert cards(page(client, staff, MARCH)) == {
        "Closing rate": ("42.9%", "3 / 7"),
        "Closed on time": ("28.6%", "2 / 7"),
        "Rework rate": ("33.3%", "1 / 3"),
        "Satisfaction": ("66.7%", "2 / 3"),
        "Mean time to resolve": ("33 h", "3 cases resolved"),
        "Solved in the grid": ("66.7%", "2 / 3"),
        "Solved in the community": ("100%", "3 / 3"),
        "Open now": ("4", ""),
        "Overdue now": ("2", ""),
    }


def test_each_grid_has_its_own_row(client, march, staff):
    response = page(client, staff, MARCH)
    assert [heading for heading, _, _ in response.context["tables"]] == ["Per grid"]
    grid1, grid2 = rows(response)["第一网格"], rows(response)["第二网格"]
    assert vars(grid1) == {
        "name": "第一网格",
        "due": 4,
        "closing_rate": "50%",
        "on_time_rate": "25%",
        "rework_rate": "50%",
        "satisfaction_rate": "100%",
        "mean_time_to_resolve": "37.5 h",
        "grid_level_share": "100%",
        "community_level_share": "100%",
        "open": 2,
        "overdue": 0,
    }
    assert vars(grid2) == {
        "name": "第二网格",
        "due": 3,
        "closing_rate": "33.3%",
        "on_time_rate": "33.3%",
        "rework_rate": "0%",
        "satisfaction_rate": "0%",
        "mean_time_to_resolve": "24 h",
        "grid_level_share": "0%",
        "community_level_share": "100%",
        "open": 2,
        "overdue": 2,
    }


def test_the_table_is_in_the_html_without_javascript(client, march, staff):
    html = page(client, staff, MARCH).content.decode()
    assert ">第二网格</th>" in html
    assert "42.9%" in html


def test_the_chart_reads_its_data_from_a_json_script(client, march, staff):
    response = page(client, staff, MARCH)
    assert response.context["chart"]["counts"] == [1, 1, 1, 0, 1, 0, 0]
    html = response.content.decode()
    assert '<script id="open-cases-data" type="application/json">' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "js/measures.js" in html


def test_chart_js_is_loaded_on_the_measures_page_only(client, staff):
    with time_machine.travel(NOW, tick=False):
        client.force_login(staff)
        assert "chart.umd.min.js" not in client.get(reverse("case_queue")).content.decode()


def test_mean_time_to_resolve_is_in_days_from_two_days_on():
    with translation.override("en"):
        assert measure_views.duration(datetime.timedelta(hours=47)) == "47 h"
        assert measure_views.duration(datetime.timedelta(hours=60)) == "2.5 d"
        assert measure_views.duration(None) == "—"
    with translation.override("zh-hans"):
        assert measure_views.duration(datetime.timedelta(hours=60)) == "2.5 天"


# --- the period -------------------------------------------------------------------------


def test_this_month_is_the_default(client, march, staff):
    response = page(client, staff)
    assert response.context["period"] == "this_month"
    assert (response.context["first_day"], response.context["last_day"]) == (
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 31),
    )
    assert response.context["report"].total.due == 7


def test_a_case_due_at_the_end_instant_is_in_the_next_period(client, story, staff, grid1, wu):
    story.report(wu, grid1, at(2, 27, 0))  # due 1 March 00:00 in Shanghai: the first instant of March
    story.report(wu, grid1, at(3, 30, 0))  # due 1 April 00:00: the first instant after March
    with time_machine.travel(at(4, 5), tick=False):
        client.force_login(staff)
        march = client.get(reverse("case_measures"), {"period": "last_month"}).context
        april = client.get(reverse("case_measures"), {"period": "this_month"}).context
    assert (march["first_day"], march["last_day"]) == (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert (march["report"].total.due, april["report"].total.due) == (1, 1)


def test_custom_dates_include_the_last_day(client, story, staff, grid1, wu):
    story.report(wu, grid1, at(3, 8, 23, 59))  # due 10 March 23:59
    assert page(client, staff, {"start": "2026-03-10", "end": "2026-03-10"}).context["report"].total.due == 1
    assert page(client, staff, {"start": "2026-03-09", "end": "2026-03-09"}).context["report"].total.due == 0


@pytest.mark.parametrize(
    ("period", "first", "end"),
    [
        ("this_month", datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)),
        ("last_month", datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)),
        ("this_quarter", datetime.date(2026, 1, 1), datetime.date(2026, 4, 1)),
        ("this_year", datetime.date(2026, 1, 1), datetime.date(2027, 1, 1)),
    ],
)
def test_named_periods(period, first, end):
    assert measure_views.preset_days(period, datetime.date(2026, 3, 20)) == (first, end)


def test_last_month_in_january_is_december():
    assert measure_views.preset_days("last_month", datetime.date(2026, 1, 15)) == (
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
    )


def test_a_period_without_cases_shows_dashes(client, march, staff):
    response = page(client, staff, {"start": "2025-01-01", "end": "2025-01-31"})
    shown = cards(response)
    for label in ("Closing rate", "Closed on time", "Rework rate", "Satisfaction", "Mean time to resolve"):
        assert shown[label][0] == "—"
    assert shown["Solved in the grid"] == ("—", "0 / 0")
    assert shown["Open now"] == ("4", "")  # open cases are counted as of now, whatever the period
    assert rows(response)["第一网格"].closing_rate == "—"


def test_a_grid_without_cases_still_has_its_row(client, staff, grid1, grid2):
    assert set(rows(page(client, staff))) == {"第一网格", "第二网格"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-02-30", "end": "2026-03-31"}, "start"),
        ({"start": "yesterday", "end": "2026-03-31"}, "start"),
        ({"start": "2026-03-01", "end": "2026-02-28"}, "end"),  # the end before the start
        ({"start": "2026-03-01"}, "end"),
        ({"start": "", "end": ""}, "start"),
        ({"end": "2026-03-01"}, "start"),
        ({"start": "0001-01-01", "end": "2026-03-01"}, "start"),
        ({"start": "2026-03-01", "end": "9999-12-31"}, "end"),
        ({"period": "forever"}, "__all__"),
    ],
)
def test_a_bad_period_is_a_form_error(client, staff, params, field):
    response = page(client, staff, params, status=400)
    assert field in response.context["form"].errors
    assert "report" not in response.context
    assert 'class="invalid-feedback' in response.content.decode() or field == "__all__"


# --- who sees what ----------------------------------------------------------------------


def test_zhao_sees_none_of_dongluchis_figures(client, march, pu_nan, zhao):
    response = page(client, zhao, MARCH)
    assert set(rows(response)) == {"浦南第一网格"}
    total = response.context["report"].total
    assert (total.due, total.closed, total.open) == (1, 1, 0)
    assert "第一网格" not in response.content.decode().replace("浦南第一网格", "")


def test_staff_do_not_see_another_communitys_case(client, march, pu_nan, staff):
    response = page(client, staff, MARCH)
    assert response.context["report"].total.due == 7
    assert "浦南" not in response.content.decode()


def test_admin_sees_both_communities(client, march, pu_nan, admin_user):
    response = page(client, admin_user, MARCH)
    headings = [heading for heading, _, _ in response.context["tables"]]
    assert headings == ["Per community", "Per grid"]
    communities = rows(response, 0)
    assert set(communities) == {"东麓池社区", "浦南社区"}
    assert (communities["东麓池社区"].due, communities["东麓池社区"].closing_rate) == (7, "42.9%")
    assert (communities["浦南社区"].due, communities["浦南社区"].closing_rate) == (1, "100%")
    assert list(rows(response)) == ["第一网格", "第二网格", "浦南第一网格"]
    assert response.context["report"].total.due == 8


@pytest.mark.parametrize("who", ["wu", "chen"])
def test_grid_workers_may_not_see_the_measures(client, request, who):
    page(client, request.getfixturevalue(who), status=403)


def test_department_staff_may_not_see_the_measures(client, officer):
    page(client, officer, status=403)


def test_staff_who_also_work_a_grid_see_their_community(client, dongluchi, grid1, grid2, staff):
    give_role(staff, RoleKind.GRID_WORKER, grid=grid1)
    assert set(rows(page(client, staff))) == {"第一网格", "第二网格"}


def test_the_navbar_links_the_page_for_staff_only(client, staff, wu):
    with time_machine.travel(NOW, tick=False):
        client.force_login(staff)
        assert reverse("case_measures") in client.get(reverse("home")).content.decode()
        client.force_login(wu)
        assert reverse("case_measures") not in client.get(reverse("home")).content.decode()


# --- the query budget -------------------------------------------------------------------

# session, user, roles, the grids, their cases of the period, the timeline, the navbar's unread
# count, the category and department choices (9 since issue 16: the grids are listed apart from
# their cases, so that only the period's cases are read)
QUERIES = 9


def test_the_page_costs_the_same_for_3_or_30_cases(client, django_assert_num_queries, story, staff, grid1, grid2, wu):
    def count():
        with time_machine.travel(NOW, tick=False):
            client.force_login(staff)
            with django_assert_num_queries(QUERIES):
                client.get(reverse("case_measures"), MARCH)

    for n in range(30):
        if n == 3:
            count()
        case = story.report(wu, grid1 if n % 2 else grid2, at(3, 1 + n % 19))
        if n % 3 == 0:
            story.act(case, "register", staff, at(3, 1 + n % 19, 10))
            story.act(case, "settle", staff, at(3, 1 + n % 19, 11))
    count()


# --- narrowing, and answers that survive a reopen ---------------------------------------------


def test_an_unsatisfied_answer_still_counts_after_staff_reopen_the_case(client, story, staff, grid1, wu):
    case = story.report(wu, grid1, at(3, 2))
    story.act(case, "register", staff, at(3, 2, 10))
    story.act(case, "settle", wu, at(3, 2, 11), close_reason="fixed", note="已协调")
    story.act(case, "feedback", wu, at(3, 4), satisfaction="unsatisfied", note="问题又出现了")
    story.act(case, "reopen", staff, at(3, 5), note="投诉人不满意，重新办理")
    m = page(client, staff, MARCH).context["report"].total
    assert (m.satisfied, m.feedback) == (0, 1)
    assert m.open == 1


def test_category_and_department_narrow_every_figure(client, story, staff, grid1, wu, police, officer, dispute):
    mine = story.report(wu, grid1, at(3, 2))
    story.act(mine, "register", staff, at(3, 2, 10))
    story.act(mine, "dispatch", staff, at(3, 2, 11), department=police)
    other = story.report(wu, grid1, at(3, 3))
    Case.objects.filter(pk=other.pk).update(category=dispute)

    everything = page(client, staff, MARCH).context["report"].total
    assert everything.open == 2
    by_department = page(client, staff, {**MARCH, "department": police.pk}).context["report"].total
    assert (by_department.open, by_department.open_by_state["dispatched"]) == (1, 1)
    by_category = page(client, staff, {**MARCH, "category": dispute.pk}).context["report"].total
    assert (by_category.open, by_category.open_by_state["reported"]) == (1, 1)
    # The period links keep the narrowing.
    response = page(client, staff, {"period": "this_month", "category": dispute.pk})
    assert f"?period=last_month&amp;category={dispute.pk}" in response.content.decode()


def test_a_department_of_another_town_is_a_form_error(client, staff):
    far = Department.objects.create(town=Town.objects.create(name="义桥镇"), name="义桥派出所", kind="police")
    response = page(client, staff, {"department": far.pk}, status=400)
    assert response.context["narrow"].errors["department"]


def test_every_figure_has_its_definition_one_tap_away_and_the_charts_their_data(client, march, staff):
    response = page(client, staff, MARCH)
    html = response.content.decode()
    assert html.count("How it is counted") == len(response.context["cards"]) == 9
    for definition in measure_views.DEFINITIONS.values():
        assert str(definition) in html
    rates = response.context["rates_chart"]
    assert rates["labels"] == [row.name for row in response.context["report"].grids]
    assert all(len(series["values"]) == len(rates["labels"]) for series in rates["series"])
    for source in ("open-cases-data", "open-age-data", "rates-data"):
        assert f'id="{source}"' in html and f'data-chart="{source}"' in html
