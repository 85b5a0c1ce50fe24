"""Story 5 at the office's screen (1366×768): the corridor leak at 峙山北路4幢, joint work (协办).
Staff dispatch it to the construction & planning office as the lead with the agriculture office
and the renovation contractor assisting; the agriculture office notes the joint site visit and
marks its part done; the lead asks for more time and staff approve it from the desk; the lead
resolves (told the contractor's part is still open); Wu verifies and closes it. At each step we
look at what that person sees: their desk's rows, their inbox, the case page."""

import datetime

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, Category, Department, DepartmentKind
from gridapp.models import Notification

from ..cases.conftest import act
from ..factories import UserFactory
from .conftest import screenshot
from .test_security_browser import csp_violations
from .test_story_4_browser import as_, open_action

TITLE = "峙山北路4幢公共过道顶部漏水积水"


@pytest.fixture
def town_offices(dongluchi):
    """The town's construction office (楼建平 leads), agriculture office (施卫东) and the
    renovation contractor (钱国强), each with one member."""

    def office(name, kind, username, last, first):
        department = Department.objects.create(town=dongluchi.town, name=name, kind=kind)
        department.members.add(UserFactory(username=username, last_name=last, first_name=first))
        return department

    return {
        "build": office("临浦镇建设规划办", DepartmentKind.CONSTRUCTION, "build", "楼", "建平"),
        "agri": office("临浦镇农业农村办", DepartmentKind.AGRICULTURE, "agri", "施", "卫东"),
        "repair": office("东麓池老旧小区改造施工方", DepartmentKind.CONTRACTOR, "repair", "钱", "国强"),
    }


@pytest.fixture
def corridor(wu, grid1):
    """Wu's report, taken and escalated to the community: nobody owns the public corridor."""
    # Browser tests empty the tables after each test, the migration's categories included.
    leak, _ = Category.objects.get_or_create(name="漏水渗水", defaults={"hours_normal": 72})
    case = services.case_report(
        by=wu, grid=grid1, title=TITLE, description="楼道公共过道顶部漏水，过道积水严重，老人怕滑倒。",
        category=leak, priority="normal", channel="phone", complainant_name="租户小周",
    )  # fmt: skip
    case = act(act(case, "register", wu), "take", wu)
    return act(case, "escalate", wu, note="房东不管，请社区协调镇建设规划办、农业农村办和施工方")


def section(page, key):
    return page.locator(f"#section-{key}").inner_text()


def inbox(page):
    page.goto(f"{page.base_url}/inbox/")
    return page.locator("main").inner_text()


def subject(kind, username):
    return Notification.objects.get(kind=kind, recipient__username=username).subject


def submit(page, action, case_url):
    action.locator("button[type=submit]").click()
    page.wait_for_url(f"**{case_url}")


