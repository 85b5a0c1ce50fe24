"""System checks of the delivery machinery that must hold in every deployment."""

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
