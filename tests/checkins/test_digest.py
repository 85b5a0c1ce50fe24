"""The morning digest as a list of tappable items, riskiest first (issue 13, item 4).

Story 1's morning: Ren Aixiang (86, alone, on a home ventilator, weekly) is overdue and her
ventilator follow-up falls due, among other residents and a shop's follow-up due earlier. The
digest puts her follow-up and her check-in first — grouped as follow-ups due, check-ins overdue,
check-ins due today, each with its count — in the inbox (each item opening her visit form), in
the HTML e-mail with the same order and absolute links (and its plain-text alternative), and on
the group robot's markdown card (WeCom and DingTalk). One digest per worker per day still.
"""

import datetime
import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from gridapp import notify
from gridapp.models import Delivery, Notification, Webhook
from visits import checkins
from visits.models import FollowUp

from ..visits.conftest import log
from .conftest import cared_resident, days_ago, seen

SITE = "https://grid.example.cn"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.GRIDAPP_SITE_URL = SITE


def follow_up(visit, what, *, due_on):
    return FollowUp.objects.create(visit=visit, grid=visit.grid, what=what, due_on=due_on, assignee=visit.worker)


@pytest.fixture
def morning(wu_with_email, ren_cared, grid1, weekly, fortnightly, monthly, shop1):
    """Story 1's morning, and the digest Wu gets."""
    wu = wu_with_email
    visit = seen(wu, ren_cared, days_before=9)  # weekly: due two days ago
    follow_up(visit, "回访呼吸机维修情况", due_on=timezone.localdate())
    extinguisher = log(wu, shop=shop1, visited_at=timezone.now() - datetime.timedelta(days=8))
    follow_up(extinguisher, "复查店内灭火器", due_on=days_ago(1))  # due earlier, but a shop
    cared_resident(grid1, "孙阿婆", monthly, assigned_on=days_ago(10))  # 81, monthly, 10 days overdue
    born = datetime.date(1933, 2, 1)
    cared_resident(grid1, "九旬老人", monthly, assigned_on=days_ago(3), date_of_birth=born)  # 93, monthly
    cared_resident(grid1, "李阿公", fortnightly)  # due today
    checkins.sweep()
    digest = Notification.objects.get(recipient=wu, kind="checkin_digest")
    return {"wu": wu, "ren": ren_cared, "shop": shop1, "digest": digest}


def labels(notification):
    return [[row["label"] for row in section["rows"]] for section in notification.sections]


def test_ren_and_her_ventilator_follow_up_come_first_grouped_and_counted(morning):
    digest = morning["digest"]
    assert [s["title"] for s in digest.sections] == ["到期的跟进事项", "已超期的探访", "今天到期的探访"]
    assert labels(digest) == [
        ["回访呼吸机维修情况", "复查店内灭火器"],  # her household first, though the shop's is older
        ["任爱香", "九旬老人", "孙阿婆"],  # weekly and a ventilator; then the oldest by decade
        ["李阿公"],
    ]
    assert digest.subject == "今日：4 人待探访，2 项跟进事项到期"
    visit_ren = reverse("visit_household", args=[morning["ren"].household.pk])
    first, second = digest.sections[0]["rows"][0], digest.sections[1]["rows"][0]
    assert (first["url"], second["url"]) == (visit_ren, visit_ren)
    assert first["when"] == "今天到期" and second["when"] == "已超期 2 天" and second["urgent"]
    assert "86 岁" in second["detail"] and "依赖医疗设备" in second["detail"]
    assert digest.sections[0]["rows"][1]["url"] == reverse("visit_shop", args=[morning["shop"].pk])


def test_the_plain_text_keeps_the_same_order(morning):
    lines = morning["digest"].body.splitlines()
    order = [next(i for i, line in enumerate(lines) if name in line) for name in ("回访呼吸机", "任爱香", "李阿公")]
    assert order == sorted(order)
    assert lines[0] == "到期的跟进事项（2）"


def test_the_inbox_page_lists_the_items_each_opening_the_visit_form(client, morning):
    client.force_login(morning["wu"])
    html = client.get(reverse("notification_detail", args=[morning["digest"].pk])).content.decode()
    main = html[html.index("<main") :]
    hrefs = re.findall(r'href="(/(?:households|shops)/\d+/visit/)"', main)
    visit_ren = reverse("visit_household", args=[morning["ren"].household.pk])
    assert hrefs[:1] == [visit_ren] and hrefs[2] == visit_ren  # her follow-up, then her check-in
    assert len(hrefs) == 6
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert "到期的跟进事项" in main and "已超期 2 天" in main


