"""Visits' people and helpers: Zhou is a second worker of Grid 1, Pan works a grid of another
community; a phone posts the visit form as the browser would."""

import datetime
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gridapp.models import RoleKind
from visits import services
from visits.models import Campaign

from ..factories import HouseholdFactory, ResidentFactory, ShopFactory, UserFactory, give_role


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Overrides the suite-wide fixture: a folder per test, so a test can check that a refused
    # photo left no file behind.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def zhou(grid1):
    """A second worker of Grid 1."""
    return give_role(UserFactory(username="zhou", first_name="敏", last_name="周"), RoleKind.GRID_WORKER, grid=grid1)


@pytest.fixture
def pan(other_grid):
    """A grid worker of another community."""
    return give_role(UserFactory(username="pan"), RoleKind.GRID_WORKER, grid=other_grid)


@pytest.fixture
def other_household(other_grid):
    return HouseholdFactory(grid=other_grid, address="浦南路1号", head_name="沈阿大")


@pytest.fixture
def other_resident(other_household):
    return ResidentFactory(household=other_household, name="沈阿大")


@pytest.fixture
def other_shop(other_grid):
    return ShopFactory(grid=other_grid, name="浦南小吃店")


@pytest.fixture
def eco_campaign(staff, grid1):
    """The ecological-environment satisfaction drive over Grid 1's street-front shops."""
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="生态环境满意度提升宣传",
        starts_on=today - datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=30),
        target="street_front_shops",
        created_by=staff,
    )
    campaign.grids.add(grid1)
    return campaign


def local_input(value):
    """A datetime as a phone's datetime-local input sends it (Asia/Shanghai, minutes)."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def visit_form(*, visited_at=None, purposes=("routine",), **fields):
    """The POST data of the visit form with its defaults; ``resident_<pk>`` etc. via ``fields``."""
    data = {
        "client_id": str(uuid.uuid4()),
        "visited_at": local_input(visited_at or timezone.now()),
        "purposes": list(purposes),
        "notes": "",
        "follow_up_what": "",
    }
    data.update(fields)
    return data


def png(name="photo.png", size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def log(worker, *, household=None, shop=None, visited_at=None, **kwargs):
    """Log a visit through the service, as the form does; returns the visit."""
    visit, created = services.log_visit(
        worker=worker,
        client_id=uuid.uuid4(),
        visited_at=visited_at or timezone.now(),
        household=household,
        shop=shop,
        **kwargs,
    )
    assert created
    return visit
