"""A minimal Django project around django-helpdesk, for the side-by-side benchmark only
(bench/peer_helpdesk/README.md). Never imported by gridapp; runs in its own virtualenv."""

import os
from urllib.parse import urlsplit

BENCH_SUFFIX = "_bench"
DATABASE_URL = os.environ.get("PEER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gridapp_peer_helpdesk_bench")
_url = urlsplit(DATABASE_URL)
_name = _url.path.lstrip("/")
if not _name.endswith(BENCH_SUFFIX):
    raise SystemExit(
        f"Refusing the database {_name!r}: the helpdesk peer fills and empties its own database, "
        f"whose name must end in {BENCH_SUFFIX!r} (PEER_DATABASE_URL)."
    )

SECRET_KEY = "peer-helpdesk-bench-only-not-a-secret"  # noqa: S105 - a throwaway benchmark project
DEBUG = os.environ.get("PEER_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "helpdesk_site.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "helpdesk_site.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _name,
        "USER": _url.username or "postgres",
        "PASSWORD": _url.password or "",
        "HOST": _url.hostname or "127.0.0.1",
        "PORT": str(_url.port or 5432),
        "CONN_MAX_AGE": 600,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
MEDIA_ROOT = os.environ.get("PEER_MEDIA_ROOT", "/tmp/peer-helpdesk-media")  # noqa: S108 - benchmark only
LOGIN_URL = "/login/"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# django-helpdesk's defaults, except that staff see every queue (one helpdesk, one team).
HELPDESK_DEFAULT_SETTINGS = {"use_email_as_submitter": True, "email_on_ticket_assign": False}
HELPDESK_KB_ENABLED = True
# Teams mode needs pinax-teams (the "teams" extra); off, as in helpdesk's own standalone setup.
HELPDESK_TEAMS_MODE_ENABLED = False
