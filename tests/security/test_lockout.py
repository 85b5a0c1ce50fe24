"""django-axes: five wrong passwords lock out one (username, address) pair for 15 minutes, so one
person's typos never lock out the rest of an office behind the same address."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django.utils.translation import ngettext, override

from .conftest import HOME_IP, OFFICE_IP, PASSWORD, attempt, logged_in

LOCKOUT_MESSAGE = (
    "Too many wrong passwords for this account from this network. Try again in %(minutes)s minute, "
    "or ask an administrator to unlock it.",
    "Too many wrong passwords for this account from this network. Try again in %(minutes)s minutes, "
    "or ask an administrator to unlock it.",
)


def lockout_message(language):
    with override(language):
        return ngettext(*LOCKOUT_MESSAGE, 15) % {"minutes": 15}


def fail_five_times(client, username="wu", ip=OFFICE_IP):
    return [attempt(client, username, "wrong-password", ip=ip).status_code for _ in range(5)]


def fail_five_times_and_get_page():
    client = Client()
    responses = [attempt(client, "wu", "wrong-password") for _ in range(5)]
    assert responses[-1].status_code == 429
    return responses[-1]


def test_four_wrong_passwords_still_let_wu_in(wu):
    client = Client()
    for _ in range(4):
        attempt(client, "wu", "wrong-password")
    response = attempt(client, "wu", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_fifth_wrong_password_locks_wu_out(wu):
    assert fail_five_times(Client()) == [200, 200, 200, 200, 429]


def test_a_locked_out_wu_cannot_log_in_even_with_the_right_password(wu):
    client = Client()
    fail_five_times(client)
    response = attempt(client, "wu", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_chen_in_the_same_office_can_still_log_in(wu, chen):
    fail_five_times(Client())
    client = Client()
    assert attempt(client, "chen", PASSWORD, ip=OFFICE_IP).status_code == 302
    assert logged_in(client)


def test_wu_can_still_log_in_from_home(wu):
    fail_five_times(Client(), ip=OFFICE_IP)
    client = Client()
    assert attempt(client, "wu", PASSWORD, ip=HOME_IP).status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize(("minutes", "status"), [(14, 429), (16, 302)])
def test_the_lockout_ends_after_15_minutes(wu, minutes, status):
    fail_five_times(Client())
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False):
        assert attempt(Client(), "wu", PASSWORD).status_code == status


def test_a_successful_log_in_forgets_earlier_typos(wu):
    client = Client()
    for _ in range(4):
        attempt(client, "wu", "wrong-password")
    attempt(client, "wu", PASSWORD)
    later = Client()
    statuses = [attempt(later, "wu", "wrong-password").status_code for _ in range(4)]
    assert statuses == [200] * 4  # a fresh count: four more typos do not lock wu out


def test_the_lockout_page_is_in_chinese_by_default(wu):
    response = fail_five_times_and_get_page()
    content = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in content
    assert "网格通" in content and "登录" in content
    assert lockout_message("zh-hans") in content


def test_the_lockout_page_follows_the_language_switch(wu):
    client = Client()
    client.cookies["django_language"] = "en"
    response = [attempt(client, "wu", "wrong-password") for _ in range(5)][-1]
    assert response.status_code == 429
    assert lockout_message("en") in response.content.decode()
