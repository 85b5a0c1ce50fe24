"""Wu adds who he meets in Grid 1 — a household that moved in, a resident (moved in, newborn,
tenant), a shop that opened — and marks residents moved out or deceased; Shen Lihua (staff)
confirms what he added. Nobody adds outside their grid, and nobody is registered twice.

Pages are requested in English (the language cookie) so messages read as written here.
"""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from gridapp.core.history import REASON_CONFIRMED
from gridapp.models import Household, PersonCategory, Resident, Shop
from visits.checkins import active_assignments, due_checkins, set_care_level
from visits.models import CareLevel

from ..factories import BuildingFactory, ResidentFactory, make_id_number


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return log_in


def household_data(linjiang4, **extra):
    return {"building": linjiang4.pk, "unit": "2", "room": "501", "head_name": "李建华", "tenure": "owner", **extra}


def resident_data(**extra):
    return {"arrival": "moved_in", "name": "李建华", "sex": "M", "date_of_birth": "1962-08-01", **extra}


def shop_data(**extra):
    return {"name": "新开水果店", "address": "临江路18号", "business_type": "retail", "street_front": "on", **extra}


def add_household(client, grid, data):
    return client.post(reverse("household_add", args=[grid.pk]), data)


def add_resident(client, household, data):
    return client.post(reverse("resident_add", args=[household.pk]), data)


def errors(response):
    return response.context["form"].errors


# --- Wu adds ---------------------------------------------------------------------------------------


def test_wu_adds_a_household_which_waits_for_staff(as_user, wu, grid1, linjiang4):
    response = add_household(as_user(wu), grid1, household_data(linjiang4, phone="13900001111"))
    household = Household.objects.get(head_name="李建华")
    assert response.status_code == 302 and response["Location"] == household.get_absolute_url()
    assert household.grid == grid1 and household.address == "临江路4幢2单元501室"
    assert household.added_by == wu and household.is_pending
    assert household.history.get().history_user == wu
    page = as_user(wu).get(household.get_absolute_url()).content.decode()
    assert "Added by 吴佳栋" in page and "waiting for community staff to confirm it" in page


@pytest.mark.parametrize("arrival", ["moved_in", "newborn", "tenant"])
def test_wu_adds_a_resident_for_each_reason(as_user, wu, ren_household, arrival):
    born = timezone.localdate() - datetime.timedelta(days=40) if arrival == "newborn" else datetime.date(1990, 3, 7)
    response = add_resident(
        as_user(wu), ren_household, resident_data(arrival=arrival, name="新居民", date_of_birth=born.isoformat())
    )
    assert response.status_code == 302 and response["Location"] == ren_household.get_absolute_url()
    resident = Resident.objects.get(name="新居民")
    assert resident.household == ren_household and resident.arrival == arrival
    assert resident.added_by == wu and resident.is_pending
    assert resident.history.get().history_user == wu
    # A tenant is counted among the floating population wherever categories are read.
    assert (PersonCategory.TENANT in resident.category_values()) == (arrival == "tenant")
    page = as_user(wu).get(ren_household.get_absolute_url()).content.decode()
    assert "新居民" in page and "Pending" in page


def test_the_id_number_gives_the_sex_and_the_date_of_birth(as_user, wu, ren_household):
    number = make_id_number(datetime.date(1958, 11, 3))  # the serial's last digit decides the sex
    data = resident_data(id_number=number, sex="", date_of_birth="")
    assert add_resident(as_user(wu), ren_household, data).status_code == 302
    resident = Resident.objects.get(id_number=number)
    assert resident.date_of_birth == datetime.date(1958, 11, 3)
    assert resident.sex == ("M" if int(number[16]) % 2 else "F")


def test_without_the_id_number_the_sex_and_date_of_birth_are_asked(as_user, wu, ren_household):
    response = add_resident(as_user(wu), ren_household, resident_data(sex="", date_of_birth=""))
    assert response.status_code == 200
    assert set(errors(response)) >= {"sex", "date_of_birth"}
    assert not Resident.objects.filter(name="李建华").exists()


