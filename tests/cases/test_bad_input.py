"""Bad input never changes a case and never ends in a server error: an action this user may
not take now is refused with a reason; anything malformed or too long is a form error."""

import pytest
from django.urls import reverse

from cases.models import Case, CaseEvent, Category, MediationRecord

from .conftest import fresh, post_action, report

REFUSED = "You cannot do this on this case now."


def unchanged(case):
    now = fresh(case)
    return (now.state, now.version, now.events.count()) == (case.state, case.version, case.events.count())


# --- actions this user may not take now ----------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "who", "action", "data"),
    [
        ("registered", "wu", "dispatch", {}),  # only the office dispatches
        ("reported", "wu", "reject", {"note": "不属实"}),
        ("resolved", "officer", "verify", {}),  # a department never verifies
        ("handling", "wu", "feedback", {"satisfaction": "satisfied"}),  # feedback before the close
        ("verified", "wu", "feedback", {"satisfaction": "satisfied"}),
        ("closed", "wu", "reopen", {"note": "居民不满意"}),  # only staff reopen
        ("dispatched", "staff", "return", {"note": "退回"}),  # only the department returns
        ("closed", "staff", "close", {"close_reason": "fixed"}),
        ("handling", "wu", "no-such-action", {}),
    ],
)
def test_an_action_not_allowed_now_is_refused_with_a_reason(request, as_user, case_in, state, who, action, data):
    case = case_in(state)
    response = post_action(as_user(request.getfixturevalue(who)), case, action, **data)
    assert response.status_code == 403
    assert REFUSED in response.content.decode()
    assert unchanged(case)


def test_a_case_outside_the_users_grids_is_not_found(as_user, case_in, chen):
    case = case_in("handling")
    assert post_action(as_user(chen), case, "resolve", note="已处理").status_code == 404
    assert as_user(chen).get(reverse("case_detail", args=[999999])).status_code == 404
    assert unchanged(case)


# --- over-long text: a form error, never a 500 ------------------------------------------------------

INTAKE_LIMITS = {"title": 100, "description": 4000, "complainant_name": 50, "complainant_phone": 20}


