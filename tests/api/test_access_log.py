"""Every read of personal data through the API is in the access log, and so is opening a
resident's page in the browser; the same person reading the same record again within minutes is
one entry, not one per request."""

import datetime

from django.urls import reverse

from gridapp.accounts.privacy import REPEAT_WINDOW
from gridapp.models import DataAccess, DataAccessLog


def _entries(**filters):
    return list(DataAccessLog.objects.filter(**filters).values_list("user__username", "action", "resident", "subject"))


def test_reading_ren_through_the_api_is_logged_once_per_few_minutes(api, wu, ren):
    caller = api(wu)
    for _ in range(3):
        assert caller.get(f"/api/v1/residents/{ren.pk}/").status_code == 200
    assert _entries() == [("wu", DataAccess.API_READ, ren.pk, "API: residents")]
    entry = DataAccessLog.objects.get()
    assert entry.community_id == ren.household.grid.community_id
    # Later than the window, a read is a new entry.
    DataAccessLog.objects.update(created_at=entry.created_at - REPEAT_WINDOW - datetime.timedelta(seconds=1))
    caller.get(f"/api/v1/residents/{ren.pk}/")
    assert DataAccessLog.objects.count() == 2


def test_a_list_is_one_entry_per_community_with_its_row_count(api, staff, ren, grid2_resident, shop1):
    api(staff).get("/api/v1/residents/")
    assert list(DataAccessLog.objects.values_list("action", "resident", "row_count", "subject")) == [
        (DataAccess.API_READ, None, 2, "API: residents")
    ]


def test_households_visits_and_cases_are_logged_places_are_not(api, wu, ren):
    caller = api(wu)
    for resource in ("communities", "grids", "buildings"):
        caller.get(f"/api/v1/{resource}/")
    assert not DataAccessLog.objects.exists()
    caller.get("/api/v1/households/")
    caller.get(f"/api/v1/households/{ren.household.pk}/")
    assert [e[3] for e in _entries()] == ["API: households"]  # the same community, within minutes


def test_a_refused_read_writes_nothing(api, chen, ren):
    assert api(chen).get(f"/api/v1/residents/{ren.pk}/").status_code == 404
    assert not DataAccessLog.objects.exists()


def test_opening_rens_page_in_the_browser_is_logged_once_per_few_minutes(client, wu, ren, staff):
    client.force_login(wu)
    for _ in range(2):
        assert client.get(reverse("resident_detail", args=[ren.pk])).status_code == 200
    assert _entries() == [("wu", DataAccess.VIEW_RESIDENT, ren.pk, "")]
    # Another person opening it is their own entry; the community's staff read both on the access log.
    client.force_login(staff)
    client.get(reverse("resident_detail", args=[ren.pk]))
    assert DataAccessLog.objects.count() == 2
    log_page = client.get(reverse("access_log")).content.decode()
    assert log_page.count("打开了居民详情页") == 2
