"""Open311's rows of the access matrix: every /open311/v2/ URL, every method, every role's client
(the api_key as a parameter, as the specification sends it). The world's case is in Grid 1 of
Dongluchi: Chen's (Grid 2) and Zhao's (another community) clients get 404, a request with no
key 403; discovery and the services are public. A token answers only the client it was given
to, so every other client's is 404. ``tests/gridapp/test_access.py`` fails when a URL is in no
matrix."""

import json

import pytest
from django.urls import reverse

from tests.gridapp.test_access import world  # noqa: F401 (the fixture)

ROLES = ["nokey", "wu", "chen", "staff", "zhao", "admin"]
PUBLIC = [200] * 6
LIST = [403, 200, 200, 200, 200, 200]
READ = [403, 200, 404, 200, 404, 200]
CREATE = [403, 400, 400, 400, 400, 400]  # an empty POST: 400 naming service_code
NOT_THEIRS = [403, 404, 404, 404, 404, 404]
REFUSED = [405] * 6

OPEN311_MATRIX = {
    "open311:discovery": (lambda o: {}, {"GET": PUBLIC, "POST": REFUSED}),
    "open311:services": (lambda o: {}, {"GET": PUBLIC, "PUT": REFUSED}),
    "open311:service": (lambda o: {"code": str(o["case"].category_id)}, {"GET": PUBLIC}),
    "open311:requests": (lambda o: {}, {"GET": LIST, "POST": CREATE, "DELETE": REFUSED}),
    "open311:request": (lambda o: {"number": o["case"].number}, {"GET": READ, "POST": REFUSED}),
    "open311:token": (lambda o: {"token": o["hotline_request"].token}, {"GET": NOT_THEIRS}),
    "open311:updates": (lambda o: {}, {"GET": LIST}),
}

CASES = [
    (name, method, fmt, role, expected)
    for name, (_, methods) in OPEN311_MATRIX.items()
    for method, statuses in methods.items()
    for fmt in ("json", "xml")
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.mark.parametrize(("name", "method", "fmt", "role", "expected"), CASES, ids=["-".join(c[:4]) for c in CASES])
def test_open311_access(client, world, name, method, fmt, role, expected):  # noqa: F811
    from gridapp.accounts import api_keys

    kwargs_for, _ = OPEN311_MATRIX[name]
    url = reverse(name, kwargs={**kwargs_for(world), "fmt": fmt})
    if role != "nokey":
        _c, key = api_keys.issue(name=f"{role}'s system", user=world["users"][role])
        url += f"?api_key={key}"
    response = client.generic(method, url)
    assert response.status_code == expected, f"{role} {method} {url}: {response.content[:200]}"
    # PUT and DELETE never reach a view: the site's middleware refuses them (a plain 405).
    if expected >= 400 and method in ("GET", "POST"):
        if fmt == "json":
            [error] = json.loads(response.content)
            assert error["code"] == expected and error["description"]
        else:
            assert response.content.decode().count("<error><code>") == 1
