"""Failed authorization is logged (issue 6, item 1): every 403 and 404 a view raises — the scope
module's "not in your scope" and "may see but not change", the case table's refusals, the
admin's — and every CSRF failure is one line on ``gridapp.security`` with user, method, path and
reason; never the query string. (tests/gridapp/test_access.py checks the line for every 403 and
404 of the URL × role matrix.)"""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from gridapp.models import Household


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="gridapp.security")
    return caplog


def denied(caplog):
    return [r for r in caplog.records if r.name == "gridapp.security" and r.getMessage().startswith("access denied")]


def test_another_grids_household_is_404_and_logged_with_the_reason(client, security_log, chen, ren_household):
    client.force_login(chen)
    url = reverse("household_detail", args=[ren_household.pk])
    assert client.get(url).status_code == 404
    [record] = denied(security_log)
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        f"access denied: status=404 user='chen' method=GET path='{url}' "
        f"reason='No household {ren_household.pk} in scope'"
    )


def test_a_change_the_user_may_not_make_is_403_and_logged(client, security_log, wu, ren_household):
    client.force_login(wu)
    url = reverse("household_archive", args=[ren_household.pk])
    assert client.post(url).status_code == 403
    [record] = denied(security_log)
    assert f"status=403 user='wu' method=POST path='{url}'" in record.getMessage()
    assert "Only community staff and admins change the register." in record.getMessage()
    assert Household.objects.get(pk=ren_household.pk).archived_at is None


def test_the_query_string_is_never_logged(client, security_log, chen, grid1):
    """A search may hold a phone or an ID number: the log has the path only."""
    client.force_login(chen)
    assert client.get(reverse("grid_detail", args=[grid1.pk]), {"q": "13900001111"}).status_code == 404
    [record] = denied(security_log)
    assert "13900001111" not in record.getMessage()
    assert f"path='/grids/{grid1.pk}/'" in record.getMessage()


def test_get_object_or_404_in_a_view_is_logged_too(client, security_log, wu, chen):
    from gridapp import notify

    message = notify.send(notify.Message(recipient_id=wu.pk, kind="test", subject="s", body="b"))
    client.force_login(chen)
    assert client.get(reverse("notification_detail", args=[message.pk])).status_code == 404
    [record] = denied(security_log)
    assert "user='chen'" in record.getMessage()


def test_the_admins_refusals_are_logged(client, security_log, admin_user, ren_household):
    client.force_login(admin_user)
    url = reverse("admin:gridapp_household_delete", args=[ren_household.pk])
    assert client.get(url).status_code == 403
    [record] = denied(security_log)
    assert f"status=403 user='admin' method=GET path='{url}'" in record.getMessage()


def test_a_csrf_failure_is_logged(security_log, wu):
    client = Client(enforce_csrf_checks=True)
    client.force_login(wu)
    assert client.post(reverse("inbox_mark_all_read")).status_code == 403
    [record] = denied(security_log)
    assert "status=403 user='wu' method=POST" in record.getMessage()
    assert "reason='CSRF: CSRF cookie not set.'" in record.getMessage()


def test_an_unknown_address_is_not_an_authorization_failure(client, security_log, wu):
    client.force_login(wu)
    assert client.get("/no-such-page/").status_code == 404
    assert not denied(security_log)


def test_a_line_break_in_a_username_stays_on_one_line(client, security_log, ren_household):
    """No forged log lines: the username is written with repr()."""
    from ..factories import UserFactory

    client.force_login(UserFactory(username="x\naccess denied: status=200"))
    client.get(reverse("household_detail", args=[ren_household.pk]))
    [record] = denied(security_log)
    assert "\n" not in record.getMessage()
    assert "user='x\\naccess denied: status=200'" in record.getMessage()


def test_one_line_per_refusal(client, security_log, chen, ren_household, ren, shop1):
    client.force_login(chen)
    for url in (
        reverse("household_detail", args=[ren_household.pk]),
        reverse("resident_detail", args=[ren.pk]),
        reverse("shop_detail", args=[shop1.pk]),
    ):
        client.get(url)
    assert len(denied(security_log)) == 3
