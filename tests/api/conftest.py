"""The API's callers: a key for each of the story's people (a client bound to Wu, to Chen …) and
a caller that sends it, JSON in and out."""

import json

import pytest
from django.core.cache import cache

from gridapp.accounts import api_keys


class Caller:
    """The Django test client with a key in every request's Authorization header."""

    def __init__(self, client, key, language=None):
        self.client, self.key = client, key
        self.headers = {"Authorization": f"Api-Key {key}"} if key else {}
        if language:
            self.headers["Accept-Language"] = language

    def get(self, url, params=None):
        return self.client.get(url, params or {}, headers=self.headers)

    def post(self, url, data):
        body = data if isinstance(data, str | bytes) else json.dumps(data, default=str)
        return self.client.post(url, body, content_type="application/json", headers=self.headers)


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    # The throttle counts in Django's cache, keyed by client id; ids repeat from test to test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(client):
    """api(user) → a Caller with a fresh key of a client bound to ``user``; api(None): no key."""

    def make(user, *, rate="", language=None):
        if user is None:
            return Caller(client, None, language)
        _client, key = api_keys.issue(name=f"{user.username}'s system", user=user, rate=rate)
        return Caller(client, key, language)

    return make
