"""Needs help raises a hand (issue 13, item 7): a resident recorded needing help or unwell tells
the community's staff at once, with the emergency contact; the worker is offered a follow-up or
a case in one tap; staff see the resident on their home page until someone acts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Category
from cases.services import case_report
from gridapp.models import Delivery, Notification, RoleKind, Webhook
from visits import services
from visits.models import FollowUp, HelpAlert, Visit

from ..factories import HouseholdFactory, ResidentFactory, UserFactory, give_role
from .conftest import log, visit_form


@pytest.fixture
def ren_with_contact(ren):
    ren.emergency_contact_name = "任建华"
    ren.emergency_contact_relation = "儿子"
    ren.emergency_contact_phone = "13905710001"
    ren.save(update_fields=["emergency_contact_name", "emergency_contact_relation", "emergency_contact_phone"])
    return ren


@pytest.fixture
def li(dongluchi):
    """A second member of Dongluchi's community staff, with an e-mail address."""
    return give_role(UserFactory(username="li", email="li@example.com"), RoleKind.COMMUNITY_STAFF, community=dongluchi)


def alerts_to(user):
    return list(Notification.objects.filter(recipient=user, kind="help_alert"))


def visit_url(household):
    return reverse("visit_household", args=[household.pk])


def needs_help(wu, ren, **kwargs):
    return log(wu, household=ren.household, conditions={ren: "needs_help"}, notes="呼吸机坏了，老人很着急", **kwargs)


def staff_home(client, user):
    client.force_login(user)
    return client.get(reverse("home")).context


# --- staff are told at once -------------------------------------------------------------------------


