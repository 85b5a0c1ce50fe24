"""One search across the register (issue 13, item 3): residents, households, shops and buildings
in the user's scope, by name, pinyin or its initials, an address fragment, the last four digits
of a phone or ID number; what a worker needs to recognise each, one tap from its page; bounded
lists, a fixed number of queries, and no input that is not answered sensibly."""

import datetime

import pytest
from django.urls import reverse

from gridapp.models import Resident, RoleKind, SearchKey
from gridapp.register import search_index
from gridapp.register import services as register
from gridapp.register.search import PER_KIND

from ..factories import BuildingFactory, HouseholdFactory, ResidentFactory, ShopFactory, UserFactory, give_role
from ..fuzz.checks import markup_problems


def find(client, q, **params):
    """What the box shows as the user types (the partial htmx asks for)."""
    response = client.get(reverse("search"), {"q": q, **params}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response


def found(client, q, kind="residents"):
    return getattr(find(client, q).context["results"], kind)


@pytest.fixture
def wu_client(client, wu):
    client.force_login(wu)
    return client


@pytest.fixture
def zeng(grid1):
    household = HouseholdFactory(grid=grid1, address="峙山北路4幢2单元201室", head_name="曾小贤", phone="0571-82345678")
    return ResidentFactory(household=household, name="曾小贤", mobile="13812345678")


# --- how a resident is found ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["rax", "ra", "renaixiang", "renai", "RenAiXiang", "ren ai xiang", "ren'ai'xiang", "ＲＡＸ", "任爱香", "爱香"],
)
def test_wu_finds_ren_aixiang_by_her_name_its_pinyin_or_its_initials(wu_client, ren, typed):
    assert found(wu_client, typed) == [ren]


def test_one_character_of_a_surname_lists_those_who_bear_it(wu_client, ren, zeng):
    assert found(wu_client, "任") == [ren]


@pytest.mark.parametrize("typed", ["zxx", "zengxiaoxian", "cxx", "小贤"])
def test_a_surname_is_found_as_it_is_read_as_a_surname(wu_client, zeng, typed):
    """pypinyin reads 曾 as céng (曾经); as a surname it is zēng. Either spelling finds him."""
    assert found(wu_client, typed) == [zeng]


def test_the_last_four_digits_of_a_mobile_find_the_resident(wu_client, ren, zeng):
    assert found(wu_client, ren.mobile[-4:]) == [ren]
    assert found(wu_client, "5678") == [zeng]


def test_the_last_four_of_an_id_number_find_the_resident_even_ending_in_x(wu_client, ren, grid1):
    assert found(wu_client, ren.id_number[-4:]) == [ren]
    household = HouseholdFactory(grid=grid1)
    xu = ResidentFactory(household=household, name="徐秀英", id_number="33010919400512123X")
    assert found(wu_client, "123x") == [xu]
    assert found(wu_client, "123X") == [xu]


def test_a_whole_mobile_number_finds_only_its_owner(wu_client, ren, grid1):
    twin = ResidentFactory(household=HouseholdFactory(grid=grid1), name="李四", mobile="139" + "7777" + ren.mobile[-4:])
    assert set(found(wu_client, ren.mobile[-4:])) == {ren, twin}
    assert found(wu_client, ren.mobile) == [ren]


def test_the_result_shows_what_tells_two_people_apart_and_leads_to_her_page_and_visit_form(wu_client, ren):
    ren.mobile = "13912345678"
    ren.save()
    page = find(wu_client, "rax").content.decode()
    assert "任爱香" in page and "86 岁" in page and "临江路4幢1单元302室" in page
    assert "139****5678" in page and "13912345678" not in page  # masked, as in every list
    assert f'href="{ren.get_absolute_url()}"' in page
    assert f'href="{reverse("visit_household", args=[ren.household_id])}"' in page


def test_an_id_number_is_shown_masked_only_when_it_was_searched_for(wu_client, ren):
    assert "**********" not in find(wu_client, "rax").content.decode()
    page = find(wu_client, ren.id_number[-4:]).content.decode()
    assert f"3301**********{ren.id_number[-4:]}" in page and ren.id_number not in page


