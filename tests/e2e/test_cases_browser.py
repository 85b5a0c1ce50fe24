"""Cases on a phone (390×844): Wu records a mediation on the spot and settles the case; the
office closes a verified case with its reason and records what the complainant said; the
police station asks for more time and the office approves it."""

import datetime

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, Category, DepartmentKind, MediationRecord

from ..cases.conftest import act, make_department, member_of
from ..factories import HouseholdFactory, ResidentFactory
from .conftest import log_in, screenshot


@pytest.fixture
def dispute(db):
    # Browser tests empty the tables after each test, categories from the migration included.
    category, _ = Category.objects.get_or_create(name="邻里纠纷", defaults={"hours_normal": 72})
    return category


def new_case(wu, grid, category, households, title):
    case = services.case_report(
        by=wu,
        grid=grid,
        title=title,
        description="302室天花板漏水，怀疑402室水管渗漏",
        category=category,
        priority="normal",
        channel="walk_in",
        complainant_name="周国庆",
        households=households,
    )
    return act(case, "register", wu)


def fits_the_phone(phone):
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.browser
def test_wu_records_a_mediation_and_settles_the_case_on_his_phone(phone, wu, grid1, dispute):
    upstairs = HouseholdFactory(grid=grid1, address="临江路4幢402室", head_name="张磊")
    downstairs = HouseholdFactory(grid=grid1, address="临江路4幢302室", head_name="周国庆")
    zhang = ResidentFactory(household=upstairs, name="张磊")
    zhou = ResidentFactory(household=downstairs, name="周国庆")
    case = new_case(wu, grid1, dispute, [downstairs, upstairs], "楼上漏水纠纷")

    log_in(phone, "wu", "correct-horse-battery")
    phone.goto(f"{phone.base_url}/cases/{case.pk}/")
    phone.locator(f"a[href='/cases/{case.pk}/mediation/']").click()
    phone.wait_for_url(f"**/cases/{case.pk}/mediation/")

    # Both households' residents are offered as parties; Wu is already ticked as mediator.
    for resident in (zhang, zhou):
        phone.locator("label", has_text=resident.name).click()
        assert phone.locator(f"input[name=parties][value='{resident.pk}']").is_checked()
    assert phone.locator(f"input[name=mediators][value='{wu.pk}']").is_checked()
    phone.fill("input[name=other_mediators]", "老李（网格党小组长）")
    phone.locator("input[name=outcome][value=agreed]").check()
    phone.fill("textarea[name=agreement]", "402室当天修好水管并承担302室天花板修补费用")
    fits_the_phone(phone)
    screenshot(phone, "case-mediation-form")
    phone.locator("input[type=submit]").click()
    phone.wait_for_url(f"**/cases/{case.pk}/")

    # The case page shows the record at once.
    record = phone.locator(".card", has_text="老李（网格党小组长）").last
    assert "达成协议" in record.inner_text()
    assert "张磊" in record.inner_text() and "周国庆" in record.inner_text()

    settle = phone.locator("details.action-settle")
    settle.locator("summary").click()
    settle.locator("textarea[name=note]").fill("双方达成协议，当场化解")
    settle.locator("select[name=close_reason]").select_option("fixed")
    button = settle.locator("button[type=submit]")
    assert button.bounding_box()["height"] >= 44
    button.click()
    phone.wait_for_url(f"**/cases/{case.pk}/")
    screenshot(phone, "case-settled")

    assert phone.locator(".badge.text-bg-primary").inner_text() == "已结案"
    assert "已解决" in phone.locator("dl").inner_text()  # the close reason
    assert "双方达成协议，当场化解" in phone.locator("ol.list-group").inner_text()
    assert phone.locator("details.action-settle").count() == 0
    fits_the_phone(phone)
    case.refresh_from_db()
    assert (case.state, case.level, case.close_reason) == ("closed", "grid", "fixed")
    assert MediationRecord.objects.get().other_mediators == "老李（网格党小组长）"


