"""Handling a case on its page: settling in the grid (自行处置), verification by someone other
than the department, rework, returns, close reasons, feedback, reopening."""

import pytest
from django.db import DatabaseError
from django.urls import reverse

from cases import effects, services, workflow
from cases.forms import ActionForm
from cases.models import CaseEvent, State
from gridapp.models import Notification

from .conftest import act, fresh, post_action, report


def events(case):
    return list(CaseEvent.objects.filter(case=case).values_list("action", "from_state", "to_state"))


# --- 自行处置: small matters don't leave the grid ---------------------------------------------


def test_wu_settles_a_small_matter_in_his_grid_and_closes_it_at_once(as_user, wu, grid1, dispute):
    case = report(wu, grid1, category=dispute, title="楼道堆物纠纷")
    client = as_user(wu)
    post_action(client, case, "register")
    response = post_action(client, case, "settle", note="当场协调，双方同意清理楼道", close_reason="fixed")

    assert response.status_code == 302
    case = fresh(case)
    assert (case.state, case.level, case.close_reason) == ("closed", "grid", "fixed")
    assert (case.assignee, case.resolved_by) == (wu, wu)
    assert case.closed_at is not None and case.resolved_at is not None
    assert events(case) == [
        ("report", "", "reported"),
        ("register", "reported", "registered"),
        ("settle", "registered", "closed"),
    ]


def test_chen_cannot_settle_a_case_of_wus_grid(as_user, wu, chen, grid1):
    case = act(report(wu, grid1), "register", wu)
    response = post_action(as_user(chen), case, "settle", note="已处理", close_reason="fixed")
    assert response.status_code == 404
    assert fresh(case).state == "registered"


# --- verification: never by the department that resolved it ---------------------------------


def test_a_case_the_police_resolved_is_verified_by_wu_before_it_closes(as_user, case_in, wu, staff, officer):
    case = case_in("dispatched")
    post_action(as_user(officer), case, "resolve", note="已找到租户，动物已送养")
    assert fresh(case).state == "resolved"

    # Shen cannot check his own station's work, and nobody can close it unverified.
    page = as_user(officer).get(case.get_absolute_url())
    assert "action-verify" not in page.content.decode()
    assert post_action(as_user(officer), case, "verify").status_code == 403
    assert post_action(as_user(staff), case, "close", close_reason="fixed").status_code == 403
    assert fresh(case).state == "resolved"

    assert post_action(as_user(wu), case, "verify").status_code == 302
    assert post_action(as_user(staff), case, "close", close_reason="fixed").status_code == 302
    assert fresh(case).state == "closed"


def test_when_wu_resolved_it_himself_staff_verify_it(as_user, case_in, wu, staff):
    case = case_in("handling")
    post_action(as_user(wu), case, "resolve", note="已联系物业修好水管")
    assert post_action(as_user(wu), case, "verify").status_code == 403
    assert post_action(as_user(staff), case, "verify").status_code == 302
    assert fresh(case).state == "verified"


def test_a_failed_check_sends_the_case_back_to_the_police_with_rework_counted(as_user, case_in, wu, officer, police):
    case = case_in("resolved")
    response = post_action(as_user(wu), case, "rework", note="现场查看，狗仍在院内")
    assert response.status_code == 302
    case = fresh(case)
    assert (case.state, case.department, case.rework_count, case.resolved_at) == ("dispatched", police, 1, None)
    assert events(case)[-1] == ("rework", "resolved", "dispatched")

    # The station works on it again; a second failed check counts again.
    post_action(as_user(officer), case, "resolve", note="已全部送养")
    post_action(as_user(wu), case, "rework", note="仍有两只猫")
    assert (fresh(case).state, fresh(case).rework_count) == ("dispatched", 2)


def test_a_failed_check_of_wus_own_resolution_sends_it_back_to_his_handling(as_user, case_in, wu, staff):
    case = case_in("handling")
    post_action(as_user(wu), case, "resolve", note="已修好")
    post_action(as_user(staff), case, "rework", note="仍在渗水")
    case = fresh(case)
    assert (case.state, case.level, case.rework_count) == ("handling", "grid", 1)


