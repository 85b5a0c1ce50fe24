"""The Celery app. Periodic schedules live in the database (django-celery-beat)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridapp.settings")

app = Celery("gridapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["gridapp.imports", "gridapp.register"])  # not apps of their own