def deliver(notification, channel):
    delivery = notification.deliveries.get(channel=channel)
    assert notify.attempt(delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.status == "sent", delivery.last_error


def test_the_email_is_html_in_the_same_order_with_a_plain_text_alternative(morning):
    deliver(morning["digest"], "email")
    [email] = mail.outbox
    assert email.subject == "今日：4 人待探访，2 项跟进事项到期"
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    ren_form = f"{SITE}{reverse('visit_household', args=[morning['ren'].household.pk])}"
    links = re.findall(r'href="([^"]+)"', html)
    assert links[0] == ren_form and links[2] == ren_form
    assert links[-1] == f"{SITE}{reverse('notification_detail', args=[morning['digest'].pk])}"
    assert all(link.startswith(SITE) for link in links)
    names = [
        html.index(name) for name in ("回访呼吸机维修情况", "复查店内灭火器", "任爱香", "九旬老人", "孙阿婆", "李阿公")
    ]
    assert names == sorted(names)
    # The text part: the same items in the same order, each with its absolute link.
    text = email.body
    assert text.index("回访呼吸机维修情况") < text.index("任爱香") < text.index("李阿公")
    assert f"  {ren_form}" in text.splitlines()
    assert "<" not in text


def test_the_wecom_robot_gets_a_markdown_card_with_the_first_items_and_a_link(robot_server, dongluchi, morning):
    robot = robot_server(200)
    Webhook.objects.create(community=dongluchi, url=robot.url, kind="wecom")
    digest = resend(morning)
    deliver(digest, "webhook")
    [request] = robot.received
    assert request["json"]["msgtype"] == "markdown"
    content = request["json"]["markdown"]["content"]
    assert content.startswith("### 吴佳栋 · 今日：4 人待探访，2 项跟进事项到期")
    ren_form = f"{SITE}{reverse('visit_household', args=[morning['ren'].household.pk])}"
    assert content.index(f"[回访呼吸机维修情况]({ren_form})") < content.index(f"[任爱香]({ren_form})")
    assert "李阿公" not in content  # the sixth item: the card shows five
    # The whole group reads the card: "all" opens the shared check-in list, not wu's own inbox entry.
    assert f"[查看全部 6 项]({SITE}{reverse('checkins')})" in content
    assert '<font color="warning">已超期 2 天</font>' in content
    assert len(content.encode()) <= 4096


def test_the_dingtalk_robot_gets_a_markdown_message_with_a_title(robot_server, dongluchi, morning):
    robot = robot_server(200)
    Webhook.objects.create(community=dongluchi, url=robot.url, kind="dingtalk")
    deliver(resend(morning), "webhook")
    [request] = robot.received
    payload = request["json"]
    assert payload["msgtype"] == "markdown" and set(payload["markdown"]) == {"title", "text"}
    assert payload["markdown"]["title"].startswith("吴佳栋 · 今日")
    assert "- [回访呼吸机维修情况](" in payload["markdown"]["text"]
    assert "  \n" in payload["markdown"]["text"]  # DingTalk's line break


def resend(morning):
    """The morning's digest again, now that the community has a robot (a new message, as the
    sweep would have sent it had the robot been there)."""
    digest = morning["digest"]
    [message] = [
        notify.Message(
            recipient_id=digest.recipient_id,
            kind=digest.kind,
            subject=digest.subject,
            body=digest.body,
            link=digest.link,
            community_id=digest.community_id,
            sections=tuple(
                notify.Section(s["title"], tuple(notify.Item(**row) for row in s["rows"])) for s in digest.sections
            ),
        )
    ]
    return notify.send(message)


def test_a_long_digest_still_fits_the_robot_and_counts_the_rest(robot_server, dongluchi, wu, grid1, monthly):
    for n in range(150):
        cared_resident(grid1, f"居民{n}", monthly)
    robot = robot_server(200)
    Webhook.objects.create(community=dongluchi, url=robot.url, kind="wecom")
    checkins.sweep()
    digest = Notification.objects.get(recipient=wu, kind="checkin_digest")
    assert digest.subject == "今日：150 人待探访，0 项跟进事项到期"
    deliver(digest, "webhook")
    content = robot.received[0]["json"]["markdown"]["content"]
    assert "查看全部 150 项" in content and len(content.encode()) <= 4096
    assert content.count("/visit/)") == 5


def test_markup_in_a_note_cannot_make_links_or_colours_on_the_card(robot_server, dongluchi, wu, ren_cared):
    visit = seen(wu, ren_cared, days_before=1)
    follow_up(visit, '[点我](http://evil.example) <font color="info">**假**</font> <@all>', due_on=days_ago(0))
    robot = robot_server(200)
    Webhook.objects.create(community=dongluchi, url=robot.url, kind="wecom")
    checkins.sweep()
    deliver(Notification.objects.get(recipient=wu, kind="checkin_digest"), "webhook")
    content = robot.received[0]["json"]["markdown"]["content"]
    assert "(http://evil.example)" not in content and "[点我]" not in content
    assert '<font color="info">' not in content and "<@all>" not in content and "**假**" not in content
    assert "点我" in content  # still readable


def test_one_digest_per_worker_per_day_on_every_channel(robot_server, dongluchi, morning):
    robot = robot_server(200)
    Webhook.objects.create(community=dongluchi, url=robot.url, kind="wecom")
    before = Delivery.objects.count()
    assert checkins.sweep().digests == 0
    assert Notification.objects.filter(recipient=morning["wu"], kind="checkin_digest").count() == 1
    assert Delivery.objects.count() == before and robot.received == []


def test_staff_get_the_escalation_riskiest_first_with_the_contact_masked(client, wu, staff, ren_cared, grid1, monthly):
    seen(wu, ren_cared, days_before=10)  # weekly, grace 2: escalated
    cared_resident(grid1, "孙阿婆", monthly, assigned_on=days_ago(30))  # monthly, grace 7: escalated
    checkins.sweep()
    escalation = Notification.objects.get(recipient=staff, kind="checkin_escalation")
    [section] = escalation.sections
    assert [row["label"] for row in section["rows"]] == ["任爱香", "孙阿婆"]
    assert section["rows"][0]["url"] == reverse("resident_detail", args=[ren_cared.pk])
    assert "139****0001" in section["rows"][0]["detail"]
    assert "13905710001" not in json.dumps(escalation.sections, ensure_ascii=False)
    client.force_login(staff)
    page = client.get(reverse("notification_detail", args=[escalation.pk])).content.decode()
    assert f'href="{reverse("resident_detail", args=[ren_cared.pk])}"' in page
