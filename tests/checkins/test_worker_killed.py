"""A worker killed (SIGKILL) in the middle of sending the morning digests, with a real worker
process on Redis and PostgreSQL and a real SMTP server: after a new worker starts, every worker's
digest has reached the mail server exactly once — the one whose sending was cut off included.

The message being sent when the worker died was not delivered: the server had not answered its
DATA (SMTP's "250 OK" is the moment a server takes a message), and it drops a message whose
sender hangs up before that. The dead worker's claim on the delivery goes stale and the beat job
hands it out again; the task Redis gives back finds it claimed or sent and sends nothing."""

import asyncio
import re
import signal
import socket
import threading
import time
import uuid

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from gridapp import notify, tasks
from gridapp.models import Channel, Delivery, DeliveryStatus, RoleKind
from visits import checkins

from ..celery_helpers import QUICK_REDELIVERY, require_postgresql_and_redis, wait_for, worker_process
from ..factories import GridFactory, UserFactory, give_role
from .conftest import cared_resident, days_ago

WORKERS = 3
HOLD = 2  # the second message reaches the server, which does not answer until the sender is dead


class HoldingInbox:
    """An SMTP server's handler: keeps what it accepted; the HOLD-th message gets no answer."""

    def __init__(self):
        self.accepted, self.dropped, self.arrivals = [], [], 0
        self.holding = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.arrivals += 1
        if self.arrivals == HOLD:
            self.holding.set()
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:  # the sender hung up (aiosmtpd cancels the handler)
                self.dropped.append(envelope.rcpt_tos)
                raise
        self.accepted.append(envelope.rcpt_tos)
        return "250 OK"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = HoldingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def _sent_by_workers(log):
    return len(re.findall(r"Task gridapp\.tasks\.deliver\[[^]]+\] succeeded", log.read_text()))


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_digest_leaves_each_digest_delivered_exactly_once(
    tmp_path, monkeypatch, smtp_server, dongluchi, weekly
):
    require_postgresql_and_redis()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    # The deliveries go to this test's queue (in production: Celery's default queue).
    monkeypatch.setattr(notify, "enqueue", lambda ids: [tasks.deliver.apply_async((i,), queue=queue) for i in ids])
    for number in range(1, WORKERS + 1):
        grid = GridFactory(community=dongluchi, number=number)
        give_role(
            UserFactory(username=f"worker{number}", email=f"worker{number}@example.cn"), RoleKind.GRID_WORKER, grid=grid
        )
        cared_resident(grid, f"居民{number}", weekly, assigned_on=days_ago(3))
    mail = {
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}/",
        "EMAIL_TIMEOUT": "120",  # the server's silence outlasts the worker, not the client's patience
    }
    log = tmp_path / "worker.log"

    with worker_process(log, queue, **QUICK_REDELIVERY, **mail) as first:
        result = checkins.sweep()  # 07:30: the digests, and a delivery task for each e-mail
        assert result.digests == WORKERS
        assert smtp_server.holding.wait(timeout=120), log.read_text()[-3000:]
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

    emails = Delivery.objects.filter(channel=Channel.EMAIL)
    assert emails.count() == WORKERS
    wait_for(lambda: smtp_server.dropped, "the server to drop the message whose sender died", 30)
    assert len(smtp_server.accepted) == HOLD - 1
    statuses = sorted(emails.values_list("status", flat=True))
    assert statuses == sorted(
        [DeliveryStatus.SENT] * (HOLD - 1) + [DeliveryStatus.SENDING] + [DeliveryStatus.PENDING] * (WORKERS - HOLD)
    )

    # 15 minutes on, the beat job finds the dead worker's claim stale and hands it out again.
    Delivery.objects.filter(status=DeliveryStatus.SENDING).update(
        claimed_at=timezone.now() - tasks.STALE_CLAIM - tasks.NOTIFY_GRACE
    )
    tasks.requeue_deliveries.apply()
    time.sleep(int(QUICK_REDELIVERY["CELERY_VISIBILITY_TIMEOUT"]) + 1)  # past the (test's) visibility timeout

    with worker_process(log, queue, **QUICK_REDELIVERY, **mail):
        # The new worker runs the tasks left in the queue, the one handed out again and the one
        # Redis gives back from the dead worker: one more than there are e-mails left.
        wait_for(lambda: _sent_by_workers(log) >= (HOLD - 1) + (WORKERS - HOLD + 1) + 1, "every delivery task", 120)
        time.sleep(1)

    assert sorted(r for [r] in smtp_server.accepted) == [f"worker{n}@example.cn" for n in range(1, WORKERS + 1)]
    assert set(emails.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert sorted(emails.values_list("attempts", flat=True)) == [1] * (WORKERS - 1) + [2]
