"""``seed_demo --allow-without-debug`` with DEBUG off builds the same demo world, but no demo
account can be logged in to with the published password: each gets an unusable one, which an
admin replaces (``manage.py changepassword``) if the account is to be used.

Seeding takes seconds, so the module seeds once inside a transaction rolled back at the end.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from gridapp.devtools.demo import accounts, places
from gridapp.models import Household

DEMO_USERNAMES = [account.username for account in accounts.ACCOUNTS]


@pytest.fixture(scope="module")
def seeded_without_debug(django_db_setup, django_db_blocker):
    """What seed_demo --allow-without-debug printed; the database holds its world."""
    out = io.StringIO()
    with django_db_blocker.unblock(), override_settings(DEBUG=False), transaction.atomic():
        call_command("seed_demo", "--allow-without-debug", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_with_the_flag_every_demo_account_is_created(seeded_without_debug, db):
    usernames = get_user_model().objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
    assert sorted(usernames) == sorted(DEMO_USERNAMES)


def test_with_the_flag_no_demo_account_has_the_published_password(seeded_without_debug, db):
    for user in get_user_model().objects.filter(username__in=DEMO_USERNAMES):
        assert not user.check_password(accounts.DEMO_PASSWORD), user.username
        assert not user.has_usable_password(), user.username


@pytest.mark.parametrize("username", ["wu", "admin"])
def test_with_the_flag_the_published_password_does_not_log_in(client, seeded_without_debug, db, username):
    client.post(reverse("login"), {"username": username, "password": accounts.DEMO_PASSWORD})
    assert not client.session.get("_auth_user_id")


def test_with_the_flag_the_summary_prints_no_password(seeded_without_debug, db):
    # ``db`` keeps it among the database tests: pytest-django runs tests without one last, after
    # the transactional tests have emptied the tables the migrations filled (the case categories).
    assert accounts.DEMO_PASSWORD not in seeded_without_debug
    assert "(unusable; manage.py changepassword)" in seeded_without_debug


def test_with_the_flag_the_demo_world_is_built(seeded_without_debug, db):
    grid1 = Household.objects.filter(grid__community__code=places.COMMUNITY_CODE, grid__number=1)
    assert grid1.filter(archived_at=None).count() == 307
