"""The staff queue: every open case of the community, filtered and sorted the way the office
works through it, and assigned in bulk."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import CaseEvent, Department
from gridapp.models import Notification

from ..factories import TownFactory
from .conftest import act, fresh, queue_choice, report

NOW = timezone.now()


def reported(days_ago, by, grid, **fields):
    with time_machine.travel(NOW - datetime.timedelta(days=days_ago), tick=False):
        return report(by, grid, **fields)


@pytest.fixture
def office(wu, chen, staff, zhao, grid1, grid2, other_grid, leak, dispute, police):
    """Dongluchi's cases, one of each kind the filters tell apart, and one of another community."""
    cases = {
        "leak_handled_by_wu": act(act(reported(3, wu, grid1, title="楼上漏水"), "register", wu), "take", wu),
        "dispute_in_grid2": act(
            reported(1, chen, grid2, title="邻里争吵", category=dispute, priority="high"), "register", chen
        ),
        "at_the_police": act(
            act(reported(2, staff, grid1, title="违规养犬"), "register", staff), "dispatch", staff, department=police
        ),
        "overdue": reported(10, wu, grid1, title="路灯不亮", priority="urgent"),
        "closed": act(act(reported(4, wu, grid1, title="楼道堆物"), "register", wu), "settle", wu),
        "other_community": reported(1, zhao, other_grid, title="浦南漏水"),
    }
    return {name: fresh(case) for name, case in cases.items()}


def queue(client, **params):
    response = client.get(reverse("case_queue"), params)
    assert response.status_code == 200
    return [case.title for case in response.context["page"]]


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({}, {"楼上漏水", "邻里争吵", "违规养犬", "路灯不亮"}),
        ({"state": "handling"}, {"楼上漏水"}),
        ({"state": "closed"}, {"楼道堆物"}),
        ({"grid": "grid2"}, {"邻里争吵"}),
        ({"category": "dispute"}, {"邻里争吵"}),
        ({"level": "town"}, {"违规养犬"}),
        ({"department": "police"}, {"违规养犬"}),
        ({"overdue": "true"}, {"路灯不亮"}),
        ({"assignee": "wu"}, {"楼上漏水"}),
        ({"q": "漏水"}, {"楼上漏水"}),
    ],
    ids=["open", "state", "closed", "grid", "category", "level", "department", "overdue", "assignee", "text"],
)
def test_staff_narrow_the_queue(request, as_user, office, staff, params, titles):
    ids = {
        "grid2": lambda: request.getfixturevalue("grid2").pk,
        "dispute": lambda: request.getfixturevalue("dispute").pk,
        "police": lambda: request.getfixturevalue("police").pk,
        "wu": lambda: request.getfixturevalue("wu").pk,
    }
    params = {key: ids[value]() if value in ids else value for key, value in params.items()}
    assert set(queue(as_user(staff), **params)) == titles


def test_a_worker_sees_only_his_grids_cases_in_the_queue(as_user, office, wu):
    assert set(queue(as_user(wu))) == {"楼上漏水", "违规养犬", "路灯不亮"}


@pytest.mark.parametrize(
    ("order", "titles"),
    [
        ("age", ["路灯不亮", "楼上漏水", "违规养犬", "邻里争吵"]),
        ("-age", ["邻里争吵", "违规养犬", "楼上漏水", "路灯不亮"]),
        ("due", ["路灯不亮", "邻里争吵", "楼上漏水", "违规养犬"]),
        ("-due", ["违规养犬", "楼上漏水", "邻里争吵", "路灯不亮"]),
        (None, ["路灯不亮", "邻里争吵", "楼上漏水", "违规养犬"]),  # the nearest deadline first
        ("", ["路灯不亮", "邻里争吵", "楼上漏水", "违规养犬"]),  # the filter form sent, no order chosen
    ],
)
def test_staff_sort_the_queue_by_age_and_by_deadline(as_user, office, staff, order, titles):
    params = {} if order is None else {"order": order, "state": "open", "grid": "", "overdue": "unknown"}
    assert queue(as_user(staff), **params) == titles


def test_staff_assign_cases_in_bulk(as_user, office, staff, chen):
    picked = [office["dispute_in_grid2"], office["overdue"]]
    client = as_user(staff)
    response = client.post(reverse("case_bulk_assign"), queue_choice(picked, chen))
    assert response.status_code == 302
    assert all(fresh(case).assignee == chen for case in picked)
    assert CaseEvent.objects.filter(action="assign", actor=staff).count() == 2
    assert Notification.objects.filter(recipient=chen, kind="case_assigned").count() == 2
    assert "2 cases assigned." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("wrong", ["assignee-of-another-community", "case-of-another-community", "no-assignee"])
def test_a_bulk_assignment_outside_the_community_changes_nothing(as_user, office, staff, zhao, wu, wrong):
    cases = [office["dispute_in_grid2"], office["overdue"]]
    assignee = wu.pk
    if wrong == "assignee-of-another-community":
        assignee = zhao.pk
    elif wrong == "case-of-another-community":
        cases.append(office["other_community"])
    else:
        assignee = ""
    before = {case.pk: (case.assignee_id, case.version) for case in cases}

    client = as_user(staff)
    response = client.post(reverse("case_bulk_assign"), {"cases": [c.pk for c in cases], "assignee": assignee})
    assert response.status_code == 302
    assert "Choose the cases and whom to assign them to." in client.get(response["Location"]).content.decode()
    assert {case.pk: (fresh(case).assignee_id, fresh(case).version) for case in cases} == before
    assert not CaseEvent.objects.filter(action="assign").exists()
    assert not Notification.objects.filter(kind="case_assigned").exists()


