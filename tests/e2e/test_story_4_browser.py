"""Story 4 at the office's screen (1366×768): a dozen cats and dogs in a bungalow behind 峙山北路.
Wu refers the report straight to Grid 1's police officer (一格一警), 张警官, who finds it on his
home page, resolves it, and Wu checks it."""

import pytest

from cases import services
from cases.models import Case, Category
from gridapp.models import Notification, Role, RoleKind

from ..cases.conftest import act
from ..factories import UserFactory
from .conftest import log_in, screenshot
from .test_desk_browser import PASSWORD
from .test_security_browser import csp_violations


@pytest.fixture
def zhang(grid1):
    user = UserFactory(username="zhang", first_name="警官", last_name="张")
    Role.objects.create(user=user, kind=RoleKind.GRID_WORKER, grid=grid1, part_time=True)
    return user


@pytest.fixture
def pets(wu, grid1):
    # Browser tests empty the tables after each test, the migration's categories included.
    nuisance, _ = Category.objects.update_or_create(name="噪音与动物扰民", defaults={"officer_may_take": True})
    case = services.case_report(
        by=wu, grid=grid1, title="平房租户饲养十几只猫狗扰民",
        description="峙山北路后排平房，租户养了十几只猫狗，邻居投诉",
        category=nuisance, priority="normal", channel="walk_in",
    )  # fmt: skip
    return act(act(case, "register", wu), "take", wu)


def open_action(page, name):
    action = page.locator(f"details.action-{name}")
    action.locator("summary").click()
    return action


def as_(page, username):
    page.context.clear_cookies()
    log_in(page, username, PASSWORD)


@pytest.mark.browser
def test_story_4_wu_refers_to_the_grids_officer_who_resolves_it_and_wu_verifies(desk, wu, zhang, staff, pets):
    violations = csp_violations(desk)
    case_url = f"{desk.base_url}/cases/{pets.pk}/"

    as_(desk, "wu")
    desk.goto(case_url)
    refer = open_action(desk, "refer_officer")
    assert "转交网格民警" in refer.locator("summary").inner_text()
    refer.locator("textarea[name=note]").fill("租户不配合，房东不管，请派出所协助")
    refer.locator("button[type=submit]").click()
    desk.wait_for_url(f"**/cases/{pets.pk}/")
    timeline = desk.locator("ol.list-group").inner_text()
    assert "已转交网格民警张警官。" in timeline and "请派出所协助" in timeline
    assert desk.locator("details.action-refer_officer").count() == 0
    screenshot(desk, "story-4-referred")
    referred = Notification.objects.filter(kind="case_refer_officer")
    assert list(referred.values_list("recipient__username", flat=True)) == ["zhang"]

    # 张警官 finds it on his home page and resolves it.
    as_(desk, "zhang")
    desk.goto(f"{desk.base_url}/")
    desk.locator("a", has_text="平房租户饲养十几只猫狗扰民").first.click()
    desk.wait_for_url(f"**/cases/{pets.pk}/")
    resolve = open_action(desk, "resolve")
    resolve.locator("textarea[name=note]").fill("已找到租户，猫狗已送养，租户保证不再饲养")
    resolve.locator("button[type=submit]").click()
    desk.wait_for_url(f"**/cases/{pets.pk}/")
    assert desk.locator(".badge.text-bg-primary").inner_text() == "已处置，待核查"
    screenshot(desk, "story-4-resolved-by-the-officer")

    # Wu has it to verify on his home page, and checks it.
    as_(desk, "wu")
    desk.goto(f"{desk.base_url}/")
    desk.locator("a", has_text="平房租户饲养十几只猫狗扰民").first.click()
    desk.wait_for_url(f"**/cases/{pets.pk}/")
    open_action(desk, "verify").locator("button[type=submit]").click()
    desk.wait_for_url(f"**/cases/{pets.pk}/")
    assert desk.locator(".badge.text-bg-primary").inner_text() == "已核查"
    screenshot(desk, "story-4-verified")

    case = Case.objects.get(pk=pets.pk)
    assert (case.state, case.resolved_by, case.level) == ("verified", zhang, "grid")
    assert desk.evaluate("document.documentElement.scrollWidth") <= 1366
    assert violations == []