# --- households, shops, buildings -------------------------------------------------------------------


def test_an_address_fragment_finds_the_household(wu_client, ren, zeng):
    assert found(wu_client, "4幢1单元", "households") == [ren.household]
    assert found(wu_client, "1单元302", "households") == [ren.household]
    assert found(wu_client, "302", "households") == [ren.household]  # a room number
    assert set(found(wu_client, "4幢", "households")) == set()  # two characters: from the start only
    assert found(wu_client, "临江", "households") == [ren.household]


def test_a_household_is_found_by_its_head_and_its_phone(wu_client, ren_household, zeng):
    assert found(wu_client, "任爱香", "households") == [ren_household]
    assert found(wu_client, "zxx", "households") == [zeng.household]
    assert found(wu_client, "5678", "households") == [zeng.household]  # 0571-82345678
    assert found(wu_client, "82345678", "households") == [zeng.household]


def test_a_shop_is_found_by_its_name_any_ending_of_it_its_initials_operator_and_phone(wu_client, grid1):
    shop = ShopFactory(
        grid=grid1, name="东炉池便利店", operator_name="周国庆", phone="13700001234", address="临江路8号"
    )
    for typed in ("东炉池", "便利店", "dlc", "donglu", "周国庆", "zgq", "1234", "临江路8"):
        assert found(wu_client, typed, "shops") == [shop], typed


def test_a_building_is_found_by_its_road_number_pinyin_or_estate(wu_client, grid1, linjiang4):
    estate = BuildingFactory(grid=grid1, road="峙山北路", number="4", name="东麓小区")
    assert found(wu_client, "临江路4幢", "buildings") == [linjiang4]
    assert found(wu_client, "ljl", "buildings") == [linjiang4]
    assert found(wu_client, "峙山", "buildings") == [estate]
    assert found(wu_client, "东麓小区", "buildings") == [estate]


def test_the_full_page_works_without_javascript(wu_client, ren):
    response = wu_client.get(reverse("search"), {"q": "rax"})
    page = response.content.decode()
    assert response.status_code == 200 and "<h1" in page and 'value="rax"' in page
    assert ren.get_absolute_url() in page
    assert "HX-Request" in response["Vary"]  # the page and its partial share the address


# --- scope -------------------------------------------------------------------------------------------


def test_wu_never_finds_grid_2s_residents_households_or_shops(wu_client, grid2_resident, grid2_shop):
    for typed in ("王建国", "wjg", "东藩路", grid2_resident.mobile[-4:], grid2_shop.name):
        results = find(wu_client, typed).context["results"]
        assert not results.found, typed


def test_staff_find_their_communitys_people_in_every_grid(client, staff, ren, grid2_resident, other_grid):
    stranger = ResidentFactory(household=HouseholdFactory(grid=other_grid), name="任爱国")
    client.force_login(staff)
    assert found(client, "wjg") == [grid2_resident]
    assert found(client, "ra") == [ren]  # not 任爱国 of another community
    assert stranger.name not in find(client, "任").content.decode()
    assert grid2_resident.household.grid.name in find(client, "wjg").content.decode()  # which grid, for staff


def test_an_admin_finds_across_the_town(client, admin_user, ren, other_grid):
    stranger = ResidentFactory(household=HouseholdFactory(grid=other_grid), name="任爱国")
    client.force_login(admin_user)
    assert set(found(client, "ra")) == {ren, stranger}


def test_a_department_member_finds_nothing(client, ren, grid1):
    officer = UserFactory(username="officer")
    client.force_login(officer)
    assert not find(client, "rax").context["results"].found
    assert client.get(reverse("search"), {"q": "rax"}).status_code == 200


def test_archived_residents_and_households_are_not_found(wu_client, staff, ren):
    register.archive(record=ren, by=staff)
    assert found(wu_client, "rax") == []


# --- the keys follow the register's writes -------------------------------------------------------