def test_a_newborn_is_born_in_the_last_year(as_user, wu, ren_household):
    response = add_resident(as_user(wu), ren_household, resident_data(arrival="newborn", date_of_birth="2019-06-01"))
    assert response.status_code == 200
    assert "A newborn was born in the last year" in str(errors(response)["arrival"])
    assert not Resident.objects.filter(name="李建华").exists()


def test_the_register_checks_apply(as_user, wu, ren_household):
    response = add_resident(as_user(wu), ren_household, resident_data(id_number="330121194005120021", mobile="1390000"))
    assert response.status_code == 200
    assert set(errors(response)) >= {"id_number", "mobile"}
    assert not Resident.objects.filter(name="李建华").exists()


def test_wu_adds_a_shop(as_user, wu, grid1):
    response = as_user(wu).post(reverse("shop_add", args=[grid1.pk]), shop_data(phone="0571-82345678"))
    shop = Shop.objects.get(name="新开水果店")
    assert response.status_code == 302 and response["Location"] == shop.get_absolute_url()
    assert shop.grid == grid1 and shop.added_by == wu and shop.is_pending
    assert shop.history.get().history_user == wu


def test_what_staff_add_through_the_same_forms_is_confirmed_at_once(as_user, staff, grid1, linjiang4):
    add_household(as_user(staff), grid1, household_data(linjiang4))
    household = Household.objects.get(head_name="李建华")
    assert not household.is_pending and household.confirmed_by == staff


def test_the_grid_page_offers_wu_to_add_and_marks_pending_records(as_user, wu, grid1, linjiang4):
    client = as_user(wu)
    page = client.get(reverse("grid_detail", args=[grid1.pk])).content.decode()
    assert reverse("household_add", args=[grid1.pk]) in page
    assert (
        reverse("shop_add", args=[grid1.pk])
        in client.get(reverse("grid_detail", args=[grid1.pk]), {"tab": "shops"}).content.decode()
    )
    add_household(client, grid1, household_data(linjiang4))
    page = client.get(reverse("grid_detail", args=[grid1.pk])).content.decode()
    assert "李建华" in page and "Pending" in page


# --- nobody is registered twice -----------------------------------------------------------------


def test_an_id_number_in_scope_shows_where_the_person_lives(as_user, wu, ren, grid1):
    household = Household.objects.create(grid=grid1, address="通二路3号", head_name="王")
    response = add_resident(as_user(wu), household, resident_data(name="任爱香", id_number=ren.id_number))
    assert response.status_code == 200
    assert "任爱香 is registered already, at 临江路4幢1单元302室." in str(errors(response)["id_number"])
    assert ren.get_absolute_url() in response.content.decode()
    assert Resident.objects.filter(name="任爱香").count() == 1


def test_an_id_number_out_of_scope_is_registered_elsewhere_without_saying_where(
    as_user, wu, ren_household, grid2_resident
):
    response = add_resident(as_user(wu), ren_household, resident_data(id_number=grid2_resident.id_number))
    assert response.status_code == 200
    assert "registered already, outside the households you can see" in str(errors(response)["id_number"])
    page = response.content.decode()
    assert grid2_resident.household.address not in page and grid2_resident.get_absolute_url() not in page
    assert not Resident.objects.filter(name="李建华").exists()


def test_an_address_registered_already_links_to_its_household(as_user, wu, grid1, ren_household, linjiang4):
    data = household_data(linjiang4, unit="1", room="302")
    response = add_household(as_user(wu), grid1, data)
    assert response.status_code == 200
    assert ren_household.get_absolute_url() in response.content.decode()
    assert Household.objects.filter(address="临江路4幢1单元302室").count() == 1


# --- rights -------------------------------------------------------------------------------------------


