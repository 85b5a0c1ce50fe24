"""Cases through the API: reported with the intake's form and service, read with the public
timeline only, and moved through the lifecycle table with the version check."""

import pytest

from cases.models import Case, CaseEvent, Category, State

URL = "/api/v1/cases/"


@pytest.fixture
def category(db):
    return Category.objects.first()


def _report(caller, grid, category, **fields):
    body = {
        "title": "楼上漏水",
        "category": category.pk,
        "description": "临江路4幢 楼上漏水，住户来办公室反映",
        "priority": "normal",
        "channel": "hotline",
        "grid": grid.pk,
        "anonymous": True,
        **fields,
    }
    return caller.post(URL, body)


def test_a_case_is_reported_through_the_intake(api, wu, grid1, category, ren):
    response = _report(api(wu), grid1, category, anonymous=False, complainant=ren.pk, households=[ren.household.pk])
    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get()
    assert body["number"] == case.number and case.number.startswith("DLC-")
    assert body["state"] == State.REPORTED and body["version"] == 1
    assert case.created_by == wu and case.complainant == ren and list(case.households.all()) == [ren.household]
    assert "register" in body["actions"]


def test_a_case_in_another_grid_is_refused(api, chen, grid1, category):
    response = _report(api(chen, language="en"), grid1, category)
    assert response.status_code == 400
    assert "grid" in response.json()["errors"]
    assert not Case.objects.exists()


def test_the_intakes_rules_apply(api, wu, grid1, category):
    response = _report(api(wu), grid1, category, anonymous=False, description="x" * 4001, priority="soon")
    assert response.status_code == 400
    assert {"description", "priority", "complainant_name"} <= set(response.json()["errors"])
    assert not Case.objects.exists()


def _act(caller, case, name, **body):
    return caller.post(f"{URL}{case['id']}/actions/{name}/", body)


def test_an_action_moves_the_case_and_its_entry_is_internal_unless_asked(api, wu, grid1, category):
    caller = api(wu)
    case = _report(caller, grid1, category).json()
    registered = _act(caller, case, "register", version=1, category=category.pk, priority="normal")
    assert registered.status_code == 200, registered.json()
    assert registered.json()["state"] == State.REGISTERED and registered.json()["version"] == 2
    assert not CaseEvent.objects.get(action="register").public
    taken = _act(caller, registered.json(), "take", version=2, note="我来处理", public=True)
    assert taken.status_code == 200
    timeline = taken.json()["timeline"]
    # The public timeline: the report and the entry Wu chose to make public; not the internal one.
    assert [(e["action"], e["note"]) for e in timeline] == [("report", ""), ("take", "我来处理")]
    assert timeline[1]["label"] == "开始处置"


def test_a_stale_version_is_409_with_the_case_as_it_is_now(api, wu, staff, grid1, category):
    case = _report(api(wu), grid1, category).json()
    assert _act(api(staff), case, "register", version=1, category=category.pk, priority="normal").status_code == 200
    response = _act(api(wu, language="en"), case, "reject", version=1, note="不是我们的事")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == "The case changed since you read it. Nothing was done."
    assert body["current"]["state"] == State.REGISTERED and body["current"]["version"] == 2
    assert Case.objects.get().state == State.REGISTERED


def test_an_action_the_table_refuses_is_403_saying_why(api, wu, grid1, category):
    case = _report(api(wu), grid1, category).json()
    response = _act(api(wu), case, "reject", version=1, note="无效")  # only the office rejects
    assert response.status_code == 403
    assert response.json()["detail"] == "您现在不能对该事件执行此操作。"
    assert Case.objects.get().state == State.REPORTED


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "version"),
        ({"version": "one"}, "version"),
        ({"version": 1, "category": 99999, "priority": "normal"}, "category"),
        ({"version": 1, "category": 1, "priority": "now"}, "priority"),
    ],
)
def test_bad_action_input_is_400_naming_the_field(api, wu, grid1, category, body, field):
    case = _report(api(wu), grid1, category).json()
    response = api(wu).post(f"{URL}{case['id']}/actions/register/", body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Case.objects.get().version == 1


def test_an_unknown_action_is_404(api, wu, grid1, category):
    case = _report(api(wu), grid1, category).json()
    assert _act(api(wu), case, "vanish", version=1).status_code == 404


def test_chen_cannot_act_on_wus_case(api, wu, chen, grid1, category):
    case = _report(api(wu), grid1, category).json()
    assert _act(api(chen), case, "register", version=1, category=category.pk, priority="normal").status_code == 404


def test_wu_settles_a_small_matter_and_closes_it_at_once(api, wu, grid1, category):
    caller = api(wu)
    case = _report(caller, grid1, category).json()
    case = _act(caller, case, "register", version=1, category=category.pk, priority="normal").json()
    note = "双方达成协议，当场化解"
    response = _act(caller, case, "settle", version=case["version"], note=note, close_reason="fixed")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == State.CLOSED
    assert Case.objects.get().close_reason == "fixed"


def test_a_state_filter_that_is_no_state_is_400(api, wu, grid1, category):
    response = api(wu, language="en").get(URL, {"state": "lost\x00"})
    assert response.status_code == 400 and "state" in response.json()["errors"]
    assert api(wu).get(URL, {"state": "reported"}).status_code == 200
