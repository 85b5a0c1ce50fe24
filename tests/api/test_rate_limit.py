"""Each client has its own budget of requests: its own rate, or the site's default."""

from gridapp.api.auth import ClientRateThrottle


def test_the_fourth_request_of_a_3_per_minute_client_is_429(api, wu):
    caller = api(wu, rate="3/min", language="en")
    assert [caller.get("/api/v1/grids/").status_code for _ in range(3)] == [200, 200, 200]
    response = caller.get("/api/v1/grids/")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "throttled" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_another_client_of_the_same_user_has_its_own_budget(api, wu):
    first = api(wu, rate="1/min")
    second = api(wu, rate="1/min")
    assert first.get("/api/v1/grids/").status_code == 200
    assert first.get("/api/v1/grids/").status_code == 429
    assert second.get("/api/v1/grids/").status_code == 200


def test_without_a_rate_of_its_own_the_site_default_applies(api, wu, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"api_client": "2/hour"})
    caller = api(wu)
    assert [caller.get("/api/v1/grids/").status_code for _ in range(3)] == [200, 200, 429]
