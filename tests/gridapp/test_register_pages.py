"""The register's pages as Wu, Staff and Zhao use them: finding Ren Aixiang, reading her
household, registering households and residents, and what bad input does.

Pages are requested in English (the language cookie) so messages read as written here.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from gridapp.core.validators import id_check_char
from gridapp.models import (
    Building,
    Household,
    HouseholdTagLink,
    Resident,
    ResidentCategoryLink,
)

from ..factories import BuildingFactory, HouseholdFactory, ResidentFactory, make_id_number


@pytest.fixture
def as_user(client):
    """Log a user in, reading pages in English."""

    def log_in(user):
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return log_in


@pytest.fixture
def neighbour(grid1):
    """Another Grid 1 household, which searches for Ren Aixiang must not find."""
    household = HouseholdFactory(grid=grid1, address="通二路9号", head_name="沈国平", phone="0571-82110000")
    ResidentFactory(household=household, name="沈国平", mobile="13800001111")
    return household


@pytest.fixture
def grid2_building(grid2):
    return BuildingFactory(grid=grid2, road="横二路", number="2")


def listed(response):
    return list(response.context["page"].object_list)


def grid_page(client, grid, **params):
    return client.get(reverse("grid_detail", args=[grid.pk]), params)


def archived(obj):
    obj.archived_at = timezone.now()
    obj.save(update_fields=["archived_at"])
    return obj


# --- finding households on the grid page -------------------------------------------------------


def test_wu_finds_ren_by_her_name(as_user, wu, ren, neighbour):
    response = grid_page(as_user(wu), ren.household.grid, q="爱香")
    assert listed(response) == [ren.household]


def test_wu_finds_ren_by_part_of_her_address(as_user, wu, ren, neighbour):
    response = grid_page(as_user(wu), ren.household.grid, q="4幢1单元")
    assert listed(response) == [ren.household]


def test_wu_finds_ren_by_her_mobile(as_user, wu, ren, neighbour):
    response = grid_page(as_user(wu), ren.household.grid, q=ren.mobile)
    assert listed(response) == [ren.household]


def test_wu_finds_a_household_by_its_landline(as_user, wu, ren, neighbour):
    response = grid_page(as_user(wu), ren.household.grid, q="82110000")
    assert listed(response) == [neighbour]


def test_search_ignores_archived_residents(as_user, wu, ren, neighbour):
    archived(ren)
    response = grid_page(as_user(wu), ren.household.grid, q="13800001111")
    assert listed(response) == [neighbour]
    assert listed(grid_page(as_user(wu), ren.household.grid, q=ren.mobile)) == []


def test_filter_by_person_category(as_user, wu, ren, neighbour):
    ResidentCategoryLink.objects.create(resident=ren, category="medical_equipment")
    response = grid_page(as_user(wu), ren.household.grid, category="medical_equipment")
    assert listed(response) == [ren.household]


def test_filter_by_household_tag(as_user, wu, ren, neighbour):
    HouseholdTagLink.objects.create(household=ren.household, tag="living_alone")
    response = grid_page(as_user(wu), ren.household.grid, tag="living_alone")
    assert listed(response) == [ren.household]


def test_unknown_filter_value_is_shown_as_an_error_and_ignored(as_user, wu, ren, neighbour):
    response = grid_page(as_user(wu), ren.household.grid, category="astronaut")
    assert response.context["form"].has_error("category", "invalid_choice")
    assert set(listed(response)) == {ren.household, neighbour}


def test_staff_lists_archived_households_only_on_request(as_user, staff, ren, neighbour):
    archived(neighbour)
    client = as_user(staff)
    assert listed(grid_page(client, ren.household.grid)) == [ren.household]
    assert listed(grid_page(client, ren.household.grid, archived="on")) == [neighbour]


def test_wu_cannot_list_archived_households(as_user, wu, ren, neighbour):
    archived(neighbour)
    response = grid_page(as_user(wu), ren.household.grid, archived="on")
    assert listed(response) == [ren.household]


def test_buildings_tab_lists_buildings_with_household_counts(as_user, wu, ren, linjiang4, grid2_building):
    response = grid_page(as_user(wu), ren.household.grid, tab="buildings")
    buildings = listed(response)
    assert buildings == [linjiang4]
    assert buildings[0].household_count == 1
    assert "1 household" in response.text


def test_shops_tab_lists_the_grids_shops(as_user, wu, shop1, grid2_shop):
    response = grid_page(as_user(wu), shop1.grid, tab="shops")
    assert listed(response) == [shop1]
    assert shop1.name in response.text
    assert grid2_shop.name not in response.text


# --- reading a household and a resident --------------------------------------------------------


def test_household_page_lists_residents_with_age(as_user, wu, ren):
    response = as_user(wu).get(reverse("household_detail", args=[ren.household.pk]))
    assert list(response.context["residents"]) == [ren]
    assert "任爱香" in response.text
    assert f"{ren.age} years" in response.text


def test_resident_page_shows_id_number_masked(as_user, wu, ren):
    response = as_user(wu).get(reverse("resident_detail", args=[ren.pk]))
    masked = ren.id_number[:4] + "*" * 10 + ren.id_number[-4:]
    assert re.fullmatch(r"3301\*{10}\d{3}[\dX]", masked)
    assert masked in response.text


def test_resident_page_never_shows_the_full_id_number(as_user, staff, ren):
    response = as_user(staff).get(reverse("resident_detail", args=[ren.pk]))
    assert ren.id_number not in response.text


# --- staff registers households ----------------------------------------------------------------


def household_post(grid, **fields):
    return {"grid": grid.pk, "head_name": "张建华", "tenure": "owner", **fields}


def test_staff_creates_household_with_address_composed_from_building(as_user, staff, grid1, linjiang4):
    response = as_user(staff).post(
        reverse("household_create"),
        household_post(grid1, building=linjiang4.pk, unit="2", room="301", tags=["empty_nest", "key_care"]),
    )
    household = Household.objects.get()
    assert response.status_code == 302
    assert household.address == "临江路4幢2单元301室"
    assert sorted(household.tag_values()) == ["empty_nest", "key_care"]


def test_staff_creates_household_at_a_written_out_address(as_user, staff, grid1):
    response = as_user(staff).post(
        reverse("household_create"), household_post(grid1, address="峙山北路后排平房3号", tags=["living_alone"])
    )
    household = Household.objects.get()
    assert response["Location"] == household.get_absolute_url()
    assert household.address == "峙山北路后排平房3号"
    assert household.tag_values() == ["living_alone"]


def test_staff_moves_household_and_address_follows_the_building(as_user, staff, ren_household):
    # The edit form comes back with the old address filled in; the building, unit and room win.
    as_user(staff).post(
        reverse("household_edit", args=[ren_household.pk]),
        household_post(
            ren_household.grid,
            building=ren_household.building.pk,
            unit="2",
            room="502",
            address=ren_household.address,
            version=ren_household.version,
        ),
    )
    ren_household.refresh_from_db()
    assert ren_household.address == "临江路4幢2单元502室"


def test_household_with_invalid_phone_is_not_saved(as_user, staff, grid1):
    response = as_user(staff).post(
        reverse("household_create"), household_post(grid1, address="横一路2号", phone="1234567")
    )
    assert response.context["form"].has_error("phone", "mobile_length")
    assert "A mobile number has 11 digits; this one has 7." in response.text
    assert not Household.objects.exists()


def test_rented_household_without_landlord_is_not_saved(as_user, staff, grid1):
    response = as_user(staff).post(
        reverse("household_create"), household_post(grid1, address="峙山北路后排平房5号", tenure="rented")
    )
    assert "A rented household needs its landlord&#x27;s name." in response.text
    assert response.context["form"].has_error("landlord_name")
    assert not Household.objects.exists()


def test_household_without_building_or_address_is_not_saved(as_user, staff, grid1):
    response = as_user(staff).post(reverse("household_create"), household_post(grid1))
    assert "Choose a building or write out the address." in response.text
    assert not Household.objects.exists()


def test_building_of_another_grid_is_refused(as_user, staff, grid1, grid2_building):
    response = as_user(staff).post(
        reverse("household_create"), household_post(grid1, building=grid2_building.pk, address="横二路2幢")
    )
    assert response.context["form"].has_error("building")
    assert not Household.objects.exists()


def test_zhao_cannot_post_a_dongluchi_building(as_user, zhao, other_grid, grid2_building):
    response = as_user(zhao).post(
        reverse("household_create"), household_post(other_grid, building=grid2_building.pk, address="浦南路1号")
    )
    assert response.context["form"].has_error("building", "invalid_choice")
    assert "Select a valid choice" in response.text
    assert not Household.objects.exists()


def test_zhao_cannot_post_a_dongluchi_grid(as_user, zhao, grid1):
    response = as_user(zhao).post(reverse("household_create"), household_post(grid1, address="临江路9号"))
    assert response.context["form"].has_error("grid", "invalid_choice")
    assert not Household.objects.exists()


def test_duplicate_building_is_refused(as_user, staff, grid1, linjiang4):
    response = as_user(staff).post(reverse("building_create"), {"grid": grid1.pk, "road": "临江路", "number": "4"})
    assert "临江路4幢 is already registered in this community." in response.text
    assert Building.objects.count() == 1


def test_same_road_and_number_in_another_community_is_fine(as_user, zhao, other_grid, linjiang4):
    response = as_user(zhao).post(reverse("building_create"), {"grid": other_grid.pk, "road": "临江路", "number": "4"})
    assert response.status_code == 302
    assert Building.objects.count() == 2


# --- staff registers residents -----------------------------------------------------------------


def resident_post(**fields):
    born = datetime.date(1952, 8, 17)
    return {
        "name": "任建民",
        "sex": "M",
        "date_of_birth": born.isoformat(),
        "id_number": make_id_number(born, region="330121"),
        "relation_to_head": "儿子",
        "categories": ["veteran"],
        **fields,
    }


def test_staff_adds_a_resident(as_user, staff, ren_household):
    data = resident_post()
    response = as_user(staff).post(reverse("resident_create", args=[ren_household.pk]), data)
    resident = Resident.objects.get(name="任建民")
    assert response["Location"] == resident.get_absolute_url()
    assert resident.household == ren_household
    assert resident.id_number == data["id_number"]
    assert resident.category_values() == ["veteran"]


def test_lower_case_x_in_id_number_is_stored_upper_case(as_user, staff, ren_household):
    body = "11010519491231002"
    assert id_check_char(body) == "X"
    as_user(staff).post(
        reverse("resident_create", args=[ren_household.pk]),
        resident_post(date_of_birth="1949-12-31", id_number=body + "x"),
    )
    assert Resident.objects.get(name="任建民").id_number == body + "X"


def test_resident_with_invalid_id_number_is_not_saved(as_user, staff, ren_household):
    response = as_user(staff).post(
        reverse("resident_create", args=[ren_household.pk]), resident_post(id_number="11010519491231002")
    )
    assert response.context["form"].has_error("id_number", "id_length")
    assert "A resident ID number has 18 characters; this one has 17." in response.text
    assert not Resident.objects.exists()


def test_resident_whose_id_gives_another_birth_date_is_not_saved(as_user, staff, ren_household):
    response = as_user(staff).post(
        reverse("resident_create", args=[ren_household.pk]), resident_post(date_of_birth="1952-08-18")
    )
    assert response.context["form"].has_error("date_of_birth", "id_birth_mismatch")
    assert "but the date of birth entered is 1952-08-18" in response.text
    assert not Resident.objects.exists()


def test_resident_with_invalid_mobile_is_not_saved(as_user, staff, ren_household):
    response = as_user(staff).post(
        reverse("resident_create", args=[ren_household.pk]), resident_post(mobile="12912345678")
    )
    assert response.context["form"].has_error("mobile", "mobile_prefix")
    assert not Resident.objects.exists()


def test_resident_with_a_registered_id_number_is_not_saved(as_user, staff, ren):
    response = as_user(staff).post(
        reverse("resident_create", args=[ren.household.pk]),
        resident_post(date_of_birth=ren.date_of_birth.isoformat(), id_number=ren.id_number),
    )
    assert "A resident with this ID number is already registered." in response.text
    assert list(Resident.objects.all()) == [ren]


# --- what Wu may change ------------------------------------------------------------------------


def test_wu_edits_only_contact_details_even_if_more_is_posted(as_user, wu, ren):
    original = (ren.name, ren.id_number, ren.date_of_birth, ren.sex)
    response = as_user(wu).post(
        reverse("resident_edit", args=[ren.pk]),
        {
            "mobile": "+86 139 0000 1234",
            "health_notes": "依赖家用呼吸机；备用电源已配好",
            "emergency_contact_name": "周建明",
            "emergency_contact_phone": "13900005678",
            "emergency_contact_relation": "儿子",
            "name": "冒名",
            "id_number": make_id_number(datetime.date(1990, 1, 1)),
            "date_of_birth": "1990-01-01",
            "sex": "M",
            "version": ren.version,
        },
    )
    assert response.status_code == 302
    ren.refresh_from_db()
    assert (ren.name, ren.id_number, ren.date_of_birth, ren.sex) == original
    assert ren.mobile == "13900001234"
    assert ren.emergency_contact_name == "周建明"


# --- archive and restore -----------------------------------------------------------------------


def test_staff_archives_a_household(as_user, staff, ren_household):
    response = as_user(staff).post(reverse("household_archive", args=[ren_household.pk]))
    ren_household.refresh_from_db()
    assert response["Location"] == ren_household.get_absolute_url()
    assert ren_household.archived_at is not None


def test_staff_restores_an_archived_household(as_user, staff, ren_household):
    archived(ren_household)
    as_user(staff).post(reverse("household_archive", args=[ren_household.pk]), {"restore": "1"})
    ren_household.refresh_from_db()
    assert ren_household.archived_at is None


def test_archived_household_page_stays_open_to_staff(as_user, staff, ren_household):
    archived(ren_household)
    response = as_user(staff).get(reverse("household_detail", args=[ren_household.pk]))
    assert response.status_code == 200
    assert "Archived on" in response.text


def test_wu_gets_404_for_an_archived_household(as_user, wu, ren_household):
    archived(ren_household)
    response = as_user(wu).get(reverse("household_detail", args=[ren_household.pk]))
    assert response.status_code == 404


# --- home page ----------------------------------------------------------------------------------


def test_wu_home_shows_grid1_with_its_counts(as_user, wu, ren, shop1, grid2_household):
    response = as_user(wu).get(reverse("home"))
    (grid,) = response.context["grids"]
    assert grid == ren.household.grid
    assert (grid.household_count, grid.resident_count, grid.shop_count) == (1, 1, 1)
    assert "第一网格" in response.text
    assert "第二网格" not in response.text


def test_home_counts_leave_out_archived_households(as_user, wu, ren, grid1):
    archived(HouseholdFactory(grid=grid1))
    (grid,) = as_user(wu).get(reverse("home")).context["grids"]
    assert grid.household_count == 1


def test_staff_home_shows_both_dongluchi_grids(as_user, staff, grid1, grid2, other_grid):
    response = as_user(staff).get(reverse("home"))
    assert response.context["grids"] == [grid1, grid2]
    assert "第一网格" in response.text
    assert "第二网格" in response.text


def test_nobody_is_told_to_ask_for_a_role(as_user, nobody, grid1):
    response = as_user(nobody).get(reverse("home"))
    assert response.context["grids"] == []
    assert "Your account has no role yet." in response.text


# --- language ------------------------------------------------------------------------------------


def test_pages_are_in_chinese_by_default(client, wu):
    client.force_login(wu)
    assert '<html lang="zh-hans"' in client.get(reverse("home")).text


def test_language_switch_to_english(client, wu):
    client.force_login(wu)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response["Location"] == reverse("home")
    assert '<html lang="en"' in client.get(reverse("home")).text


def test_pages_stay_chinese_when_the_browser_prefers_english(client, wu):
    client.force_login(wu)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans"' in response.text
    assert "我的网格" in response.text


def test_english_choice_sticks_across_pages(client, wu, ren):
    client.force_login(wu)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    response = client.get(reverse("household_detail", args=[ren.household.pk]))
    assert "Residents" in response.text


def test_resident_born_in_the_future_is_not_saved(as_user, staff, ren_household):
    before = Resident.objects.count()
    response = as_user(staff).post(
        reverse("resident_create", args=[ren_household.pk]),
        {"name": "未来人", "sex": "F", "date_of_birth": "2999-01-01"},
    )
    assert response.status_code == 200
    assert "The date of birth is in the future." in response.text
    assert Resident.objects.count() == before


def test_the_not_visited_choices_are_in_the_readers_language(as_user, wu, ren):
    response = grid_page(as_user(wu), ren.household.grid, not_visited_days="30")
    assert "Not visited in 30 days" in response.text


def test_the_search_goes_with_the_export_link_only_on_the_households_tab(as_user, staff, ren):
    households = grid_page(as_user(staff), ren.household.grid, q="爱香").text
    shops = grid_page(as_user(staff), ren.household.grid, q="爱香", tab="shops").text
    assert "register-q=" in households
    assert "register-q=" not in shops
