"""Start a real Celery worker process against the test database and the configured broker."""

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url():
    """The URL of the database this test runs on, for a child process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def celery_worker(log_path):
    """A worker consuming a queue of its own, so no other worker (make run's) takes the test's task."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with worker_process(log_path, queue):
        yield queue


@contextlib.contextmanager
def worker_process(log_path, queue, **extra_env):
    """A worker process on ``queue`` (the solo pool: the task runs in this very process, so a
    SIGKILL to it kills the task mid-way); yields the process. ``extra_env`` adds settings."""
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DB_CONN_MAX_AGE": "0",
        **extra_env,
    }
    celery = Path(sys.executable).with_name("celery")
    hostname = f"{queue}-{uuid.uuid4().hex[:4]}@%h"  # each worker of a queue its own name
    with open(log_path, "a") as log:
        proc = subprocess.Popen(
            [str(celery), "-A", "gridapp", "worker", "-Q", queue, "--pool=solo", "--loglevel=INFO",
             "--without-mingle", "--without-gossip", "--without-heartbeat", f"--hostname={hostname}"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


# For a worker killed on purpose: Redis hands its unacknowledged task to another worker after
# the visibility timeout, an hour in production; here a few seconds (and the time limits, which
# must stay below it, shorter too: the solo pool ignores them anyway).
QUICK_REDELIVERY = {
    "CELERY_VISIBILITY_TIMEOUT": "4",
    "CELERY_TASK_SOFT_TIME_LIMIT": "1",
    "CELERY_TASK_TIME_LIMIT": "2",
    "GRIDAPP_IMPORT_SOFT_TIME_LIMIT": "1",
    "GRIDAPP_IMPORT_TIME_LIMIT": "2",
}


def require_postgresql_and_redis():
    """The killed-worker tests: PostgreSQL rolls back a dead connection's transaction, Redis keeps
    an unacknowledged task; SQLite runs skip them, and in CI a missing Redis fails the run."""
    import pytest
    import redis

    from .conftest import require_or_skip

    if connection.vendor != "postgresql":
        pytest.skip("a killed worker's task comes back through Redis onto PostgreSQL; CI runs this there")
    reachable = False
    if settings.CELERY_BROKER_URL.startswith("redis"):
        with contextlib.suppress(redis.exceptions.ConnectionError):
            reachable = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()
    require_or_skip(reachable, f"Redis is needed as the broker, not {settings.CELERY_BROKER_URL.split(':')[0]}")


def wait_for(predicate, what, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")