@pytest.mark.browser
def test_staff_close_a_verified_case_and_record_the_feedback(phone, wu, staff, grid1, dispute):
    police = make_department(grid1.community, "临浦派出所", DepartmentKind.POLICE)
    officer = member_of(police, "officer", first_name="志强", last_name="沈")
    case = new_case(wu, grid1, dispute, [HouseholdFactory(grid=grid1)], "平房租户饲养猫狗扰民")
    case = act(case, "dispatch", staff, department=police)
    case = act(case, "resolve", officer, note="已找到租户，猫狗已送养")
    case = act(case, "verify", wu)

    log_in(phone, "staff", "correct-horse-battery")
    phone.goto(f"{phone.base_url}/cases/{case.pk}/")
    assert phone.locator(".badge.text-bg-primary").inner_text() == "已核查"
    assert phone.locator("details.action-feedback").count() == 0  # not before the close

    close = phone.locator("details.action-close")
    close.locator("summary").click()
    close.locator("select[name=close_reason]").select_option("referred")
    close.locator("button[type=submit]").click()
    phone.wait_for_url(f"**/cases/{case.pk}/")
    assert phone.locator(".badge.text-bg-primary").inner_text() == "已结案"
    assert "已转其他渠道" in phone.locator("dl").inner_text()

    feedback = phone.locator("details.action-feedback")
    feedback.locator("summary").click()
    feedback.locator("select[name=satisfaction]").select_option("basically")
    feedback.locator("textarea[name=note]").fill("投诉人表示基本满意，希望加强巡查")
    feedback.locator("button[type=submit]").click()
    phone.wait_for_url(f"**/cases/{case.pk}/")
    screenshot(phone, "case-feedback")

    assert phone.locator(".badge.text-bg-primary").inner_text() == "已回访"
    details = phone.locator("dl").inner_text()
    assert "基本满意" in details and "已转其他渠道" in details
    assert "投诉人表示基本满意" in phone.locator("ol.list-group").inner_text()
    fits_the_phone(phone)
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.close_reason, case.satisfaction) == ("feedback", "referred", "basically")
    assert case.feedback_at - case.closed_at < datetime.timedelta(minutes=5)
    assert case.closed_at <= timezone.now()


@pytest.mark.browser
def test_the_police_ask_for_more_time_and_the_office_approves_it_on_a_phone(phone, wu, staff, grid1, dispute):
    police = make_department(grid1.community, "临浦派出所", DepartmentKind.POLICE)
    member_of(police, "officer", first_name="志强", last_name="沈")
    case = new_case(wu, grid1, dispute, [HouseholdFactory(grid=grid1)], "平房租户饲养猫狗扰民")
    case = act(case, "dispatch", staff, department=police)
    due = case.due_at
    proposed = timezone.localtime(due + datetime.timedelta(days=5)).replace(second=0, microsecond=0)

    log_in(phone, "officer", "correct-horse-battery")
    phone.goto(f"{phone.base_url}/cases/{case.pk}/")
    extend = phone.locator("details.action-extend")
    extend.locator("summary").click()
    extend.locator("input[name=proposed_due]").fill(proposed.strftime("%Y-%m-%dT%H:%M"))
    extend.locator("textarea[name=reason]").fill("租户外出务工，需等其返回")
    extend.locator("button[type=submit]").click()
    phone.wait_for_url(f"**/cases/{case.pk}/")
    assert "已申请延期，等待社区审批。" in phone.locator("#extension-request").inner_text()
    assert phone.locator("details.action-extend").count() == 0  # one request at a time
    fits_the_phone(phone)
    assert Case.objects.get(pk=case.pk).due_at == due  # until approved, the deadline stands

    phone.context.clear_cookies()
    log_in(phone, "staff", "correct-horse-battery")
    phone.goto(f"{phone.base_url}/cases/{case.pk}/")
    request = phone.locator("#extension-request")
    assert "沈志强 申请延期，等待社区审批。" in request.inner_text()
    assert "租户外出务工，需等其返回" in request.inner_text()
    approve = request.locator("details.action-approve_extension")
    approve.locator("summary").click()
    button = approve.locator("button[type=submit]")
    assert button.bounding_box()["height"] >= 44
    fits_the_phone(phone)
    screenshot(phone, "case-extension-request")
    button.click()
    phone.wait_for_url(f"**/cases/{case.pk}/")
    assert phone.locator("#extension-request").count() == 0
    assert proposed.strftime("%Y-%m-%d %H:%M") in phone.locator("dl").inner_text()
    assert Case.objects.get(pk=case.pk).due_at == proposed
