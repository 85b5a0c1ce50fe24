"""Every log-in attempt is logged to ``gridapp.security`` with the username and the address,
never the password."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import OFFICE_IP, PASSWORD, attempt


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="gridapp.security")
    return caplog


def lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "gridapp.security"]


def everything_logged(caplog):
    return "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)


def test_a_successful_log_in_is_logged(wu, security_log):
    attempt(Client(), "wu", PASSWORD)
    assert f"login succeeded: user='wu' ip={OFFICE_IP}" in lines(security_log)


def test_a_failed_log_in_is_logged_without_the_password(wu, security_log):
    attempt(Client(), "wu", "my-secret-guess-42")
    assert f"login failed: user='wu' ip={OFFICE_IP} locked_out=False" in lines(security_log)
    assert "my-secret-guess-42" not in everything_logged(security_log)


def test_an_unknown_username_is_logged_too_as_a_digest(db, security_log):
    """What is typed into the username box by mistake is often a password, phone or ID number."""
    attempt(Client(), "nosuchuser", "whatever-it-is")
    attempt(Client(), "nosuchuser", "whatever-else")
    [first, second] = lines(security_log)[-2:]
    assert first == second
    assert first.startswith("login failed: user=unknown:") and first.endswith(f" ip={OFFICE_IP} locked_out=False")
    assert "nosuchuser" not in everything_logged(security_log)


def test_the_lockout_is_logged(wu, security_log):
    client = Client()
    for _ in range(5):
        attempt(client, "wu", "my-secret-guess-42")
    assert lines(security_log)[-1] == f"login failed: user='wu' ip={OFFICE_IP} locked_out=True"
    assert "my-secret-guess-42" not in everything_logged(security_log)


def test_a_correct_password_is_never_logged(wu, security_log):
    attempt(Client(), "wu", PASSWORD)
    attempt(Client(), "wu", PASSWORD + "x")
    assert PASSWORD not in everything_logged(security_log)


def test_a_username_cannot_forge_a_log_line(db, security_log):
    attempt(Client(), "wu\nlogin succeeded: user='admin'", "x")
    assert all("\n" not in line for line in lines(security_log))


def test_log_out_is_logged(client, wu, security_log):
    client.force_login(wu)
    client.post(reverse("logout"))
    assert any(line.startswith("logout: user='wu'") for line in lines(security_log))
