"""The community's desk in a real Chromium: the case queue's filter panel at 1366×768, the
measures page on a phone (390×844), and story 3's case sheet printed on one A4 page."""

import datetime
import io
import re

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, Category
from gridapp.core.display import mask_id
from gridapp.models import DataAccess, DataAccessLog

from ..cases.conftest import act
from ..factories import HouseholdFactory, ResidentFactory
from .conftest import ARTIFACTS, DESK, log_in, screenshot
from .taps import problems
from .test_security_browser import csp_violations

PASSWORD = "correct-horse-battery"


@pytest.fixture
def leak(db):
    # Browser tests empty the tables after each test, categories from the migration included.
    return Category.objects.get_or_create(name="漏水渗水", defaults={"hours_normal": 72})[0]


def new_case(by, grid, category, title, **fields):
    case = services.case_report(
        by=by, grid=grid, title=title, description="302室天花板渗水，怀疑402室水管渗漏", category=category,
        priority="normal", channel="walk_in", **fields,
    )  # fmt: skip
    return act(case, "register", by)


@pytest.fixture
def office(wu, chen, staff, grid1, grid2, leak):
    """Open cases of both grids: one Wu handles, one overdue, one in Grid 2, one closed."""
    handled = act(new_case(wu, grid1, leak, "楼上漏水", complainant_name="周国庆"), "take", wu)
    overdue = new_case(wu, grid1, leak, "路灯不亮", complainant_name="任爱香")
    Case.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - datetime.timedelta(days=2))
    new_case(chen, grid2, leak, "邻里争吵", complainant_name="王建国")
    act(new_case(wu, grid1, leak, "楼道堆物", complainant_name="李大爷"), "settle", wu, note="当场清理")
    return {"handled": handled, "overdue": overdue}


@pytest.mark.browser
def test_the_queues_filter_panel_is_labelled_and_full_width_at_the_desk(desk, office, staff):
    violations = csp_violations(desk)
    log_in(desk, "staff", PASSWORD)
    desk.goto(f"{desk.base_url}/cases/")
    desk.locator("details.case-filters summary").click()
    panel = desk.locator("details.case-filters")
    for name in ("state", "grid", "category", "level", "department", "assignee", "overdue", "q", "order"):
        control = panel.locator(f"[name={name}]")
        label = panel.locator(f"label[for=id_{name}]")
        assert label.is_visible() and label.inner_text().strip(), name
        box, column = control.bounding_box(), control.locator("xpath=ancestor::div[contains(@class,'col-')][1]")
        inner = column.evaluate("e => e.clientWidth - parseFloat(getComputedStyle(e).paddingLeft) * 2")
        assert box["width"] >= inner - 1 and box["height"] >= 36, (name, box, inner)  # full width, no 24 px select
    text = panel.inner_text()
    assert "---------" not in text and "未知" not in text
    assert panel.locator("select[name=overdue] option").all_inner_texts() == ["全部", "是", "否"]
    assert "吴佳栋" in panel.locator("select[name=assignee]").inner_text()
    assert panel.locator("select[name=order] option").all_inner_texts()[2] == "案龄：最久的在前"
    screenshot(desk, "case-queue-filters-desk")

    # A saved filter: one tap, the queue narrows, the chip says it is the one in force.
    desk.locator("a[data-filter=overdue]").click()
    desk.wait_for_url("**/cases/?state=open&overdue=true")
    assert desk.locator("a[data-filter=overdue]").get_attribute("aria-current") == "page"
    titles = desk.locator(".list-group-item span.fw-semibold:first-child").all_inner_texts()
    assert titles == ["路灯不亮"]
    assert desk.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
    assert violations == []


@pytest.mark.browser
def test_the_measures_page_does_not_scroll_sideways_on_a_phone(phone, office, staff):
    violations = csp_violations(phone)
    log_in(phone, "staff", PASSWORD)
    phone.goto(f"{phone.base_url}/cases/measures/")
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # Each grid is a card of labelled figures, whole on the screen.
    rows = phone.locator(".measure-table tbody tr")
    assert rows.count() == 2
    for row in rows.all():
        box = row.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        labels = row.locator("td").evaluate_all("tds => tds.map(td => getComputedStyle(td, '::before').content)")
        assert '"结案率"' in labels and '"平均处置时长"' in labels
    assert phone.locator(".measure-table thead").evaluate("e => getComputedStyle(e).display") == "none"
    # Every chart has its heading, the time to resolve among them.
    headings = phone.locator("[data-chart] .card-title").all_inner_texts()
    assert headings == ["各网格比率", "各网格平均处置时长（天）", "在办事件（按状态）", "在办事件（按时长）"]
    assert phone.locator("[data-chart=time-data]").is_visible()
    screenshot(phone, "case-measures-phone")
    assert violations == []


