"""The address a lockout is counted against: REMOTE_ADDR, or, behind our own proxies, the address
the outermost of them saw (never what the client wrote into X-Forwarded-For)."""

import pytest
from django.test import RequestFactory

from gridapp.accounts.security import client_ip


def request(remote="127.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.GRIDAPP_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("203.0.113.9", forwarded="198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("1.1.1.1, 198.51.100.7", "198.51.100.7"),  # the client wrote 1.1.1.1 itself
        ("", "127.0.0.1"),
        ("not-an-address", "127.0.0.1"),
    ],
)
def test_behind_one_proxy_the_address_it_saw_counts(settings, forwarded, expected):
    settings.GRIDAPP_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(forwarded=forwarded)) == expected


def test_behind_two_proxies_the_second_entry_from_the_right_counts(settings):
    settings.GRIDAPP_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request(forwarded="1.1.1.1, 198.51.100.7, 10.0.0.2")) == "198.51.100.7"
