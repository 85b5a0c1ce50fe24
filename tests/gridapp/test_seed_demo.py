"""``manage.py seed_demo`` builds Dongluchi's demo world once, and a second run changes nothing.

Seeding takes seconds, so the module seeds once (twice, to check the re-run) inside a
transaction that is rolled back after the last test; each test runs in a savepoint inside it.
The conftest fixtures that create a community coded DLC are not used here.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from gridapp import demo_data
from gridapp.models import Building, Grid, Household, PersonCategory, Resident, Role, Shop
from gridapp.validators import birth_date_from_id, validate_id_number

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def register_counts():
    return {
        "households": Household.objects.count(),
        "residents": Resident.objects.count(),
        "shops": Shop.objects.count(),
        "buildings": Building.objects.count(),
        "users": get_user_model().objects.count(),
        "roles": Role.objects.count(),
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The counts after the first run; the database holds the world after the second run."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        after_first_run = register_counts()
        call_command("seed_demo", stdout=io.StringIO())
        yield after_first_run
        transaction.set_rollback(True)


@pytest.fixture
def grid1(seeded, db):
    return Grid.objects.get(community__code=demo_data.COMMUNITY_CODE, number=1)


def test_second_run_changes_no_counts(seeded, db):
    assert register_counts() == seeded


def test_second_run_says_already_seeded(seeded, db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "already seeded" in out.getvalue()


def test_grid1_has_307_households(grid1):
    assert grid1.households.filter(archived_at=None).count() == 307


def test_grid1_has_92_shops(grid1):
    assert grid1.shops.filter(archived_at=None).count() == 92


def test_ren_aixiang_is_86(grid1):
    ren = Resident.objects.get(name="任爱香")
    assert ren.household.grid == grid1
    assert ren.age == 86


def test_ren_aixiang_depends_on_medical_equipment(seeded, db):
    ren = Resident.objects.get(name="任爱香")
    assert PersonCategory.MEDICAL_EQUIPMENT in ren.category_values()


def test_every_resident_id_number_is_valid(seeded, db):
    for resident in Resident.objects.exclude(id_number=""):
        validate_id_number(resident.id_number)


def test_every_resident_id_number_gives_the_date_of_birth(seeded, db):
    mismatched = [r.name for r in Resident.objects.all() if birth_date_from_id(r.id_number) != r.date_of_birth]
    assert mismatched == []


@pytest.mark.parametrize("username", [account.username for account in demo_data.ACCOUNTS])
def test_every_demo_account_can_log_in(client, seeded, db, username):
    assert client.login(username=username, password=demo_data.DEMO_PASSWORD)


@pytest.mark.parametrize(
    ("username", "kind"),
    [("wu", "grid_worker"), ("chen", "grid_worker"), ("staff", "community_staff"), ("admin", "admin")],
)
def test_demo_account_holds_its_role(seeded, db, username, kind):
    assert Role.objects.filter(user__username=username, kind=kind).count() == 1
