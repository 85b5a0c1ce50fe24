"""一格一警 (story 4): Wu refers a case of a category staff allow straight to Grid 1's part-time
officer from the police station, Zhang; Zhang handles it as the grid's worker would, and the
office can still take it back. Chen works Grid 2, which has no officer."""

from collections import Counter

import pytest
from django.urls import reverse

from cases.models import Case, CaseEvent, State
from gridapp.models import Notification, Role, RoleKind

from ..factories import UserFactory
from .conftest import act, fresh, post_action, report


@pytest.fixture
def zhang(grid1):
    """张警官, the police station's officer assigned to Grid 1 (a part-time grid worker)."""
    user = UserFactory(username="zhang", first_name="警官", last_name="张")
    Role.objects.create(user=user, kind=RoleKind.GRID_WORKER, grid=grid1, part_time=True)
    return user


@pytest.fixture
def pets(wu, grid1, nuisance):
    """The dozen cats and dogs behind 峙山北路: noise and animals, a category the officer may take."""
    case = report(wu, grid1, category=nuisance, title="出租户养十几只猫狗扰民")
    return act(act(case, "register", wu), "take", wu)


def told():
    return Counter(Notification.objects.filter(kind="case_refer_officer").values_list("recipient__username", flat=True))


def buttons(client, case):
    page = client.get(reverse("case_detail", args=[case.pk]))
    return {action.name for action, _ in page.context["action_forms"]}


def test_the_noise_and_disputes_categories_are_the_officers_by_default(db, nuisance, dispute, leak):
    assert (nuisance.officer_may_take, dispute.officer_may_take, leak.officer_may_take) == (True, True, False)


@pytest.mark.usefixtures("staff", "chen")
def test_wu_refers_the_case_to_the_officer_who_alone_is_told(as_user, wu, zhang, pets):
    client = as_user(wu)
    assert "refer_officer" in buttons(client, pets)

    response = post_action(client, pets, "refer_officer", note="请派出所协助核查租户")

    assert response.status_code == 302
    case = fresh(pets)
    assert (case.state, case.assignee, case.level) == (State.HANDLING, zhang, "grid")
    assert told() == {"zhang": 1}
    assert not Notification.objects.filter(recipient=wu).exists()  # never the one who referred it
    event = CaseEvent.objects.filter(case=case).latest("pk")
    assert (event.action, event.actor) == ("refer_officer", wu)
    assert event.note == "Referred to the grid's officer 张警官.\n请派出所协助核查租户"
    timeline = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Referred to the grid&#x27;s officer 张警官." in timeline
    assert "张警官" in timeline  # responsible


def test_the_officer_resolves_it_and_wu_verifies(as_user, wu, zhang, pets):
    act(pets, "refer_officer", wu)
    officer_page = as_user(zhang)
    assert {"resolve", "escalate"} <= buttons(officer_page, pets)
    assert "refer_officer" not in buttons(officer_page, pets)  # not to himself

    assert post_action(officer_page, pets, "resolve", note="已找到租户，猫狗已送走").status_code == 302

    case = fresh(pets)
    assert (case.state, case.resolved_by) == (State.RESOLVED, zhang)
    # The grid's own worker checks the officer's work, as a department's.
    assert Notification.objects.get(kind="case_resolve").recipient == wu
    assert "verify" in buttons(as_user(wu), case)


def test_a_category_the_officer_may_not_take_offers_no_referral_and_a_forged_post_is_refused(
    as_user, wu, zhang, grid1, leak
):
    case = act(act(report(wu, grid1, category=leak), "register", wu), "take", wu)
    client = as_user(wu)
    assert "refer_officer" not in buttons(client, case)
    before = (Case.objects.filter(pk=case.pk).values().get(), CaseEvent.objects.count())

    response = post_action(client, case, "refer_officer")

    assert response.status_code == 403
    assert "lets the grid&#x27;s officer take" in response.content.decode()
    assert (Case.objects.filter(pk=case.pk).values().get(), CaseEvent.objects.count()) == before
    assert not Notification.objects.filter(kind="case_refer_officer").exists()


def test_a_grid_without_an_officer_offers_no_referral(as_user, wu, pets):
    client = as_user(wu)
    assert "refer_officer" not in buttons(client, pets)
    assert post_action(client, pets, "refer_officer").status_code == 403
    assert fresh(pets).assignee == wu


def test_staff_take_it_back_and_the_officer_and_wu_are_told(as_user, wu, zhang, staff, pets):
    act(pets, "refer_officer", wu)
    assert "take_back" not in buttons(as_user(wu), pets)
    client = as_user(staff)
    assert "take_back" in buttons(client, pets)

    assert post_action(client, pets, "take_back").status_code == 302

    case = fresh(pets)
    assert (case.state, case.assignee) == (State.HANDLING, staff)
    assert Counter(
        Notification.objects.filter(kind="case_take_back").values_list("recipient__username", flat=True)
    ) == {"zhang": 1, "wu": 1}
    assert "take_back" not in buttons(client, case)
    event = CaseEvent.objects.filter(case=case).latest("pk")
    assert (event.note, event.public) == ("Taken back from the grid's officer 张警官.", False)


def test_another_grids_worker_gets_a_404(as_user, chen, wu, zhang, pets):
    client = as_user(chen)
    assert client.get(reverse("case_detail", args=[pets.pk])).status_code == 404
    assert post_action(client, pets, "refer_officer").status_code == 404
    assert fresh(pets).assignee == wu


def test_staff_let_the_officer_take_a_category_on_its_edit_page(as_user, staff, wu, zhang, grid1, leak):
    client = as_user(staff)
    assert "officer_may_take" in client.get(reverse("category_edit", args=[leak.pk])).context["form"].fields
    fields = {"name": leak.name, "hours_urgent": 24, "hours_high": 48, "hours_normal": 120, "hours_low": 240}
    fields |= {"officer_may_take": "on", "active": "on"}

    response = client.post(reverse("category_edit", args=[leak.pk]), fields)

    assert response.status_code == 302
    leak.refresh_from_db()
    assert leak.officer_may_take
    assert "the grid's officer takes it" in client.get(reverse("category_list")).content.decode()
    case = act(act(report(wu, grid1, category=leak), "register", wu), "take", wu)
    assert "refer_officer" in buttons(as_user(wu), case)


def test_the_officer_finds_the_referral_in_his_inbox_among_what_is_assigned_to_him(as_user, wu, zhang, pets):
    act(pets, "refer_officer", wu)
    page = as_user(zhang).get(reverse("inbox"))
    [group] = page.context["groups"]
    assert str(group.title) == "Assigned to you"
    # Written in the site's language, whatever the reader's page is in.
    assert [row["label"] for row in group.rows] == [f"转交您（网格民警）处置：{pets.number} 出租户养十几只猫狗扰民"]
