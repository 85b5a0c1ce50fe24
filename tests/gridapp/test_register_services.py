"""The register's writes go through its services, outside a request too (the admin, imports,
scripts): each names its author in the history, and an edit bumps the version or, based on an
older one, changes nothing."""

import pytest
from django.urls import reverse
from django.utils import translation

from gridapp.models import Building, Household, HouseholdTagLink, Resident, ResidentCategoryLink, Shop
from gridapp.register import services


def latest(obj):
    return obj.history.order_by("-history_date").first()


def labels(edit):
    with translation.override("en"):
        return [str(field) for field in edit.fields]


# --- households --------------------------------------------------------------------------------


def test_staff_create_a_household_whose_address_comes_from_its_building(staff, grid1, linjiang4):
    household = services.household_create(
        by=staff, grid=grid1, building=linjiang4, unit="2", room="501", head_name="李大爷", tags=["living_alone"]
    )
    assert household.address == "临江路4幢2单元501室" and household.version == 1
    assert (latest(household).history_type, latest(household).history_user) == ("+", staff)
    assert [(link.tag, link.history_user) for link in HouseholdTagLink.history.all()] == [("living_alone", staff)]


def test_a_household_edit_bumps_the_version_and_names_its_author(staff, ren_household):
    ren_household.tags.create(tag="low_income")
    services.household_update(
        household=ren_household, by=staff, version=1, phone="13905710002", room="502", tags=["empty_nest"]
    )
    household = Household.objects.get(pk=ren_household.pk)
    assert (household.version, household.phone, household.address) == (2, "13905710002", "临江路4幢1单元502室")
    assert household.tag_values() == ["empty_nest"]
    assert (latest(household).history_user, latest(household).version) == (staff, 2)
    removed = HouseholdTagLink.history.get(tag="low_income", history_type="-")
    added = HouseholdTagLink.history.get(tag="empty_nest", history_type="+")
    assert (removed.history_user, added.history_user) == (staff, staff)


def test_an_edit_of_an_older_version_changes_nothing_and_says_what_changed(staff, admin_user, ren_household):
    services.household_update(household=ren_household, by=admin_user, version=1, phone="13905710002")
    stale = Household.objects.get(pk=ren_household.pk)
    with pytest.raises(services.Changed) as raised:
        services.household_update(household=stale, by=staff, version=1, notes="楼道漏水", tags=["key_care"])
    [edit] = raised.value.edits
    assert (edit.who, labels(edit)) == (admin_user, ["phone"])
    assert raised.value.version == 2
    household = Household.objects.get(pk=ren_household.pk)
    assert (household.notes, household.version, household.tag_values()) == ("", 2, [])
    assert household.history.count() == 2


def test_tags_changed_meanwhile_are_named(staff, admin_user, ren_household):
    services.household_update(household=ren_household, by=admin_user, version=1, tags=["key_care"])
    with pytest.raises(services.Changed) as raised:
        services.household_update(household=ren_household, by=staff, version=1, notes="改")
    assert labels(raised.value.edits[0]) == ["household tag"]


def test_archiving_and_restoring_name_their_author_and_bump_the_version(staff, admin_user, ren_household):
    assert services.archive(record=ren_household, by=staff)
    assert not services.archive(record=ren_household, by=admin_user)  # already archived: nothing
    assert ren_household.archived_at is not None
    assert (latest(ren_household).history_user, ren_household.version) == (staff, 2)
    assert services.restore(record=ren_household, by=admin_user)
    assert not services.restore(record=ren_household, by=staff)
    household = Household.objects.get(pk=ren_household.pk)
    assert (household.archived_at, household.version) == (None, 3)
    assert [(row.history_user, row.archived_at is None) for row in household.history.order_by("history_date")] == [
        (None, True),  # made by the test's factory
        (staff, False),
        (admin_user, True),
    ]


# --- residents ---------------------------------------------------------------------------------