def test_wu_cannot_add_in_grid2(as_user, wu, grid2, grid2_household):
    client = as_user(wu)
    before = (Household.objects.count(), Resident.objects.count(), Shop.objects.count())
    data = {"address": "东藩路9号", "head_name": "李建华", "tenure": "owner"}
    assert add_household(client, grid2, data).status_code == 404
    assert add_resident(client, grid2_household, resident_data()).status_code == 404
    assert client.post(reverse("shop_add", args=[grid2.pk]), shop_data()).status_code == 404
    assert (Household.objects.count(), Resident.objects.count(), Shop.objects.count()) == before


def test_a_building_of_another_grid_is_not_a_choice(as_user, wu, grid1, grid2):
    far = BuildingFactory(grid=grid2, road="横二路", number="2")
    response = add_household(as_user(wu), grid1, household_data(far))
    assert response.status_code == 200 and "building" in errors(response)
    assert not Household.objects.filter(head_name="李建华").exists()


@pytest.fixture
def pending_three(client, wu, grid1, linjiang4, ren_household):
    client.force_login(wu)
    add_household(client, grid1, household_data(linjiang4))
    add_resident(client, ren_household, resident_data(name="新居民"))
    client.post(reverse("shop_add", args=[grid1.pk]), shop_data())
    client.logout()
    return (
        Household.objects.get(head_name="李建华"),
        Resident.objects.get(name="新居民"),
        Shop.objects.get(name="新开水果店"),
    )


def desk_section(response, key):
    return next(section for section in response.context["desk"] if section.key == key)


def test_staff_see_the_additions_with_a_count_and_confirm_them(as_user, staff, pending_three):
    client = as_user(staff)
    home = client.get(reverse("home"))
    assert desk_section(home, "confirm").count == 3
    assert reverse("awaiting_confirmation") in home.content.decode()
    page = client.get(reverse("awaiting_confirmation"))
    assert [len(s["rows"]) for s in page.context["sections"]] == [1, 1, 1]
    assert "added by 吴佳栋" in page.content.decode() and "Moved in" in page.content.decode()
    for kind, record in zip(("household", "resident", "shop"), pending_three, strict=True):
        response = client.post(reverse("register_confirm", args=[kind, record.pk]), {"back": "list"})
        assert response.status_code == 302 and response["Location"] == reverse("awaiting_confirmation")
        record.refresh_from_db()
        assert not record.is_pending and record.confirmed_by == staff
        latest = record.history.latest("history_date")
        assert latest.history_user == staff and latest.history_change_reason == REASON_CONFIRMED
    assert desk_section(client.get(reverse("home")), "confirm").count == 0


def test_confirming_twice_changes_nothing(as_user, staff, pending_three):
    household = pending_three[0]
    client = as_user(staff)
    client.post(reverse("register_confirm", args=["household", household.pk]))
    household.refresh_from_db()
    version = household.version
    response = client.post(reverse("register_confirm", args=["household", household.pk]), follow=True)
    assert "needs no confirmation" in response.content.decode()
    household.refresh_from_db()
    assert household.version == version


def test_wu_cannot_confirm(as_user, wu, pending_three):
    client = as_user(wu)
    assert client.get(reverse("awaiting_confirmation")).status_code == 403
    for kind, record in zip(("household", "resident", "shop"), pending_three, strict=True):
        assert client.post(reverse("register_confirm", args=[kind, record.pk])).status_code == 403
        record.refresh_from_db()
        assert record.is_pending


def test_staff_of_another_community_cannot_confirm(as_user, zhao, pending_three):
    client = as_user(zhao)
    assert client.get(reverse("awaiting_confirmation")).context["total"] == 0
    for kind, record in zip(("household", "resident", "shop"), pending_three, strict=True):
        assert client.post(reverse("register_confirm", args=[kind, record.pk])).status_code == 404
        record.refresh_from_db()
        assert record.is_pending


def test_an_unknown_kind_is_not_found(as_user, staff, pending_three):
    assert as_user(staff).post(reverse("register_confirm", args=["building", 1])).status_code == 404


