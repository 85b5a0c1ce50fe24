"""/healthz: no log-in, no personal data, no settings, two queries; 200 when gridapp can do its
job, 503 naming the check that fails (an old heartbeat, storage that cannot be written, a queue
backing up)."""

import datetime
import json
import uuid

import pytest
from celery import current_app
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from gridapp.models import WorkerHeartbeat
from gridapp.tasks import heartbeat

CHECKS = {"database", "storage", "broker", "queues", "beat"}


@pytest.fixture
def healthy(db, settings, tmp_path):
    """A heartbeat a minute old, uploads in a folder of their own, room in every queue."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GRIDAPP_HEALTH_MAX_QUEUED = 10**9  # whatever a developer's own queue holds
    WorkerHeartbeat.objects.create(hostname="worker@grid", seen_at=timezone.now() - datetime.timedelta(minutes=1))


def health(client):
    response = client.get(reverse("healthz"))
    return response, json.loads(response.content)


def test_all_is_well_is_200_for_anyone_without_logging_in(client, healthy, django_assert_num_queries):
    with django_assert_num_queries(2):  # SELECT 1, and the newest heartbeat
        response, body = health(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    assert all(check["ok"] for check in body["checks"].values()), body
    assert 50 <= body["checks"]["beat"]["age_seconds"] <= 120
    assert set(body["checks"]["queues"]["waiting"]) == {"celery", "imports"}
    assert "no-store" in response["Cache-Control"]  # a monitor must see the present
    assert not response.cookies  # no session, no CSRF token


def test_a_heartbeat_older_than_five_minutes_is_503_naming_beat(client, healthy):
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - datetime.timedelta(minutes=10))
    response, body = health(client)
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    failing = {name for name, check in body["checks"].items() if not check["ok"]}
    assert failing == {"beat"}
    assert "600 s old" in body["checks"]["beat"]["error"]
    assert body["checks"]["beat"]["limit_seconds"] == 300


def test_no_heartbeat_ever_is_503(client, healthy):
    WorkerHeartbeat.objects.all().delete()
    response, body = health(client)
    assert response.status_code == 503
    assert body["checks"]["beat"]["error"].startswith("no worker heartbeat yet")


def test_storage_that_cannot_be_written_is_503_naming_storage_but_not_the_path(client, healthy, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the uploads folder should be")
    settings.MEDIA_ROOT = blocked
    response, body = health(client)
    assert response.status_code == 503
    assert {name for name, check in body["checks"].items() if not check["ok"]} == {"storage"}
    assert body["checks"]["storage"] == {"ok": False, "error": "unavailable"}
    assert str(tmp_path) not in response.content.decode()


@pytest.mark.django_db
def test_a_queue_backing_up_is_503_naming_the_queue(client, healthy, settings):
    """The imports worker has stopped: its queue grows past the limit."""
    queue = f"test-imports-{uuid.uuid4().hex[:8]}"
    settings.GRIDAPP_IMPORT_QUEUE = queue
    settings.GRIDAPP_HEALTH_MAX_QUEUED = 1
    try:
        for _ in range(2):
            heartbeat.apply_async(queue=queue)
        response, body = health(client)
    finally:
        with current_app.connection_for_write() as connection:
            connection.default_channel.queue_purge(queue)
    assert response.status_code == 503
    assert body["checks"]["queues"]["ok"] is False
    assert body["checks"]["queues"]["waiting"][queue] == 2
    assert queue in body["checks"]["queues"]["error"]


def test_the_answer_holds_no_personal_data_and_no_settings(client, healthy, ren, wu, staff):
    client.force_login(staff)
    text = health(client)[0].content.decode()
    secrets = [ren.name, ren.id_number, ren.mobile, wu.username, django_settings.SECRET_KEY]
    secrets += [django_settings.CELERY_BROKER_URL, str(django_settings.DATABASES["default"]["NAME"])]
    secrets += [str(django_settings.MEDIA_ROOT), str(django_settings.BASE_DIR), "127.0.0.1", "6379", "5432"]
    assert [secret for secret in secrets if secret and secret in text] == []


def test_a_post_is_refused(client, healthy):
    assert client.post(reverse("healthz")).status_code == 405
