"""Deadlines move only with the community office's approval (issue 14, item 3).

A handler (the grid worker, the department, the office while it handles the case) asks for more
time with a reason and a proposed date; until the office approves, the deadline stands. The
office answers beside the request on the case page; nobody answers their own request, and a
department or a worker answers none. 按期结案率 counts the original deadline, or an extension's
date approved before the deadline it counts against fell due.
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from cases import scope as case_scope
from cases.models import Case, CaseEvent, ExtensionRequest, ExtensionState
from gridapp.models import Notification, RoleKind

from ..factories import UserFactory, give_role
from .conftest import act, fresh, local_input, post_action
from .test_measures import MARCH, Story, at, page, two_days  # noqa: F401 (fixture)

REASON = "租户外出，需等其返回"


def days_after_due(case, days):
    return local_input(case.due_at + datetime.timedelta(days=days))


def ask(client, case, reason=REASON, days=5):
    return post_action(client, case, "extend", reason=reason, proposed_due=days_after_due(case, days))


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def snapshot(case):
    return (
        Case.objects.filter(pk=case.pk).values().get(),
        list(ExtensionRequest.objects.filter(case=case).values()),
        CaseEvent.objects.filter(case=case).count(),
        Notification.objects.count(),
    )


@pytest.fixture
def asked(as_user, case_in, officer):
    """The police station asks for five more days on a case dispatched to it."""
    case = case_in("dispatched")
    assert ask(as_user(officer), case).status_code == 302
    return fresh(case)


# --- asking ------------------------------------------------------------------------------------


def test_the_police_ask_for_more_time_and_the_deadline_stands_until_the_office_answers(
    as_user, case_in, officer, staff
):
    case = case_in("dispatched")
    old_due = case.due_at
    new_due = (old_due + datetime.timedelta(days=5)).replace(second=0, microsecond=0)
    response = post_action(as_user(officer), case, "extend", reason=REASON, proposed_due=local_input(new_due))
    assert response.status_code == 302

    case = fresh(case)
    assert (case.state, case.due_at) == ("dispatched", old_due)  # the deadline stands
    request = ExtensionRequest.objects.get(case=case)
    assert (request.state, request.asked_by, request.reason) == (ExtensionState.PENDING, officer, REASON)
    assert (request.proposed_due, request.deadline_when_asked) == (new_due, old_due)
    event = case.events.last()
    assert (event.action, event.actor, event.public) == ("extend", officer, False)  # the office's business
    old, new = (local_input(due).replace("T", " ") for due in (old_due, new_due))
    assert event.note == f"Asked to move the deadline from {old} to {new}.\n{REASON}"
    assert told("case_extend") == ["staff"]  # who approves; never the asker

    asker_page = as_user(officer).get(case.get_absolute_url())
    assert "Extension asked, waiting for the community office." in asker_page.content.decode()
    assert asker_page.context["answer_forms"] == []
    assert "extend" not in {action.name for action, _ in asker_page.context["action_forms"]}  # one at a time

    office_page = as_user(staff).get(case.get_absolute_url())
    html = office_page.content.decode()
    assert "沈志强 asks for more time, waiting for the community office." in html
    assert REASON in html and f"Proposed deadline: {new}" in html
    assert [action.name for action, _ in office_page.context["answer_forms"]] == [
        "approve_extension",
        "refuse_extension",
    ]


def test_staff_approve_and_the_deadline_moves_and_the_asker_is_told(as_user, asked, officer, staff):
    request = asked.pending_extension
    assert post_action(as_user(staff), asked, "approve_extension").status_code == 302
    case = fresh(asked)
    assert case.due_at == request.proposed_due
    assert case.counted_due_at is None  # approved before it fell due: the new date counts
    request.refresh_from_db()
    assert (request.state, request.decided_by) == (ExtensionState.APPROVED, staff)
    assert request.decided_at is not None
    event = case.events.last()
    assert (event.action, event.actor, event.public) == ("approve_extension", staff, False)
    assert event.note.startswith("Deadline moved from")
    assert told("case_approve_extension") == ["officer"]
    page_now = as_user(officer).get(case.get_absolute_url()).content.decode()
    assert "Extension asked" not in page_now
    assert 'id="extension-request"' not in page_now


def test_staff_refuse_with_a_reason_and_the_deadline_stays(as_user, asked, officer, staff):
    due = asked.due_at
    client = as_user(staff)
    response = post_action(client, asked, "refuse_extension", note="  ")
    assert response.status_code == 400
    assert fresh(asked).pending_extension is not None

    assert post_action(client, asked, "refuse_extension", note="配件本周可到，请按期办结").status_code == 302
    case = fresh(asked)
    assert case.due_at == due
    request = ExtensionRequest.objects.get(case=case)
    assert (request.state, request.decided_by) == (ExtensionState.REFUSED, staff)
    assert "refused; the deadline stays" in case.events.last().note
    assert told("case_refuse_extension") == ["officer"]
    # Answered: the police may ask again.
    assert ask(as_user(officer), case, reason="配件厂家停产，需另行采购").status_code == 302


@pytest.mark.parametrize("reason", ["等待配件", "parts not delivered yet"])
def test_a_short_reason_with_substance_is_enough(as_user, case_in, officer, reason):
    assert ask(as_user(officer), case_in("dispatched"), reason=reason).status_code == 302


def test_a_worker_asks_and_staff_approve(as_user, case_in, wu, staff):
    case = case_in("handling")
    assert ask(as_user(wu), case, reason="需再次上门协调当事人").status_code == 302
    assert told("case_extend") == ["staff"]
    assert post_action(as_user(staff), case, "approve_extension").status_code == 302
    assert fresh(case).due_at > case.due_at
    assert told("case_approve_extension") == ["wu"]


def test_an_overdue_case_can_still_ask(as_user, case_in, officer, staff):
    case = case_in("dispatched")
    with time_machine.travel(case.due_at + datetime.timedelta(days=1), tick=False):
        assert ask(as_user(officer), case, days=3).status_code == 302
        # The office is told, before approving, that the on-time rate will not follow.
        html = as_user(staff).get(case.get_absolute_url()).content.decode()
        fell_due = local_input(case.due_at).replace("T", " ")
        assert f"The case fell due on {fell_due}." in html
    assert fresh(case).pending_extension is not None


# --- what is refused, and nothing changes ------------------------------------------------------


@pytest.mark.parametrize("reason", ["忙", "忙忙忙忙", "busy!!", "busy busy busy busy", "。。。！！", "   "])
def test_a_reason_without_substance_is_refused(as_user, case_in, officer, reason):
    case = case_in("dispatched")
    before = snapshot(case)
    response = ask(as_user(officer), case, reason=reason)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why more time is needed" in html
    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("days", "error"),
    [(-1, "The new deadline must be later than the current one."), (0, "The new deadline must be later")],
    ids=["earlier", "same"],
)
def test_the_proposed_date_must_be_later_than_the_deadline(as_user, case_in, officer, days, error):
    case = case_in("dispatched")
    before = snapshot(case)
    response = ask(as_user(officer), case, reason="等待配件到货", days=days)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert snapshot(case) == before


def test_an_overdue_case_cannot_ask_for_a_date_already_past(as_user, case_in, officer):
    case = case_in("dispatched")
    with time_machine.travel(case.due_at + datetime.timedelta(days=3), tick=False):
        before = snapshot(case)
        response = ask(as_user(officer), case, days=1)  # after the deadline, but before now
        assert response.status_code == 400
        assert snapshot(case) == before


def test_the_department_cannot_approve_its_own_request(as_user, asked, officer):
    before = snapshot(asked)
    response = post_action(as_user(officer), asked, "approve_extension")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Extension requests are answered by the community office, never by whoever asked." in html
    assert "Nothing was changed." in html
    assert snapshot(asked) == before


@pytest.mark.parametrize("answer", ["approve_extension", "refuse_extension"])
def test_a_worker_answers_no_request(as_user, asked, wu, answer):
    before = snapshot(asked)
    response = post_action(as_user(wu), asked, answer, note="同意")
    assert response.status_code == 403
    assert "answered by the community office" in response.content.decode()
    assert snapshot(asked) == before


def test_nobody_answers_their_own_request_not_even_the_office(as_user, case_in, staff, dongluchi, wu):
    colleague = give_role(UserFactory(username="shenlh"), RoleKind.COMMUNITY_STAFF, community=dongluchi)
    case = act(case_in("handling"), "escalate", wu, note="需社区协调")  # the office handles it now
    assert ask(as_user(staff), case, reason="等待物业维修基金审批").status_code == 302
    before = snapshot(case)
    response = post_action(as_user(staff), case, "approve_extension")
    assert response.status_code == 403
    assert snapshot(case) == before
    # Another member of the office answers it.
    assert told("case_extend") == ["shenlh"]
    assert post_action(as_user(colleague), case, "approve_extension").status_code == 302
    assert fresh(case).pending_extension is None


@pytest.mark.parametrize(("who", "status"), [("zhao", 404), ("chen", 404), ("planner", 404)])
def test_another_communitys_staff_or_grids_worker_sees_no_request(request, as_user, asked, who, status):
    """Outside the case's scope it does not exist (the access matrix's rule for case_act)."""
    before = snapshot(asked)
    response = post_action(as_user(request.getfixturevalue(who)), asked, "approve_extension")
    assert response.status_code == status
    assert snapshot(asked) == before


def test_an_answer_on_a_stale_page_is_409_and_changes_nothing(as_user, asked, staff, dongluchi, officer):
    colleague = give_role(UserFactory(username="shenlh"), RoleKind.COMMUNITY_STAFF, community=dongluchi)
    stale_version = asked.version
    # Meanwhile her colleague refuses it.
    assert post_action(as_user(colleague), asked, "refuse_extension", note="请按期办结").status_code == 302
    before = snapshot(asked)
    response = post_action(as_user(staff), asked, "approve_extension", version=stale_version)
    assert response.status_code == 409
    assert "This case changed while you were working on it." in response.content.decode()
    assert snapshot(asked) == before
    assert ExtensionRequest.objects.get(case=asked).state == ExtensionState.REFUSED


def test_a_request_on_a_stale_page_is_409_and_nothing_is_asked(as_user, case_in, officer, staff):
    case = case_in("dispatched")
    stale_version = case.version
    act(case, "resolve", officer, note="已处理")
    response = post_action(
        as_user(officer),
        case,
        "extend",
        reason=REASON,
        proposed_due=days_after_due(case, 2),
        version=stale_version,
    )
    assert response.status_code == 409
    assert not ExtensionRequest.objects.filter(case=case).exists()
    assert f"{REASON}</textarea>" in response.content.decode()  # what was typed is kept


# --- the on-time rate: a known set of cases ----------------------------------------------------


@pytest.fixture
def extensions_in_march(two_days, wu, staff, grid1):  # noqa: F811 (the fixture imported above)
    """Six Grid 1 cases reported in March, each due 48 hours later (original deadline), each
    closed by Wu (settled) at a known time:

    on_time       no request, settled before the deadline                       → on time
    approved      asked and approved before the deadline, settled after it but
                  before the new date                                           → on time
    refused       asked, refused; settled after the deadline                    → late
    asked_late    asked after the case fell due, approved; settled by the new
                  date                                                          → late
    approved_late asked in time but approved after the deadline; settled by the
                  new date                                                      → late
    unanswered    asked in time, never answered; settled after the deadline     → late
    """
    s = Story(two_days)
    cases = {}

    def reported(name, day):
        case = s.report(wu, grid1, at(3, day))
        s.act(case, "register", wu, at(3, day, 9, 30))
        s.act(case, "take", wu, at(3, day, 9, 45))
        cases[name] = case
        return case

    def extend(case, when, *, to):
        s.act(case, "extend", wu, when, proposed_due=to, note="等待物业维修基金审批")

    on_time = reported("on_time", 2)  # due 4 Mar 09:00
    s.act(on_time, "settle", wu, at(3, 3), note="已协调处理", close_reason="fixed")

    approved = reported("approved", 5)  # due 7 Mar 09:00
    extend(approved, at(3, 6), to=at(3, 10))
    s.act(approved, "approve_extension", staff, at(3, 6, 15))
    s.act(approved, "settle", wu, at(3, 9), note="已修好", close_reason="fixed")

    refused = reported("refused", 10)  # due 12 Mar 09:00
    extend(refused, at(3, 11), to=at(3, 15))
    s.act(refused, "refuse_extension", staff, at(3, 11, 15), note="请按期办结")
    s.act(refused, "settle", wu, at(3, 13), note="已修好", close_reason="fixed")

    asked_late = reported("asked_late", 14)  # due 16 Mar 09:00
    extend(asked_late, at(3, 17), to=at(3, 20))
    s.act(asked_late, "approve_extension", staff, at(3, 17, 15))
    s.act(asked_late, "settle", wu, at(3, 19), note="已修好", close_reason="fixed")

    approved_late = reported("approved_late", 20)  # due 22 Mar 09:00
    extend(approved_late, at(3, 21), to=at(3, 26))
    s.act(approved_late, "approve_extension", staff, at(3, 23))
    s.act(approved_late, "settle", wu, at(3, 25), note="已修好", close_reason="fixed")

    unanswered = reported("unanswered", 24)  # due 26 Mar 09:00
    extend(unanswered, at(3, 25), to=at(3, 29))
    s.act(unanswered, "settle", wu, at(3, 27), note="已修好", close_reason="fixed")
    return {name: fresh(case) for name, case in cases.items()}


def test_the_on_time_rate_counts_only_extensions_approved_before_the_case_fell_due(client, extensions_in_march, staff):
    cases = extensions_in_march
    # The deadline counted: the new date for the one approved in time, the original for the rest.
    assert cases["approved"].counted_deadline == at(3, 10)
    assert cases["refused"].counted_deadline == at(3, 12)
    assert cases["asked_late"].counted_deadline == at(3, 16)
    assert cases["asked_late"].due_at == at(3, 20)  # the working deadline did move
    assert cases["approved_late"].counted_deadline == at(3, 22)
    assert cases["unanswered"].counted_deadline == at(3, 26)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = page(client, staff, MARCH)
    m = response.context["report"].total
    assert (m.due, m.closed, m.closed_on_time) == (6, 6, 2)  # on_time and approved
    # The rule is written beside the figure.
    assert "approved it before the deadline then in force fell due" in response.content.decode()


def test_a_reopened_case_counts_its_fresh_deadline(client, extensions_in_march, staff):
    case = extensions_in_march["asked_late"]
    with time_machine.travel(at(3, 20), tick=False):
        act(case, "reopen", staff, note="居民反映问题又出现了")
    assert fresh(case).counted_due_at is None


def test_the_office_finds_the_requests_waiting_for_it(as_user, asked, staff, zhao, officer, wu):
    assert list(case_scope.extensions_to_answer(staff)) == [asked.pending_extension]
    assert list(case_scope.extensions_to_answer(zhao)) == []  # another community
    assert list(case_scope.extensions_to_answer(officer)) == []  # the asker, and no office
    assert list(case_scope.extensions_to_answer(wu)) == []


def test_the_admin_reads_the_requests_on_the_case(as_user, asked, admin_user):
    page = as_user(admin_user).get(reverse("admin:cases_case_change", args=[asked.pk])).content.decode()
    assert REASON in page and "Waiting for approval" in page


def test_a_request_overtaken_by_a_reopening_can_only_be_refused(as_user, case_in, wu, staff):
    case = case_in("handling")
    assert ask(as_user(wu), case, reason="等待配件到货", days=1).status_code == 302
    act(case, "settle", wu, note="已修好", close_reason="fixed")
    with time_machine.travel(case.due_at + datetime.timedelta(days=2), tick=False):
        case = act(case, "reopen", staff, note="居民反映问题又出现了")  # a fresh, later deadline
        assert fresh(case).pending_extension.proposed_due < fresh(case).due_at
        answers = [a.name for a, _ in as_user(staff).get(case.get_absolute_url()).context["answer_forms"]]
        assert answers == ["refuse_extension"]
        assert post_action(as_user(staff), case, "approve_extension").status_code == 403