def test_a_failed_check_of_the_communitys_resolution_sends_it_back_to_the_community(as_user, case_in, wu, staff):
    case = case_in("escalated")
    post_action(as_user(staff), case, "resolve", note="社区协调物业维修")
    post_action(as_user(wu), case, "rework", note="未修好")
    assert (fresh(case).state, fresh(case).level) == ("escalated", "community")


# --- the department returns a case or asks for more time -------------------------------------


def test_the_police_return_a_case_with_a_reason_and_the_office_is_told(as_user, case_in, officer, staff):
    case = case_in("dispatched")
    response = post_action(as_user(officer), case, "return", note="不属于派出所职责，建议转城管")
    assert response.status_code == 302
    case = fresh(case)
    assert (case.state, case.level, case.department) == ("escalated", "community", None)
    event = case.events.last()
    assert (event.action, event.actor, event.note) == ("return", officer, "不属于派出所职责，建议转城管")
    assert Notification.objects.filter(recipient=staff, kind="case_return").count() == 1
    # The case page says who has it now: the community office.
    page = as_user(staff).get(case.get_absolute_url()).content.decode()
    assert "不属于派出所职责，建议转城管" in page
    assert "Community staff" in page


def test_a_return_without_a_reason_is_refused(as_user, case_in, officer):
    case = case_in("dispatched")
    response = post_action(as_user(officer), case, "return", note="  ")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert fresh(case).state == "dispatched"


# Extensions (asked, approved, refused) are in test_extensions.py.


# --- closing, feedback, reopening --------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "label"),
    [("fixed", "Fixed"), ("referred", "Referred elsewhere"), ("unable", "Unable to fix"), ("withdrawn", "Withdrawn")],
)
def test_closing_records_the_reason(as_user, case_in, staff, reason, label):
    case = case_in("verified")
    client = as_user(staff)
    assert post_action(client, case, "close", close_reason=reason).status_code == 302
    assert (fresh(case).state, fresh(case).close_reason) == ("closed", reason)
    assert label in client.get(case.get_absolute_url()).content.decode()


def test_closing_needs_a_reason(as_user, case_in, staff):
    case = case_in("verified")
    response = post_action(as_user(staff), case, "close", close_reason="")
    assert response.status_code == 400
    assert "Choose why the case is closed." in response.content.decode()
    assert fresh(case).state == "verified"


def test_a_duplicate_is_closed_with_the_number_of_the_case_it_repeats(as_user, case_in, wu, grid1, staff):
    original = report(wu, grid1, title="302室天花板漏水")
    case = case_in("verified")
    client = as_user(staff)
    response = post_action(client, case, "close", close_reason="duplicate", duplicate_of=original.number.lower())
    assert response.status_code == 302
    case = fresh(case)
    assert (case.close_reason, case.duplicate_of) == ("duplicate", original)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f'href="{original.get_absolute_url()}">{original.number}</a>' in page


@pytest.mark.parametrize("which", ["other-community", "unknown", "blank", "itself"])
def test_a_duplicate_of_a_case_staff_cannot_see_is_a_form_error(as_user, case_in, staff, zhao, other_grid, which):
    case = case_in("verified")
    numbers = {
        "other-community": lambda: report(zhao, other_grid, title="浦南漏水").number,
        "unknown": lambda: "DLC-2026-999999",
        "blank": lambda: "",
        "itself": lambda: case.number,
    }
    response = post_action(as_user(staff), case, "close", close_reason="duplicate", duplicate_of=numbers[which]())
    assert response.status_code == 400
    assert "No case with this number that you can see." in response.content.decode()
    assert (fresh(case).state, fresh(case).duplicate_of) == ("verified", None)


