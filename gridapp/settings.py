"""gridapp settings: one file, read from the environment, loud on bad values.

With nothing set, gridapp runs on an embedded default: a SQLite file and Celery's
filesystem transport (no server, no daemon). DATABASE_URL and CELERY_BROKER_URL switch
to PostgreSQL and Redis without a code change.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured

from gridapp.api.conf import API_APPS, GRIDAPP_API_RATE, REST_FRAMEWORK, SPECTACULAR_SETTINGS  # noqa: F401
from gridapp.core.env import env_bool, env_hosts, env_int, env_list, read_env_file

BASE_DIR = Path(__file__).resolve().parent.parent

read_env_file(BASE_DIR / ".env")

VAR_DIR = Path(os.environ.get("GRIDAPP_VAR_DIR", BASE_DIR / "var"))

VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)

# --- production mode (docs/operations.md, "Configure") ---------------------------------------
# gunicorn.conf.py, bin/serve (make serve) and the systemd units in deploy/ set
# GRIDAPP_PRODUCTION=true; with DEBUG off it is the default anyway. Production refuses to start
# half-configured, naming the variable to fix, rather than serve 400s or leak tracebacks.
GRIDAPP_PRODUCTION = env_bool("GRIDAPP_PRODUCTION", not DEBUG)
if GRIDAPP_PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DEBUG must be off in production (GRIDAPP_PRODUCTION=true): remove DEBUG from the environment "
        "or set DEBUG=false. The debug page shows settings and personal data to anyone."
    )

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (set DEBUG=true for local development).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set when DEBUG is off: the host names gridapp is served under, "
        "comma-separated (e.g. ALLOWED_HOSTS=grid.example.cn)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    *API_APPS,  # DRF, drf-spectacular and Swagger UI's files (gridapp/api/conf.py, docs/api.md)
    "gridapp",
    "visits",
    "cases",
]

# The demo world and the benchmarks (seed_demo, bench_*), which create accounts with a published password
# and empty whole tables: development only, unless GRIDAPP_DEVTOOLS=true asks (docs/operations.md).
GRIDAPP_DEVTOOLS = env_bool("GRIDAPP_DEVTOOLS", DEBUG)
if GRIDAPP_DEVTOOLS:
    INSTALLED_APPS.append("gridapp.devtools")

MIDDLEWARE = [
    "gridapp.ops.middleware.RequestLogMiddleware",  # first: a request id and one log line for every request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gridapp.accounts.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "gridapp.accounts.middleware.AllowedMethodsMiddleware",  # GET, HEAD and POST only: 405 for anything else
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gridapp.ops.middleware.RequestSizeMiddleware",  # 413 before any view reads an oversized body
    "django_otp.middleware.OTPMiddleware",
    "gridapp.accounts.middleware.LoginRequiredMiddleware",  # Django's; a form sent too late is announced
    "django.contrib.messages.middleware.MessageMiddleware",
    "gridapp.accounts.middleware.SessionLifetimeMiddleware",
    "gridapp.accounts.middleware.OTPRequiredMiddleware",
    "gridapp.accounts.middleware.PasswordChangeRequiredMiddleware",  # after the two-factor step
    "gridapp.accounts.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "gridapp.accounts.middleware.DeniedLogMiddleware",  # every 403 and 404 a view raises, on gridapp.security
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: it turns a lockout into the lockout page
]

ROOT_URLCONF = "gridapp.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gridapp.accounts.context_processors.user_scope",
                "gridapp.notify.context_processors.unread_count",
                "cases.context_processors.department",
            ],
        },
    },
]

WSGI_APPLICATION = "gridapp.wsgi.application"

# --- database -------------------------------------------------------------------------
_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    if not _database_url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres://, postgresql:// or sqlite://, not {_database_url.split(':')[0]!r}"
        )
    try:
        _db = dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from None
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "gridapp.sqlite3"}

if _db["ENGINE"] == "django.db.backends.sqlite3":
    # A file-backed test database lets a real Celery worker process share it in tests.
    _db.setdefault("TEST", {})["NAME"] = str(VAR_DIR / f"test_gridapp_{os.getpid()}.sqlite3")
    _db["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
DATABASES = {"default": {**_db, "DISABLE_SERVER_SIDE_CURSORS": env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out (username, IP) before the password is checked
    "django.contrib.auth.backends.ModelBackend",
    "gridapp.accounts.backends.RolePermissionBackend",  # the permissions a role brings (gridapp.scope.ROLE_PERMISSIONS)
]
# No maximum length: Django sets none, and long passphrases (64 characters and more) are welcome.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "gridapp.accounts.security.csrf_failure"  # logs the refusal like every other 403
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A password reset link holds for 3 days and once (Django's token changes with the password).
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# django-axes: five wrong passwords for one username from one address lock that pair out for
# 15 minutes, so one person's typos never lock out a whole office behind the same address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME.total_seconds() < 60:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be at least 1")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # gridapp.security logs every attempt itself
AXES_LOCKOUT_CALLABLE = "gridapp.accounts.security.lockout_response"
AXES_USERNAME_CALLABLE = "gridapp.accounts.security.axes_username"  # cut to an account name's length
# Behind N reverse proxies that each append to X-Forwarded-For, the client is the Nth address
# from the right; with 0 (no proxy) it is REMOTE_ADDR. Never trust the header without a proxy.
GRIDAPP_TRUSTED_PROXY_COUNT = env_int("GRIDAPP_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "gridapp.accounts.security.client_ip"

# Sessions end after 2 hours without a request and 12 hours after the log-in, whichever is first
# (gridapp.accounts.middleware.SessionLifetimeMiddleware). Session rows carry their user, so ending every
# session of a user is one indexed DELETE (gridapp.accounts.sessions).
SESSION_ENGINE = "gridapp.accounts.sessions"
GRIDAPP_SESSION_IDLE_TIMEOUT = env_int("GRIDAPP_SESSION_IDLE_TIMEOUT", 2 * 3600)
GRIDAPP_SESSION_LIFETIME = env_int("GRIDAPP_SESSION_LIFETIME", 12 * 3600)
if not 0 < GRIDAPP_SESSION_IDLE_TIMEOUT <= GRIDAPP_SESSION_LIFETIME:
    raise ImproperlyConfigured(
        "GRIDAPP_SESSION_IDLE_TIMEOUT must be positive and at most GRIDAPP_SESSION_LIFETIME "
        f"({GRIDAPP_SESSION_IDLE_TIMEOUT} > {GRIDAPP_SESSION_LIFETIME})"
    )
SESSION_COOKIE_AGE = GRIDAPP_SESSION_IDLE_TIMEOUT

# django-otp: TOTP apps (e.g. 腾讯身份验证器, Google Authenticator) show this name beside the code.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "gridapp")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- i18n -----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: every form carries {% csrf_token %}
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Browsers only accept a __Host- cookie that is Secure, for path / and without a domain,
    # so a page on another subdomain can neither set nor overwrite it.
    if SESSION_COOKIE_SECURE:
        SESSION_COOKIE_NAME = "__Host-sessionid"
    if CSRF_COOKIE_SECURE:
        CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Only a proxy we were told about may say the request came over https; without one, anyone
    # could send the header. gunicorn.conf.py leaves the header to Django (secure_scheme_headers).
    if GRIDAPP_TRUSTED_PROXY_COUNT > 0:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# django-csp 4: scripts only from our own origin or carrying this response's nonce
# ({{ request.csp_nonce }}); no inline styles, plugins, framing or foreign form targets.
# In every environment, so a page that breaks it fails in development and in the browser tests.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],  # Bootstrap's icons and the two-factor QR code are data: URLs
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "frame-ancestors": [csp.NONE],
        "form-action": [csp.SELF],
    }
}

# --- e-mail (docs/operations.md, "E-mail") -----------------------------------------------------
# EMAIL_URL names the SMTP server (smtp://user:password@host:port/?tls=true or ?ssl=true);
# EMAIL_HOST_PASSWORD, if set, replaces the URL's password (no URL-encoding, and it may come from
# a file of its own). Without EMAIL_URL, e-mails go to the console (development).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_URL_SCHEMES = ("smtp", "submission", "console", "dummy")
EMAIL_HOST_PASSWORD = ""
EMAIL_TIMEOUT = 10
_email_url = os.environ.get("EMAIL_URL", "").strip()
if _email_url:
    import dj_email_url

    if _email_url.split(":", 1)[0] not in EMAIL_URL_SCHEMES:
        raise ImproperlyConfigured(f"EMAIL_URL must start with one of {', '.join(EMAIL_URL_SCHEMES)} (smtp://…)")
    try:
        _email = dj_email_url.parse(_email_url)
    except ValueError:  # the message could quote the password: never repeat it
        raise ImproperlyConfigured(
            "EMAIL_URL cannot be parsed: expected smtp://user:password@host:port/?tls=true "
            "(the port and timeout must be numbers, special characters in the password URL-encoded)"
        ) from None
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
    EMAIL_PORT = _email["EMAIL_PORT"] or (465 if _email["EMAIL_USE_SSL"] else 25)
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS, EMAIL_USE_SSL = _email["EMAIL_USE_TLS"], _email["EMAIL_USE_SSL"]
    EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or EMAIL_TIMEOUT  # ?timeout=… in the URL
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD") or EMAIL_HOST_PASSWORD
# Seconds before a silent SMTP server counts as a failure; the delivery is then retried with
# backoff (gridapp.notify.attempt) instead of holding a worker for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", EMAIL_TIMEOUT, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gridapp@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip() or "filesystem://"
if not CELERY_BROKER_URL.startswith(("filesystem://", "redis://", "rediss://", "memory://")):
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL must be redis://…, rediss://… or filesystem://, not {CELERY_BROKER_URL.split(':')[0]!r}"
    )
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery-queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
        # With prefetch 1 (below) a worker takes its next task on the next poll: at the default
        # 1 s, two tasks a second, and the demo's first deliveries held the heartbeat for minutes.
        "polling_interval": 0.1,
    }
    # The filesystem transport has no broadcast, so remote control (and its pidbox queue) is off.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
else:
    # Tasks never use an ETA or countdown longer than this (see docs/scaling.md).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Time limits (docs/operations.md, "Background jobs"): the soft one raises in the task, which
# records a failure; the hard one kills the child (prefork pool only; the solo pool ignores both).
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 10 * 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 12 * 60)
GRIDAPP_IMPORT_SOFT_TIME_LIMIT = env_int("GRIDAPP_IMPORT_SOFT_TIME_LIMIT", 50 * 60)
GRIDAPP_IMPORT_TIME_LIMIT = env_int("GRIDAPP_IMPORT_TIME_LIMIT", 55 * 60)
for _soft, _hard in (
    ("CELERY_TASK_SOFT_TIME_LIMIT", "CELERY_TASK_TIME_LIMIT"),
    ("GRIDAPP_IMPORT_SOFT_TIME_LIMIT", "GRIDAPP_IMPORT_TIME_LIMIT"),
):
    if not 0 < globals()[_soft] < globals()[_hard]:
        raise ImproperlyConfigured(f"{_soft} must be at least 1 and less than {_hard} (seconds)")
# One task at a time from the broker: one not started is never lost with its worker, nor a reminder
# held behind a long import. (Redis re-delivers a dead worker's late-acked task after the
# visibility timeout, which must outlast every hard limit: system check gridapp.E002.)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# --- logging (docs/operations.md, "Health and logs") -------------------------------------------
# JSON lines in production (one object a line: time, level, logger, message, request id, user id;
# gridapp.access adds method, path, status and duration), plain text in development. Both
# formatters blank anything shaped like an ID number or a mobile number (gridapp.ops.logs).
GRIDAPP_LOG_FORMAT = os.environ.get("GRIDAPP_LOG_FORMAT", "").strip().lower() or ("plain" if DEBUG else "json")
if GRIDAPP_LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"GRIDAPP_LOG_FORMAT must be json or plain, not {GRIDAPP_LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "gridapp.ops.logs.PlainFormatter"},
        "json": {"()": "gridapp.ops.logs.JsonFormatter"},
    },
    "filters": {"request": {"()": "gridapp.ops.logs.RequestContextFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": GRIDAPP_LOG_FORMAT, "filters": ["request"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # gridapp.security: every log-in, failed log-in, lockout, two-factor check and ended session.
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "gridapp.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},  # its INFO lines repeat what gridapp.security says
        # One line per request (gridapp.ops.middleware.RequestLogMiddleware); in development
        # runserver already prints one.
        "gridapp.access": {"level": "WARNING" if DEBUG else "INFO"},
        # Django's own "Not Found: …" lines repeat what gridapp.access and gridapp.security say.
        "django.request": {"level": "ERROR"},
    },
}

GRIDAPP_PAGE_SIZE = env_int("GRIDAPP_PAGE_SIZE", 50)
# Used in e-mails and webhook messages to link back to a page.
GRIDAPP_SITE_URL = os.environ.get("GRIDAPP_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


# Group robots (gridapp/notify/allowlist.py): staff may only set an https address on one of these
# hosts (WeCom's and DingTalk's by default), and the worker posts to nothing else. Empty: none.
GRIDAPP_WEBHOOK_HOSTS = env_hosts("GRIDAPP_WEBHOOK_HOSTS", ["qyapi.weixin.qq.com", "oapi.dingtalk.com"])
# Only the tests turn this off, for a robot on 127.0.0.1 without TLS; not read from the environment.
GRIDAPP_WEBHOOK_HTTPS_ONLY = True
# API clients' webhooks (outgoing case events, docs/api.md): the same rules as the group robots,
# with hosts of their own (the hotline's server, the district platform). Empty: no events leave.
GRIDAPP_EVENT_HOSTS = env_hosts("GRIDAPP_EVENT_HOSTS", [])

# Register imports (gridapp/imports): uploads are kept in MEDIA_ROOT/imports (private, like the
# photos), where the Celery worker reads them.
GRIDAPP_IMPORT_MAX_BYTES = env_int("GRIDAPP_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
GRIDAPP_IMPORT_MAX_ROWS = env_int("GRIDAPP_IMPORT_MAX_ROWS", 200_000)
# Files of up to this many rows are checked and imported within the request; larger ones by Celery.
GRIDAPP_IMPORT_INLINE_ROWS = env_int("GRIDAPP_IMPORT_INLINE_ROWS", 2000)
GRIDAPP_IMPORT_MAX_ERRORS = 1000  # errors kept and shown per import (the total is counted)
# Large imports have a queue of their own, taken by a worker of their own in production (the
# Procfile, deploy/), so an hour-long import never delays the 07:30 reminders. Empty: the default queue.
GRIDAPP_IMPORT_QUEUE = os.environ.get("GRIDAPP_IMPORT_QUEUE", "imports").strip() or None
# An import with no progress for this long is marked failed by a beat job (fail_stuck_imports):
# its worker died, its transaction was rolled back, and the staff may run it again.
GRIDAPP_IMPORT_STUCK_MINUTES = env_int("GRIDAPP_IMPORT_STUCK_MINUTES", 30)

# Retention (docs/security.md, "3. Retention"), days after a resident or household was archived:
# health notes and emergency contact erased after the first, the person anonymised after the
# second (gridapp.register.retention, run daily by beat).
GRIDAPP_RETENTION_SENSITIVE_DAYS = env_int("GRIDAPP_RETENTION_SENSITIVE_DAYS", 183)
GRIDAPP_RETENTION_IDENTITY_DAYS = env_int("GRIDAPP_RETENTION_IDENTITY_DAYS", 3 * 365 + 1)
if not 1 <= GRIDAPP_RETENTION_SENSITIVE_DAYS <= GRIDAPP_RETENTION_IDENTITY_DAYS:
    raise ImproperlyConfigured(
        "GRIDAPP_RETENTION_SENSITIVE_DAYS must be at least 1 and at most GRIDAPP_RETENTION_IDENTITY_DAYS"
    )

# --- production run mode: queues, request size, health (docs/operations.md) ---------------------
# All but the imports run on Celery's default queue ("celery": reminders, deliveries, periodic jobs).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"gridapp.imports.*": {"queue": GRIDAPP_IMPORT_QUEUE or CELERY_TASK_DEFAULT_QUEUE}}
# The largest request body accepted: six visit photos of 10 MB (gridapp.core.forms) and the form,
# or one register file. A larger one gets the "too large" page (413) before it is read; nginx's
# client_max_body_size (deploy/nginx) must be larger still, so that the page is ours.
GRIDAPP_MAX_REQUEST_BYTES = env_int("GRIDAPP_MAX_REQUEST_BYTES", 64 * 1024 * 1024)
# /healthz fails when the newest worker heartbeat (run every minute by beat) is older than this,
# or when more tasks than this wait in one queue.
GRIDAPP_HEALTH_HEARTBEAT_MAX_AGE = env_int("GRIDAPP_HEALTH_HEARTBEAT_MAX_AGE", 5 * 60)
GRIDAPP_HEALTH_MAX_QUEUED = env_int("GRIDAPP_HEALTH_MAX_QUEUED", 1000)
# Hazards (隐患): days from finding or the last recheck to the next recheck, by risk level.
HAZARD_RECHECK_DAYS = {"high": 3, "medium": 7, "low": 14}