def test_archived_additions_no_longer_wait(as_user, staff, pending_three):
    client = as_user(staff)
    client.post(reverse("shop_archive", args=[pending_three[2].pk]))
    assert client.get(reverse("awaiting_confirmation")).context["total"] == 2


# --- moved out, deceased ------------------------------------------------------------------------


@pytest.mark.parametrize(("departure", "shown"), [("moved_out", "Moved out"), ("deceased", "Deceased")])
def test_a_resident_who_left_is_archived_with_why_and_when_and_leaves_the_checkins(
    as_user, wu, staff, ren, departure, shown
):
    set_care_level(resident=ren, level=CareLevel.objects.order_by("cadence_days").first(), by=staff)
    today = timezone.localdate()
    assert [row.resident for row in due_checkins(active_assignments(), today)] == [ren]
    client = as_user(wu)
    day = today - datetime.timedelta(days=2)
    response = client.post(
        reverse("resident_depart", args=[ren.pk]), {"departure": departure, "departed_on": day}, follow=True
    )
    assert response.redirect_chain == [(ren.household.get_absolute_url(), 302)]
    assert f"任爱香: {shown} on {day.isoformat()}. The record is archived" in response.content.decode()
    ren.refresh_from_db()
    assert ren.archived_at is not None and ren.departure == departure and ren.departed_on == day
    assert ren.history.latest("history_date").history_user == wu
    assert not due_checkins(active_assignments(), today).exists()
    assert "任爱香" not in client.get(reverse("checkins")).content.decode()
    assert client.get(ren.get_absolute_url()).status_code == 404  # archived: for staff only
    page = as_user(staff).get(ren.get_absolute_url()).content.decode()
    assert f"{shown} on {day.isoformat()}." in page


def test_staff_restore_a_resident_marked_by_mistake(as_user, wu, staff, ren):
    as_user(wu).post(
        reverse("resident_depart", args=[ren.pk]), {"departure": "deceased", "departed_on": timezone.localdate()}
    )
    as_user(staff).post(reverse("resident_archive", args=[ren.pk]), {"restore": "1"})
    ren.refresh_from_db()
    assert ren.archived_at is None and ren.departure == "" and ren.departed_on is None
    assert Resident.objects.filter(pk=ren.pk).exists()


@pytest.mark.parametrize("day", ["2099-01-01", "1900-01-01", "not a date", ""])
def test_a_departure_date_in_the_future_or_before_birth_is_refused(as_user, wu, ren, day):
    response = as_user(wu).post(
        reverse("resident_depart", args=[ren.pk]), {"departure": "moved_out", "departed_on": day}
    )
    assert response.status_code == 200 and "departed_on" in errors(response)
    ren.refresh_from_db()
    assert ren.archived_at is None


def test_chen_cannot_mark_a_grid1_resident(as_user, chen, ren):
    response = as_user(chen).post(
        reverse("resident_depart", args=[ren.pk]), {"departure": "moved_out", "departed_on": "2026-01-01"}
    )
    assert response.status_code == 404
    ren.refresh_from_db()
    assert ren.archived_at is None


def test_the_resident_page_offers_the_departure_to_wu(as_user, wu, ren):
    assert reverse("resident_depart", args=[ren.pk]) in as_user(wu).get(ren.get_absolute_url()).content.decode()


# --- the staff's list costs the same for one row and many ------------------------------------------


def test_the_list_to_confirm_has_a_fixed_query_budget(
    client, wu, staff, grid1, ren_household, django_assert_num_queries
):
    def add(n):
        for i in range(n):
            ResidentFactory(household=ren_household, name=f"新{i}", added_by=wu)

    add(1)
    client.force_login(staff)
    client.get(reverse("awaiting_confirmation"))
    add(60)
    with django_assert_num_queries(10):
        response = client.get(reverse("awaiting_confirmation"))
    assert len(response.context["sections"][1]["rows"]) == 50
    assert response.context["sections"][1]["count"] == 61
