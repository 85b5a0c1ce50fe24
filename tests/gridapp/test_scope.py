"""What each role may see and change, asked of ``gridapp.scope`` directly.

Wu works Grid 1 of Dongluchi, Chen Grid 2; Staff runs Dongluchi; Zhao runs another community
(浦南社区); Admin sees everything; Nobody holds no role. The URL-level matrix is in test_access.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from gridapp import scope
from gridapp.models import RoleKind

from ..factories import HouseholdFactory, ResidentFactory, ShopFactory, UserFactory, give_role


@pytest.fixture
def other_household(other_grid):
    return HouseholdFactory(grid=other_grid, address="浦南路3号", head_name="赵大伯")


@pytest.fixture
def other_resident(other_household):
    return ResidentFactory(household=other_household, name="赵大伯")


@pytest.fixture
def other_shop(other_grid):
    return ShopFactory(grid=other_grid, name="浦南杂货店")


@pytest.fixture
def register(ren, shop1, grid2_resident, grid2_shop, other_resident, other_shop):
    """One household, resident and shop in each of Grid 1, Grid 2 and the other community."""
    return {
        "grid1": {"household": ren.household, "resident": ren, "shop": shop1},
        "grid2": {"household": grid2_resident.household, "resident": grid2_resident, "shop": grid2_shop},
        "other": {"household": other_resident.household, "resident": other_resident, "shop": other_shop},
    }


def visible(user):
    """The households, residents and shops the user's lists show, as sets."""
    return {
        "households": set(scope.households(user)),
        "residents": set(scope.residents(user)),
        "shops": set(scope.shops(user)),
    }


def of(register, *places):
    """The register's households, residents and shops in ``places``, shaped like ``visible``."""
    return {
        "households": {register[place]["household"] for place in places},
        "residents": {register[place]["resident"] for place in places},
        "shops": {register[place]["shop"] for place in places},
    }


def overlap(seen, others):
    return {kind: seen[kind] & others[kind] for kind in seen if seen[kind] & others[kind]}


def archive(obj):
    obj.archived_at = timezone.now()
    obj.save(update_fields=["archived_at"])
    return obj


# --- lists per role ---------------------------------------------------------------------------


def test_wu_sees_grid1_register(wu, register):
    assert visible(wu) == of(register, "grid1")


def test_wu_cannot_see_chens_grid2_register(wu, register):
    assert overlap(visible(wu), of(register, "grid2")) == {}


def test_wu_cannot_see_other_communitys_register(wu, register):
    assert overlap(visible(wu), of(register, "other")) == {}


def test_chen_cannot_see_wu_households(chen, register):
    assert visible(chen) == of(register, "grid2")


def test_staff_sees_every_grid_of_dongluchi(staff, register):
    assert visible(staff) == of(register, "grid1", "grid2")


def test_zhao_sees_only_his_own_community(zhao, register):
    assert visible(zhao) == of(register, "other")


def test_admin_sees_everything(admin_user, register):
    assert visible(admin_user) == of(register, "grid1", "grid2", "other")


def test_superuser_without_role_is_an_admin(register):
    root = UserFactory(username="root", is_superuser=True)
    assert visible(root) == of(register, "grid1", "grid2", "other")


def test_nobody_sees_nothing(nobody, register):
    assert visible(nobody) == {"households": set(), "residents": set(), "shops": set()}
    assert not scope.grids(nobody).exists()


def test_anonymous_user_sees_nothing(register):
    assert not scope.households(AnonymousUser()).exists()


def test_deactivated_worker_sees_nothing(wu, register):
    wu.is_active = False
    assert not scope.households(wu).exists()


def test_wu_sees_only_grid1_buildings_and_grids(wu, grid1, linjiang4, grid2, other_grid):
    assert list(scope.grids(wu)) == [grid1]
    assert list(scope.buildings(wu)) == [linjiang4]


def test_worker_of_two_grids_sees_both(grid1, grid2, register):
    relief = give_role(UserFactory(username="relief"), RoleKind.GRID_WORKER, grid=grid1)
    give_role(relief, RoleKind.GRID_WORKER, grid=grid2)
    assert visible(relief) == of(register, "grid1", "grid2")


