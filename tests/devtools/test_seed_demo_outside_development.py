"""``seed_demo`` is for development: with DEBUG off (a production install that asked for the
devtools with GRIDAPP_DEVTOOLS=true) it refuses unless told --allow-without-debug, before it
writes anything; and outside development no demo account keeps the published password.

pytest runs with DEBUG off, as production does.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from cases.models import Department
from gridapp.devtools.demo import accounts
from gridapp.models import Community, Household, Town

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def written():
    return {
        "users": get_user_model().objects.count(),
        "towns": Town.objects.count(),
        "communities": Community.objects.count(),
        "households": Household.objects.count(),
        "departments": Department.objects.count(),
    }


def test_seed_demo_refuses_with_debug_off_and_names_debug_and_the_flag(db):
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", stdout=io.StringIO())
    assert "DEBUG" in str(refused.value)
    assert "--allow-without-debug" in str(refused.value)


def test_seed_demo_refused_writes_nothing(db):
    before = written()
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())
    assert written() == before


def test_reset_passwords_is_refused_with_debug_off_even_with_the_flag(db):
    before = written()
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", "--allow-without-debug", "--reset-passwords", stdout=io.StringIO())
    assert "--reset-passwords" in str(refused.value)
    assert written() == before


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
def test_an_account_seeded_in_development_loses_the_published_password(db):
    User = get_user_model()
    User.objects.create_user("wu", password=accounts.DEMO_PASSWORD)
    User.objects.create_user("chen", password="a-password-chen-chose-2026")

    accounts.ensure_accounts(None)

    assert not User.objects.get(username="wu").has_usable_password()
    assert User.objects.get(username="chen").check_password("a-password-chen-chose-2026")


@override_settings(PASSWORD_HASHERS=FAST_HASHER, DEBUG=True)
def test_in_development_a_new_account_gets_the_published_password(db):
    accounts.ensure_accounts(None)

    assert get_user_model().objects.get(username="wu").check_password(accounts.DEMO_PASSWORD)
