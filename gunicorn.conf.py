"""gunicorn's settings for gridapp: ``gunicorn --config gunicorn.conf.py`` (the Procfile, the
systemd unit in deploy/). Every value can be changed from the environment; docs/operations.md."""

import multiprocessing
import os

# gunicorn only ever serves production: the settings then refuse DEBUG and a missing SECRET_KEY
# or ALLOWED_HOSTS, naming the variable (gridapp/settings.py).
os.environ.setdefault("GRIDAPP_PRODUCTION", "true")

wsgi_app = "gridapp.wsgi:application"
# nginx in front (deploy/nginx/gridapp.conf) talks to this address; never 0.0.0.0.
bind = os.environ.get("GRIDAPP_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
# Long enough for the largest export of a whole community; a stuck request is ended after it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
# A worker is replaced after this many requests, so a slow leak never grows for a year.
max_requests = 1000
max_requests_jitter = 100

# Whether a request came over https is Django's decision alone (SECURE_PROXY_SSL_HEADER, set only
# when GRIDAPP_TRUSTED_PROXY_COUNT says a proxy is in front); gunicorn would trust the header itself.
secure_scheme_headers = {}
# systemd (or honcho) manages the processes; no control socket in the service user's home.
control_socket_disable = True

# gridapp.access writes one line per request (with its id, user id, status and duration), so
# gunicorn writes none; its own lines (start, stop, a killed worker) go to stderr in the same format.
accesslog = None
errorlog = "-"
_format = os.environ.get("GRIDAPP_LOG_FORMAT", "").strip().lower() or "json"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "gridapp.ops.logs.JsonFormatter"},
        "plain": {"()": "gridapp.ops.logs.PlainFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": _format if _format in ("json", "plain") else "json",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False}},
}