def test_a_resident_renamed_is_found_by_the_new_name_only(wu_client, staff, ren):
    register.resident_update(resident=ren, by=staff, version=ren.version, name="任爱华")
    assert found(wu_client, "rah") == [Resident.objects.get(pk=ren.pk)]
    assert found(wu_client, "rax") == []


def test_a_household_moved_to_another_grid_takes_its_residents_along(wu_client, staff, ren, grid2):
    household = ren.household
    register.household_update(household=household, by=staff, version=household.version, grid=grid2)
    assert found(wu_client, "rax") == []
    assert (
        SearchKey.objects.filter(record_id=ren.pk, kind=1).values_list("grid", flat=True).distinct().get() == grid2.pk
    )


def test_a_worker_edit_of_a_mobile_moves_its_last_four(wu_client, wu, ren):
    register.resident_update_contact(resident=ren, by=wu, version=ren.version, mobile="13900009876")
    assert found(wu_client, "9876") == [ren]


def test_records_written_by_the_services_are_found_at_once(wu_client, staff, grid1):
    household = register.household_create(by=staff, grid=grid1, address="新塘路1号", head_name="孙立", phone="")
    resident = register.resident_create(
        household=household, by=staff, name="孙立", sex="M", date_of_birth=datetime.date(1950, 1, 1)
    )
    shop = register.shop_create(by=staff, grid=grid1, name="新塘五金店", address="新塘路2号")
    building = register.building_create(by=staff, grid=grid1, road="新塘路", number="7")
    assert found(wu_client, "sl") == [resident]
    assert found(wu_client, "新塘路1", "households") == [household]
    assert found(wu_client, "五金", "shops") == [shop]
    assert found(wu_client, "新塘路7", "buildings") == [building]


