"""Staff manage their people (issue 14, item 6): Dongluchi's staff add a grid worker, move them
between Dongluchi's grids, give Old Li the helper's role, deactivate an account and set a
temporary password; another community's staff get 404; a grid of another community is refused
with a message and nothing changes; every role given, moved or taken is in the history."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases import scope as case_scope
from cases.models import Category, MediationRecord
from cases.services import case_report
from gridapp import scope
from gridapp.models import PasswordChangeRequired, Role, RoleKind, UserSession

from ..factories import UserFactory, give_role

User = get_user_model()
PASSWORD = "correct-horse-battery"
TEMPORARY = "linpu-temp-2026-x"


def _add(client, grid, **overrides):
    data = {
        "last_name": "张",
        "first_name": "小梅",
        "username": "zhangxiaomei",
        "email": "zxm@example.com",
        "kind": "grid_worker",
        "grid": grid.pk,
        "password1": TEMPORARY,
        "password2": TEMPORARY,
    } | overrides
    return client.post(reverse("person_add"), data)


def test_staff_add_a_grid_worker_who_must_choose_a_password_at_first_log_in(client, staff, grid1):
    client.force_login(staff)
    response = _add(client, grid1)
    added = User.objects.get(username="zhangxiaomei")
    assert response.status_code == 302
    assert response["Location"] == reverse("person_detail", kwargs={"pk": added.pk})
    assert Role.objects.get(user=added).grid == grid1
    assert PasswordChangeRequired.objects.filter(user=added).exists()

    page = client.get(reverse("people"))
    assert "张小梅" in page.content.decode()
    assert "zhangxiaomei" not in page.content.decode()  # names, never login names, in the list

    client.logout()
    assert client.post(reverse("login"), {"username": "zhangxiaomei", "password": TEMPORARY}).status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"] == reverse("password_change")
    assert client.get(reverse("case_queue"))["Location"] == reverse("password_change")
    changed = client.post(
        reverse("password_change"),
        {"old_password": TEMPORARY, "new_password1": "my-own-secret-77", "new_password2": "my-own-secret-77"},
    )
    assert changed["Location"] == reverse("password_change_done")
    assert not PasswordChangeRequired.objects.filter(user=added).exists()
    assert client.get(reverse("home")).status_code == 200


def test_a_login_name_already_taken_is_a_clear_message(client, staff, grid1, wu):
    client.force_login(staff)
    response = _add(client, grid1, username="WU")
    assert response.status_code == 200
    assert "该登录名已被使用" in response.content.decode()
    assert User.objects.filter(username__iexact="wu").count() == 1


def test_a_grid_of_another_community_is_refused_and_nothing_is_added(client, staff, other_grid):
    client.force_login(staff)
    response = _add(client, other_grid)
    assert response.status_code == 200
    assert "该网格不在您的社区" in response.content.decode()
    assert not User.objects.filter(username="zhangxiaomei").exists()


def test_staff_move_a_worker_to_another_grid_of_their_community(client, staff, wu, grid1, grid2):
    client.force_login(staff)
    role = Role.objects.get(user=wu)
    response = client.post(reverse("role_move", kwargs={"pk": wu.pk, "role_pk": role.pk}), {"grid": grid2.pk})
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.grid == grid2


def test_moving_to_a_grid_of_another_community_is_refused(client, staff, wu, grid1, other_grid):
    client.force_login(staff)
    role = Role.objects.get(user=wu)
    response = client.post(reverse("role_move", kwargs={"pk": wu.pk, "role_pk": role.pk}), {"grid": other_grid.pk})
    assert response.status_code == 200
    assert "该网格不在您的社区" in response.content.decode()
    role.refresh_from_db()
    assert role.grid == grid1


def test_a_role_for_a_grid_outside_the_community_is_refused(client, staff, wu, grid1, other_grid):
    client.force_login(staff)
    response = client.post(reverse("role_grant", kwargs={"pk": wu.pk}), {"kind": "helper", "grid": other_grid.pk})
    assert response.status_code == 200
    assert "该网格不在您的社区" in response.content.decode()
    assert list(Role.objects.filter(user=wu).values_list("kind", "grid")) == [("grid_worker", grid1.pk)]


def test_staff_cannot_give_staff_or_admin_roles(client, staff, wu, grid1):
    client.force_login(staff)
    for kind in ("community_staff", "admin"):
        response = client.post(reverse("role_grant", kwargs={"pk": wu.pk}), {"kind": kind, "grid": grid1.pk})
        assert response.status_code == 200  # not a choice the form offers
    assert Role.objects.filter(user=wu).count() == 1


def test_staff_cannot_manage_a_colleague_or_an_admin(client, staff, dongluchi, admin_user):
    colleague = give_role(UserFactory(username="colleague"), RoleKind.COMMUNITY_STAFF, community=dongluchi)
    client.force_login(staff)
    assert client.get(reverse("person_detail", kwargs={"pk": colleague.pk})).status_code == 200
    assert client.post(reverse("person_deactivate", kwargs={"pk": colleague.pk})).status_code == 403
    assert client.post(reverse("person_deactivate", kwargs={"pk": admin_user.pk})).status_code == 404
    colleague.refresh_from_db()
    assert colleague.is_active


@pytest.mark.parametrize(
    "name", ["person_detail", "role_grant", "person_password", "person_deactivate", "person_reactivate"]
)
def test_staff_of_another_community_get_404_on_its_people(client, zhao, wu, name):
    client.force_login(zhao)
    url = reverse(name, kwargs={"pk": wu.pk})
    response = client.get(url) if name == "person_detail" else client.post(url, {"grid": "", "kind": "helper"})
    assert response.status_code == 404
    wu.refresh_from_db()
    assert wu.is_active


def test_deactivating_a_worker_ends_their_sessions_at_once(client, staff, wu):
    worker = type(client)()
    worker.force_login(wu)
    assert worker.get(reverse("home")).status_code == 200
    assert UserSession.objects.filter(user=wu).exists()

    client.force_login(staff)
    response = client.post(reverse("person_deactivate", kwargs={"pk": wu.pk}), follow=True)
    assert "不能再登录" in response.content.decode()
    assert not UserSession.objects.filter(user=wu).exists()
    assert worker.get(reverse("home"))["Location"].startswith(reverse("login"))
    refused = worker.post(reverse("login"), {"username": "wu", "password": PASSWORD})
    assert refused.status_code == 200  # the log-in form again


def test_a_temporary_password_ends_sessions_and_forces_a_change_at_next_log_in(client, staff, wu):
    worker = type(client)()
    worker.force_login(wu)
    client.force_login(staff)
    response = client.post(
        reverse("person_password", kwargs={"pk": wu.pk}), {"new_password1": TEMPORARY, "new_password2": TEMPORARY}
    )
    assert response.status_code == 302
    assert worker.get(reverse("home"))["Location"].startswith(reverse("login"))

    assert worker.post(reverse("login"), {"username": "wu", "password": TEMPORARY}).status_code == 302
    assert worker.get(reverse("home"))["Location"] == reverse("password_change")
    assert worker.get(reverse("password_change")).status_code == 200


def test_a_weak_temporary_password_is_refused(client, staff, wu):
    client.force_login(staff)
    response = client.post(
        reverse("person_password", kwargs={"pk": wu.pk}), {"new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert not PasswordChangeRequired.objects.filter(user=wu).exists()
    assert User.objects.get(pk=wu.pk).check_password(PASSWORD)


def test_roles_given_moved_and_taken_are_in_the_history(client, staff, wu, grid1, grid2):
    client.force_login(staff)
    role = Role.objects.get(user=wu)
    client.post(reverse("role_move", kwargs={"pk": wu.pk, "role_pk": role.pk}), {"grid": grid2.pk})
    client.post(reverse("role_grant", kwargs={"pk": wu.pk}), {"kind": "helper", "grid": grid1.pk})
    helper = Role.objects.get(user=wu, kind=RoleKind.HELPER)
    client.post(reverse("role_revoke", kwargs={"pk": wu.pk, "role_pk": helper.pk}))

    rows = list(Role.history.filter(user_id=wu.pk).order_by("history_date", "history_id"))
    assert [(r.history_type, r.kind, r.grid_id) for r in rows[1:]] == [
        ("~", "grid_worker", grid2.pk),
        ("+", "helper", grid1.pk),
        ("-", "helper", grid1.pk),
    ]
    assert {r.history_user_id for r in rows[1:]} == {staff.pk}
    page = client.get(reverse("person_detail", kwargs={"pk": wu.pk})).content.decode()
    history = page[page.index('id="role-history"') :]
    assert history.count("操作人 staff") == 3  # the staff fixture has no name: shown by login
    assert "调到" in history and "授予" in history and "撤销" in history


def test_old_li_the_helper_sees_the_cases_he_mediates_and_nothing_of_the_register(client, staff, wu, grid1, ren):
    client.force_login(staff)
    _add(client, grid1, username="laoli", last_name="李", first_name="老", kind="helper", email="")
    old_li = User.objects.get(username="laoli")
    assert scope.for_user(old_li).helper_grid_ids == {grid1.pk}
    assert not scope.for_user(old_li).has_any_role
    assert not scope.households(old_li).exists()

    case = case_report(
        by=wu, grid=grid1, title="邻里纠纷", description="楼上楼下", category=Category.objects.first(),
        priority="normal", channel="walk_in",
    )  # fmt: skip
    other = case_report(
        by=wu, grid=grid1, title="路灯坏了", description="临江路", category=Category.objects.first(),
        priority="normal", channel="walk_in",
    )  # fmt: skip
    assert old_li in case_scope.mediators(case)
    record = MediationRecord.objects.create(case=case, other_parties="楼上", outcome="agreed", recorded_by=wu)
    record.mediators.add(old_li)
    scope.forget(old_li)
    assert list(case_scope.cases(old_li)) == [case]
    PasswordChangeRequired.objects.filter(user=old_li).delete()  # he chose his own at his first log-in
    client.force_login(old_li)
    assert client.get(reverse("case_detail", kwargs={"pk": case.pk})).status_code == 200
    assert client.get(reverse("case_detail", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("household_detail", kwargs={"pk": ren.household_id})).status_code == 404


def test_the_people_list_costs_the_same_queries_for_many(client, staff, grid1, grid2, django_assert_num_queries):
    for n in range(6):
        give_role(UserFactory(username=f"w{n}", last_name="王", first_name=str(n)), RoleKind.GRID_WORKER, grid=grid1)
    client.force_login(staff)
    client.get(reverse("people"))
    # session, user, roles (scope), count, accounts, their roles, unread count
    with django_assert_num_queries(7):
        response = client.get(reverse("people"))
    assert response.status_code == 200


def test_the_last_role_is_not_taken_away_the_account_is_deactivated_instead(client, staff, wu, grid1):
    client.force_login(staff)
    role = Role.objects.get(user=wu)
    response = client.post(reverse("role_revoke", kwargs={"pk": wu.pk, "role_pk": role.pk}), follow=True)
    assert "这是此人唯一的角色" in response.content.decode()
    assert Role.objects.filter(pk=role.pk).exists()


def test_a_person_page_costs_the_same_queries_however_long_their_history(
    client, staff, wu, grid1, grid2, django_assert_num_queries
):
    client.force_login(staff)
    url = reverse("person_detail", kwargs={"pk": wu.pk})
    client.get(url)
    role = Role.objects.get(user=wu)
    for grid in (grid2, grid1, grid2):
        client.post(reverse("role_move", kwargs={"pk": wu.pk, "role_pk": role.pk}), {"grid": grid.pk})
    client.get(url)
    # session, user, roles (scope), the account, its roles (may staff manage it?), its roles
    # listed, its temporary password, its role history, unread count
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.content.decode().count("调到") == 3 + 1  # three moves, one button


def test_a_worker_or_a_helper_has_no_people_area(client, wu, grid1):
    helper = give_role(UserFactory(username="laoli", last_name="李", first_name="烈鸿"), RoleKind.HELPER, grid=grid1)
    for user in (wu, helper):
        client.force_login(user)
        assert client.get(reverse("people")).status_code == 403
        assert client.get(reverse("person_detail", kwargs={"pk": wu.pk})).status_code == 403
        assert "人员管理" not in client.get(reverse("inbox")).content.decode()
