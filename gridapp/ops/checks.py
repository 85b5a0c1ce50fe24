"""``manage.py check --deploy``: what a production install must have set beyond Django's own
list (docs/operations.md, "Configure"). Each warning names the variable that fixes it."""

from django.conf import settings
from django.core import checks

CONSOLE_BACKENDS = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)


def _warning(id_, message, hint):
    return checks.Warning(message, hint=hint, id=id_)


@checks.register(checks.Tags.security, deploy=True)
def production_services(app_configs, **kwargs):
    found = []
    if settings.EMAIL_BACKEND in CONSOLE_BACKENDS:
        found.append(
            _warning(
                "gridapp.W101",
                "E-mail is not configured: reminders are written to the log instead of sent.",
                "Set EMAIL_URL (smtp://user:password@host:587/?tls=true) and DEFAULT_FROM_EMAIL.",
            )
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        found.append(
            _warning(
                "gridapp.W102",
                "The database is the embedded SQLite file.",
                "Set DATABASE_URL=postgres://… (backups, concurrent workers and imports need PostgreSQL).",
            )
        )
    if settings.CELERY_BROKER_URL.startswith(("filesystem://", "memory://")):
        found.append(
            _warning(
                "gridapp.W103",
                "Celery's broker is the embedded filesystem queue.",
                "Set CELERY_BROKER_URL=redis://127.0.0.1:6379/0.",
            )
        )
    if not settings.GRIDAPP_SITE_URL.startswith("https://"):
        found.append(
            _warning(
                "gridapp.W104",
                "GRIDAPP_SITE_URL is not an https address: links in e-mails would point elsewhere.",
                "Set GRIDAPP_SITE_URL to the address people open, e.g. https://grid.example.cn.",
            )
        )
    if settings.SECURE_SSL_REDIRECT and settings.GRIDAPP_TRUSTED_PROXY_COUNT == 0:
        found.append(
            _warning(
                "gridapp.W105",
                "No reverse proxy is configured, so gridapp cannot tell an https request from an http one "
                "and would redirect every request.",
                "Behind nginx (deploy/nginx/gridapp.conf) set GRIDAPP_TRUSTED_PROXY_COUNT=1.",
            )
        )
    return found