def intake(in_grid, of_category, **fields):
    data = {
        "grid": in_grid.pk,
        "title": "楼上漏水",
        "description": "天花板渗水",
        "category": of_category.pk,
        "priority": "normal",
        "channel": "walk_in",
        "complainant_name": "任爱香",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(("field", "limit"), INTAKE_LIMITS.items())
def test_over_long_intake_text_is_a_form_error(as_user, staff, grid1, leak, field, limit):
    response = as_user(staff).post(reverse("case_create"), intake(grid1, leak, **{field: "漏" * (limit + 1)}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("state", "action", "field", "limit", "data"),
    [
        ("handling", "resolve", "note", 4000, {}),
        ("dispatched", "return", "note", 4000, {}),
        ("verified", "close", "duplicate_of", 30, {"close_reason": "duplicate"}),
        ("handling", "settle", "note", 4000, {"close_reason": "fixed"}),
    ],
)
def test_over_long_action_text_is_a_form_error(as_user, case_in, staff, officer, state, action, field, limit, data):
    case = case_in(state)
    user = officer if action == "return" else staff
    data.setdefault("note", "已处理")
    data[field] = "水" * (limit + 1)
    response = post_action(as_user(user), case, action, **data)
    assert response.status_code == 400
    forms = {a.name: form for a, form in response.context["action_forms"]}
    assert field in forms[action].errors
    assert unchanged(case)


@pytest.mark.parametrize(("field", "limit"), [("other_parties", 200), ("other_mediators", 200), ("agreement", 4000)])
def test_over_long_mediation_text_is_a_form_error(as_user, case_in, wu, field, limit):
    case = case_in("handling")
    data = {"held_on": "2026-03-02", "other_parties": "楼上住户", "outcome": "agreed", field: "调" * (limit + 1)}
    response = as_user(wu).post(reverse("mediation_create", args=[case.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not MediationRecord.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("name", "类" * 51), ("promise", "诺" * 201), ("hours_low", "99999999999")]
)
def test_over_long_or_huge_category_input_is_a_form_error(as_user, staff, dispute, field, value):
    data = {"name": "新类别", "hours_urgent": 4, "hours_high": 12, "hours_normal": 48, "hours_low": 120, "active": "on"}
    data[field] = value
    response = as_user(staff).post(reverse("category_edit", args=[dispute.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_a_deadline_too_far_away_to_compute_is_refused(as_user, staff, wu, grid1, dispute):
    """2147483647 hours fits the column but not a calendar: the intake would fail."""
    data = {"name": dispute.name, "hours_urgent": 4, "hours_high": 12, "hours_normal": 48, "active": "on"}
    response = as_user(staff).post(reverse("category_edit", args=[dispute.pk]), {**data, "hours_low": "2147483647"})
    assert "hours_low" in response.context["form"].errors
    response = as_user(wu).post(reverse("case_create"), intake(grid1, dispute, priority="low"))
    assert response.status_code == 302


def test_a_long_search_in_the_queue_is_harmless(as_user, staff):
    response = as_user(staff).get(reverse("case_queue"), {"q": "漏" * 5000, "state": "bogus", "order": "bogus"})
    assert response.status_code == 200


# --- invalid ids and values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("priority", "extreme"),
        ("category", "999999"),
        ("category", "abc"),
        ("category", "inactive"),
        ("grid", "abc"),
        ("channel", "wechat"),
        # Not an id at all: a form error (an id of a record the user cannot see is a 404, below).
        ("complainant", "abc"),
        ("building", "-1"),
        ("households", "<script>"),
        ("shops", "1.5"),
    ],
)
def test_invalid_choices_on_intake_are_form_errors(as_user, staff, grid1, leak, field, value):
    if value == "inactive":
        value = Category.objects.create(name="已停用类别", active=False).pk
    response = as_user(staff).post(reverse("case_create"), intake(grid1, leak, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Case.objects.exists()


def test_a_resident_of_another_community_cannot_be_the_complainant(as_user, staff, grid1, leak, other_grid):
    """Picked by search, a complainant is always one the user sees: another id is a forged one."""
    from ..factories import HouseholdFactory, ResidentFactory

    stranger = ResidentFactory(household=HouseholdFactory(grid=other_grid), name="沈阿大")
    response = as_user(staff).post(reverse("case_create"), intake(grid1, leak, complainant=stranger.pk))
    assert response.status_code == 404
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("complainant", "999999"), ("building", "999999"), ("households", "999999"), ("shops", "999999")],
)
def test_an_id_that_names_nothing_the_user_sees_is_not_found(as_user, staff, grid1, leak, field, value):
    """An id of no record at all is answered as one of another grid's (404): a forged id cannot
    tell whether the record exists."""
    response = as_user(staff).post(reverse("case_create"), intake(grid1, leak, **{field: value}))
    assert response.status_code == 404
    assert not Case.objects.exists()


@pytest.mark.parametrize("department", ["999999", "abc", "other-town", ""])
def test_dispatching_to_an_unknown_department_is_a_form_error(as_user, case_in, staff, department):
    case = case_in("registered")
    if department == "other-town":
        from cases.models import Department

        from ..factories import TownFactory

        department = Department.objects.create(town=TownFactory(name="义桥镇"), name="义桥派出所", kind="police").pk
    response = post_action(as_user(staff), case, "dispatch", department=department)
    assert response.status_code == 400
    assert unchanged(case)


@pytest.mark.parametrize("due_at", ["next friday", "2026-13-45T25:00"])
def test_an_unreadable_deadline_is_a_form_error(as_user, case_in, officer, due_at):
    case = case_in("dispatched")
    response = post_action(as_user(officer), case, "extend", reason="需等配件", proposed_due=due_at)
    assert response.status_code == 400
    assert "Enter a valid date/time." in response.content.decode()
    assert unchanged(case)
    assert not case.extension_requests.exists()


@pytest.mark.parametrize("version", ["", "abc", "-1"])
def test_a_form_without_a_readable_version_is_refused(as_user, case_in, wu, version):
    case = case_in("handling")
    response = post_action(as_user(wu), case, "resolve", note="已处理", version=version)
    assert response.status_code == 400
    assert unchanged(case)


def test_feedback_with_an_unknown_view_is_a_form_error(as_user, case_in, wu):
    case = case_in("closed")
    response = post_action(as_user(wu), case, "feedback", satisfaction="thrilled")
    assert response.status_code == 400
    assert unchanged(case)


def test_a_file_that_is_not_a_photo_is_a_form_error(as_user, case_in, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = case_in("dispatched")
    fake = SimpleUploadedFile("leak.png", b"not an image", content_type="image/png")
    response = post_action(as_user(officer), case, "resolve", note="已修好", photos=fake)
    assert response.status_code == 400
    assert unchanged(case)
    assert not CaseEvent.objects.filter(case=case, action="resolve").exists()


def test_nothing_is_recorded_by_a_case_form_left_empty(as_user, staff, wu, grid1):
    assert as_user(staff).post(reverse("case_create"), {}).status_code == 200
    case = report(wu, grid1)
    assert as_user(wu).post(reverse("mediation_create", args=[case.pk]), {}).status_code == 200
    assert Case.objects.count() == 1 and not MediationRecord.objects.exists()