def test_a_grid_worker_does_not_assign_cases(as_user, office, wu):
    case = office["overdue"]
    response = as_user(wu).post(reverse("case_bulk_assign"), {"cases": [case.pk], "assignee": wu.pk})
    assert response.status_code == 403
    assert fresh(case).assignee is None


# --- assigning from a queue that is out of date, or a case that is over --------------------------


def assigned(cases):
    return {case.pk: (fresh(case).assignee_id, fresh(case).version) for case in cases}


def test_staff_assigning_from_an_old_queue_are_told_what_changed_and_keep_their_choice(
    as_user, office, staff, chen, wu
):
    picked = [office["dispute_in_grid2"], office["overdue"]]
    client = as_user(staff)
    shown = client.get(reverse("case_queue"))
    act(picked[0], "take", chen)  # meanwhile Chen starts handling the dispute himself
    before = assigned(picked)

    response = client.post(reverse("case_bulk_assign"), queue_choice(picked, wu, shown=shown))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Some of these cases changed while you were choosing. Nothing was assigned" in page
    notice = page[page.index('id="conflict"') : page.index("<form", page.index('id="conflict"'))]
    assert f"{picked[0].number} 邻里争吵" in notice and "chen: Start handling → Handling (grid)" in notice
    assert picked[1].number not in notice
    # Nothing was assigned, nobody was told.
    assert assigned(picked) == before
    assert not CaseEvent.objects.filter(action="assign").exists()
    assert not Notification.objects.filter(kind="case_assigned").exists()
    # The choice is still on the page: the same cases ticked, Wu still chosen.
    for case in picked:
        assert f'value="{case.pk}" aria-label="{case.number}" checked>' in page
    assert response.context["assign_form"]["assignee"].value() == str(wu.pk)

    # Having read what changed, staff send it again as it now stands.
    response = client.post(reverse("case_bulk_assign"), queue_choice(picked, wu, shown=response))
    assert response.status_code == 302
    assert all(fresh(case).assignee == wu for case in picked)


def test_the_out_of_date_queue_is_answered_in_chinese(client, office, staff, chen, wu):
    picked = [office["dispute_in_grid2"]]
    client.force_login(staff)
    shown = client.get(reverse("case_queue"))
    act(picked[0], "take", chen)
    response = client.post(reverse("case_bulk_assign"), queue_choice(picked, wu, shown=shown))
    assert response.status_code == 409
    assert "未分派任何事件" in response.content.decode()


@pytest.mark.parametrize("over", ["closed", "rejected"])
def test_a_closed_or_rejected_case_is_not_assigned(as_user, office, staff, zhao, wu, grid1, over):
    if over == "closed":
        finished = office["closed"]
    else:
        finished = fresh(act(reported(1, wu, grid1, title="重复上报"), "reject", staff, note="重复上报"))
    picked = [office["overdue"], finished]
    before = assigned(picked)

    client = as_user(staff)
    response = client.post(reverse("case_bulk_assign"), queue_choice(picked, wu))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"Closed and rejected cases are not assigned: {finished.number}. Nothing was assigned." in page
    assert assigned(picked) == before
    assert not CaseEvent.objects.filter(action="assign").exists()
    assert not Notification.objects.filter(kind="case_assigned").exists()


def test_the_service_refuses_an_assignment_chosen_at_an_old_version(office, staff, chen, wu):
    case = office["dispute_in_grid2"]
    chosen_at = case.version
    act(case, "take", chen)
    with pytest.raises(services.CasesChanged) as changed:
        services.case_assign(cases=[fresh(case)], assignee=wu, by=staff, versions={case.pk: chosen_at})
    [what] = changed.value.changes
    assert [event.action for event in what.events] == ["take"]
    assert fresh(case).assignee == chen
    with pytest.raises(services.NotAssignable):
        services.case_assign(cases=[office["closed"]], assignee=wu, by=staff)
    assert fresh(office["closed"]).assignee == wu  # settled by Wu, who took it


# --- one way to choose a department ------------------------------------------------------------


def test_departments_are_offered_the_same_way_on_every_page(as_user, case_in, staff, officer, police, construction):
    Department.objects.create(town=TownFactory(name="义桥镇"), name="义桥派出所", kind="police")
    client = as_user(staff)
    towns = {police, construction}
    [dispatch] = [
        f
        for a, f in client.get(case_in("registered").get_absolute_url()).context["action_forms"]
        if a.name == "dispatch"
    ]
    assert set(dispatch.fields["department"].queryset) == towns
    assert set(client.get(reverse("case_queue")).context["filter"].filters["department"].queryset) == towns
    assert set(client.get(reverse("case_measures")).context["narrow"].fields["department"].queryset) == towns
    # A department's own staff filter by their own department.
    assert set(as_user(officer).get(reverse("case_queue")).context["filter"].filters["department"].queryset) == {police}
