"""The staff's inbox on a phone (390×844): the hand-offs of the day grouped by what they ask, each
group with its count; one tap opens a message (it is read then), one more the case."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import Category, DepartmentKind

from ..cases.conftest import act, make_department, member_of
from .conftest import log_in, screenshot
from .taps import problems


@pytest.fixture
def leak(db):
    # Browser tests empty the tables after each test, categories from the migration included.
    category, _ = Category.objects.get_or_create(name="漏水渗水", defaults={"hours_normal": 48})
    return category


def reported(wu, grid, leak, title):
    return services.case_report(
        by=wu, grid=grid, title=title, description="天花板渗水", category=leak, priority="normal", channel="walk_in"
    )


@pytest.mark.browser
def test_staff_scan_the_hand_offs_by_group_and_reach_the_case_in_two_taps(phone, wu, staff, grid1, dongluchi, leak):
    police = make_department(dongluchi, "临浦派出所", DepartmentKind.POLICE)
    officer = member_of(police, "officer", first_name="志强", last_name="沈")
    for title in ("楼上漏水", "楼道堆物", "路灯不亮"):
        reported(wu, grid1, leak, title)  # three new reports for the office
    returned = act(reported(wu, grid1, leak, "噪音扰民"), "register", staff)
    returned = act(act(returned, "dispatch", staff, department=police), "return", officer, note="不属于派出所职责")
    handled = act(act(reported(wu, grid1, leak, "水管爆裂"), "register", staff), "take", wu)
    act(handled, "resolve", wu, note="已换水管")  # Wu resolved it: the office verifies

    log_in(phone, "staff", "correct-horse-battery")
    phone.goto(f"{phone.base_url}{reverse('inbox')}")
    headings = [text.split()[0:2] for text in phone.locator("h2.day-heading").all_inner_texts()]
    assert headings == [["部门退回", "1"], ["已处置，待核查", "1"], ["新上报事件", "5"]]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert not problems(phone, "inbox")
    screenshot(phone, "inbox-staff-groups")

    phone.locator("a.list-group-item", has_text="部门已退回社区").click()
    assert "不属于派出所职责" in phone.locator(".card-body").inner_text()
    phone.locator(f"main a.btn[href='{returned.get_absolute_url()}']").click()  # "打开"
    phone.wait_for_url(f"**{returned.get_absolute_url()}")

    phone.goto(f"{phone.base_url}{reverse('inbox')}")
    assert phone.locator("#unread-count").inner_text() == "6"
    assert "部门退回" not in phone.locator("h2.day-heading").all_inner_texts()[0]
