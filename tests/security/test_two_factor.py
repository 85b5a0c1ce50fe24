"""Two-factor authentication (django-otp TOTP): anyone may set up an authenticator; whoever has
one enters its code after the password; admins can make it compulsory for staff and admins."""

import datetime
import logging
from binascii import unhexlify

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridapp.accounts import security
from gridapp.accounts.two_factor import PENDING_KEY
from gridapp.models import SecurityPolicy

from .conftest import PASSWORD, attempt


def code_for(device):
    """The code the user's phone shows now, computed with django-otp's own TOTP."""
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(device.digits)


def code_for_key(hex_key):
    return str(TOTP(unhexlify(hex_key)).token()).zfill(6)


@pytest.fixture
def staff_phone(staff):
    return TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)


@pytest.fixture
def required(db):
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"require_otp_for_staff": True})


def log_in(username):
    client = Client()
    assert attempt(client, username, PASSWORD).status_code == 302
    return client


# --- setting it up ---------------------------------------------------------------------


def test_wu_sees_a_qr_code_and_the_key_to_set_up_an_authenticator(client, wu):
    client.force_login(wu)
    response = client.get(reverse("otp_setup"))
    content = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in content
    assert response.context["secret"] in content
    assert not TOTPDevice.objects.filter(user=wu).exists()  # nothing stored until a code proves it


def test_the_key_stays_the_same_until_it_is_confirmed(client, wu):
    client.force_login(wu)
    first = client.get(reverse("otp_setup")).context["secret"]
    assert client.get(reverse("otp_setup")).context["secret"] == first


def test_a_wrong_code_sets_nothing_up(client, wu):
    client.force_login(wu)
    client.get(reverse("otp_setup"))
    response = client.post(reverse("otp_setup"), {"token": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert not TOTPDevice.objects.filter(user=wu).exists()


def test_the_right_code_turns_two_factor_on(client, wu, caplog):
    caplog.set_level(logging.INFO, logger="gridapp.security")
    client.force_login(wu)
    client.get(reverse("otp_setup"))
    key = client.session[PENDING_KEY]

    response = client.post(reverse("otp_setup"), {"token": code_for_key(key)})

    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=wu)
    assert (device.confirmed, device.key) == (True, key)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert PENDING_KEY not in client.session
    assert "two-factor set up: user=wu" in caplog.text


def test_a_password_alone_cannot_replace_an_authenticator(staff, staff_phone):
    client = log_in("staff")
    response = client.get(reverse("otp_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_verify"))


# --- using it --------------------------------------------------------------------------


def test_with_an_authenticator_the_password_is_not_enough(staff, staff_phone):
    client = log_in("staff")
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("otp_verify") + "?next=%2F"


def test_the_code_from_the_phone_lets_staff_in(staff, staff_phone):
    client = log_in("staff")
    key_before = client.session.session_key

    response = client.post(reverse("otp_verify") + "?next=/inbox/", {"token": code_for(staff_phone)})

    assert response.status_code == 302
    assert response["Location"] == "/inbox/"
    assert client.session.session_key != key_before  # a new key for the stronger session
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_keeps_staff_out(staff, staff_phone, caplog):
    client = log_in("staff")
    response = client.post(reverse("otp_verify"), {"token": "123456"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert client.get(reverse("home")).status_code == 302
    assert "two-factor failed: user=staff" in caplog.text


def test_a_code_cannot_be_used_twice(staff, staff_phone):
    code = code_for(staff_phone)
    first = log_in("staff")
    assert first.post(reverse("otp_verify"), {"token": code}).status_code == 302
    second = log_in("staff")
    assert second.post(reverse("otp_verify"), {"token": code}).status_code == 200


def test_the_code_page_never_sends_to_another_site(staff, staff_phone):
    client = log_in("staff")
    response = client.post(reverse("otp_verify") + "?next=https://evil.example/", {"token": code_for(staff_phone)})
    assert response["Location"] == reverse("home")


def test_the_admin_is_behind_the_code_too(admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    client = log_in("admin")
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("otp_verify"))
    client.post(reverse("otp_verify"), {"token": code_for(device)})
    assert client.get(reverse("admin:index")).status_code == 200


# --- the policy ------------------------------------------------------------------------


def test_by_default_no_one_must_set_up_an_authenticator(staff):
    assert log_in("staff").get(reverse("home")).status_code == 200


@pytest.mark.parametrize("username", ["staff", "admin"])
def test_when_required_staff_and_admins_must_set_one_up_first(required, staff, admin_user, username):
    response = log_in(username).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_setup"))


def test_when_required_grid_workers_may_still_go_without(required, wu):
    assert log_in("wu").get(reverse("home")).status_code == 200


def test_when_required_staff_can_set_it_up_and_go_on(required, staff):
    client = log_in("staff")
    client.get(reverse("otp_setup"))
    client.post(reverse("otp_setup"), {"token": code_for_key(client.session[PENDING_KEY])})
    assert client.get(reverse("home")).status_code == 200


def test_switching_the_policy_on_reaches_open_sessions_within_a_minute(staff):
    client = log_in("staff")
    assert client.get(reverse("home")).status_code == 200
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"require_otp_for_staff": True})
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61), tick=False):
        response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("otp_setup"))


def test_only_admins_change_the_policy(client, staff, admin_user):
    client.force_login(staff)
    assert "/admin/login/" in client.get(reverse("admin:gridapp_securitypolicy_changelist"))["Location"]
    client.force_login(admin_user)
    response = client.get(reverse("admin:gridapp_securitypolicy_changelist"), follow=True)
    assert response.status_code == 200
    response = client.post(reverse("admin:gridapp_securitypolicy_change", args=[1]), {"require_otp_for_staff": "on"})
    assert response.status_code == 302
    assert SecurityPolicy.current().require_otp_for_staff


def test_an_admin_removes_the_authenticator_of_a_lost_phone(client, admin_user, staff_phone):
    client.force_login(admin_user)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[staff_phone.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=staff_phone.pk).exists()


def test_after_the_authenticator_is_removed_staff_get_in_with_the_password(staff, staff_phone):
    client = log_in("staff")
    staff_phone.delete()
    response = client.get(reverse("otp_verify"))
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert security.OTP_STATE not in client.session