@pytest.mark.browser
def test_story_5_joint_handling_with_an_extension_approved_on_the_desk(desk, wu, staff, town_offices, corridor):
    violations = csp_violations(desk)
    offices = town_offices
    case_path = f"/cases/{corridor.pk}/"

    # Staff find the escalation on the desk and dispatch it: the construction office leads,
    # the agriculture office and the contractor assist.
    as_(desk, "staff")
    desk.goto(f"{desk.base_url}/")
    assert TITLE in section(desk, "escalations")
    desk.locator("#section-escalations a", has_text=TITLE).click()
    desk.wait_for_url(f"**{case_path}")
    dispatch = open_action(desk, "dispatch")
    dispatch.locator("select[name=department]").select_option(str(offices["build"].pk))
    for name in ("agri", "repair"):
        dispatch.locator(f"input[name=assisting][value='{offices[name].pk}']").check()
    dispatch.locator("textarea[name=note]").fill("请建设规划办牵头，会同农业农村办、施工方现场查看")
    submit(desk, dispatch, case_path)
    assert desk.locator("#lead-department").inner_text() == "临浦镇建设规划办"
    parts = desk.locator("#assisting-parts li").all_inner_texts()
    assert sorted(parts) == ["东麓池老旧小区改造施工方 · 尚未完成", "临浦镇农业农村办 · 尚未完成"]
    screenshot(desk, "story-5-dispatched-with-assisting-departments")

    # The agriculture office: told, its desk lists the case as assisting; it notes the site
    # visit and marks its part done.
    as_(desk, "agri")
    assert subject("case_dispatch", "agri") in inbox(desk)
    desk.goto(f"{desk.base_url}/")
    assisting = section(desk, "assisting")
    assert TITLE in assisting and "主办：临浦镇建设规划办" in assisting
    desk.locator("#section-assisting a", has_text=TITLE).click()
    desk.wait_for_url(f"**{case_path}")
    assert desk.locator("details.action-resolve").count() == desk.locator("details.action-return").count() == 0
    note = open_action(desk, "add_note")
    note.locator("textarea[name=note]").fill("参加联合现场查看：瓦片下供水管老化破损，需登高车")
    submit(desk, note, case_path)
    done = open_action(desk, "assist_done")
    assert done.locator("select[name=assist]").input_value() == str(offices["agri"].pk)  # its own part, chosen
    done.locator("textarea[name=note]").fill("已协调村集体同意登高车临时占用楼前场地")
    submit(desk, done, case_path)
    parts = desk.locator("#assisting-parts li").all_inner_texts()
    assert "东麓池老旧小区改造施工方 · 尚未完成" in parts
    assert any(part.startswith("临浦镇农业农村办 · 施卫东已于") and part.endswith("完成") for part in parts)
    assert desk.locator("details.action-assist_done").count() == 0  # done once, not offered again
    timeline = desk.locator("ol.list-group").inner_text()
    assert "瓦片下供水管老化破损" in timeline and "协办部分已完成：临浦镇农业农村办。" in timeline
    screenshot(desk, "story-5-assisting-part-done")
    desk.goto(f"{desk.base_url}/")
    assert TITLE not in section(desk, "assisting")

    # The lead hears the part is done, and asks for more time for the lift truck.
    as_(desk, "build")
    assert subject("case_assist_done", "build") in inbox(desk)
    desk.goto(f"{desk.base_url}/")
    assert TITLE in section(desk, "referrals")
    desk.locator("#section-referrals a", has_text=TITLE).click()
    desk.wait_for_url(f"**{case_path}")
    extend = open_action(desk, "extend")
    asked = timezone.localtime(Case.objects.get(pk=corridor.pk).due_at + datetime.timedelta(days=9))
    extend.locator("input[name=proposed_due]").fill(asked.strftime("%Y-%m-%dT%H:%M"))
    extend.locator("textarea[name=reason]").fill("登高车排期需要几天，掀开瓦片才能找到漏水管道")
    submit(desk, extend, case_path)
    assert "等待社区审批" in desk.locator("#extension-request").inner_text()

    # Staff approve it from the desk.
    as_(desk, "staff")
    assert subject("case_assist_done", "staff") in inbox(desk)
    desk.goto(f"{desk.base_url}/")
    assert TITLE in section(desk, "extensions")
    desk.locator("#section-extensions a", has_text=TITLE).first.click()
    desk.wait_for_url(f"**{case_path}")
    approve = desk.locator("#extension-request details.action-approve_extension")
    approve.locator("summary").click()
    submit(desk, approve, case_path)
    assert desk.locator("#extension-request").count() == 0
    assert asked.strftime("%Y-%m-%d %H:%M") in desk.locator("dl").inner_text()  # the new deadline
    screenshot(desk, "story-5-extension-approved")

    # The lead resolves; the form says the contractor's part is still open, and so does the timeline.
    as_(desk, "build")
    assert subject("case_approve_extension", "build") in inbox(desk)
    desk.goto(f"{desk.base_url}{case_path}")
    resolve = open_action(desk, "resolve")
    warning = resolve.locator(".open-parts").inner_text()
    assert "东麓池老旧小区改造施工方" in warning and "临浦镇农业农村办" not in warning
    resolve.locator("textarea[name=note]").fill("登高车掀开瓦片，更换破损管段，过道不再漏水")
    submit(desk, resolve, case_path)
    assert desk.locator(".badge.text-bg-primary").inner_text() == "已处置，待核查"
    assert "办结时以下协办部分尚未完成：东麓池老旧小区改造施工方。" in desk.locator("ol.list-group").inner_text()

    # Wu is told, verifies it after the rain and closes it.
    as_(desk, "wu")
    assert subject("case_resolve", "wu") in inbox(desk)
    desk.goto(f"{desk.base_url}/")
    desk.locator("a", has_text=TITLE).first.click()
    desk.wait_for_url(f"**{case_path}")
    verify = open_action(desk, "verify")
    verify.locator("textarea[name=note]").fill("雨后查看，过道不再滴水")
    submit(desk, verify, case_path)
    close = open_action(desk, "close")
    close.locator("select[name=close_reason]").select_option("fixed")
    submit(desk, close, case_path)
    assert desk.locator(".badge.text-bg-primary").inner_text() == "已结案"
    screenshot(desk, "story-5-closed")

    case = Case.objects.get(pk=corridor.pk)
    assert (case.state, case.level, case.department.name) == ("closed", "town", "临浦镇建设规划办")
    assert case.closed_at <= case.due_at and case.counted_due_at is None  # approved in time, kept
    # Each hand-off reached its people once, and nobody heard of their own step.
    assert sorted(Notification.objects.filter(kind="case_dispatch").values_list("recipient__username", flat=True)) == [
        "agri",
        "build",
        "repair",
    ]
    assert sorted(
        Notification.objects.filter(kind="case_assist_done").values_list("recipient__username", flat=True)
    ) == ["build", "staff"]
    assert desk.evaluate("document.documentElement.scrollWidth") <= 1366
    assert violations == []