# --- archived records ------------------------------------------------------------------------


def test_archived_household_is_hidden_from_lists(staff, ren_household):
    archive(ren_household)
    assert ren_household not in scope.households(staff)


def test_archived_household_is_listed_on_request(staff, ren_household):
    archive(ren_household)
    assert ren_household in scope.households(staff, include_archived=True)


def test_residents_of_archived_household_are_hidden_from_lists(staff, ren):
    archive(ren.household)
    assert ren not in scope.residents(staff)


def test_archived_household_is_404_for_wu(wu, ren_household):
    archive(ren_household)
    with pytest.raises(Http404):
        scope.get_household(wu, ren_household.pk)


def test_archived_household_stays_open_to_staff(staff, ren_household):
    archive(ren_household)
    assert scope.get_household(staff, ren_household.pk) == ren_household


def test_archived_resident_is_404_for_wu(wu, ren):
    archive(ren)
    with pytest.raises(Http404):
        scope.get_resident(wu, ren.pk)


# --- fetch and authorize in one call ----------------------------------------------------------


def test_wu_reads_his_grids_household(wu, ren_household):
    assert scope.get_household(wu, ren_household.pk) == ren_household


def test_wu_may_not_change_a_household(wu, ren_household):
    with pytest.raises(PermissionDenied):
        scope.get_household(wu, ren_household.pk, write=True)


def test_chen_gets_404_not_403_for_wu_household(chen, ren_household):
    with pytest.raises(Http404):
        scope.get_household(chen, ren_household.pk, write=True)


def test_staff_may_change_a_household(staff, ren_household):
    assert scope.get_household(staff, ren_household.pk, write=True) == ren_household


def test_zhao_gets_404_for_dongluchi_household(zhao, ren_household):
    with pytest.raises(Http404):
        scope.get_household(zhao, ren_household.pk)


def test_wu_may_change_residents_contact_details(wu, ren):
    assert scope.get_resident(wu, ren.pk, write=True, contact_only=True) == ren


def test_wu_may_not_change_a_resident_otherwise(wu, ren):
    with pytest.raises(PermissionDenied):
        scope.get_resident(wu, ren.pk, write=True)


def test_chen_may_not_change_wu_residents_contact_details(chen, ren):
    with pytest.raises(Http404):
        scope.get_resident(chen, ren.pk, write=True, contact_only=True)


def test_wu_may_not_change_a_shop(wu, shop1):
    with pytest.raises(PermissionDenied):
        scope.get_shop(wu, shop1.pk, write=True)


def test_wu_may_not_change_a_building(wu, linjiang4):
    with pytest.raises(PermissionDenied):
        scope.get_building(wu, linjiang4.pk, write=True)


@pytest.mark.parametrize("pk", ["abc", "1 OR 1=1", "", None, -1, 10**12])
def test_forged_pk_is_404(staff, ren_household, pk):
    with pytest.raises(Http404):
        scope.get_household(staff, pk)


def test_can_edit_resident_contact_only_in_own_grid(wu, ren, grid2_resident):
    assert scope.can_edit_resident_contact(wu, ren)
    assert not scope.can_edit_resident_contact(wu, grid2_resident)


# --- the role cache ---------------------------------------------------------------------------


def test_roles_load_with_one_query(wu, django_assert_num_queries):
    scope.forget(wu)
    with django_assert_num_queries(1):
        scope.for_user(wu)


def test_roles_are_cached_on_the_user(wu, django_assert_num_queries):
    scope.for_user(wu)
    with django_assert_num_queries(0):
        scope.for_user(wu)


def test_forget_drops_the_cached_roles(wu, grid1, grid2):
    assert scope.for_user(wu).worker_grid_ids == {grid1.pk}
    give_role(wu, RoleKind.GRID_WORKER, grid=grid2)
    scope.forget(wu)
    assert scope.for_user(wu).worker_grid_ids == {grid1.pk, grid2.pk}
