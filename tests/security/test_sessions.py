"""Sessions: a new key at log-in, 2 hours of inactivity or 12 hours in all end one, deactivating
a user ends theirs, and admins can end anyone's."""

import logging

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from gridapp.accounts import security
from gridapp.models import UserSession
from tests.gridapp.test_settings import start_django

from .conftest import PASSWORD, attempt, logged_in

HOUR = 3600


def session_key(client):
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def shift_clock(client, *, login_ago, seen_ago):
    """Pretend the log-in and the last request were that many seconds ago."""
    session = client.session
    now = security.now()
    session[security.LOGIN_AT] = now - login_ago
    session[security.SEEN_AT] = now - seen_ago
    session.save()


def test_log_in_starts_a_new_session(wu):
    client = Client()
    before = client.session  # an anonymous session, as an attacker could have planted
    before["planted"] = "yes"
    before.save()
    old_key = session_key(client)

    attempt(client, "wu", PASSWORD)

    assert session_key(client) != old_key
    assert not UserSession.objects.filter(session_key=old_key).exists()
    assert UserSession.objects.get(session_key=session_key(client)).user_id == wu.pk


def test_the_session_row_names_its_user(client, wu):
    client.force_login(wu)
    assert list(UserSession.objects.filter(user=wu).values_list("session_key", flat=True)) == [session_key(client)]


def test_the_session_cookie_lasts_the_idle_timeout():
    assert settings.SESSION_COOKIE_AGE == 2 * HOUR == settings.GRIDAPP_SESSION_IDLE_TIMEOUT
    assert settings.GRIDAPP_SESSION_LIFETIME == 12 * HOUR


def test_a_session_idle_for_just_under_two_hours_goes_on(client, wu):
    client.force_login(wu)
    shift_clock(client, login_ago=3 * HOUR, seen_ago=2 * HOUR - 60)
    assert client.get(reverse("home")).status_code == 200


def test_two_hours_without_a_request_end_the_session(client, wu):
    client.force_login(wu)
    old_key = session_key(client)
    shift_clock(client, login_ago=3 * HOUR, seen_ago=2 * HOUR)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not logged_in(client)
    assert not UserSession.objects.filter(session_key=old_key).exists()


def test_the_user_is_told_why_they_must_log_in_again(client, wu):
    client.force_login(wu)
    shift_clock(client, login_ago=3 * HOUR, seen_ago=3 * HOUR)
    response = client.get(reverse("home"), follow=True)
    assert gettext("Your session has ended. Please log in again.") in [
        str(m) for m in get_messages(response.wsgi_request)
    ]


def test_twelve_hours_after_log_in_the_session_ends_however_busy(client, wu):
    client.force_login(wu)
    shift_clock(client, login_ago=12 * HOUR, seen_ago=10)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert not logged_in(client)


def test_a_session_without_a_log_in_time_is_ended(client, wu):
    client.force_login(wu)
    session = client.session
    del session[security.LOGIN_AT]
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_a_request_moves_the_last_seen_time_on(client, wu):
    client.force_login(wu)
    shift_clock(client, login_ago=HOUR, seen_ago=30 * 60)
    client.get(reverse("home"))
    assert security.now() - client.session[security.SEEN_AT] < 5


def test_requests_within_a_minute_do_not_rewrite_the_session(client, wu):
    client.force_login(wu)
    shift_clock(client, login_ago=HOUR, seen_ago=20)
    seen = client.session[security.SEEN_AT]
    client.get(reverse("home"))
    assert client.session[security.SEEN_AT] == seen


def test_deactivating_wu_ends_all_his_sessions_and_only_his(wu, chen):
    phone, office, chens = Client(), Client(), Client()
    phone.force_login(wu)
    office.force_login(wu)
    chens.force_login(chen)

    wu.is_active = False
    wu.save()

    assert not UserSession.objects.filter(user=wu).exists()
    assert phone.get(reverse("home")).status_code == 302
    assert office.get(reverse("home")).status_code == 302
    assert chens.get(reverse("home")).status_code == 200


def test_deactivating_in_the_admin_ends_the_sessions(client, admin_user, wu):
    phone = Client()
    phone.force_login(wu)
    client.force_login(admin_user)
    form = client.get(reverse("admin:auth_user_change", args=[wu.pk])).context["adminform"].form
    data = {
        k: v for k, v in form.initial.items() if v is not None and k not in {"password", "groups", "user_permissions"}
    }
    data.update(is_active="", last_login_0="", last_login_1="", date_joined_0="2026-01-01", date_joined_1="08:00:00")
    response = client.post(reverse("admin:auth_user_change", args=[wu.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    wu.refresh_from_db()
    assert not wu.is_active
    assert phone.get(reverse("home")).status_code == 302


def test_an_admin_ends_wu_s_sessions_from_the_user_list(client, admin_user, wu, chen, caplog):
    phone, chens = Client(), Client()
    phone.force_login(wu)
    chens.force_login(chen)
    client.force_login(admin_user)
    caplog.set_level(logging.INFO, logger="gridapp.security")

    response = client.post(
        reverse("admin:auth_user_changelist"), {"action": "end_sessions", "_selected_action": [wu.pk]}, follow=True
    )

    assert response.status_code == 200
    assert phone.get(reverse("home")).status_code == 302
    assert chens.get(reverse("home")).status_code == 200
    assert any("sessions ended" in r.getMessage() and "by=admin" in r.getMessage() for r in caplog.records)


def test_staff_cannot_end_sessions(client, staff, wu):
    phone = Client()
    phone.force_login(wu)
    client.force_login(staff)
    response = client.post(
        reverse("admin:auth_user_changelist"), {"action": "end_sessions", "_selected_action": [wu.pk]}
    )
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert phone.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("field", ["is_superuser", "user_permissions", "groups"])
def test_an_admin_who_is_not_a_superuser_cannot_raise_privileges(rf, admin_user, field):
    from django.contrib import admin
    from django.contrib.auth import get_user_model

    request = rf.get("/")
    request.user = admin_user
    readonly = admin.site._registry[get_user_model()].get_readonly_fields(request, admin_user)
    assert field in readonly


def test_an_idle_timeout_longer_than_the_lifetime_stops_startup(tmp_path):
    result = start_django(tmp_path, DEBUG="true", GRIDAPP_SESSION_IDLE_TIMEOUT="50000")
    assert result.returncode != 0
    assert "ImproperlyConfigured: GRIDAPP_SESSION_IDLE_TIMEOUT must be positive" in result.stderr
