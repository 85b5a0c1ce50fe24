"""Passwords: the common-password list applies, and long passphrases (64 characters and more)
are welcome: nothing caps their length."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from .conftest import attempt, logged_in

VALIDATORS = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]


def test_the_common_password_list_is_checked():
    assert "CommonPasswordValidator" in VALIDATORS
    with pytest.raises(ValidationError):
        validate_password("qwertyuiop")


def test_no_validator_caps_the_length_below_128():
    assert "MaximumLengthValidator" not in VALIDATORS  # Django has none; we add none


@pytest.mark.parametrize("length", [64, 128, 256])
def test_a_long_passphrase_is_accepted(wu, length):
    passphrase = ("临江路4幢 blue kettle sings " * 20)[:length]
    validate_password(passphrase, user=wu)


def test_wu_logs_in_with_a_100_character_passphrase(wu):
    passphrase = ("临江路4幢 blue kettle sings at dawn " * 5)[:100]
    wu.set_password(passphrase)
    wu.save()
    client = Client()
    assert attempt(client, "wu", passphrase).status_code == 302
    assert logged_in(client)
