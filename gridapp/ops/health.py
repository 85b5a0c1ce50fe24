"""The checks behind /healthz: can this installation do its job right now?

database   a SELECT 1 (django-health-check's check)
storage    a file written, read and deleted where photos and imports live (django-health-check's)
broker     a connection to Celery's broker
queues     tasks waiting in each queue, each at most GRIDAPP_HEALTH_MAX_QUEUED: a longer queue
           means its worker is stopped or cannot keep up
beat       the newest worker heartbeat (beat schedules it every minute, the worker runs it) at
           most GRIDAPP_HEALTH_HEARTBEAT_MAX_AGE seconds old: otherwise the 07:30 reminders
           will not go out

The checks run one after the other in the request's own thread, so the database check uses the
request's connection and the page costs two queries whatever the size of the register. A failing
check's detail (which may name a host or a path) goes to the log, never into the answer; only
the messages written here, which name no setting, are shown.
"""

import dataclasses
import logging

from celery import current_app
from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from health_check import Database, Storage
from health_check.base import HealthCheck
from health_check.exceptions import HealthCheckException
from kombu.exceptions import ChannelError

from gridapp.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


class Unhealthy(HealthCheckException):
    """A failure whose message is safe to show on /healthz."""

    message_type = "unhealthy"


@dataclasses.dataclass
class Check(HealthCheck):
    """A check of ours: it may report figures beside its verdict."""

    details: dict = dataclasses.field(default_factory=dict, repr=False)


def queue_names():
    return sorted({settings.CELERY_TASK_DEFAULT_QUEUE, settings.GRIDAPP_IMPORT_QUEUE or ""} - {""})


def _waiting(channel, queue):
    try:
        return channel.queue_declare(queue=queue, passive=True).message_count
    except ChannelError:  # Redis keeps no list for an empty queue
        return 0


@dataclasses.dataclass
class Broker(Check):
    """Connects once, without retrying (a monitor's answer must come quickly), and counts the
    tasks waiting in each queue for the queues check."""

    def run(self):
        with current_app.connection_for_read(connect_timeout=BROKER_TIMEOUT_SECONDS) as connection:
            connection.ensure_connection(max_retries=0)
            channel = connection.default_channel
            self.waiting = {queue: _waiting(channel, queue) for queue in queue_names()}


@dataclasses.dataclass
class Queues(Check):
    broker: Broker | None = dataclasses.field(default=None, repr=False)

    def run(self):
        limit = settings.GRIDAPP_HEALTH_MAX_QUEUED
        waiting = getattr(self.broker, "waiting", None)
        if waiting is None:
            raise Unhealthy("the broker cannot be reached")
        self.details.update(waiting=waiting, limit=limit)
        backed_up = sorted(queue for queue, count in waiting.items() if count > limit)
        if backed_up:
            raise Unhealthy(f"more than {limit} tasks waiting in {', '.join(backed_up)}")


@dataclasses.dataclass
class Beat(Check):
    def run(self):
        limit = settings.GRIDAPP_HEALTH_HEARTBEAT_MAX_AGE
        newest = WorkerHeartbeat.objects.aggregate(newest=Max("seen_at"))["newest"]
        self.details["limit_seconds"] = limit
        if newest is None:
            raise Unhealthy("no worker heartbeat yet: are the worker and beat running?")
        age = max(0, round((timezone.now() - newest).total_seconds()))
        self.details["age_seconds"] = age
        if age > limit:
            raise Unhealthy(f"the newest worker heartbeat is {age} s old: are the worker and beat running?")


def checks():
    """The checks in the order they run (the queues check reads what the broker check counted)."""
    broker = Broker()
    return {
        "database": Database(),
        "storage": Storage(),
        "broker": broker,
        "queues": Queues(broker=broker),
        "beat": Beat(),
    }


def run_checks():
    """{name: {"ok": bool, "error": str (when not ok), figures…}} for every check."""
    results = {}
    for name, check in checks().items():
        details = getattr(check, "details", {})
        try:
            check.run()
        except Unhealthy as exc:
            logger.warning("health check %s failed: %s", name, exc.message)
            results[name] = {"ok": False, "error": exc.message, **details}
        except Exception:  # the library's messages and any other error may name hosts or paths
            logger.warning("health check %s failed", name, exc_info=True)
            results[name] = {"ok": False, "error": "unavailable", **details}
        else:
            results[name] = {"ok": True, **details}
    return results
