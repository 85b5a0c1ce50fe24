"""An admin sets up a client's outgoing events in the admin: the address must be on
GRIDAPP_EVENT_HOSTS (the group robots' rules, with a list of their own), the signing secret is
shown to admins on the client's page and can be replaced."""

import pytest
from django.urls import reverse

from gridapp.accounts import api_keys
from gridapp.models import ApiClient


@pytest.fixture
def hotline_host(settings):
    settings.GRIDAPP_EVENT_HOSTS = ["hotline.example.gov.cn"]


def add(client, **fields):
    data = {"name": "12345 热线", "rate": "", "webhook_url": "", "webhook_active": "", **fields}
    return client.post(reverse("admin:gridapp_apiclient_add"), data)


def test_an_admin_registers_a_client_with_its_webhook(client, admin_user, wu, hotline_host):
    client.force_login(admin_user)
    response = add(
        client,
        user=wu.pk,
        webhook_url="https://hotline.example.gov.cn/gridapp/events",
        webhook_events=["case.created", "case.closed"],
        webhook_active="on",
    )
    assert response.status_code == 200 and "key" in response.context
    row = ApiClient.objects.get()
    assert (row.webhook_url, row.webhook_events, row.webhook_active) == (
        "https://hotline.example.gov.cn/gridapp/events",
        ["case.created", "case.closed"],
        True,
    )
    assert len(row.webhook_secret) >= 40
    page = client.get(reverse("admin:gridapp_apiclient_change", args=[row.pk])).content.decode()
    assert row.webhook_secret in page  # admins read it here to give to the receiver's operator


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://evil.example/x", "hotline.example.gov.cn"),
        ("https://10.0.0.5/x", "IP"),
        ("http://hotline.example.gov.cn/x", "https://"),
        ("https://hotline.example.gov.cn@evil.example/x", "用户名或密码"),
    ],
)
def test_a_webhook_off_the_allowed_hosts_is_a_form_error(client, admin_user, wu, hotline_host, url, says):
    client.force_login(admin_user)
    response = add(client, user=wu.pk, webhook_url=url, webhook_active="on")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert says in " ".join(errors["webhook_url"])
    assert not ApiClient.objects.exists()


def test_sending_events_needs_an_address(client, admin_user, wu, hotline_host):
    client.force_login(admin_user)
    response = add(client, user=wu.pk, webhook_active="on")
    assert "推送地址" in " ".join(response.context["adminform"].form.errors["webhook_url"])
    assert not ApiClient.objects.exists()


def test_events_are_off_on_a_site_without_event_hosts(client, admin_user, wu, settings):
    settings.GRIDAPP_EVENT_HOSTS = []
    client.force_login(admin_user)
    response = add(client, user=wu.pk, webhook_url="https://hotline.example.gov.cn/x")
    assert "GRIDAPP_EVENT_HOSTS" in " ".join(response.context["adminform"].form.errors["webhook_url"])


def test_an_admin_gives_a_client_a_new_signing_secret(client, admin_user, wu):
    first, _key = api_keys.issue(name="12345 热线", user=wu)
    second, _key = api_keys.issue(name="区平台", user=wu)
    old = {first.pk: first.webhook_secret, second.pk: second.webhook_secret}
    assert old[first.pk] != old[second.pk]  # each client its own
    client.force_login(admin_user)
    client.post(
        reverse("admin:gridapp_apiclient_changelist"),
        {"action": "new_secret", "_selected_action": [first.pk, second.pk]},
    )
    new = dict(ApiClient.objects.values_list("pk", "webhook_secret"))
    assert new[first.pk] != old[first.pk] and new[second.pk] != old[second.pk]
    assert new[first.pk] != new[second.pk]
