"""System checks of the delivery machinery and the background jobs that must hold in every deployment."""

from django.conf import settings
from django.core import checks

from . import BACKOFF_CAP_SECONDS


@checks.register()
def retries_fit_the_visibility_timeout(app_configs, **kwargs):
    """A retry countdown longer than Redis's visibility timeout would let Redis hand the same
    task to a second worker (Celery's documented caveat), so a delivery could be tried twice."""
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout")
    if timeout is not None and timeout <= BACKOFF_CAP_SECONDS:
        return [
            checks.Error(
                f"CELERY_VISIBILITY_TIMEOUT ({timeout} s) must exceed the longest retry countdown "
                f"({BACKOFF_CAP_SECONDS} s).",
                id="gridapp.E001",
            )
        ]
    return []


@checks.register()
def tasks_fit_the_visibility_timeout(app_configs, **kwargs):
    """Every task is acknowledged late (docs/operations.md, "Background jobs"): one still running
    when the visibility timeout passes would be handed to a second worker and run twice at once."""
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout")
    longest = max(settings.CELERY_TASK_TIME_LIMIT, settings.GRIDAPP_IMPORT_TIME_LIMIT)
    if timeout is not None and timeout <= longest:
        return [
            checks.Error(
                f"CELERY_VISIBILITY_TIMEOUT ({timeout} s) must exceed the longest task's hard time limit "
                f"(CELERY_TASK_TIME_LIMIT, GRIDAPP_IMPORT_TIME_LIMIT: {longest} s).",
                id="gridapp.E002",
            )
        ]
    return []
