"""Headers and cookies under the production settings (DEBUG off): CSP with a nonce, HSTS for a
year, __Host- cookies, Referrer-Policy, no-store on personal data, and a clean check --deploy.

The production values are read from ``gridapp/settings.py`` in a fresh process with a production
environment, then applied here, so the requests below see exactly what production would send.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.gridapp.test_access import _png
from tests.gridapp.test_settings import CLEARED, PROJECT_ROOT, SETUP, start_django
from visits.models import VisitPhoto
from visits.services import log_visit

from .conftest import PASSWORD, attempt

HOST = "grid.example.cn"
SECURITY_SETTINGS = [
    "DEBUG",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REFERRER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS",
]
REPORT = SETUP + f"; import json; print(json.dumps({{n: getattr(settings, n) for n in {SECURITY_SETTINGS!r}}}))"


def production_env():
    """Production behind nginx, as docs/operations.md deploys it: the proxy says https."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        "GRIDAPP_TRUSTED_PROXY_COUNT": "1",
    }


def deployment_env():
    """Every variable of the settings checklist in docs/operations.md, as a town would set them
    (tests/ops/test_production_mode.py checks that the two lists agree)."""
    return {
        **production_env(),
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "GRIDAPP_SITE_URL": f"https://{HOST}",
        "DATABASE_URL": "postgres://gridapp:secret@127.0.0.1:5432/gridapp",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_URL": "smtp://gridapp%40example.cn:secret@smtp.example.cn:465/?ssl=true",
        "DEFAULT_FROM_EMAIL": "gridapp@example.cn",
        "GRIDAPP_VAR_DIR": "/var/lib/gridapp",
    }


def production_process_env(tmp_path, env=None):
    environment = {k: v for k, v in os.environ.items() if k not in (*CLEARED, "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environment.update(env or production_env())
    environment.update(DJANGO_SETTINGS_MODULE="gridapp.settings", GRIDAPP_VAR_DIR=str(tmp_path))
    return environment


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    result = start_django(tmp_path_factory.mktemp("var"), code=REPORT, **production_env())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def prod(settings, production):
    """This process's settings with production's security values; requests go over https."""
    for name, value in production.items():
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)
    settings.ALLOWED_HOSTS = [HOST]
    return Client(HTTP_HOST=HOST, headers={"X-Forwarded-Proto": "https"})


def test_production_cookies_are_host_prefixed_secure_httponly_and_lax(production):
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    for cookie in ("SESSION", "CSRF"):
        assert production[f"{cookie}_COOKIE_SECURE"] is True
        assert production[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert production[f"{cookie}_COOKIE_SAMESITE"] == "Lax"


def test_production_sends_everything_over_https_with_a_year_of_hsts(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_the_session_cookie_is_a_secure_httponly_lax_host_cookie(prod, wu):
    response = attempt(prod, "wu", PASSWORD)
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/" and not cookie["domain"]  # what browsers demand of __Host-


def test_the_csrf_cookie_is_a_secure_httponly_lax_host_cookie(prod):
    cookie = prod.get(reverse("login")).cookies["__Host-csrftoken"]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/" and not cookie["domain"]


def test_plain_http_is_redirected_to_https(prod):
    response = Client(HTTP_HOST=HOST).get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_hsts_lasts_a_year(prod):
    assert prod.get(reverse("login"))["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_referrer_policy_and_framing(prod):
    response = prod.get(reverse("login"))
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def csp_of(response):
    return dict(
        (part.strip().split(" ", 1) + [""])[:2]
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )


def test_the_content_security_policy(prod, wu):
    prod.force_login(wu)
    policy = csp_of(prod.get(reverse("home")))
    assert policy["default-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[A-Za-z0-9+/=]{20,}'", policy["script-src"])


def test_every_script_carries_this_response_s_nonce(prod, wu):
    prod.force_login(wu)
    first, second = prod.get(reverse("home")), prod.get(reverse("home"))
    nonce = re.search(r"'nonce-([^']+)'", first["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script\b[^>]*>", first.content.decode())
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert nonce not in second["Content-Security-Policy"]  # a new nonce for every response


def test_no_template_has_an_inline_script():
    """Inline code would need the nonce (and is easy to get wrong); scripts live in static/."""
    inline = []
    for template in Path(PROJECT_ROOT, "templates").rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            if "src=" not in tag:
                inline.append(f"{template.relative_to(PROJECT_ROOT)}: {tag}")
    assert inline == []


def test_a_page_with_personal_data_is_never_cached(prod, wu, ren):
    prod.force_login(wu)
    response = prod.get(reverse("resident_detail", args=[ren.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_visit_photo_is_never_cached(prod, wu, ren):
    """A photo of a door, a face or a document is personal data like the page it belongs to."""
    visit, _ = log_visit(
        worker=wu, client_id=uuid.uuid4(), visited_at=timezone.now(), household=ren.household, conditions={ren: "well"}
    )
    photo = VisitPhoto.objects.create(visit=visit, image=SimpleUploadedFile("door.png", _png(), "image/png"))
    prod.force_login(wu)
    response = prod.get(reverse("visit_photo", args=[photo.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_every_page_of_a_logged_in_user_is_never_cached(prod, staff):
    prod.force_login(staff)
    assert "no-store" in prod.get(reverse("inbox"))["Cache-Control"]


def test_static_files_may_be_cached(prod):
    response = prod.get("/static/css/gridapp.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_check_deploy_finds_nothing(tmp_path):
    """With the settings checklist of docs/operations.md, nothing is left to fix."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env=production_process_env(tmp_path, deployment_env()),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in result.stderr and "?:" not in result.stdout
