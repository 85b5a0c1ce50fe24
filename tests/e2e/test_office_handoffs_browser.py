"""A leak the grid cannot settle, at the office's screen (1366×768), each hand-off driven by the
person whose step it is: staff record the walk-in report and register it, dispatch it to the
town's construction & planning office, whose member resolves it; Wu, the grid's worker,
verifies it and staff close it. We look at what each sees: the desk's rows, the inbox, the case
page. (Story 3 itself is settled in the grid: test_story_3_browser.py.)"""

import pytest

from cases.models import Case, Category, Department, DepartmentKind
from gridapp.models import Notification

from ..factories import UserFactory
from .conftest import screenshot
from .test_security_browser import csp_violations
from .test_story_4_browser import as_, open_action
from .test_story_5_browser import inbox, section, subject, submit

TITLE = "临江路4幢2单元楼上漏水至楼下"


@pytest.fixture
def office_world(wu, staff, grid1, grid2, dongluchi):
    # Browser tests empty the tables after each test, the migration's categories included.
    Category.objects.get_or_create(name="漏水渗水", defaults={"hours_normal": 72})
    build = Department.objects.create(town=dongluchi.town, name="临浦镇建设规划办", kind=DepartmentKind.CONSTRUCTION)
    build.members.add(UserFactory(username="build", last_name="楼", first_name="建平"))
    return build


@pytest.mark.browser
def test_staff_register_and_dispatch_the_department_resolves_wu_verifies(desk, wu, staff, grid1, office_world):
    violations = csp_violations(desk)

    # Staff record the walk-in at the desk.
    as_(desk, "staff")
    desk.goto(f"{desk.base_url}/cases/new/")
    form = desk.locator("main form").first
    form.locator("input[name=title]").fill(TITLE)
    form.locator("select[name=category]").select_option(label="漏水渗水")
    form.locator("textarea[name=description]").fill("301室的退休夫妻来社区反映：楼上401室卫生间漏水，渗到自家天花板")
    form.locator("select[name=grid]").select_option(str(grid1.pk))
    form.locator("input[name=complainant_name]").fill("陈国平")
    form.locator("[type=submit][name=submit]").click()
    desk.wait_for_url("**/cases/*/")
    case = Case.objects.get(title=TITLE)
    case_path = f"/cases/{case.pk}/"
    assert desk.locator(".badge.text-bg-primary").inner_text() == "已上报"

    # The report is on the desk's first group; staff register it there.
    desk.goto(f"{desk.base_url}/")
    assert TITLE in section(desk, "reports")
    desk.locator("#section-reports a", has_text=TITLE).click()
    desk.wait_for_url(f"**{case_path}")
    submit(desk, open_action(desk, "register"), case_path)
    assert desk.locator(".badge.text-bg-primary").inner_text() == "已立案"

    # ... and dispatch it to the construction & planning office.
    dispatch = open_action(desk, "dispatch")
    dispatch.locator("select[name=department]").select_option(label="临浦镇建设规划办")
    dispatch.locator("textarea[name=note]").fill("楼上住户不配合，请建设规划办协调检修")
    submit(desk, dispatch, case_path)
    assert desk.locator(".badge.text-bg-primary").inner_text() == "已派遣（部门）"
    assert desk.locator("#lead-department").inner_text() == "临浦镇建设规划办"
    assert desk.locator("#assisting-parts").count() == 0
    screenshot(desk, "handoffs-dispatched")

    # Wu heard of the new report; the office's member hears of the referral and resolves it.
    as_(desk, "wu")
    assert subject("case_report", "wu") in inbox(desk)
    as_(desk, "build")
    assert subject("case_dispatch", "build") in inbox(desk)
    desk.goto(f"{desk.base_url}/")
    assert TITLE in section(desk, "referrals")
    desk.locator("#section-referrals a", has_text=TITLE).click()
    desk.wait_for_url(f"**{case_path}")
    resolve = open_action(desk, "resolve")
    assert resolve.locator(".open-parts").count() == 0  # nobody assists: nothing to warn of
    resolve.locator("textarea[name=note]").fill("已督促401室请师傅重做卫生间防水，301室天花板不再渗水")
    submit(desk, resolve, case_path)
    assert desk.locator(".badge.text-bg-primary").inner_text() == "已处置，待核查"
    assert desk.locator("details.action-verify").count() == 0  # a department never verifies

    # Wu is told to verify it, and does at the door.
    as_(desk, "wu")
    assert subject("case_resolve", "wu") in inbox(desk)
    desk.goto(f"{desk.base_url}/")
    desk.locator("a", has_text=TITLE).first.click()
    desk.wait_for_url(f"**{case_path}")
    verify = open_action(desk, "verify")
    verify.locator("textarea[name=note]").fill("上门查看，301室天花板已干，两家都满意")
    submit(desk, verify, case_path)
    assert desk.locator(".badge.text-bg-primary").inner_text() == "已核查"

    # Staff close it.
    as_(desk, "staff")
    desk.goto(f"{desk.base_url}{case_path}")
    close = open_action(desk, "close")
    close.locator("select[name=close_reason]").select_option("fixed")
    submit(desk, close, case_path)
    assert desk.locator(".badge.text-bg-primary").inner_text() == "已结案"
    timeline = desk.locator("ol.list-group").inner_text()
    assert "楼上住户不配合" in timeline and "两家都满意" in timeline
    screenshot(desk, "handoffs-closed")

    case.refresh_from_db()
    assert (case.state, case.level, case.resolved_by.username) == ("closed", "town", "build")
    assert not Notification.objects.filter(recipient=staff, kind__in=["case_report", "case_dispatch"]).exists()
    assert desk.evaluate("document.documentElement.scrollWidth") <= 1366
    assert violations == []
