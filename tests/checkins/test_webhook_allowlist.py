"""Group robots only where they belong: staff can set an https address on WeCom's or DingTalk's
host (or the site's own GRIDAPP_WEBHOOK_HOSTS) and nothing else; the worker never posts to an
address off the list, even one saved before the list changed, and never follows a redirect."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from gridapp import notify
from gridapp.models import Delivery, Notification, Webhook
from gridapp.notify.forms import WebhookForm
from visits import checkins

from ..gridapp.test_settings import start_django

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=abc"


def form_error(url):
    with translation.override("en"):
        form = WebhookForm({"url": url, "kind": "wecom", "active": "on"})
        return " ".join(form.errors.get("url", []))


@pytest.mark.parametrize("url", [WECOM, DINGTALK, "https://QYAPI.weixin.qq.com./cgi-bin/webhook/send?key=abc"])
def test_wecom_and_dingtalk_robots_are_accepted(url):
    assert form_error(url) == ""


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "must start with https://"),
        ("https://evil.example/robot", "evil.example is not one of them"),
        ("https://qyapi.weixin.qq.com.evil.example/robot", "qyapi.weixin.qq.com.evil.example is not one of them"),
        ("https://intranet.local/robot", "intranet.local is not one of them"),
        ("https://qyapi.weixin.qq.com@evil.example/robot", "user name or password"),
        ("https://qyapi.weixin.qq.com:pw@evil.example/robot", "user name or password"),
        ("https://127.0.0.1/robot", "not an IP address"),
        ("https://10.0.0.8:8080/robot", "not an IP address"),
        ("https://[::1]/robot", "not an IP address"),
        ("https://169.254.169.254/latest/meta-data/", "not an IP address"),
    ],
)
def test_any_other_address_is_refused_with_the_reason(url, says):
    assert says in form_error(url)


@pytest.mark.parametrize("url", ["https://evil.example\\@qyapi.weixin.qq.com/", "https://2130706433/robot"])
def test_tricks_that_hide_the_host_are_refused(url):
    assert form_error(url) != ""


@override_settings(GRIDAPP_WEBHOOK_HOSTS=["robot.zhen.gov.cn"])
def test_the_site_can_list_its_own_robot_hosts_instead():
    assert form_error("https://robot.zhen.gov.cn/send?key=1") == ""
    assert "is not one of them" in form_error(WECOM)


@override_settings(GRIDAPP_WEBHOOK_HOSTS=[])
def test_an_empty_list_turns_group_robots_off():
    assert "turned off" in form_error(WECOM)


def test_the_form_says_where_a_robot_may_be(client, staff, dongluchi):
    client.force_login(staff)
    page = client.get(reverse("community_webhook", args=[dongluchi.pk])).content.decode()
    assert "https 地址，主机为 qyapi.weixin.qq.com, oapi.dingtalk.com" in page


def test_staff_are_told_in_chinese_and_nothing_is_saved(client, staff, dongluchi):
    client.force_login(staff)
    response = client.post(
        reverse("community_webhook", args=[dongluchi.pk]),
        {"url": "https://qyapi.weixin.qq.com@evil.example/robot", "kind": "wecom", "active": "on"},
    )
    assert response.status_code == 200
    assert "群机器人地址的主机名前不能带用户名或密码" in response.content.decode()
    assert not Webhook.objects.exists()


def sweep_with_robot_at(url, dongluchi):
    Webhook.objects.create(community=dongluchi, url=url, kind="wecom")
    checkins.sweep()
    return Notification.objects.get(kind="checkin_digest").deliveries.get(channel="webhook")


def test_an_address_saved_before_the_list_changed_is_not_posted_to(
    client, settings, robot_server, dongluchi, staff, wu, ren_cared
):
    robot = robot_server(200)
    webhook = sweep_with_robot_at(robot.url, dongluchi)
    settings.GRIDAPP_WEBHOOK_HOSTS = ["qyapi.weixin.qq.com"]  # the site removed 127.0.0.1 from the list

    assert notify.attempt(webhook.pk) is None  # failed at once: retrying would not help
    assert robot.received == []
    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts) == ("failed", 1)
    assert webhook.last_error.startswith("Refused: ")

    client.force_login(staff)
    page = client.get(reverse("failed_deliveries")).content.decode()
    assert "群机器人地址必须写主机名（如 qyapi.weixin.qq.com），不能写 IP 地址。" in page


def test_a_redirect_is_not_followed(robot_server, dongluchi, wu, ren_cared):
    elsewhere = robot_server(200)
    robot = robot_server(302, location=elsewhere.url)
    webhook = sweep_with_robot_at(robot.url, dongluchi)

    assert notify.attempt(webhook.pk) is not None  # a failure, retried like any other
    assert len(robot.received) == 1 and elsewhere.received == []
    webhook.refresh_from_db()
    assert (webhook.status, webhook.last_error) == ("pending", "ChannelError: HTTP 302 (redirects are not followed)")
    assert Delivery.objects.get(pk=webhook.pk).sent_at is None


def test_the_hosts_come_from_the_environment(tmp_path):
    code = "import django; from django.conf import settings; django.setup(); print(settings.GRIDAPP_WEBHOOK_HOSTS)"
    result = start_django(tmp_path, code, DEBUG="true", GRIDAPP_WEBHOOK_HOSTS=" Robot.Zhen.gov.cn , oapi.dingtalk.com")
    assert result.stdout.strip() == "['robot.zhen.gov.cn', 'oapi.dingtalk.com']", result.stderr


def test_a_url_in_the_host_list_stops_startup(tmp_path):
    result = start_django(tmp_path, DEBUG="true", GRIDAPP_WEBHOOK_HOSTS="https://qyapi.weixin.qq.com/")
    assert result.returncode != 0
    assert "GRIDAPP_WEBHOOK_HOSTS lists host names" in result.stderr
