"""The in-app inbox: the navbar counts unread messages; opening one or "mark all as read"
clears it; nobody opens another's message."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from gridapp import notify
from gridapp.models import Notification
from gridapp.notify import inbox as inbox_groups

# Session and user; the unread messages; the read ones' count and page; the roles for the menu.
INBOX_QUERIES = 6


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
    assert opened(client.get(reverse("inbox"))) == [mine.pk]


def opened(page):
    """The messages the inbox links to, in its order."""
    return [int(pk) for pk in re.findall(r'href="/inbox/(\d+)/"', page.content.decode())]


def test_chen_cannot_open_wus_message(client, wu, chen):
    wus = message(wu, "今日：1人到期探访")
    client.force_login(chen)
    assert client.get(reverse("notification_detail", args=[wus.pk])).status_code == 404
    wus.refresh_from_db()
    assert wus.read_at is None


# --- grouped by what they ask --------------------------------------------------------------------


def kind_of(to, kind, subject):
    return notify.send(notify.Message(recipient_id=to.pk, kind=kind, subject=subject, body="第一行\n第二行"))


def groups(client):
    """The inbox's unread groups as (title, [subjects]), read in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("inbox"))
    return [(str(group.title), [row["label"] for row in group.rows]) for group in page.context["groups"]]


def test_unread_messages_are_grouped_by_what_they_ask_in_the_order_they_are_dealt_with(client, staff):
    kind_of(staff, "case_report", "新上报事件：DLC-1")
    kind_of(staff, "case_resolve", "已处置，请核查：DLC-2")
    kind_of(staff, "something_new", "系统通知")
    kind_of(staff, "case_resolve", "已处置，请核查：DLC-3")
    kind_of(staff, "help_alert", "【身体不适】任爱香")
    kind_of(staff, "case_return", "部门已退回社区：DLC-4")
    client.force_login(staff)
    assert groups(client) == [
        ("Residents who need help", ["【身体不适】任爱香"]),
        ("Returned by departments", ["部门已退回社区：DLC-4"]),
        ("Resolved, to verify", ["已处置，请核查：DLC-3", "已处置，请核查：DLC-2"]),  # newest first
        ("New reports", ["新上报事件：DLC-1"]),
        ("Other messages", ["系统通知"]),
    ]
    html = client.get(reverse("inbox")).content.decode()
    assert 'Resolved, to verify <span class="badge rounded-pill text-bg-primary">2</span>' in html
    assert "第一行" in html and "第二行" not in html  # each row shows the body's first line


def test_an_opened_message_leaves_its_group_for_the_read_list(client, staff):
    first = kind_of(staff, "case_resolve", "已处置，请核查：DLC-2")
    second = kind_of(staff, "case_resolve", "已处置，请核查：DLC-3")
    client.force_login(staff)
    client.get(reverse("notification_detail", args=[first.pk]))
    assert groups(client) == [("Resolved, to verify", ["已处置，请核查：DLC-3"])]
    page = client.get(reverse("inbox"))
    assert list(page.context["page"]) == [Notification.objects.get(pk=first.pk)]
    assert opened(page) == [second.pk, first.pk]  # the unread above, the read below


def test_mark_all_as_read_empties_the_groups(client, staff):
    kind_of(staff, "case_resolve", "已处置，请核查：DLC-2")
    kind_of(staff, "case_report", "新上报事件：DLC-1")
    client.force_login(staff)
    client.post(reverse("inbox_mark_all_read"))
    assert groups(client) == []
    page = client.get(reverse("inbox"))
    assert len(page.context["page"]) == 2
    assert "Mark all as read" not in page.content.decode()  # nothing left to mark


def test_past_the_unread_shown_the_inbox_says_how_many_more(client, staff, monkeypatch):
    monkeypatch.setattr(inbox_groups, "UNREAD_SHOWN", 3)
    for n in range(5):
        kind_of(staff, "case_report", f"新上报事件：DLC-{n}")
    client.force_login(staff)
    assert groups(client) == [("New reports", [f"新上报事件：DLC-{n}" for n in (4, 3, 2)])]
    assert "And 2 more unread messages." in client.get(reverse("inbox")).content.decode()


@pytest.mark.parametrize("messages", [2, 40])
def test_the_inbox_costs_the_same_queries_for_2_or_40_messages(client, staff, messages, django_assert_num_queries):
    """Half of them read: both lists are on the page."""
    kinds = ["case_report", "case_resolve", "case_return", "help_alert", "checkin_digest"]
    for n in range(messages):
        message = kind_of(staff, kinds[n % len(kinds)], f"消息 {n}")
        if n % 2:
            Notification.objects.filter(pk=message.pk).update(read_at=timezone.now())
    client.force_login(staff)
    client.get(reverse("inbox"))  # the first page of a session may load what later ones reuse
    with django_assert_num_queries(INBOX_QUERIES):
        assert client.get(reverse("inbox")).status_code == 200
