"""The in-app inbox: the navbar counts unread messages; opening one or "mark all as read"
clears it; nobody opens another's message."""

import re

from django.urls import reverse

from gridapp import notify
from gridapp.models import Notification


def message(to, subject):
    return notify.send(notify.Message(recipient_id=to.pk, kind="checkin_digest", subject=subject, body="· 任爱香"))


def badge(client):
    """The unread count in the navbar, or None when the badge is not shown."""
    html = client.get(reverse("home")).content.decode()
    found = re.search(r'id="unread-count">(\d+)<', html)
    return int(found.group(1)) if found else None


def test_the_navbar_counts_wus_unread_messages(client, wu, chen):
    message(wu, "今日：1人到期探访")
    message(wu, "今日：2人到期探访")
    message(chen, "陈的消息")
    client.force_login(wu)
    assert badge(client) == 2


def test_no_badge_when_nothing_is_unread(client, wu):
    client.force_login(wu)
    assert badge(client) is None


def test_opening_a_message_marks_it_read(client, wu):
    first = message(wu, "今日：1人到期探访")
    message(wu, "今日：2人到期探访")
    client.force_login(wu)
    page = client.get(reverse("notification_detail", args=[first.pk]))
    assert page.status_code == 200 and "任爱香" in page.content.decode()
    first.refresh_from_db()
    assert first.read_at is not None
    assert badge(client) == 1


def test_mark_all_as_read(client, wu, chen):
    message(wu, "今日：1人到期探访")
    message(wu, "今日：2人到期探访")
    message(chen, "陈的消息")
    client.force_login(wu)
    assert client.post(reverse("inbox_mark_all_read")).status_code == 302
    assert badge(client) is None
    assert not Notification.objects.filter(recipient=wu, read_at=None).exists()
    assert Notification.objects.get(recipient=chen).read_at is None


def test_the_inbox_lists_only_wus_messages(client, wu, chen):
    mine = message(wu, "今日：1人到期探访")
    message(chen, "陈的消息")
    client.force_login(wu)
    assert list(client.get(reverse("inbox")).context["page"]) == [mine]


def test_chen_cannot_open_wus_message(client, wu, chen):
    wus = message(wu, "今日：1人到期探访")
    client.force_login(chen)
    assert client.get(reverse("notification_detail", args=[wus.pk])).status_code == 404
    wus.refresh_from_db()
    assert wus.read_at is None