@pytest.mark.browser
def test_story_3s_case_sheet_prints_on_one_a4_page_with_the_id_masked(desk, wu, staff, grid1, leak, ren):
    from pypdf import PdfReader

    upstairs = HouseholdFactory(grid=grid1, address="临江路4幢1单元402室", head_name="张磊")
    zhang = ResidentFactory(household=upstairs, name="张磊")
    case = new_case(
        wu, grid1, leak, "临江路4幢楼上漏水至302室", complainant=ren, complainant_phone="13812345678",
        households=[ren.household, upstairs],
    )  # fmt: skip
    case = act(case, "take", wu)
    services.record_mediation(
        case=Case.objects.get(pk=case.pk), by=wu, held_on=timezone.localdate(), parties=[ren, zhang],
        other_parties="", mediators=[wu], other_mediators="李烈鸿（网格党小组长）", outcome="agreed",
        agreement="402室当天修好水管，并承担302室天花板修补费用",
    )  # fmt: skip
    act(case, "settle", wu, note="双方达成协议，当场化解")
    act(case, "feedback", wu, note="双方满意")

    violations = csp_violations(desk)
    log_in(desk, "wu", PASSWORD)
    desk.goto(f"{desk.base_url}{case.get_absolute_url()}")
    desk.locator("button", has_text="打印处理单").click()
    desk.wait_for_url(f"**/cases/{case.pk}/sheet/")
    sheet = desk.locator("article.case-sheet")
    assert case.number in sheet.inner_text() and mask_id(ren.id_number) in sheet.inner_text()
    screenshot(desk, "case-sheet-desk")

    pdf = desk.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "case-sheet.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", "", reader.pages[0].extract_text())
    for shown in (case.number, mask_id(ren.id_number), mask_id(zhang.id_number), "138****5678"):
        assert shown in text, shown
    assert ren.id_number not in text and "13812345678" not in text
    assert "当事人签字" in text and "网格员签字" in text
    assert "网格通" not in text and "打印" not in text.split("事件处理单")[0]  # no navigation or buttons on paper
    assert DataAccessLog.objects.filter(action=DataAccess.PRINT_CASE, user=wu).count() == 1
    assert violations == []


@pytest.fixture
def waiting(office, wu, staff, grid1, ren):
    """Besides the office's cases: a fresh report, a resident found needing help, and a household
    Wu added at a door."""
    from visits.models import HelpAlert

    from ..visits.conftest import log

    services.case_report(
        by=wu, grid=grid1, title="楼道灯坏了", description="3楼楼道灯不亮", category=office["handled"].category,
        priority="normal", channel="walk_in", complainant_name="周国庆",
    )  # fmt: skip
    log(wu, household=ren.household, conditions={ren: "needs_help"}, notes="呼吸机坏了")
    HouseholdFactory(grid=grid1, address="峙山北路后排平房4号", head_name="李建华", added_by=wu)
    assert HelpAlert.objects.count() == 1


@pytest.mark.browser
def test_the_staff_desk_lists_what_waits_at_the_office_and_reads_on_a_phone(desk, phone, waiting, staff):
    violations = csp_violations(desk)
    log_in(desk, "staff", PASSWORD)
    desk.goto(f"{desk.base_url}/")
    assert desk.locator("h1").inner_text() == "我的工作台"
    reports = desk.locator("#section-reports")
    assert reports.locator(".badge").inner_text() == "1" and "楼道灯坏了" in reports.inner_text()
    assert "路灯不亮" in desk.locator("#section-due").inner_text()  # overdue by two days
    assert "任爱香" in desk.locator("section[aria-labelledby=help-alerts-heading]").inner_text()
    assert "峙山北路后排平房4号" in desk.locator("#section-confirm").inner_text()
    assert desk.locator("a.grid-link", has_text="第二网格").is_visible()  # the grids are links, not counted
    # Three groups a row, the first two rows of groups on the first screen.
    boxes = [desk.locator(f"#section-{key}").bounding_box() for key in ("reports", "escalations", "verify")]
    assert len({round(box["y"]) for box in boxes}) == 1 and boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    assert desk.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
    screenshot(desk, "home-staff-desk-office")

    # One tap: the report opens its case page, where it is registered.
    reports.locator("a.day-row").first.click()
    desk.wait_for_url("**/cases/*/")
    assert desk.locator("button", has_text="立案").count() >= 1
    assert violations == []

    log_in(phone, "staff", PASSWORD)
    phone.goto(f"{phone.base_url}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems(phone, "staff desk") == []
    screenshot(phone, "home-staff-desk-phone")


@pytest.mark.browser
def test_the_staff_and_department_desks_of_the_demo_world(desk, demo):
    from gridapp.devtools.demo import accounts

    violations = csp_violations(desk)
    log_in(desk, "staff", accounts.DEMO_PASSWORD)
    desk.goto(f"{desk.base_url}/")
    assert desk.locator("h1").all_inner_texts() == ["我的工作台"]
    assert desk.locator(".desk .day-section").count() == 9  # and the residents needing help
    assert desk.locator("#section-extensions h2").inner_text().startswith("延期申请")
    assert desk.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
    screenshot(desk, "home-staff-desk")

    desk.context.clear_cookies()
    log_in(desk, "police", accounts.DEMO_PASSWORD)
    desk.goto(f"{desk.base_url}/")
    assert desk.locator("h1").all_inner_texts() == ["本部门的事件"]
    assert desk.locator(".desk .day-section").count() == 4  # with the cases it assists on (协办)
    menu = desk.locator("#nav").inner_text()
    assert "事件" in menu and "待探访" not in menu
    screenshot(desk, "home-department-desk")
    assert violations == []