def test_staff_register_a_resident_with_categories(staff, ren_household, ren):
    resident = services.resident_create(
        household=ren_household,
        by=staff,
        name="任建民",
        sex="M",
        date_of_birth=ren.date_of_birth.replace(year=1965),
        categories=["veteran", "party_member"],
    )
    assert resident.household == ren_household and sorted(resident.category_values()) == ["party_member", "veteran"]
    assert latest(resident).history_user == staff
    assert {row.history_user for row in ResidentCategoryLink.history.filter(resident_id=resident.pk)} == {staff}


def test_a_resident_edit_bumps_the_version_and_keeps_what_it_was_not_given(staff, ren):
    ren.categories.create(category="elderly_alone")
    services.resident_update(resident=ren, by=staff, version=1, relation_to_head="本人")
    resident = Resident.objects.get(pk=ren.pk)
    assert (resident.relation_to_head, resident.health_notes, resident.version) == ("本人", "依赖家用呼吸机", 2)
    assert resident.category_values() == ["elderly_alone"]  # categories not given: left alone
    assert latest(resident).history_user == staff


def test_the_grid_worker_changes_contact_details(wu, ren):
    services.resident_update_contact(resident=ren, by=wu, version=1, mobile="13900001234")
    assert (Resident.objects.get(pk=ren.pk).mobile, latest(ren).history_user) == ("13900001234", wu)


def test_the_contact_edit_refuses_anything_else(wu, ren):
    with pytest.raises(TypeError):
        services.resident_update_contact(resident=ren, by=wu, version=1, mobile="13900001234", name="冒名")
    assert Resident.objects.get(pk=ren.pk).version == 1


def test_a_resident_is_archived_and_restored_by_its_author(staff, ren):
    assert services.archive(record=ren, by=staff) and services.restore(record=ren, by=staff)
    assert [row.history_user for row in ren.history.order_by("history_date")][1:] == [staff, staff]


# --- shops and buildings -----------------------------------------------------------------------


def test_a_shop_is_created_edited_archived_and_restored_by_its_author(staff, admin_user, grid1):
    shop = services.shop_create(by=staff, grid=grid1, name="新开便利店", address="临江路8号")
    services.shop_update(shop=shop, by=admin_user, version=1, street_front=False)
    services.archive(record=shop, by=staff)
    services.restore(record=shop, by=admin_user)
    rows = Shop.objects.get(pk=shop.pk).history.order_by("history_date")
    assert [(row.history_user, row.version) for row in rows] == [
        (staff, 1),
        (admin_user, 2),
        (staff, 3),
        (admin_user, 4),
    ]
    with pytest.raises(services.Changed):
        services.shop_update(shop=shop, by=staff, version=2, name="改名")
    assert Shop.objects.get(pk=shop.pk).name == "新开便利店"


def test_a_building_takes_its_grids_community(staff, grid1, grid2):
    building = services.building_create(by=staff, grid=grid1, road="新塘路", number="12", year_built=1998)
    assert (building.community, latest(building).history_user) == (grid1.community, staff)
    services.building_update(building=building, by=staff, version=1, grid=grid2, floors=6)
    building = Building.objects.get(pk=building.pk)
    assert (building.grid, building.floors, building.version, latest(building).history_user) == (grid2, 6, 2, staff)


def test_a_building_edit_of_an_older_version_changes_nothing(staff, admin_user, linjiang4):
    services.building_update(building=linjiang4, by=admin_user, version=1, floors=6)
    with pytest.raises(services.Changed) as raised:
        services.building_update(building=linjiang4, by=staff, version=1, year_built=1985)
    assert labels(raised.value.edits[0]) == ["floors"]
    assert Building.objects.get(pk=linjiang4.pk).year_built == 1992


# --- the admin ---------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["archive_selected", "restore_selected"])
def test_the_admins_archive_actions_name_the_admin(client, admin_user, staff, ren_household, action):
    if action == "restore_selected":
        services.archive(record=ren_household, by=staff)
    client.force_login(admin_user)
    url = reverse("admin:gridapp_household_changelist")
    client.post(url, {"action": action, "_selected_action": [ren_household.pk]})
    household = Household.objects.get(pk=ren_household.pk)
    assert (household.archived_at is None) == (action == "restore_selected")
    assert latest(household).history_user == admin_user
