"""Open311's callers: the 12345 hotline registered as a client bound to Dongluchi's community
staff, and a system bound to Zhao (another community); ``hotline.get``/``post`` add the api_key."""

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from cases.models import Category
from gridapp.accounts import api_keys


class Open311:
    def __init__(self, client, key):
        self.client, self.key = client, key

    def get(self, path, params=None, **headers):
        query = {"api_key": self.key, **(params or {})} if self.key else dict(params or {})
        return self.client.get(f"/open311/v2/{path}", query, headers=headers)

    def post(self, path, data, **headers):
        fields = {"api_key": self.key, **data} if self.key else data
        return self.client.post(f"/open311/v2/{path}", fields, headers=headers)


def xml_of(response):
    """The answer parsed (a ParseError fails the test: not well-formed)."""
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 (our own answer)


def tags(element):
    return [child.tag for child in element]


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def leak():
    return Category.objects.filter(active=True).order_by("pk").first()


@pytest.fixture
def open311(client):
    def make(user, *, rate=""):
        if user is None:
            return Open311(client, None)
        _c, key = api_keys.issue(name="12345热线", user=user, rate=rate)
        return Open311(client, key)

    return make


@pytest.fixture
def hotline(open311, staff, grid1, grid2, linjiang4):
    return open311(staff)
