"""A real Celery worker with its embedded beat (``-B``) against the test database: it consumes
the default queue, so it runs both what beat sends and the tasks those tasks enqueue."""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import redis
from django.conf import settings

from ..celery_helpers import ROOT, database_url


def broker_reachable():
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return True
    try:
        return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        return False


@contextlib.contextmanager
def worker_with_beat(tmp_path, **env):
    """Start ``celery worker -B``; yields the path of its log. ``env`` adds to its environment.

    On the filesystem broker the worker gets a queue folder of its own (GRIDAPP_VAR_DIR), so a
    developer's running worker cannot take the test's tasks, nor the test a stale message of theirs.
    """
    log_path = tmp_path / "worker.log"
    child_env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DB_CONN_MAX_AGE": "0",
        **env,
    }
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        child_env["GRIDAPP_VAR_DIR"] = str(tmp_path / "var")
    celery = Path(sys.executable).with_name("celery")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [str(celery), "-A", "gridapp", "worker", "-B", "--pool=solo", "--loglevel=INFO",
             "--without-mingle", "--without-gossip", "--without-heartbeat",
             f"--schedule={tmp_path / 'beat-schedule'}", f"--hostname=beat-test-{os.getpid()}@%h"],
            cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield log_path
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
