"""Reading the settings from the environment, loud on bad values (``gridapp.settings`` uses these;
nothing here imports Django's settings, so the settings module can)."""

import os
import re

from django.core.exceptions import ImproperlyConfigured


def read_env_file(path):
    """A developer's local defaults, one NAME=value a line (``make venv`` writes ``DEBUG=true`` to
    ``.env``, which git ignores), so ``manage.py`` works in a checkout without ``make``. A
    variable already set in the environment wins; a deployment has no such file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise ImproperlyConfigured(f"{path}: each line must be NAME=value, not {line!r}")
        os.environ.setdefault(name.strip(), value.strip())


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}")


def env_int(name, default, minimum=None):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}")
    return value


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_hosts(name, default):
    hosts = [host.lower().rstrip(".") for host in env_list(name, default)]
    if bad := [host for host in hosts if not re.fullmatch(r"[a-z0-9.-]+|[0-9a-f:.]+", host)]:
        raise ImproperlyConfigured(f"{name} lists host names separated by commas (oapi.dingtalk.com), not {bad[0]!r}")
    return hosts
