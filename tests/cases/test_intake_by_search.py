"""Case intake from where the worker stands (issue 13, item 5): "report a case" on a household's,
shop's or building's page and on a saved visit, prefilled with what is known; the complainant and
the places picked by search as chips that can be removed, never from a list of the whole grid; a
forged id refused (404) with nothing saved; the complainant's phone checked like a resident's."""

import pytest
from django.urls import reverse

from cases.models import Case

from ..factories import BuildingFactory, HouseholdFactory, ResidentFactory
from ..visits.conftest import log

REPORT = "Report a case"


def submitted(form, **typed):
    """What the browser sends for the form as it was shown, plus what the user typed: the
    prefilled values (the chips' hidden inputs among them) go back as they were."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, "", [], False) or name == "photos":
            continue
        data[name] = "on" if value is True else value
    return data | typed


def intake_page(client, **origin):
    response = client.get(reverse("case_create"), origin)
    assert response.status_code == 200
    return response


# --- the button, where the worker stands -------------------------------------------------------


@pytest.mark.parametrize("place", ["household", "shop", "building"])
def test_each_place_has_a_thumb_sized_report_button_that_names_it(as_user, wu, ren, shop1, linjiang4, place):
    obj = {"household": ren.household, "shop": shop1, "building": linjiang4}[place]
    page = as_user(wu).get(obj.get_absolute_url()).content.decode()
    link = f'href="{reverse("case_create")}?{place}={obj.pk}"'
    assert link in page and REPORT in page
    assert 'class="btn btn-outline-danger btn-lg w-100 mb-3" id="report-case"' in page  # 48 px: a thumb


def test_a_saved_visit_has_the_button(as_user, wu, ren):
    visit = log(wu, household=ren.household, conditions={ren: "well"})
    page = as_user(wu).get(visit.get_absolute_url()).content.decode()
    assert f'href="{reverse("case_create")}?visit={visit.pk}"' in page and REPORT in page


def test_an_archived_household_offers_no_report(as_user, staff, ren):
    from gridapp.register import services as register

    register.archive(record=ren.household, by=staff)
    assert REPORT not in as_user(staff).get(ren.household.get_absolute_url()).content.decode()


# --- prefilled with what is known ----------------------------------------------------------------


def test_from_a_household_page_wu_types_a_title_and_what_happened(as_user, wu, ren, leak):
    client = as_user(wu)
    form = intake_page(client, household=ren.household.pk).context["form"]
    assert (form["grid"].value(), form["households"].value(), form["channel"].value()) == (
        ren.household.grid_id,
        [ren.household.pk],
        "visit",  # Wu, in his grid, is out on his round
    )
    data = submitted(form, title="楼上漏水", description="天花板渗水", category=leak.pk, complainant=ren.pk)
    response = client.post(f"{reverse('case_create')}?household={ren.household.pk}", data)
    case = Case.objects.get()
    assert response["Location"] == case.get_absolute_url()
    assert (list(case.households.all()), case.complainant, case.channel, case.grid) == (
        [ren.household],
        ren,
        "visit",
        ren.household.grid,
    )


def test_the_households_residents_are_offered_as_the_complainant(as_user, wu, ren):
    husband = ResidentFactory(household=ren.household, name="周建华")
    page = intake_page(as_user(wu), household=ren.household.pk).content.decode()
    for resident in (ren, husband):
        assert f'data-pick-id="{resident.pk}"' in page


def test_the_intake_lists_no_grid_of_names(as_user, wu, ren, grid1):
    """The 616-name select and the 307-row lists are gone: only what is picked is on the page."""
    others = [ResidentFactory(household=HouseholdFactory(grid=grid1), name=f"邻居{n}") for n in range(5)]
    page = intake_page(as_user(wu)).content.decode()
    for resident in [ren, *others]:
        assert resident.name not in page
    assert ren.household.address not in page


def test_from_a_shop_page_the_shop_is_named(as_user, wu, shop1, dispute):
    client = as_user(wu)
    form = intake_page(client, shop=shop1.pk).context["form"]
    assert (form["shops"].value(), form["households"].value(), form["channel"].value()) == ([shop1.pk], None, "visit")
    data = submitted(form, title="后门堆物", description="消防通道被纸箱堵住", category=dispute.pk, anonymous="on")
    client.post(f"{reverse('case_create')}?shop={shop1.pk}", data)
    assert list(Case.objects.get().shops.all()) == [shop1]


def test_from_a_building_page_the_building_is_named_and_found_on_patrol(as_user, wu, linjiang4, leak):
    client = as_user(wu)
    form = intake_page(client, building=linjiang4.pk).context["form"]
    assert (form["building"].value(), form["channel"].value()) == (linjiang4.pk, "patrol")
    data = submitted(form, title="公共过道漏水", description="顶部水管渗漏", category=leak.pk, anonymous="on")
    client.post(f"{reverse('case_create')}?building={linjiang4.pk}", data)
    assert Case.objects.get().building == linjiang4


def test_staff_at_the_office_keep_the_walk_in_channel(as_user, staff, ren):
    form = intake_page(as_user(staff), household=ren.household.pk).context["form"]
    assert form["channel"].value() == "walk_in"


def test_from_a_visit_wu_types_only_the_title(as_user, wu, ren, leak):
    """The visit gives the grid, the household, the complainant (the resident seen), the channel
    and the description's start; Wu types the title and picks the category."""
    visit = log(wu, household=ren.household, conditions={ren: "needs_help"}, notes="卫生间天花板渗水，楼上漏水")
    client = as_user(wu)
    url = f"{reverse('case_create')}?visit={visit.pk}"
    form = client.get(url).context["form"]
    response = client.post(url, submitted(form, title="楼上漏水", category=leak.pk))
    case = Case.objects.get()
    assert response["Location"] == case.get_absolute_url()
    assert (case.visit, case.complainant, case.channel, case.description) == (
        visit,
        ren,
        "visit",
        "卫生间天花板渗水，楼上漏水",
    )
    assert list(case.households.all()) == [ren.household]


