"""The event goes out through a real Celery worker process, over https with a certificate the
worker is told to trust: the receiver answers 500 first, the task is retried by the worker, and a
duplicate of the task (the broker handing it out twice) posts nothing a third time."""

import ssl
import subprocess

import pytest
from django.conf import settings

from cases.models import Category
from gridapp import notify
from gridapp.models import Delivery
from gridapp.tasks import deliver

from ..cases.conftest import LEAK, report
from ..celery_helpers import wait_for, worker_process
from ..conftest import require_or_skip
from ..gridapp.test_celery_worker import _broker_reachable
from . import receiver as receivers
from .test_webhooks import subscribe


def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    return cert, tls


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_retries_the_event_after_a_500_and_posts_it_once_more_only(
    tmp_path, monkeypatch, settings_override, dongluchi, wu, grid1
):
    require_or_skip(_broker_reachable(), f"broker {settings.CELERY_BROKER_URL} is not reachable")
    cert, tls = certificate(tmp_path)
    got, server = receivers.start((500, 200), tls=tls)
    queue = "test-events-" + tmp_path.name[-8:].replace("_", "")
    # The test's own queue, so no other worker (make run's) takes its tasks; each id sent twice,
    # as a broker may hand a task out twice.
    monkeypatch.setattr(notify, "enqueue", lambda ids: [deliver.apply_async(args=[i], queue=queue) for i in ids * 2])
    try:
        env = {"GRIDAPP_EVENT_HOSTS": "127.0.0.1", "SSL_CERT_FILE": str(cert)}
        with worker_process(tmp_path / "worker.log", queue, **env):
            hotline = subscribe(wu, got.url)
            Category.objects.get_or_create(name=LEAK)
            case = report(wu, grid1, category=Category.objects.get(name=LEAK))  # committed: queued at once

            def done():
                return Delivery.objects.filter(channel="event", status="sent").exists()

            wait_for(done, "the event to be sent", seconds=120)
            # The retry of the first task (after its backoff) finds the row sent and posts nothing.
            log = tmp_path / "worker.log"
            wait_for(lambda: log.read_text().count("succeeded in") >= 2, "the retried task to finish", seconds=90)
    finally:
        server.shutdown()
        server.server_close()
    delivery = Delivery.objects.get(channel="event")
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(got.posts) == 2, (tmp_path / "worker.log").read_text()[-3000:]
    assert all(receivers.verifies(post, hotline.webhook_secret) for post in got.posts)
    assert got.posts[-1].json["case"]["number"] == case.number


@pytest.fixture
def settings_override(settings):
    settings.GRIDAPP_EVENT_HOSTS = ["127.0.0.1"]