def test_each_staff_member_is_told_once_with_the_emergency_contact(
    django_capture_on_commit_callbacks, wu, staff, li, zhao, chen, ren_with_contact
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        visit = needs_help(wu, ren_with_contact)
    for member in (staff, li):
        [alert] = alerts_to(member)
        assert alert.subject == "【需要帮助】任爱香 · 第一网格"
        assert alert.link == visit.get_absolute_url()
        assert alert.community.name == "东麓池社区"
        for line in (
            f"任爱香，{ren_with_contact.age}岁：需要帮助 · 临江路4幢1单元302室",
            "呼吸机坏了，老人很着急",
            "吴佳栋",
        ):
            assert line in alert.body
        # Masked: the message also goes by e-mail and to the group robot.
        assert "紧急联系人：任建华（儿子） 139****0001" in alert.body
        assert "13905710001" not in alert.body
    # Never the worker who logged it, nor another community's staff or another grid's worker.
    assert alerts_to(wu) == alerts_to(zhao) == alerts_to(chen) == []
    # Li's e-mail goes out once the visit is saved (queued after commit, as every channel).
    assert Delivery.objects.filter(notification__recipient=li, channel="email").count() == 1
    assert len(queued) == 1


def test_the_group_robot_posts_a_help_alert_once_however_many_staff_are_told(wu, staff, li, dongluchi, ren):
    Webhook.objects.create(community=dongluchi, url="https://robot.example.cn/send?key=test", kind="wecom")
    needs_help(wu, ren)
    assert len(alerts_to(staff)) == len(alerts_to(li)) == 1
    assert Delivery.objects.filter(notification__kind="help_alert", channel="webhook").count() == 1


def test_unwell_tells_staff_too(wu, staff, ren):
    log(wu, household=ren.household, conditions={ren: "unwell"})
    [alert] = alerts_to(staff)
    assert alert.subject.startswith("【身体不适】")


@pytest.mark.parametrize("condition", ["well", "not_home"])
def test_well_or_not_at_home_tells_nobody(wu, staff, ren, condition):
    log(wu, household=ren.household, conditions={ren: condition})
    assert alerts_to(staff) == []
    assert not HelpAlert.objects.exists()


def test_a_worker_who_is_also_community_staff_is_not_told_of_his_own_visit(wu, staff, ren, dongluchi):
    give_role(wu, RoleKind.COMMUNITY_STAFF, community=dongluchi)
    needs_help(wu, ren)
    assert alerts_to(wu) == []
    assert len(alerts_to(staff)) == 1


def test_two_residents_in_one_visit_make_one_message_each_staff_member(wu, staff, ren):
    husband = ResidentFactory(household=ren.household, name="李老伯")
    log(wu, household=ren.household, conditions={ren: "unwell", husband: "needs_help"})
    [alert] = alerts_to(staff)
    assert alert.subject == "【需要帮助】任爱香、李老伯 · 第一网格"
    assert HelpAlert.objects.count() == 2


def test_no_staff_account_means_no_message_and_the_worker_is_told_so(client, wu, ren):
    client.force_login(wu)
    response = client.post(visit_url(ren.household), visit_form(**{f"resident_{ren.pk}": "needs_help"}), follow=True)
    assert not Notification.objects.exists()
    assert response.context["told"] == []
    assert "请致电社区办公室" in response.content.decode()


# --- the worker's confirmation: a follow-up or a case, one tap each ----------------------------------


def test_the_worker_lands_on_the_visit_with_a_follow_up_and_a_case_one_tap_away(client, wu, staff, ren):
    client.force_login(wu)
    data = visit_form(notes="呼吸机坏了", **{f"resident_{ren.pk}": "needs_help"})
    response = client.post(visit_url(ren.household), data, follow=True)
    visit = Visit.objects.get()
    assert response.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert response.context["told"] == ["staff"]
    form = response.context["follow_up_form"]
    assert form["follow_up_what"].value() == "回访任爱香（需要帮助）"
    assert form["follow_up_in_days"].value() == 3
    page = response.content.decode()
    assert f'action="{reverse("visit_follow_up", args=[visit.pk])}"' in page
    assert f"{reverse('case_create')}?visit={visit.pk}" in page


def test_one_tap_saves_the_prefilled_follow_up_and_staff_see_someone_acted(client, wu, staff, ren):
    visit = needs_help(wu, ren)
    client.force_login(wu)
    form = client.get(visit.get_absolute_url()).context["follow_up_form"]
    response = client.post(
        reverse("visit_follow_up", args=[visit.pk]),
        {"follow_up_what": form["follow_up_what"].value(), "follow_up_in_days": form["follow_up_in_days"].value()},
    )
    assert response["Location"] == visit.get_absolute_url()
    follow_up = FollowUp.objects.get()
    assert (follow_up.visit, follow_up.assignee) == (visit, wu)
    assert follow_up.due_on == timezone.localdate() + datetime.timedelta(days=3)
    alert = HelpAlert.objects.get()
    assert (alert.handled_how, alert.handled_by) == ("follow_up", wu)
    assert staff_home(client, staff)["help_alerts"] == []


def test_a_double_tap_arranges_one_follow_up(client, wu, ren):
    visit = needs_help(wu, ren)
    client.force_login(wu)
    data = {"follow_up_what": "回访任爱香", "follow_up_in_days": "3"}
    for _ in range(2):
        client.post(reverse("visit_follow_up", args=[visit.pk]), data)
    assert FollowUp.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"follow_up_what": "", "follow_up_in_days": "3"}, "follow_up_what"),
        ({"follow_up_what": "回访", "follow_up_due_on": "2000-01-01"}, "follow_up_due_on"),
        ({"follow_up_what": "回访"}, "follow_up_in_days"),
        ({"follow_up_what": "回访", "follow_up_in_days": "5"}, "follow_up_in_days"),
    ],
)
def test_a_follow_up_without_what_or_when_is_refused_and_nothing_changes(client, wu, ren, data, field):
    visit = needs_help(wu, ren)
    client.force_login(wu)
    response = client.post(reverse("visit_follow_up", args=[visit.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not FollowUp.objects.exists()
    assert HelpAlert.objects.get().is_open


def test_another_grids_worker_cannot_add_a_follow_up_to_the_visit(client, wu, chen, ren):
    visit = needs_help(wu, ren)
    client.force_login(chen)
    response = client.post(
        reverse("visit_follow_up", args=[visit.pk]), {"follow_up_what": "x", "follow_up_in_days": "3"}
    )
    assert response.status_code == 404
    assert not FollowUp.objects.exists()


def test_a_follow_up_set_on_the_visit_itself_is_someone_acting(client, wu, staff, ren):
    follow_up = services.NewFollowUp(
        what="回访呼吸机维修情况", due_on=timezone.localdate() + datetime.timedelta(days=10), assignee=wu
    )
    needs_help(wu, ren, follow_up=follow_up)
    [alert] = alerts_to(staff)
    assert "跟进：回访呼吸机维修情况" in alert.body
    assert HelpAlert.objects.get().handled_how == "follow_up"
    assert staff_home(client, staff)["help_alerts"] == []


def test_a_case_raised_on_the_visit_takes_her_off_the_list(wu, staff, ren):
    visit = needs_help(wu, ren)
    case_report(
        by=wu, grid=ren.household.grid, title="呼吸机故障", description="…", category=Category.objects.first(),
        priority="high", channel="visit", visit_id=visit.pk, complainant=ren,
    )  # fmt: skip
    alert = HelpAlert.objects.get()
    assert (alert.handled_how, alert.handled_by) == ("case", wu)


def test_a_case_about_her_household_from_elsewhere_takes_her_off_the_list_too(wu, staff, ren):
    needs_help(wu, ren)
    case_report(
        by=staff, grid=ren.household.grid, title="呼吸机故障", description="…", category=Category.objects.first(),
        priority="high", channel="phone", households=[ren.household],
    )  # fmt: skip
    assert HelpAlert.objects.get().handled_how == "case"


def test_seeing_her_again_takes_her_off_the_list_and_not_at_home_does_not(wu, staff, ren):
    needs_help(wu, ren, visited_at=timezone.now() - datetime.timedelta(days=2))
    log(
        wu,
        household=ren.household,
        conditions={ren: "not_home"},
        visited_at=timezone.now() - datetime.timedelta(days=1),
    )
    assert HelpAlert.objects.get().is_open
    log(wu, household=ren.household, conditions={ren: "well"})
    assert HelpAlert.objects.get().handled_how == "seen_again"


# --- the staff's home: until someone acts ---------------------------------------------------------------


def test_staff_see_her_on_their_home_until_one_marks_it_handled(client, wu, staff, li, ren_with_contact):
    needs_help(wu, ren_with_contact)
    alert = HelpAlert.objects.get()
    context = staff_home(client, li)
    assert (context["help_alerts"], context["help_alerts_count"]) == ([alert], 1)
    page = client.get(reverse("home")).content.decode()
    assert "任爱香" in page and "139****0001" in page and "13905710001" not in page

    client.force_login(staff)
    response = client.post(reverse("help_alert_acknowledge", args=[alert.pk]), {"next": reverse("home")})
    assert response["Location"] == reverse("home")
    alert.refresh_from_db()
    assert (alert.handled_how, alert.handled_by) == ("acknowledged", staff)
    assert timezone.now() - alert.handled_at < datetime.timedelta(minutes=1)
    assert staff_home(client, li)["help_alerts"] == []


def test_marking_it_handled_twice_keeps_who_did_it_first(client, wu, staff, li, ren):
    needs_help(wu, ren)
    alert = HelpAlert.objects.get()
    for member in (staff, li):
        client.force_login(member)
        response = client.post(reverse("help_alert_acknowledge", args=[alert.pk]), follow=True)
    alert.refresh_from_db()
    assert alert.handled_by == staff
    [message] = response.context["messages"]
    assert str(message) == "任爱香 已由staff处理：社区工作人员已标记处理。"


def test_another_communitys_staff_never_see_her(client, wu, zhao, ren):
    needs_help(wu, ren)
    alert = HelpAlert.objects.get()
    assert staff_home(client, zhao)["help_alerts"] == []
    assert list(client.get(reverse("help_alert_list")).context["help_alerts"]) == []
    assert client.post(reverse("help_alert_acknowledge", args=[alert.pk])).status_code == 404
    assert HelpAlert.objects.get().is_open


def test_the_grid_worker_sees_it_on_the_visit_but_may_not_mark_it_handled(client, wu, ren):
    visit = needs_help(wu, ren)
    client.force_login(wu)
    assert client.post(reverse("help_alert_acknowledge", args=[HelpAlert.objects.get().pk])).status_code == 403
    assert HelpAlert.objects.get().is_open
    assert not client.get(visit.get_absolute_url()).context["can_acknowledge"]


def test_a_forged_next_address_is_ignored(client, wu, staff, ren):
    needs_help(wu, ren)
    client.force_login(staff)
    response = client.post(
        reverse("help_alert_acknowledge", args=[HelpAlert.objects.get().pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("help_alert_list")


def test_the_home_section_is_bounded_and_costs_the_same_however_many_wait(
    client, wu, staff, grid1, django_assert_num_queries
):
    def alert_one():
        resident = ResidentFactory(household=HouseholdFactory(grid=grid1))
        log(wu, household=resident.household, conditions={resident: "unwell"})

    alert_one()
    client.force_login(staff)
    client.get(reverse("home"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    for _ in range(7):
        alert_one()
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("home"))
    assert (len(response.context["help_alerts"]), response.context["help_alerts_count"]) == (3, 8)
    assert reverse("help_alert_list") in response.content.decode()


def test_needing_help_comes_before_unwell_then_the_newest(wu, staff, grid1):
    rows = []
    for name, condition, hours in (("甲", "unwell", 1), ("乙", "needs_help", 3), ("丙", "needs_help", 2)):
        resident = ResidentFactory(household=HouseholdFactory(grid=grid1), name=name)
        log(wu, household=resident.household, conditions={resident: condition})
        HelpAlert.objects.filter(resident=resident).update(created_at=timezone.now() - datetime.timedelta(hours=hours))
        rows.append(resident)
    from visits.selectors import needs_help_open

    assert [a.resident.name for a in needs_help_open(staff)] == ["丙", "乙", "甲"]


# --- corrections ----------------------------------------------------------------------------------------


def edit(client, user, visit, **fields):
    client.force_login(user)
    data = {
        "visited_at": timezone.localtime(visit.visited_at).strftime("%Y-%m-%dT%H:%M"),
        "purposes": ["routine"],
        "notes": visit.notes,
        "version": Visit.objects.get(pk=visit.pk).version,
        **fields,
    }
    return client.post(reverse("visit_edit", args=[visit.pk]), data)


def test_correcting_her_to_well_closes_the_alert(client, wu, staff, ren):
    visit = needs_help(wu, ren)
    edit(client, wu, visit, **{f"resident_{ren.pk}": "well"})
    alert = HelpAlert.objects.get()
    assert (alert.handled_how, alert.handled_by) == ("corrected", wu)


def test_correcting_her_to_needs_help_tells_staff(client, wu, staff, ren):
    visit = log(wu, household=ren.household, conditions={ren: "well"})
    edit(client, wu, visit, **{f"resident_{ren.pk}": "needs_help"})
    assert HelpAlert.objects.get().is_open
    assert len(alerts_to(staff)) == 1


@pytest.mark.parametrize("who", ["wu", "admin_user"])
def test_the_section_is_for_community_staff_only(client, request, wu, staff, ren, who):
    needs_help(wu, ren)
    client.force_login(request.getfixturevalue(who))
    assert "help-alerts-heading" not in client.get(reverse("home")).content.decode()


def test_a_double_tap_on_save_tells_staff_once(client, wu, staff, ren):
    client.force_login(wu)
    data = visit_form(**{f"resident_{ren.pk}": "needs_help"})
    for _ in range(2):
        client.post(visit_url(ren.household), data)
    assert len(alerts_to(staff)) == 1
    assert HelpAlert.objects.count() == 1


def test_correcting_unwell_to_needs_help_keeps_one_alert_saying_needs_help(client, wu, staff, ren):
    visit = log(wu, household=ren.household, conditions={ren: "unwell"})
    edit(client, wu, visit, **{f"resident_{ren.pk}": "needs_help"})
    alert = HelpAlert.objects.get()
    assert (alert.condition, alert.is_open) == ("needs_help", True)
    assert len(alerts_to(staff)) == 1
