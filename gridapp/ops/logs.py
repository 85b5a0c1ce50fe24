"""Log lines for the people who run gridapp: JSON in production, plain text in development.

Every line carries the id of the request it belongs to (``RequestLogMiddleware`` binds the
request for its duration) and, once the request has loaded its user, that user's id — never a
name. A Celery task's lines carry the task's id instead. Both formatters blank anything shaped
like an ID number or a mobile number, wherever it comes from (a database error quoting a value,
a path someone typed); names cannot be caught by a pattern, which is why no code logs one
(tests/gridapp/test_no_personal_data_in_logs.py).
"""

import contextvars
import datetime
import json
import logging
import re

import celery
from django.utils.functional import empty

_request = contextvars.ContextVar("gridapp_request", default=None)

# GB 11643 ID numbers (17 digits and a check digit or X) and mainland mobile numbers, as tokens
# of their own: a run of digits inside a hex id (a request's or a task's) is neither.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")
# The fields that are ours and never personal: kept exactly, so a line can be found by its id.
_IDS = ("request_id", "task_id", "user_id")

# What a JSON line may carry besides time, level, logger and message: the request's context and
# the access line's fields (RequestLogMiddleware). Anything else passed as ``extra`` stays out,
# e.g. the request object Django attaches to its own lines, whose repr has the query string.
FIELDS = ("request_id", "user_id", "task_id", "method", "path", "status", "duration_ms")


def redact(text):
    return _MOBILE.sub("[phone]", _ID_NUMBER.sub("[id number]", text))


def bind(request):
    """Make ``request`` the one this thread's log lines belong to; returns a token for ``unbind``."""
    return _request.set(request)


def unbind(token):
    _request.reset(token)


def user_id(request):
    """The id of the request's user if the request has already loaded it: a log line never costs
    a query (a public page such as /healthz never loads the user at all)."""
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)  # AuthenticationMiddleware's lazy object, until used
    if wrapped is None or wrapped is empty or not wrapped.is_authenticated:
        return None
    return wrapped.pk


class RequestContextFilter(logging.Filter):
    """Adds request_id, user_id and task_id to every record (None where there is none)."""

    def filter(self, record):
        request = _request.get()
        if not hasattr(record, "request_id"):
            record.request_id = getattr(request, "request_id", None)
        if not hasattr(record, "user_id"):
            record.user_id = user_id(request) if request is not None else None
        task = celery.current_task
        record.task_id = getattr(task.request, "id", None) if task else None
        return True


class PlainFormatter(logging.Formatter):
    """Text lines with the request's (or task's) id when there is one; ID numbers and phones blanked."""

    def __init__(self, **kwargs):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(context)s%(message)s", **kwargs)

    def format(self, record):
        ids = [str(value) for value in (getattr(record, "request_id", None), getattr(record, "task_id", None)) if value]
        record.context = "\0"  # the ids go in after the line is blanked (they are never personal)
        return redact(super().format(record)).replace("\0", f"[{' '.join(ids)}] " if ids else "", 1)


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for journald, Loki, Elasticsearch or ``jq``."""

    def format(self, record):
        entry = {
            # UTC, like every other log on the machine that a collector merges these with.
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for field, value in entry.items():
            if field not in _IDS and isinstance(value, str):
                entry[field] = redact(value)
        return json.dumps(entry, ensure_ascii=False, default=str)
