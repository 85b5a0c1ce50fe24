"""Personal data (PIPL): ID numbers masked everywhere, the full number revealed only with the
permission and a reason and always logged, the access log read by staff and admins in their
scope, and health notes for the resident's grid worker(s) and community staff only."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse

from cases.models import Category
from cases.services import case_report
from gridapp.models import DataAccess, DataAccessLog, Resident, RoleKind

from ..factories import ResidentFactory, UserFactory, give_role, make_id_number
from .test_access import MATRIX, world  # noqa: F401  (world: the matrix's fixture)

REASON = "办理高龄津贴，需核对身份证号"


def masked(id_number):
    return id_number[:4] + "*" * 10 + id_number[-4:]


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return log_in


@pytest.fixture
def officer(db):
    """Shen of the police station: a department member, no grid, no community."""
    from cases.models import Department, DepartmentKind

    from ..factories import TownFactory

    police = Department.objects.create(town=TownFactory(), name="临浦派出所", kind=DepartmentKind.POLICE)
    user = UserFactory(username="officer")
    police.members.add(user)
    return user


def reveal(client, resident, reason=REASON, **extra):
    return client.post(reverse("resident_reveal_id", args=[resident.pk]), {"reason": reason}, **extra)


# --- masked everywhere ---------------------------------------------------------------------


def _get_urls(objects):
    for name, (kwargs_for, methods) in MATRIX.items():
        if "GET" in methods:
            yield reverse(name, kwargs=kwargs_for(objects))
    resident, household = objects["resident"], objects["household"]
    yield reverse("admin:gridapp_resident_changelist") + f"?q={resident.name}"
    yield reverse("admin:gridapp_resident_change", args=[resident.pk])
    yield reverse("admin:gridapp_resident_history", args=[resident.pk])
    yield reverse("admin:gridapp_household_change", args=[household.pk])
    yield reverse("admin:cases_case_change", args=[objects["case"].pk])
    yield reverse("record_history", args=["resident", resident.pk])


@pytest.mark.parametrize("role", ["wu", "staff", "admin"])
def test_no_page_shows_a_full_id_number(client, world, role):  # noqa: F811  (the fixture imported above)
    """Every GET page of the matrix and the admin's resident, household and case pages, after an
    edit that put the ID in the history: the number appears masked or not at all."""
    ren = world["resident"]
    ren.mobile = "13905710001"
    ren.save()
    client.force_login(world["users"][role])
    shown = []
    for url in _get_urls(world):
        response = client.get(url)
        if response.streaming:
            continue  # the photos
        if response.status_code == 200 and ren.id_number in response.content.decode():
            shown.append(url)
    assert not shown


def test_the_staff_edit_form_keeps_the_full_number_out_of_the_page(as_user, staff, ren):
    response = as_user(staff).get(reverse("resident_edit", args=[ren.pk]))
    page = response.content.decode()
    assert ren.id_number not in page
    assert masked(ren.id_number) in page  # in the help text: which number is registered


def _edit_post(resident, **fields):
    data = {
        "name": resident.name,
        "sex": resident.sex,
        "date_of_birth": resident.date_of_birth.isoformat(),
        "id_number": "",
        "mobile": resident.mobile,
        "health_notes": resident.health_notes,
        "is_head": "on" if resident.is_head else "",
        "version": resident.version,
    }
    data.update(fields)
    return data


def test_leaving_the_id_blank_keeps_the_registered_number(as_user, staff, ren):
    before = ren.id_number
    response = as_user(staff).post(reverse("resident_edit", args=[ren.pk]), _edit_post(ren, name="任爱香"))
    assert response.status_code == 302
    ren.refresh_from_db()
    assert ren.id_number == before


def test_typing_a_new_id_replaces_it(as_user, staff, ren):
    new = make_id_number(ren.date_of_birth, region="330121")
    response = as_user(staff).post(reverse("resident_edit", args=[ren.pk]), _edit_post(ren, id_number=new))
    assert response.status_code == 302
    ren.refresh_from_db()
    assert ren.id_number == new


def test_the_admin_change_form_keeps_the_full_number_out_and_saving_keeps_it(as_user, admin_user, ren):
    client = as_user(admin_user)
    url = reverse("admin:gridapp_resident_change", args=[ren.pk])
    page = client.get(url).content.decode()
    assert ren.id_number not in page and masked(ren.id_number) in page
    assert "health_notes" not in page
    before = (ren.id_number, ren.health_notes)
    data = {
        "household": ren.household_id,
        "name": "任爱香",
        "sex": "F",
        "date_of_birth": ren.date_of_birth.isoformat(),
        "id_number": "",
        "mobile": ren.mobile,
        "is_head": "on",
        "categories-TOTAL_FORMS": "0",
        "categories-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 302
    ren.refresh_from_db()
    assert (ren.id_number, ren.health_notes) == before


def test_the_admin_household_page_masks_its_residents_mobiles(as_user, ren):
    # A Django superuser: the residents' inline follows Django's permissions, which a gridapp
    # admin's role does not grant.
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    ren.mobile = "13905710001"
    ren.save()
    page = as_user(root).get(reverse("admin:gridapp_household_change", args=[ren.household_id]))
    assert ren.name in page.content.decode()
    assert "139****0001" in page.content.decode() and "13905710001" not in page.content.decode()


def test_the_admin_case_page_masks_the_complainants_phone(as_user, admin_user, wu, grid1):
    case = case_report(
        by=wu,
        grid=grid1,
        title="楼上漏水",
        description="天花板渗水",
        category=Category.objects.first(),
        priority="normal",
        channel="phone",
        complainant_name="邻居",
        complainant_phone="13900001111",
    )
    page = as_user(admin_user).get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "139****1111" in page and "13900001111" not in page


# --- the permission and the roles ----------------------------------------------------------


def test_community_staff_and_admins_hold_the_reveal_permission_through_their_role(wu, staff, zhao, admin_user):
    holders = {u.username for u in (wu, staff, zhao, admin_user) if u.has_perm("gridapp.reveal_id_number")}
    assert holders == {"staff", "zhao", "admin"}


def test_a_deactivated_staff_member_holds_nothing(staff):
    staff.is_active = False
    staff.save()
    staff = type(staff).objects.get(pk=staff.pk)
    assert not staff.has_perm("gridapp.reveal_id_number")


def test_department_staff_hold_no_reveal_permission(officer):
    assert not officer.has_perm("gridapp.reveal_id_number")


def test_an_admin_may_give_the_permission_to_a_worker(as_user, wu, ren):
    wu.user_permissions.add(Permission.objects.get(codename="reveal_id_number"))
    wu = type(wu).objects.get(pk=wu.pk)
    response = reveal(as_user(wu), ren)
    assert response.status_code == 200 and ren.id_number in response.content.decode()


# --- revealing -----------------------------------------------------------------------------


def test_staff_reveal_a_full_id_with_a_reason_and_it_is_logged(as_user, staff, ren):
    response = reveal(as_user(staff), ren, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert response.content.decode().count(ren.id_number) == 1
    assert "no-store" in response["Cache-Control"]
    entry = DataAccessLog.objects.get()
    assert (entry.user, entry.action, entry.resident, entry.community, entry.ip_address, entry.reason) == (
        staff,
        DataAccess.REVEAL_ID,
        ren,
        ren.household.grid.community,
        "10.1.2.3",
        REASON,
    )


def test_the_full_number_is_shown_once_the_page_reloaded_masks_it_again(as_user, staff, ren):
    client = as_user(staff)
    reveal(client, ren)
    page = client.get(reverse("resident_detail", args=[ren.pk])).content.decode()
    assert ren.id_number not in page and masked(ren.id_number) in page


def test_the_logged_address_is_the_one_our_proxy_saw(as_user, staff, ren, settings):
    settings.GRIDAPP_TRUSTED_PROXY_COUNT = 1
    reveal(as_user(staff), ren, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert DataAccessLog.objects.get().ip_address == "203.0.113.9"


@pytest.mark.parametrize("reason", ["", "  ", "x"])
def test_no_reason_no_number(as_user, staff, ren, reason):
    response = reveal(as_user(staff), ren, reason=reason)
    assert response.status_code == 400
    assert ren.id_number not in response.content.decode()
    assert response.context["reveal_form"].has_error("reason")
    assert not DataAccessLog.objects.exists()


def test_staff_of_another_community_who_also_work_this_grid_reveal_nothing_here(as_user, zhao, ren):
    """Zhao is staff elsewhere (where he may reveal) and also a worker of Ren's grid: here he is a
    worker, and a worker reveals no ID number."""
    give_role(zhao, RoleKind.GRID_WORKER, grid=ren.household.grid)
    client = as_user(zhao)
    page = client.get(reverse("resident_detail", args=[ren.pk]))
    assert page.status_code == 200
    assert reverse("resident_reveal_id", args=[ren.pk]) not in page.content.decode()
    assert reveal(client, ren).status_code == 403
    assert not DataAccessLog.objects.filter(action=DataAccess.REVEAL_ID).exists()  # the page's own entry only


def test_a_worker_without_the_permission_is_refused_and_offered_no_form(as_user, wu, ren):
    client = as_user(wu)
    assert reveal(client, ren).status_code == 403
    assert not DataAccessLog.objects.exists()
    page = client.get(reverse("resident_detail", args=[ren.pk])).content.decode()
    assert reverse("resident_reveal_id", args=[ren.pk]) not in page


def test_staff_see_the_form_on_the_residents_page(as_user, staff, ren):
    page = as_user(staff).get(reverse("resident_detail", args=[ren.pk])).content.decode()
    assert reverse("resident_reveal_id", args=[ren.pk]) in page


@pytest.mark.parametrize("who", ["chen", "zhao", "officer"])
def test_outside_the_scope_the_resident_does_not_exist(as_user, request, ren, who):
    assert reveal(as_user(request.getfixturevalue(who)), ren).status_code == 404
    assert not DataAccessLog.objects.exists()


def test_a_resident_without_an_id_number_has_nothing_to_reveal(as_user, staff, ren_household):
    child = ResidentFactory(household=ren_household, name="任小宝", id_number="")
    client = as_user(staff)
    assert reverse("resident_reveal_id", args=[child.pk]) not in client.get(child.get_absolute_url()).content.decode()
    assert reveal(client, child).status_code == 403
    assert not DataAccessLog.objects.filter(action=DataAccess.REVEAL_ID).exists()  # the page's own entry only


def test_a_get_reveals_nothing(as_user, staff, ren):
    assert as_user(staff).get(reverse("resident_reveal_id", args=[ren.pk])).status_code == 405


# --- the access log ------------------------------------------------------------------------


@pytest.fixture
def two_reveals(as_user, staff, zhao, ren, other_grid, client):
    far = ResidentFactory(household__grid=other_grid, name="浦南居民")
    reveal(as_user(staff), ren, reason="核对高龄津贴")
    client.logout()
    reveal(as_user(zhao), far, reason="办理低保")
    client.logout()
    return ren, far


def _log_page(client, **params):
    response = client.get(reverse("access_log"), params)
    assert response.status_code == 200
    return [(entry.user.username, entry.resident.name) for entry in response.context["page"]]


def test_staff_read_their_communitys_access_log(as_user, staff, two_reveals):
    client = as_user(staff)
    assert _log_page(client) == [("staff", "任爱香")]
    assert "核对高龄津贴" in client.get(reverse("access_log")).content.decode()


def test_staff_of_another_community_read_only_theirs(as_user, zhao, two_reveals):
    assert _log_page(as_user(zhao)) == [("zhao", "浦南居民")]


def test_admins_read_the_whole_access_log(as_user, admin_user, two_reveals):
    assert sorted(_log_page(as_user(admin_user))) == [("staff", "任爱香"), ("zhao", "浦南居民")]


def test_the_log_narrows_to_one_resident_from_their_page(as_user, admin_user, two_reveals):
    ren, _ = two_reveals
    client = as_user(admin_user)
    assert _log_page(client, resident=ren.pk) == [("staff", "任爱香")]
    assert f"{reverse('access_log')}?resident={ren.pk}" in client.get(ren.get_absolute_url()).content.decode()


def test_staff_cannot_narrow_to_another_communitys_resident(as_user, staff, two_reveals):
    _, far = two_reveals
    assert as_user(staff).get(reverse("access_log"), {"resident": far.pk}).status_code == 404


@pytest.mark.parametrize("who", ["wu", "officer"])
def test_workers_and_departments_do_not_read_the_access_log(as_user, request, two_reveals, who):
    assert as_user(request.getfixturevalue(who)).get(reverse("access_log")).status_code == 403


# --- health notes --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["wu", "staff"])
def test_the_grid_worker_and_community_staff_read_health_notes(as_user, request, ren, who):
    client = as_user(request.getfixturevalue(who))
    for url in (
        reverse("resident_detail", args=[ren.pk]),
        reverse("household_detail", args=[ren.household_id]),
        reverse("visit_household", args=[ren.household_id]),
        reverse("resident_edit", args=[ren.pk]),
    ):
        assert "依赖家用呼吸机" in client.get(url).content.decode(), url


def test_admins_do_not_read_health_notes(as_user, admin_user, ren):
    client = as_user(admin_user)
    for url in (
        reverse("resident_detail", args=[ren.pk]),
        reverse("household_detail", args=[ren.household_id]),
        reverse("visit_household", args=[ren.household_id]),
        reverse("resident_edit", args=[ren.pk]),
        reverse("admin:gridapp_resident_change", args=[ren.pk]),
        reverse("record_history", args=["resident", ren.pk]),
    ):
        assert "依赖家用呼吸机" not in client.get(url).content.decode(), url


def test_an_admin_who_is_also_the_communitys_staff_reads_them(as_user, admin_user, ren):
    give_role(admin_user, "community_staff", community=ren.household.grid.community)
    page = as_user(admin_user).get(reverse("resident_detail", args=[ren.pk])).content.decode()
    assert "依赖家用呼吸机" in page


def test_an_admins_edit_of_a_resident_leaves_the_health_notes_alone(as_user, admin_user, ren):
    data = _edit_post(ren, name="任爱香")
    del data["health_notes"]
    response = as_user(admin_user).post(reverse("resident_edit", args=[ren.pk]), data)
    assert response.status_code == 302
    assert Resident.objects.get(pk=ren.pk).health_notes == "依赖家用呼吸机"


def test_department_staff_meet_no_health_notes_on_a_case_about_the_resident(as_user, officer, wu, ren):
    from cases.models import Department

    case = case_report(
        by=wu,
        grid=ren.household.grid,
        title="楼道漏水",
        description="公共楼道漏水",
        category=Category.objects.first(),
        priority="normal",
        channel="visit",
        complainant=ren,
        households=[ren.household],
    )
    case.department = Department.objects.get(members=officer)
    case.state = "dispatched"
    case.save()
    client = as_user(officer)
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200 and "依赖家用呼吸机" not in page.content.decode()
    assert client.get(reverse("resident_detail", args=[ren.pk])).status_code == 404
