"""The case pages: intake at the office, raising a case from a visit, the case page, the
department's queue and the cases on a grid worker's day."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, MediationRecord

from ..factories import HouseholdFactory
from ..visits.conftest import log
from .conftest import act, fresh, report


def intake(**fields):
    data = {
        "title": "楼上漏水",
        "description": "临江路4幢302室天花板渗水",
        "priority": "high",
        "channel": "walk_in",
        "complainant_name": "任爱香",
        "complainant_phone": "13900001111",
    }
    data.update(fields)
    return data


# --- intake ------------------------------------------------------------------------------------


def test_staff_record_a_walk_in_at_the_office(as_user, staff, grid1, leak, ren, linjiang4):
    client = as_user(staff)
    assert client.get(reverse("case_create")).status_code == 200
    response = client.post(
        reverse("case_create"),
        intake(
            grid=grid1.pk,
            category=leak.pk,
            complainant=ren.pk,
            complainant_name="",
            households=[ren.household.pk],
            building=linjiang4.pk,
        ),
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.number == f"DLC-{timezone.localdate():%Y}-000001"
    assert (case.state, case.level, case.grid, case.channel, case.created_by) == (
        "reported",
        "grid",
        grid1,
        "walk_in",
        staff,
    )
    assert (case.complainant, list(case.households.all()), case.building) == (ren, [ren.household], linjiang4)
    assert case.due_at == case.reported_at + datetime.timedelta(hours=leak.hours_high)
    assert list(case.events.values_list("action", "to_state", "actor")) == [("report", "reported", staff.pk)]

    page = client.get(case.get_absolute_url()).content.decode()
    assert case.number in page and "任爱香" in page and "139****1111" in page


def test_a_second_case_gets_the_next_public_number(wu, grid1):
    first, second = report(wu, grid1), report(wu, grid1)
    year = timezone.localdate().year
    assert (first.number, second.number) == (f"DLC-{year}-000001", f"DLC-{year}-000002")


def test_wu_raises_a_case_from_his_visit_with_the_visit_filled_in(as_user, wu, ren, nuisance):
    visit = log(wu, household=ren.household, conditions={ren: "well"}, notes="楼上漏水，天花板发霉")
    client = as_user(wu)
    url = f"{reverse('case_create')}?visit={visit.pk}"
    form = client.get(url).context["form"]
    assert form["grid"].value() == ren.household.grid_id
    assert form["households"].value() == [ren.household.pk]
    assert form["description"].value() == "楼上漏水，天花板发霉"
    assert (form["channel"].value(), form["complainant"].value()) == ("visit", ren.pk)

    response = client.post(
        url,
        intake(
            grid=ren.household.grid_id,
            households=[ren.household.pk],
            description="楼上漏水，天花板发霉",
            category=nuisance.pk,
            channel="visit",
        ),
    )
    case = Case.objects.get()
    assert response["Location"] == case.get_absolute_url()
    assert (case.visit, case.channel, list(case.households.all())) == (visit, "visit", [ren.household])


def test_a_case_raised_at_a_shop_names_the_shop(as_user, wu, shop1):
    visit = log(wu, shop=shop1, purposes=["safety"], notes="后门消防通道堆放纸箱")
    form = as_user(wu).get(reverse("case_create"), {"visit": visit.pk}).context["form"]
    assert (form["shops"].value(), form["households"].value()) == ([shop1.pk], [])
    assert form["description"].value() == "后门消防通道堆放纸箱"


def test_chen_cannot_raise_a_case_from_wus_visit(as_user, wu, chen, ren):
    visit = log(wu, household=ren.household)
    assert as_user(chen).get(reverse("case_create"), {"visit": visit.pk}).status_code == 404


def test_staff_naming_a_household_of_another_grid_get_a_form_error(as_user, staff, grid1, leak, grid2_household):
    response = as_user(staff).post(
        reverse("case_create"), intake(grid=grid1.pk, category=leak.pk, households=[grid2_household.pk])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["households"] == ["Choose places in the case's grid."]
    assert not Case.objects.exists()


def test_wu_posting_a_household_of_chens_grid_is_not_found(as_user, wu, grid1, leak, grid2_household, grid2):
    """Households are picked by search in Wu's own grid: Chen's is a forged id (404), as its page is."""
    client = as_user(wu)
    response = client.post(
        reverse("case_create"), intake(grid=grid1.pk, category=leak.pk, households=[grid2_household.pk])
    )
    assert response.status_code == 404
    response = client.post(reverse("case_create"), intake(grid=grid2.pk, category=leak.pk))
    assert "grid" in response.context["form"].errors
    assert not Case.objects.exists()


# --- the case page ----------------------------------------------------------------------------


def buttons(page):
    """The actions offered on a case page (each is a form with its button)."""
    return {name for name in ACTION_NAMES if f'/act/{name}/"' in page}


ACTION_NAMES = [
    "register",
    "reject",
    "take",
    "settle",
    "escalate",
    "refer_officer",
    "take_back",
    "dispatch",
    "add_assist",
    "remove_assist",
    "add_note",
    "assist_done",
    "return",
    "extend",
    "resolve",
    "verify",
    "rework",
    "close",
    "feedback",
    "reopen",
]


@pytest.mark.parametrize(
    ("state", "who", "offered"),
    [
        ("reported", "wu", {"register"}),
        ("reported", "staff", {"register", "reject"}),
        ("handling", "wu", {"settle", "escalate", "extend", "resolve"}),
        ("escalated", "wu", set()),
        ("escalated", "staff", {"dispatch", "extend", "resolve"}),
        # No other department in the town: no assisting one to add (test_assists.py).
        ("dispatched", "staff", {"extend", "resolve"}),
        ("dispatched", "officer", {"return", "extend", "resolve"}),
        ("dispatched", "wu", set()),
        ("resolved", "officer", set()),
        ("resolved", "wu", {"verify", "rework"}),
        ("verified", "staff", {"close"}),
        ("closed", "wu", {"feedback"}),
        ("closed", "staff", {"feedback", "reopen"}),
    ],
)
def test_the_case_page_offers_only_what_this_user_may_do_now(request, as_user, case_in, state, who, offered):
    case = case_in(state)
    response = as_user(request.getfixturevalue(who)).get(case.get_absolute_url())
    page = response.content.decode()
    assert buttons(page) == offered
    assert ("What you can do now" in page) is bool(offered)


def test_the_case_page_shows_timeline_level_responsible_and_deadline(as_user, case_in, wu, staff, officer):
    case = case_in("dispatched")
    page = as_user(wu).get(case.get_absolute_url()).content.decode()
    assert "Level: Town" in page
    assert "临浦派出所" in page.split("Responsible", 1)[1].split("</dd>", 1)[0]
    assert timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M") in page
    timeline = page.split("Timeline", 1)[1]
    assert timeline.index("Reported") < timeline.index("Register") < timeline.index("Dispatch to a department")
    assert "staff · Dispatch to a department · Registered → Dispatched (department)" in timeline
    assert "(Town)" in timeline


def test_an_escalated_case_is_the_community_offices_not_the_workers(as_user, case_in, wu):
    case = case_in("escalated")  # Wu took it, then asked the community to take over
    page = as_user(wu).get(case.get_absolute_url()).content.decode()
    responsible = page.split("Responsible", 1)[1].split("</dd>", 1)[0]
    assert "Community staff" in responsible
    assert "吴佳栋" not in responsible


@pytest.mark.parametrize(
    ("state", "responsible"),
    [
        ("reported", "Grid worker"),
        ("handling", "吴佳栋"),  # he took it
        ("escalated", "Community staff"),
        ("dispatched", "临浦派出所"),
        ("resolved", "Grid worker"),  # resolved by the police station: the grid worker checks it
    ],
)
def test_the_case_page_says_who_is_responsible_now(as_user, case_in, staff, state, responsible):
    page = as_user(staff).get(case_in(state).get_absolute_url()).content.decode()
    assert page.split("Responsible", 1)[1].split("</dd>", 1)[0].endswith(f">{responsible}")


def test_the_case_page_shows_the_mediation_records(as_user, case_in, wu, ren):
    case = case_in("handling")
    record = MediationRecord.objects.create(
        case=case,
        other_parties="楼上住户",
        other_mediators="李建华（网格党小组长）",
        outcome="agreed",
        agreement="楼上住户三日内请人修好水管，并承担楼下墙面修补费用",
        recorded_by=wu,
    )
    record.parties.add(ren)
    record.mediators.add(wu)
    page = as_user(wu).get(case.get_absolute_url()).content.decode()
    mediation = page.split("Mediation records", 1)[1].split("Timeline", 1)[0]
    for text in ("Agreement reached", "任爱香", "楼上住户", "吴佳栋", "李建华（网格党小组长）", "三日内请人修好水管"):
        assert text in mediation


def test_other_departments_and_other_grids_cannot_open_the_case(as_user, case_in, chen, zhao, planner):
    case = case_in("dispatched")
    for user in (chen, zhao, planner):
        assert as_user(user).get(case.get_absolute_url()).status_code == 404


# --- the department's queue and the worker's day -----------------------------------------------


def test_the_department_queue_lists_only_the_cases_referred_to_it(
    as_user, case_in, staff, police, officer, construction, planner
):
    ours = case_in("dispatched")
    theirs = act(
        act(report(staff, ours.grid, title="屋顶漏水"), "register", staff), "dispatch", staff, department=construction
    )
    case_in("handling")  # not referred to anyone
    assert list(as_user(officer).get(reverse("department_queue")).context["cases"]) == [ours]
    assert list(as_user(planner).get(reverse("department_queue")).context["cases"]) == [fresh(theirs)]


def test_the_department_queue_drops_a_case_once_it_is_back_with_the_community(as_user, case_in, officer, staff):
    returned = case_in("dispatched")
    act(returned, "return", officer, note="非本所职责")
    reopened = case_in("closed")
    act(reopened, "reopen", staff, note="居民不满意")
    assert list(as_user(officer).get(reverse("department_queue")).context["cases"]) == []


def test_wus_day_lists_his_open_cases_and_those_waiting_for_his_check(as_user, case_in, wu, chen, grid2, staff):
    handling = case_in("handling")
    registered = case_in("registered")
    to_verify = case_in("resolved")  # resolved by the police station
    case_in("closed")
    act(act(report(chen, grid2, title="第二网格路灯不亮"), "register", chen), "take", chen)
    page = as_user(wu).get(reverse("home"))
    assert set(page.context["my_cases"]) == {fresh(handling), fresh(registered)}
    assert list(page.context["to_verify"]) == [fresh(to_verify)]
    html = page.content.decode()
    assert "My open cases" in html and "to verify" in html and to_verify.number in html
    assert "第二网格路灯不亮" not in html


def test_a_department_reads_the_address_but_gets_no_link_into_the_register(as_user, case_in, officer, wu, grid1):
    case = case_in("dispatched")
    household = HouseholdFactory(grid=grid1, address="峙山北路后排平房4号")
    case.households.add(household)
    officer_page = as_user(officer).get(case.get_absolute_url()).content.decode()
    assert household.address in officer_page
    assert household.get_absolute_url() not in officer_page
    assert household.get_absolute_url() in as_user(wu).get(case.get_absolute_url()).content.decode()