def test_the_migration_fills_the_keys_the_writes_would(ren, zeng, shop1, linjiang4):
    """Migration 0010 computes the same keys for the rows already there."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("gridapp.migrations.0013_search_keys_filled_and_address_trigram_indexes")
    written = set(SearchKey.objects.values_list("kind", "record_id", "grid", "key"))
    SearchKey.objects.all().delete()
    migration.fill_keys(apps, None)  # it writes rows, the schema is not its business
    assert set(SearchKey.objects.values_list("kind", "record_id", "grid", "key")) == written


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "😀",
        "😀😀😀",
        "r",
        "1",
        "12",
        "%",
        "_",
        "%%%",
        "\\",
        "' OR 1=1 --",
        "任" * 500,
        "rax" * 200,
        "\u200b",
        "\u202e香爱任",
        "\x00rax",
        "   ",
    ],
)
def test_odd_input_answers_with_an_empty_or_sensible_list(wu_client, ren, typed):
    response = find(wu_client, typed)
    results = response.context["results"]
    assert not (set(results.residents) - {ren})  # nothing but what could be meant
    assert not markup_problems(response.content.decode())  # what was typed comes back as text


def test_invisible_characters_are_ignored(wu_client, ren):
    assert found(wu_client, "r\u200ba\u200bx") == [ren]
    assert found(wu_client, "\u202erax") == [ren]


def test_too_little_or_too_much_says_so(wu_client, ren):
    wu_client.cookies["django_language"] = "en"
    assert "Type at least two letters of the pinyin." in find(wu_client, "r").content.decode()
    assert "too long" in find(wu_client, "任" * 500).content.decode()
    assert "Nothing found for" in find(wu_client, "xyzzy").content.decode()


# --- bounded, and a fixed number of queries --------------------------------------------------------


@pytest.fixture
def crowded(grid1):
    """More Rens, households, shops and buildings of 任 than a list shows."""
    for n in range(PER_KIND + 3):
        household = HouseholdFactory(grid=grid1, address=f"任家路{n + 1}号", head_name=f"任家{n}")
        ResidentFactory(household=household, name=f"任阿{n}")
        ShopFactory(grid=grid1, name=f"任记小吃{n}", address=f"任家路{n + 1}号店")
        BuildingFactory(grid=grid1, road="任家路", number=str(n + 1))


def test_each_kind_lists_a_bounded_number_and_says_there_are_more(wu_client, crowded):
    results = find(wu_client, "任").context["results"]
    for kind in ("residents", "households", "shops", "buildings"):
        assert len(getattr(results, kind)) == PER_KIND, kind
    assert results.more == {"residents", "households", "shops", "buildings"}
    page = wu_client.get(reverse("search"), {"q": "任"})
    assert len(page.context["results"].residents) == PER_KIND + 3  # the page lists up to 20 of each


@pytest.mark.parametrize("typed", ["任", "rjl", "任家路1"])
def test_the_search_costs_the_same_queries_whatever_it_finds(wu_client, crowded, django_assert_num_queries, typed):
    # the session, the user, the user's roles; then one query per kind
    with django_assert_num_queries(7):
        find(wu_client, typed)


def test_a_search_with_nothing_to_search_asks_nothing_of_the_register(wu_client, django_assert_num_queries):
    with django_assert_num_queries(3):  # the session, the user, the user's roles
        find(wu_client, "r")


# --- the picker's choices (case intake) --------------------------------------------------------------


def test_a_picker_lists_one_kind_as_buttons_with_their_labels(wu_client, ren, zeng):
    response = wu_client.get(reverse("search"), {"q": "4幢", "pick": "household"})
    page = response.content.decode()
    assert 'data-pick-label="临江路4幢1单元302室 · 任爱香"' not in page  # 4幢: from the start only
    page = wu_client.get(reverse("search"), {"q": "临江", "pick": "household"}).content.decode()
    assert f'data-pick-id="{ren.household_id}"' in page and 'data-pick-label="临江路4幢1单元302室 · 任爱香"' in page
    page = wu_client.get(reverse("search"), {"q": "rax", "pick": "resident"}).content.decode()
    assert page.count("data-pick-id") == 1 and 'data-pick-label="任爱香 · 86 岁 · 临江路4幢1单元302室"' in page


def test_a_picker_keeps_to_the_cases_grid(client, staff, ren, grid2_resident, grid1, grid2):
    client.force_login(staff)
    pick = {"pick": "resident", "q": "王建国"}
    assert f'data-pick-id="{grid2_resident.pk}"' in client.get(reverse("search"), pick).content.decode()
    page = client.get(reverse("search"), {**pick, "grid": grid1.pk}).content.decode()
    assert f'data-pick-id="{grid2_resident.pk}"' not in page
    assert client.get(reverse("search"), {**pick, "grid": "²"}).status_code == 200


def test_chen_cannot_pick_ren(client, chen, ren):
    client.force_login(chen)
    assert (
        f'data-pick-id="{ren.pk}"'
        not in client.get(reverse("search"), {"q": "rax", "pick": "resident"}).content.decode()
    )


def test_the_demo_worlds_bulk_refresh_writes_the_keys_the_services_would(ren, zeng, shop1, linjiang4, grid1):
    written = set(SearchKey.objects.values_list("kind", "record_id", "grid", "key"))
    SearchKey.objects.all().delete()
    search_index.refresh_grids([grid1])
    assert set(SearchKey.objects.values_list("kind", "record_id", "grid", "key")) == written


def test_a_worker_of_two_grids_is_told_which_grid(client, wu, ren, grid2):
    give_role(wu, RoleKind.GRID_WORKER, grid=grid2)
    client.force_login(wu)
    assert ren.household.grid.name in find(client, "rax").content.decode()


def test_an_admins_save_in_the_django_admin_moves_the_keys(client, admin_user, wu, ren):
    from .test_register_versions import _inline_management

    page = reverse("admin:gridapp_household_change", args=[ren.household_id])
    client.force_login(admin_user)
    response = client.get(page)
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields} | _inline_management(response)
    data |= {"head_name": "周国庆", "phone": "13905710009"}
    assert client.post(page, data).status_code == 302
    client.force_login(wu)
    assert found(client, "zgq", "households") == [ren.household]
    assert found(client, "0009", "households") == [ren.household]
    assert found(client, "rax", "households") == []
