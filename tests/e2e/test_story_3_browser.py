"""Story 3, the neighbours' leak, as DOMAIN.md tells it, with the office at its screen (1366×768)
and Wu on his phone (390×844): staff add Old Li, Grid 1's party group leader, as the grid's
helper (mediator); a retired resident of 临江路4幢 comes in upset about the leak from the flat above;
Wu records it, and with Old Li at both doors settles it in the grid with a mediation record
naming Old Li as a mediator; both parties are satisfied. The office is told of the new report,
and at its screen finds the case closed at grid level with the record and the feedback."""

import pytest

from cases.models import Case, Category, MediationRecord
from gridapp.models import Notification, Role, RoleKind

from ..factories import HouseholdFactory, ResidentFactory
from .conftest import PHONE, screenshot
from .test_security_browser import csp_violations
from .test_story_4_browser import as_, open_action
from .test_story_5_browser import inbox, submit

TITLE = "临江路4幢楼上漏水"


@pytest.fixture
def leak_world(grid1):
    # Browser tests empty the tables after each test, the migration's categories included.
    Category.objects.get_or_create(name="邻里纠纷", defaults={"hours_normal": 72})
    upstairs = HouseholdFactory(grid=grid1, address="临江路4幢2单元401室", head_name="张磊")
    downstairs = HouseholdFactory(grid=grid1, address="临江路4幢2单元301室", head_name="周国庆")
    couple = [ResidentFactory(household=upstairs, name=n) for n in ("张磊", "刘婷")]
    retired = [ResidentFactory(household=downstairs, name=n) for n in ("周国庆", "陈秀英")]
    return {"couple": couple, "retired": retired}


@pytest.mark.browser
def test_story_3_settled_in_the_grid_with_old_li_and_seen_at_the_office(desk, phone, wu, staff, grid1, leak_world):
    violations = csp_violations(desk)

    # The office adds Old Li as Grid 1's helper (mediator), with a temporary password.
    as_(desk, "staff")
    desk.goto(f"{desk.base_url}/people/add/")
    desk.fill("input[name=last_name]", "李")
    desk.fill("input[name=first_name]", "烈鸿")
    desk.fill("input[name=username]", "li")
    desk.select_option("select[name=kind]", RoleKind.HELPER.value)
    desk.select_option("select[name=grid]", str(grid1.pk))
    desk.fill("input[name=password1]", "临江路4幢-temporary")
    desk.fill("input[name=password2]", "临江路4幢-temporary")
    desk.locator("main [type=submit]").last.click()
    desk.wait_for_url("**/people/*/")
    li = Role.objects.get(kind=RoleKind.HELPER, grid=grid1).user
    assert li.get_full_name().replace(" ", "") in ("李烈鸿", "烈鸿李") and li.username == "li"
    assert "李烈鸿" in desk.locator("main").inner_text()

    # 周国庆 comes in upset; Wu records it on his phone from the household, picks the flat upstairs.
    as_(phone, "wu")
    downstairs, upstairs = leak_world["retired"][0].household, leak_world["couple"][0].household
    phone.goto(f"{phone.base_url}{downstairs.get_absolute_url()}")
    phone.locator("#report-case").click()
    phone.wait_for_url(f"**/cases/new/?household={downstairs.pk}")
    households = phone.locator("#div_id_households")
    households.locator("input[type=search]").fill("401")
    households.locator("[data-pick-id]", has_text="临江路4幢2单元401室").click()
    phone.locator("#div_id_complainant [data-pick-id]", has_text="周国庆").click()
    phone.fill("input[name=title]", TITLE)
    phone.fill("textarea[name=description]", "301室卫生间天花板漏水，怀疑楼上401室水管渗漏，两家有争执")
    phone.select_option("select[name=category]", label="邻里纠纷")
    phone.locator("input[type=submit]").click()
    phone.wait_for_url("**/cases/*/")
    case = Case.objects.get(title=TITLE)
    assert set(case.households.all()) == {downstairs, upstairs}
    case_path = f"/cases/{case.pk}/"
    submit(phone, open_action(phone, "register"), case_path)

    # At both doors with Old Li: the mediation record names him among the mediators.
    phone.locator(f"a[href='{case_path}mediation/']").click()
    phone.wait_for_url(f"**{case_path}mediation/")
    for resident in (*leak_world["couple"], *leak_world["retired"]):
        phone.locator(f"input[name=parties][value='{resident.pk}']").check()
    old_li = phone.locator(f"input[name=mediators][value='{li.pk}']")
    assert old_li.count() == 1, "Old Li is offered as a mediator once he has the helper role"
    old_li.check()
    phone.locator("input[name=outcome][value=agreed]").check()
    phone.fill("textarea[name=agreement]", "401室当天请师傅修好卫生间水管，并承担301室天花板修补费用")
    phone.locator("main [type=submit]").last.click()
    phone.wait_for_url(f"**{case_path}")

    settle = open_action(phone, "settle")
    settle.locator("textarea[name=note]").fill("双方达成调解协议，当场化解")
    settle.locator("select[name=close_reason]").select_option("fixed")
    submit(phone, settle, case_path)
    feedback = open_action(phone, "feedback")
    feedback.locator("select[name=satisfaction]").select_option("satisfied")
    feedback.locator("textarea[name=note]").fill("两家都表示满意")
    submit(phone, feedback, case_path)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "story-3-settled-on-the-phone")

    # The office heard of the report, and finds it settled in the grid.
    assert Notification.objects.filter(recipient=staff, kind="case_report").count() == 1
    assert Notification.objects.get(recipient=staff, kind="case_report").subject in inbox(desk)
    desk.goto(f"{desk.base_url}{case_path}")
    page = desk.locator("main").inner_text()
    assert desk.locator(".badge.text-bg-primary").inner_text() == "已回访"
    for seen in ("网格", "达成协议", "李烈鸿", "吴佳栋", "刘婷", "陈秀英", "满意", "双方达成调解协议"):
        assert seen in page, seen
    screenshot(desk, "story-3-at-the-office")

    case.refresh_from_db()
    assert (case.state, case.level, case.close_reason, case.satisfaction) == ("feedback", "grid", "fixed", "satisfied")
    assert case.department is None
    record = MediationRecord.objects.get(case=case)
    assert set(record.mediators.all()) == {wu, li}
    assert desk.evaluate("document.documentElement.scrollWidth") <= 1366
    assert violations == []
