"""The queue's filter panel as the office reads it (in Chinese): every control labelled and as
wide as its column, 全部/是/否 for the empty choices, people by name, the sort menu's labels; and
the saved filters above it, each returning what it says."""

import re
from html import unescape

import pytest
from django.urls import reverse

from cases import services
from gridapp.models import RoleKind

from ..factories import UserFactory, give_role
from .conftest import act, fresh
from .test_queue import office, queue  # noqa: F401  (the fixture)

FIELDS = ("state", "grid", "category", "level", "department", "assignee", "overdue", "q", "order")


def panel(client):
    page = re.sub(r"\s+", " ", client.get(reverse("case_queue")).content.decode())
    return page[page.index('class="card mb-3 case-filters"') : page.index("</details>")]


def options(html, name):
    """(value, text) of each option of the select ``name``."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [(v, unescape(t).strip()) for v, t in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)]


@pytest.fixture
def zh(client):
    """A client reading pages in the product's language."""

    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def test_every_control_is_labelled_and_as_wide_as_its_column(zh, office, staff):  # noqa: F811
    html = panel(zh(staff))
    for name in FIELDS:
        assert re.search(rf'<label for="id_{name}" class="form-label[^"]*"> \S', html), name
        control = re.search(rf'<(select|input)[^>]*name="{name}"[^>]*>', html).group(0)
        assert re.search(r'class="[^"]*form-(select|control)', control), control  # width: 100%
    labels = re.findall(r'<label for="id_\w+" class="form-label[^"]*"> ([^<]+?) <', html)
    assert labels == ["状态", "网格", "类别", "层级", "部门", "负责人", "已逾期", "编号或标题", "排序"]


def test_the_empty_choices_read_all_yes_and_no(zh, office, staff):  # noqa: F811
    html = panel(zh(staff))
    assert "---------" not in html and "未知" not in html
    for name in ("state", "grid", "category", "level", "department", "assignee"):
        assert options(html, name)[0] == ("", "全部"), name
    assert options(html, "overdue") == [("", "全部"), ("true", "是"), ("false", "否")]


def test_assignees_are_offered_by_their_names(zh, office, staff, wu, dongluchi):  # noqa: F811
    give_role(
        UserFactory(username="shenlh", first_name="丽华", last_name="沈"), RoleKind.COMMUNITY_STAFF, community=dongluchi
    )
    names = [text for value, text in options(panel(zh(staff)), "assignee")]
    assert "吴佳栋" in names and "沈丽华" in names
    assert "wu" not in names and "shenlh" not in names


def test_the_sort_menu_offers_deadline_and_age_under_their_labels(zh, office, staff):  # noqa: F811
    html = panel(zh(staff))
    assert options(html, "order") == [
        ("due", "办理期限：最近的在前"),
        ("-due", "办理期限：最晚的在前"),
        ("age", "案龄：最久的在前"),
        ("-age", "案龄：最新的在前"),
    ]
    assert "年龄" not in html


@pytest.fixture
def desk(office, wu, staff, officer):  # noqa: F811
    """The office's cases, one of them assigned to staff, and two resolved: the police station's
    (for Wu or staff to check) and Wu's own (for staff to check)."""
    act(office["at_the_police"], "resolve", officer, note="已找到犬主，劝导后整改")
    act(office["leak_handled_by_wu"], "resolve", wu, note="已联系物业修好")
    services.case_assign(cases=[fresh(office["overdue"])], assignee=staff, by=staff)
    return office


SAVED = {
    # chip: (what staff see, what Wu sees)
    "open": ({"楼上漏水", "邻里争吵", "违规养犬", "路灯不亮"}, {"楼上漏水", "违规养犬", "路灯不亮"}),
    "mine": ({"路灯不亮"}, {"楼上漏水"}),
    "overdue": ({"路灯不亮"}, {"路灯不亮"}),
    "verify": ({"楼上漏水", "违规养犬"}, {"违规养犬"}),  # nobody verifies their own resolution
}


@pytest.mark.parametrize("who", ["staff", "wu"])
@pytest.mark.parametrize("chip", SAVED)
def test_each_saved_filter_returns_what_it_says(request, as_user, desk, who, chip):
    client = as_user(request.getfixturevalue(who))
    page = client.get(reverse("case_queue")).content.decode()
    href = unescape(re.search(rf'href="(\?[^"]*)" data-filter="{chip}"', page).group(1))
    response = client.get(reverse("case_queue") + href)
    assert {case.title for case in response.context["page"]} == SAVED[chip][who == "wu"]
    assert response.context["active_filter"] == chip
    marked = re.findall(r'data-filter="(\w+)" aria-current="page"', response.content.decode())
    assert marked == [chip]


def test_no_saved_filter_is_marked_once_the_panel_narrows_further(as_user, desk, staff, grid1):
    response = as_user(staff).get(reverse("case_queue"), {"state": "open", "overdue": "true", "grid": grid1.pk})
    assert response.context["active_filter"] is None
    assert 'aria-current="page"' not in response.content.decode().split("</nav>", 2)[1]


def test_a_saved_filter_stays_marked_whatever_the_sort_and_empty_fields(as_user, desk, staff):
    params = {"state": "open", "grid": "", "category": "", "overdue": "true", "q": "", "order": "-age", "page": "1"}
    assert as_user(staff).get(reverse("case_queue"), params).context["active_filter"] == "overdue"


def test_overdue_no_lists_the_open_cases_still_within_their_deadline(as_user, office, staff):  # noqa: F811
    assert set(queue(as_user(staff), overdue="false")) == {"楼上漏水", "邻里争吵", "违规养犬"}


def test_a_department_member_is_offered_no_mine_or_to_verify(as_user, office, officer):  # noqa: F811
    page = as_user(officer).get(reverse("case_queue")).content.decode()
    assert re.findall(r'data-filter="(\w+)"', page) == ["open", "overdue"]
