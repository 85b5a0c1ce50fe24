"""Log-in security: helpers shared by the tests of lockout, sessions, two-factor and headers."""

from django.urls import reverse

PASSWORD = "correct-horse-battery"  # every factory user's password (tests/factories.py)
OFFICE_IP = "10.20.0.7"  # the community office's one public address
HOME_IP = "10.99.0.3"


def attempt(client, username, password, ip=OFFICE_IP, **extra):
    """One post of the log-in form, as a browser at ``ip`` would send it."""
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def logged_in(client):
    return "_auth_user_id" in client.session