@pytest.mark.parametrize("origin", ["household", "shop", "building", "visit"])
def test_another_grids_place_is_not_found(as_user, wu, chen, ren, shop1, linjiang4, origin):
    obj = {"household": ren.household, "shop": shop1, "building": linjiang4}.get(origin)
    if origin == "visit":
        obj = log(wu, household=ren.household)
    assert as_user(chen).get(reverse("case_create"), {origin: obj.pk}).status_code == 404


@pytest.mark.parametrize("value", ["abc", "", "-1", "²", "9" * 30])
def test_an_origin_that_is_no_id_is_ignored(as_user, wu, value):
    assert as_user(wu).get(reverse("case_create"), {"household": value, "shop": value}).status_code == 200


# --- chips ---------------------------------------------------------------------------------------


def test_a_prefilled_chip_removed_is_not_recorded(as_user, wu, ren, leak):
    """Removing the household's chip removes its hidden input: the case concerns no household."""
    client = as_user(wu)
    form = intake_page(client, household=ren.household.pk).context["form"]
    data = submitted(form, title="噪音", description="夜间施工", category=leak.pk, complainant_name="邻居")
    del data["households"]
    client.post(f"{reverse('case_create')}?household={ren.household.pk}", data)
    assert list(Case.objects.get().households.all()) == []


def test_chips_picked_come_back_with_a_form_error_and_nothing_is_saved(as_user, wu, ren, grid1, leak):
    upstairs = HouseholdFactory(grid=grid1, address="临江路4幢1单元402室", head_name="张磊")
    client = as_user(wu)
    response = client.post(
        reverse("case_create"),
        {"grid": grid1.pk, "category": leak.pk, "priority": "normal", "channel": "visit", "description": "漏水",
         "households": [ren.household.pk, upstairs.pk], "complainant": ren.pk},
    )  # fmt: skip
    assert response.status_code == 200 and "title" in response.context["form"].errors
    page = response.content.decode()
    for household in (ren.household, upstairs):
        assert f'<input type="hidden" name="households" value="{household.pk}">' in page
    assert "临江路4幢1单元402室 · 张磊" in page and f'name="complainant" value="{ren.pk}"' in page
    assert not Case.objects.exists()


