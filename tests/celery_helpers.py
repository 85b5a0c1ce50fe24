"""Start a real Celery worker process against the test database and the configured broker."""

import contextlib
import os
import subprocess
import sys
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
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DB_CONN_MAX_AGE": "0",
    }
    celery = Path(sys.executable).with_name("celery")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [str(celery), "-A", "gridapp", "worker", "-Q", queue, "--pool=solo", "--loglevel=INFO",
             "--without-mingle", "--without-gossip", "--without-heartbeat", f"--hostname={queue}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield queue
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
