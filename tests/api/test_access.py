"""The API's rows of the access matrix: every API URL, every method, every role's client.

Objects belong to Grid 1 of Dongluchi (Wu's grid). A client bound to Chen (Grid 2) or to Zhao
(another community) gets 404 on them, like the pages; a request with no key is a 401.
``tests/gridapp/test_access.py`` fails when a URL is in neither matrix."""

import pytest

from tests.gridapp.test_access import assert_denial_logged, world  # noqa: F401 (the fixture)

ROLES = ["nokey", "wu", "chen", "staff", "zhao", "admin"]
NO_KEY = 401
READ = [NO_KEY, 200, 404, 200, 404, 200]
LIST = [NO_KEY, 200, 200, 200, 200, 200]  # everyone lists their own scope (what: test_scope.py)
PUBLIC = [200] * 6
# An empty POST: 400 naming what is missing, once the object is in scope.
CREATE = [NO_KEY, 400, 400, 400, 400, 400]
ACT = [NO_KEY, 400, 404, 400, 404, 400]

API_MATRIX = {
    "api:schema": (lambda o: {}, {"GET": PUBLIC}),
    "api:docs": (lambda o: {}, {"GET": PUBLIC}),
    "api:communities-list": (lambda o: {}, {"GET": LIST}),
    "api:communities-detail": (lambda o: {"pk": o["grid"].community_id}, {"GET": [NO_KEY, 200, 200, 200, 404, 200]}),
    "api:grids-list": (lambda o: {}, {"GET": LIST}),
    "api:grids-detail": (lambda o: {"pk": o["grid"].pk}, {"GET": READ}),
    "api:buildings-list": (lambda o: {}, {"GET": LIST}),
    "api:buildings-detail": (lambda o: {"pk": o["building"].pk}, {"GET": READ}),
    "api:households-list": (lambda o: {}, {"GET": LIST}),
    "api:households-detail": (lambda o: {"pk": o["household"].pk}, {"GET": READ}),
    "api:residents-list": (lambda o: {}, {"GET": LIST}),
    "api:residents-detail": (lambda o: {"pk": o["resident"].pk}, {"GET": READ}),
    "api:shops-list": (lambda o: {}, {"GET": LIST}),
    "api:shops-detail": (lambda o: {"pk": o["shop"].pk}, {"GET": READ}),
    "api:visits-list": (lambda o: {}, {"GET": LIST, "POST": CREATE}),
    "api:visits-detail": (lambda o: {"pk": o["visit"].pk}, {"GET": READ}),
    "api:follow-ups-list": (lambda o: {}, {"GET": LIST}),
    "api:cases-list": (lambda o: {}, {"GET": LIST, "POST": CREATE}),
    "api:cases-detail": (lambda o: {"pk": o["case"].pk}, {"GET": READ}),
    "api:cases-act": (lambda o: {"pk": o["case"].pk, "action_name": "register"}, {"POST": ACT}),
}

CASES = [
    (name, method, role, expected)
    for name, (_, methods) in API_MATRIX.items()
    for method, statuses in methods.items()
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.mark.parametrize(("name", "method", "role", "expected"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_api_access(api, caplog, world, name, method, role, expected):  # noqa: F811
    from django.urls import reverse

    kwargs_for, _ = API_MATRIX[name]
    url = reverse(name, kwargs=kwargs_for(world))
    caller = api(None if role == "nokey" else world["users"][role])
    caplog.clear()
    response = caller.post(url, {}) if method == "POST" else caller.get(url)
    assert response.status_code == expected, f"{role} {method} {url}: {response.content[:200]}"
    if expected != 200:
        assert response["Content-Type"] == "application/json"
    assert_denial_logged(caplog, response, role, method, url)
