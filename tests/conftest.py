"""The story's people and places: Wu works Grid 1 of Dongluchi, Chen works Grid 2, Staff runs
Dongluchi, Zhao runs a second community, Admin sees everything."""

import datetime
import os

import pytest

from gridapp.models import RoleKind

from .factories import (
    BuildingFactory,
    CommunityFactory,
    GridFactory,
    HouseholdFactory,
    ResidentFactory,
    ShopFactory,
    UserFactory,
    give_role,
)

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_or_skip(available, reason):
    """Skip a test whose real dependency is missing here; in CI a missing service fails the run."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)


@pytest.fixture
def dongluchi(db):
    return CommunityFactory(name="东麓池社区", code="DLC")


@pytest.fixture
def grid1(dongluchi):
    return GridFactory(community=dongluchi, number=1, name="第一网格")


@pytest.fixture
def grid2(dongluchi):
    return GridFactory(community=dongluchi, number=2, name="第二网格")


@pytest.fixture
def other_community(db):
    return CommunityFactory(name="浦南社区", code="PN")


@pytest.fixture
def other_grid(other_community):
    return GridFactory(community=other_community, number=1, name="浦南第一网格")


@pytest.fixture
def wu(grid1):
    return give_role(UserFactory(username="wu", first_name="佳栋", last_name="吴"), RoleKind.GRID_WORKER, grid=grid1)


@pytest.fixture
def chen(grid2):
    return give_role(UserFactory(username="chen"), RoleKind.GRID_WORKER, grid=grid2)


@pytest.fixture
def staff(dongluchi):
    return give_role(UserFactory(username="staff"), RoleKind.COMMUNITY_STAFF, community=dongluchi)


@pytest.fixture
def zhao(other_community):
    """Community staff of another community."""
    return give_role(UserFactory(username="zhao"), RoleKind.COMMUNITY_STAFF, community=other_community)


@pytest.fixture
def admin_user(db):
    return give_role(UserFactory(username="admin", is_staff=True), RoleKind.ADMIN)


@pytest.fixture
def nobody(db):
    """Logged in, but holds no role."""
    return UserFactory(username="nobody")


@pytest.fixture
def linjiang4(grid1):
    return BuildingFactory(grid=grid1, road="临江路", number="4", year_built=1992)


@pytest.fixture
def ren_household(grid1, linjiang4):
    return HouseholdFactory(
        grid=grid1, building=linjiang4, unit="1", room="302", address="临江路4幢1单元302室", head_name="任爱香"
    )


@pytest.fixture
def ren(ren_household):
    return ResidentFactory(
        household=ren_household,
        name="任爱香",
        sex="F",
        date_of_birth=datetime.date(1940, 5, 12),
        is_head=True,
        health_notes="依赖家用呼吸机",
    )


@pytest.fixture
def shop1(grid1):
    return ShopFactory(grid=grid1, name="东炉池便利店")


@pytest.fixture
def grid2_household(grid2):
    return HouseholdFactory(grid=grid2, address="东藩路8号", head_name="王建国")


@pytest.fixture
def grid2_resident(grid2_household):
    return ResidentFactory(household=grid2_household, name="王建国")


@pytest.fixture
def grid2_shop(grid2):
    return ShopFactory(grid=grid2, name="第二网格五金店")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow by design; six users per test would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    # Photos uploaded by tests never land in the developer's var/media.
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