def test_two_households_picked_are_both_recorded(as_user, wu, ren, grid1, leak):
    upstairs = HouseholdFactory(grid=grid1, address="临江路4幢1单元402室", head_name="张磊")
    client = as_user(wu)
    form = intake_page(client, household=ren.household.pk).context["form"]
    data = submitted(form, title="楼上漏水", description="渗水", category=leak.pk, complainant=ren.pk)
    data["households"] = [ren.household.pk, upstairs.pk]
    client.post(reverse("case_create"), data)
    assert set(Case.objects.get().households.all()) == {ren.household, upstairs}


def test_more_places_than_a_case_can_name_is_a_form_error(as_user, staff, grid1, leak):
    households = [HouseholdFactory(grid=grid1).pk for _ in range(21)]
    data = {"grid": grid1.pk, "title": "停水", "description": "整幢停水", "category": leak.pk, "priority": "normal",
            "channel": "phone", "anonymous": "on", "households": households}  # fmt: skip
    response = as_user(staff).post(reverse("case_create"), data)
    assert "households" in response.context["form"].errors
    assert not Case.objects.exists()


# --- forged ids ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["complainant", "households", "shops", "building"])
def test_a_forged_id_of_chens_grid_is_refused_and_nothing_is_saved(
    as_user, wu, ren, grid1, grid2, grid2_resident, grid2_shop, leak, field
):
    other = {
        "complainant": grid2_resident.pk,
        "households": grid2_resident.household_id,
        "shops": grid2_shop.pk,
        "building": BuildingFactory(grid=grid2, road="东藩路", number="8").pk,
    }[field]
    data = {"grid": grid1.pk, "title": "漏水", "description": "漏水", "category": leak.pk, "priority": "normal",
            "channel": "visit", "complainant_name": "任", "households": [ren.household.pk], field: other}  # fmt: skip
    response = as_user(wu).post(f"{reverse('case_create')}?household={ren.household.pk}", data)
    assert response.status_code == 404
    assert not Case.objects.exists()


# --- the complainant's phone --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "stored"),
    [("13900001111", "13900001111"), ("139 0000 1111", "13900001111"), ("+8613900001111", "13900001111"),
     ("0571-82345678", "0571-82345678")],
)  # fmt: skip
def test_a_complainants_mobile_or_landline_is_taken(as_user, staff, grid1, leak, phone, stored):
    data = {"grid": grid1.pk, "title": "噪音", "description": "夜间噪音", "category": leak.pk, "priority": "normal",
            "channel": "phone", "complainant_name": "周先生", "complainant_phone": phone}  # fmt: skip
    assert as_user(staff).post(reverse("case_create"), data).status_code == 302
    assert Case.objects.get().complainant_phone == stored


@pytest.mark.parametrize(
    "phone", ["12345", "1390000111", "23900001111", "0571-123", "139-0000-1111x", "139\u200b00001111"]
)
def test_a_complainants_phone_that_is_no_phone_is_a_form_error(as_user, staff, grid1, leak, phone):
    data = {"grid": grid1.pk, "title": "噪音", "description": "夜间噪音", "category": leak.pk, "priority": "normal",
            "channel": "phone", "complainant_name": "周先生", "complainant_phone": phone}  # fmt: skip
    response = as_user(staff).post(reverse("case_create"), data)
    assert response.status_code == 200
    assert "complainant_phone" in response.context["form"].errors
    assert not Case.objects.exists()


# --- what the page costs ---------------------------------------------------------------------------


def test_the_intake_costs_the_same_for_a_household_of_1_or_8(as_user, wu, ren, django_assert_num_queries):
    client = as_user(wu)
    intake_page(client, household=ren.household.pk)
    with django_assert_num_queries(QUERIES) as one:
        intake_page(client, household=ren.household.pk)
    for n in range(7):
        ResidentFactory(household=ren.household, name=f"家人{n}")
    with django_assert_num_queries(len(one.captured_queries)):
        intake_page(client, household=ren.household.pk)


QUERIES = 9  # session, user, roles, the household, its grid choices, categories, the chip, residents