@pytest.mark.parametrize(
    ("view", "label"),
    [("satisfied", "Satisfied"), ("basically", "Basically satisfied"), ("unsatisfied", "Unsatisfied")],
)
def test_wu_records_the_complainants_view_after_the_close(as_user, case_in, wu, view, label):
    case = case_in("closed")
    client = as_user(wu)
    assert post_action(client, case, "feedback", satisfaction=view).status_code == 302
    case = fresh(case)
    assert (case.state, case.satisfaction) == ("feedback", view)
    assert case.feedback_at is not None
    assert label in client.get(case.get_absolute_url()).content.decode()


def test_feedback_must_say_what_the_complainant_said(as_user, case_in, wu):
    case = case_in("closed")
    response = post_action(as_user(wu), case, "feedback", satisfaction="")
    assert response.status_code == 400
    assert "Record what the complainant said." in response.content.decode()


def test_only_staff_reopen_a_case_and_it_starts_again_from_registered(as_user, case_in, wu, staff, grid1):
    original = report(wu, grid1)
    case = case_in("verified")
    act(case, "close", staff, close_reason="duplicate", duplicate_of=original)
    act(case, "feedback", wu, satisfaction="unsatisfied")

    assert post_action(as_user(wu), case, "reopen", note="居民不满意").status_code == 403
    assert fresh(case).state == "feedback"

    assert post_action(as_user(staff), case, "reopen", note="居民反映问题未解决").status_code == 302
    case = fresh(case)
    assert case.state == "registered"
    assert (case.close_reason, case.duplicate_of, case.satisfaction, case.closed_at, case.feedback_at) == (
        "",
        None,
        "",
        None,
        None,
    )
    assert events(case)[-1] == ("reopen", "feedback", "registered")


# --- who is told ----------------------------------------------------------------------------


def test_dispatching_tells_the_department_and_escalating_tells_the_office(case_in, wu, staff, officer, planner):
    case = case_in("handling")
    act(case, "escalate", wu, note="房东不配合，需社区协调")
    assert list(Notification.objects.filter(kind="case_escalate").values_list("recipient__username", flat=True)) == [
        "staff"
    ]
    act(case, "dispatch", staff, department=officer.departments.get())
    assert list(Notification.objects.filter(kind="case_dispatch").values_list("recipient__username", flat=True)) == [
        "officer"
    ]
    [message] = Notification.objects.filter(kind="case_dispatch")
    assert message.link == reverse("case_detail", args=[case.pk])


def test_resolving_tells_whoever_must_verify_it_but_never_the_one_who_resolved_it(case_in, wu, staff):
    mine, theirs = case_in("handling"), case_in("handling")  # Wu took both
    act(mine, "resolve", wu, note="已修好")  # Wu cannot verify his own: the office checks it
    act(theirs, "resolve", staff, note="社区已联系物业修好")  # the grid's worker checks the office's
    told = Notification.objects.filter(kind="case_resolve").values_list("recipient__username", "link")
    assert sorted(told) == [("staff", mine.get_absolute_url()), ("wu", theirs.get_absolute_url())]


def test_each_kind_of_recipient_is_found_from_the_case(case_in, wu, staff, officer):
    case = case_in("resolved")  # dispatched to the police station and resolved by Shen; nobody assigned
    found = {kind: effects.recipients((kind,), case, staff) for kind in effects.RECIPIENTS}
    assert found == {
        effects.ASSIGNEE: set(),
        effects.COMMUNITY_STAFF: set(),  # staff took the action
        effects.GRID_WORKERS: {wu.pk},
        effects.DEPARTMENT_MEMBERS: {officer.pk},
        effects.RESOLVER: {officer.pk},
        effects.VERIFIERS: {wu.pk},  # a department resolved it: the grid's worker checks
        effects.HANDLER: {wu.pk},  # resolved, nobody assigned: the grid's worker has it
        effects.EXTENSION_ASKER: set(),  # nobody asked for more time
        effects.GRID_OFFICERS: set(),  # Grid 1 has no part-time officer here (test_grid_officer.py)
        effects.ASSISTING_MEMBERS: set(),  # no department assists (test_assists.py)
        effects.ASSISTS_CHANGED: set(),  # no action added or removed one
    }
    assert effects.recipients(tuple(effects.RECIPIENTS), case, officer) == {staff.pk, wu.pk}


