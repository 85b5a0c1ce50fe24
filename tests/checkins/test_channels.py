"""Delivery channels: the community's group robot gets the digest as WeCom JSON; a robot that
keeps failing is retried with growing backoff and given up on, while the inbox and e-mail
copies are unaffected; a delivery already claimed is never sent twice."""

import pytest
from django.core import mail
from django.urls import reverse

from gridapp import notify
from gridapp.models import Delivery, Notification, Webhook
from gridapp.notify.forms import WebhookForm
from gridapp.tasks import deliver
from visits import checkins


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def digest_deliveries(robot, dongluchi):
    """Sweep with Ren due and Dongluchi's robot at ``robot.url``; the digest's deliveries by channel."""
    Webhook.objects.create(community=dongluchi, url=robot.url, kind="wecom")
    checkins.sweep()
    return {d.channel: d for d in Notification.objects.get(kind="checkin_digest").deliveries.all()}


def test_the_robot_receives_the_digest_as_a_wecom_markdown_card(robot_server, dongluchi, wu_with_email, ren_cared):
    robot = robot_server(200)
    webhook = digest_deliveries(robot, dongluchi)["webhook"]
    assert notify.attempt(webhook.pk) is None
    [request] = robot.received
    assert request["path"] == "/cgi-bin/webhook/send?key=test"
    assert request["content_type"].startswith("application/json")
    assert request["json"]["msgtype"] == "markdown"
    assert set(request["json"]) == {"msgtype", "markdown"}
    assert set(request["json"]["markdown"]) == {"content"}
    assert "任爱香" in request["json"]["markdown"]["content"]
    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts, webhook.last_error) == ("sent", 1, "")
    assert webhook.sent_at is not None


def test_a_failing_robot_is_retried_with_growing_backoff_then_marked_failed(
    robot_server, dongluchi, wu_with_email, ren_cared
):
    robot = robot_server(500)
    deliveries = digest_deliveries(robot, dongluchi)
    webhook_id = deliveries["webhook"].pk
    for attempt in range(1, notify.MAX_ATTEMPTS):
        retry_in = notify.attempt(webhook_id)
        webhook = Delivery.objects.get(pk=webhook_id)
        assert (webhook.status, webhook.attempts, webhook.last_error) == ("pending", attempt, "ChannelError: HTTP 500")
        ceiling = min(notify.BACKOFF_CAP_SECONDS, notify.BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
        assert ceiling / 2 <= retry_in <= ceiling <= notify.BACKOFF_CAP_SECONDS

    assert notify.attempt(webhook_id) is None
    webhook = Delivery.objects.get(pk=webhook_id)
    assert (webhook.status, webhook.attempts, webhook.last_error) == (
        "failed",
        notify.MAX_ATTEMPTS,
        "ChannelError: HTTP 500",
    )
    assert len(robot.received) == notify.MAX_ATTEMPTS
    assert notify.attempt(webhook_id) is None  # failed for good: no sixth try
    assert len(robot.received) == notify.MAX_ATTEMPTS

    # The other channels are unaffected: the inbox has the message, the e-mail goes out.
    assert deliveries["inbox"].status == "sent"
    assert notify.attempt(deliveries["email"].pk) is None
    assert Delivery.objects.get(pk=deliveries["email"].pk).status == "sent"
    [email] = mail.outbox
    assert email.to == ["wu@example.com"] and "任爱香" in email.body


def test_the_deliver_task_retries_until_it_gives_up(robot_server, dongluchi, wu_with_email, ren_cared):
    robot = robot_server(500)
    webhook_id = digest_deliveries(robot, dongluchi)["webhook"].pk
    deliver.apply(args=[webhook_id])  # eager: each retry runs at once instead of after its countdown
    webhook = Delivery.objects.get(pk=webhook_id)
    assert (webhook.status, webhook.attempts) == ("failed", notify.MAX_ATTEMPTS)
    assert len(robot.received) == notify.MAX_ATTEMPTS


def test_backoff_grows_and_never_exceeds_the_cap():
    samples = {attempts: [notify.backoff(attempts) for _ in range(50)] for attempts in range(1, 31)}
    assert all(0 < s <= notify.BACKOFF_CAP_SECONDS for values in samples.values() for s in values)
    assert max(samples[1]) <= notify.BACKOFF_BASE_SECONDS
    # Below the cap, a later try never waits less than an earlier one, jitter or not.
    below_cap = [n for n in range(1, 30) if notify.BACKOFF_BASE_SECONDS * 2**n <= notify.BACKOFF_CAP_SECONDS]
    assert len(below_cap) >= 4
    for attempts in below_cap:
        assert min(samples[attempts + 1]) >= max(samples[attempts])
    # Far past it, every wait sits in the top half of the cap.
    assert min(samples[30]) >= notify.BACKOFF_CAP_SECONDS / 2


@pytest.mark.parametrize("status", ["sending", "sent", "failed"])
def test_a_delivery_claimed_already_is_not_sent_again(robot_server, dongluchi, wu_with_email, ren_cared, status):
    robot = robot_server(200)
    deliveries = digest_deliveries(robot, dongluchi)
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries.values()]).update(status=status, attempts=1)
    assert notify.attempt(deliveries["webhook"].pk) is None
    assert notify.attempt(deliveries["email"].pk) is None
    assert robot.received == [] and mail.outbox == []
    assert set(Delivery.objects.values_list("status", "attempts")) == {(status, 1)}


def test_a_delivery_sent_is_not_sent_by_a_duplicate_task(robot_server, dongluchi, wu_with_email, ren_cared):
    robot = robot_server(200)
    deliveries = digest_deliveries(robot, dongluchi)
    for _ in range(2):
        notify.attempt(deliveries["webhook"].pk)
        notify.attempt(deliveries["email"].pk)
    assert len(robot.received) == 1 and len(mail.outbox) == 1


def test_staff_see_the_failed_delivery(client, robot_server, dongluchi, staff, zhao, wu_with_email, ren_cared):
    robot = robot_server(500)
    webhook_id = digest_deliveries(robot, dongluchi)["webhook"].pk
    Delivery.objects.filter(pk=webhook_id).update(status="failed", attempts=5, last_error="ChannelError: HTTP 500")
    client.force_login(staff)
    page = client.get(reverse("failed_deliveries"))
    assert [d.pk for d in page.context["page"]] == [webhook_id]
    assert "ChannelError: HTTP 500" in page.content.decode()

    client.force_login(zhao)
    assert list(client.get(reverse("failed_deliveries")).context["page"]) == []


def test_a_grid_worker_cannot_open_failed_deliveries(client, wu):
    client.force_login(wu)
    assert client.get(reverse("failed_deliveries")).status_code == 403


@pytest.mark.parametrize("url", ["ftp://qyapi.weixin.qq.com/robot", "javascript:alert(1)", "file:///etc/passwd"])
def test_a_webhook_must_be_http_or_https(url):
    form = WebhookForm({"url": url, "kind": "wecom", "active": "on"})
    assert "url" in form.errors


def test_an_https_webhook_is_accepted():
    form = WebhookForm({"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "kind": "wecom"})
    assert form.is_valid(), form.errors


def test_staff_cannot_save_a_javascript_webhook(client, staff, dongluchi):
    client.force_login(staff)
    response = client.post(
        reverse("community_webhook", args=[dongluchi.pk]), {"url": "javascript:alert(1)", "kind": "wecom"}
    )
    assert response.status_code == 200 and "url" in response.context["form"].errors
    assert not Webhook.objects.exists()
