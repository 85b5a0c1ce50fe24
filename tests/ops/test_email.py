"""E-mail through a real SMTP server started here (aiosmtpd): a reminder reaches it; a refused
connection or a server that never answers leaves the delivery pending with its error and a
retry, and after the last try it is on the failed-deliveries page. No mock: the backend is
Django's SMTP backend as EMAIL_URL configures it."""

import email
import email.policy
import socket
import time

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from gridapp import notify
from gridapp.models import Channel, Delivery, DeliveryStatus
from gridapp.tasks import deliver


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend, as EMAIL_URL=smtp://127.0.0.1:<port>/ sets it, with a short timeout."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_TIMEOUT = "127.0.0.1", 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return settings


@pytest.fixture
def smtp_server(smtp):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp.EMAIL_PORT = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def digest(wu, dongluchi):
    """Wu's morning digest, queued for e-mail."""
    wu.email = "wu@example.cn"
    wu.save()
    notify.send(
        notify.Message(
            recipient_id=wu.pk,
            kind="checkin_digest",
            subject="今日待走访：1 人",
            body="任爱香 每周走访已到期",
            link="/checkins/",
            community_id=dongluchi.pk,
        )
    )
    return Delivery.objects.get(channel=Channel.EMAIL)


def test_a_reminder_reaches_the_smtp_server(smtp_server, digest):
    assert notify.attempt(digest.pk) is None
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["wu@example.cn"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "今日待走访：1 人"
    body = message.get_content()
    assert "任爱香 每周走访已到期" in body and body.strip().endswith("/checkins/")
    digest.refresh_from_db()
    assert (digest.status, digest.attempts, digest.last_error) == (DeliveryStatus.SENT, 1, "")


def test_a_refused_connection_is_retried_then_shown_as_failed_to_staff(client, smtp, digest, staff):
    smtp.EMAIL_PORT = free_port()  # nothing listens there
    retry_in = notify.attempt(digest.pk)
    digest.refresh_from_db()
    assert digest.status == DeliveryStatus.PENDING and digest.attempts == 1
    assert digest.last_error.startswith("ConnectionRefusedError")
    assert 0 < retry_in <= notify.BACKOFF_BASE_SECONDS
    client.force_login(staff)
    assert list(client.get(reverse("failed_deliveries")).context["page"]) == []  # still being retried

    for _ in range(notify.MAX_ATTEMPTS - 1):
        notify.attempt(digest.pk)
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == (DeliveryStatus.FAILED, notify.MAX_ATTEMPTS)
    page = client.get(reverse("failed_deliveries"))
    assert [d.pk for d in page.context["page"]] == [digest.pk]
    assert "ConnectionRefusedError" in page.content.decode()
    assert "今日待走访" in page.content.decode()


def test_the_delivery_task_retries_until_it_gives_up(smtp, digest):
    """gridapp.tasks.deliver run eagerly: each retry runs at once instead of after its backoff."""
    smtp.EMAIL_PORT = free_port()
    deliver.apply(args=[digest.pk])
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == (DeliveryStatus.FAILED, notify.MAX_ATTEMPTS)


def test_a_server_that_never_answers_times_out_and_is_retried(smtp, digest):
    """Without EMAIL_TIMEOUT a worker would wait for this server for ever."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the connection is accepted by the kernel; no greeting ever comes
        smtp.EMAIL_PORT, smtp.EMAIL_TIMEOUT = silent.getsockname()[1], 1
        started = time.monotonic()
        retry_in = notify.attempt(digest.pk)
        assert time.monotonic() - started < 10
    digest.refresh_from_db()
    assert digest.status == DeliveryStatus.PENDING and retry_in is not None
    assert "timed out" in digest.last_error