# --- the table's guarantees -------------------------------------------------------------------


def test_a_transition_and_its_timeline_entry_are_saved_together(case_in, wu, monkeypatch):
    """If the timeline entry cannot be written, the state does not change either."""
    case = case_in("registered")

    def fail(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(CaseEvent.objects, "create", fail)
    with pytest.raises(DatabaseError):
        services.perform(case=case, action_name="take", by=wu, version=case.version)
    case.refresh_from_db()
    assert (case.state, case.version, case.assignee) == ("registered", 2, None)


def test_a_reopened_case_is_no_longer_the_old_departments_to_act_on(case_in, staff, officer):
    case = case_in("closed")
    services.perform(
        case=case, action_name="reopen", by=staff, version=case.version, change=services.Change(note="居民不满意")
    )
    case.refresh_from_db()
    assert case.state == "registered"
    assert workflow.available_actions(officer, case) == []
    case = services.perform(case=case, action_name="take", by=staff, version=case.version)
    assert not workflow.allowed(officer, case, "resolve")
    assert not workflow.allowed(officer, case, "extend")


# What each action's form asks besides the note and whether the complainant sees it.
ASKS = {
    "register": {"category", "priority"},
    "settle": {"close_reason", "duplicate_of", "photos"},
    "dispatch": {"department", "assisting"},
    "add_assist": {"assisting"},
    "remove_assist": {"assist"},
    "assist_done": {"assist"},
    "extend": {"proposed_due", "reason"},
    "resolve": {"photos"},
    "close": {"close_reason", "duplicate_of"},
    "feedback": {"satisfaction"},
}
NEEDS_A_NOTE = {
    *("reject", "settle", "escalate", "return", "resolve", "rework", "reopen", "refuse_extension"),
    *("add_note", "assist_done"),
}


@pytest.mark.parametrize("action", sorted(workflow.ACTIONS))
def test_each_actions_form_asks_what_the_action_needs(case_in, staff, action):
    form = ActionForm(action=workflow.ACTIONS[action], case=case_in("registered"), user=staff)
    note = set() if "reason" in ASKS.get(action, ()) else {"note"}
    assert set(form.fields) == {"version", "public", *note, *ASKS.get(action, ())}
    if note:
        assert form.fields["note"].required is (action in NEEDS_A_NOTE)
    assert form["public"].value() is False  # internal unless the writer ticks "visible to the complainant"


def test_a_new_row_of_the_table_is_a_new_action(monkeypatch, as_user, case_in, wu, staff):
    """Adding an action is adding its row: the page offers it, the service takes it, the timeline
    and the inbox show it (here an internal call for help that leaves the case where it is)."""
    row = workflow.Action(
        "ask_help",
        "Ask the office for help",
        (State.HANDLING,),
        workflow.stays,
        workflow.GRID_SIDE,
        needs_note=True,
        public=False,
        tells=(effects.COMMUNITY_STAFF,),
    )
    monkeypatch.setitem(workflow.ACTIONS, "ask_help", row)
    case = case_in("handling")
    client = as_user(wu)
    page = client.get(case.get_absolute_url())
    [form] = [form for action, form in page.context["action_forms"] if action.name == "ask_help"]
    assert set(form.fields) == {"version", "note", "public"} and form["public"].value() is False

    act(case, "ask_help", wu, note="房东联系不上，请社区出面")
    event = fresh(case).events.last()
    assert (event.action, event.from_state, event.to_state, event.actor, event.public) == (
        "ask_help",
        "handling",
        "handling",
        wu,
        False,
    )
    told = Notification.objects.filter(kind="case_ask_help").values_list("recipient__username", flat=True)
    assert list(told) == ["staff"]
    # On the timeline by its label; the case stayed where it was, so no "Handling → Handling".
    timeline = client.get(case.get_absolute_url()).content.decode().split("Timeline", 1)[1]
    assert "吴佳栋 · Ask the office for help <span" in timeline
    assert "Handling (grid) → Handling (grid)" not in timeline
