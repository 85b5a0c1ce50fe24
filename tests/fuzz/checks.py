"""The properties every submission must keep, and the means to check them cheaply.

- No server error (the test client re-raises a view's exception, so one fails the example).
- No markup of the submission's making in any page: no event-handler attribute, no script
  without a ``src`` (the site's own scripts are all files), no ``javascript:`` link, no frame,
  nothing carrying the payloads' ``data-fuzz`` marker. Escaped text can hold none of these.
- A redirect never leaves the site.
- An answer that did not accept the submission left the data unchanged: every row of every
  table of gridapp, visits and cases (history tables and many-to-many tables included) and the
  users, compared in full whenever the request wrote to any of them.
- An accepted submission changed nothing outside the user's grids.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection

from cases.models import Case
from gridapp import scope
from gridapp.models import Building, Household, Resident, Shop, UserSession
from visits.models import Campaign, FollowUp, Visit

# --- the pages' markup ----------------------------------------------------------------------------

# (The admin draws its icons with inline SVG, so <svg> itself is allowed; an injected one carries
# an event handler or the data-fuzz marker.)
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        names = {name for name, _ in attrs}
        where = self.getpos()
        if tag in FORBIDDEN_TAGS and not (tag == "meta" and names <= {"charset", "name", "content"}):
            self.problems.append(f"<{tag}> at {where}")
        if tag == "script" and "src" not in names and dict(attrs).get("type") != "application/json":
            self.problems.append(f"inline <script> at {where}")
        for name, value in attrs:
            if name.startswith("on") or name == "data-fuzz" or name == "style" and "expression(" in (value or ""):
                self.problems.append(f"<{tag} {name}=…> at {where}")
            if name in URL_ATTRIBUTES and value:
                cleaned = "".join(ch for ch in value if ch > " ").lower()
                if cleaned.startswith(BAD_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value[:40]!r}> at {where}")


def markup_problems(html):
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser.problems


def check_page(response, what):
    """A page (or a file) as served: no injected markup; files are never served as HTML."""
    content_type = response.get("Content-Type", "")
    if response.status_code in (301, 302, 303):
        check_redirect(response, what)
        return
    if "text/html" in content_type:
        problems = markup_problems(response.content.decode("utf-8", "replace"))
        assert not problems, f"{what}: markup from the submission in the page: {problems[:5]}"


def check_redirect(response, what):
    location = response["Location"]
    # As a browser reads it: control characters and spaces dropped, backslashes as slashes.
    parts = urlsplit("".join(ch for ch in location if ch > " ").replace("\\", "/"))
    assert not parts.scheme and not parts.netloc, f"{what}: redirected off the site to {location[:200]!r}"


# --- the data ------------------------------------------------------------------------------------------


def watched_models():
    """Every table of the apps, with their history and many-to-many tables, and the users;
    not the session store (log-ins and the session's clock write it by design)."""
    models = [get_user_model()]
    for label in ("gridapp", "visits", "cases"):
        models += [m for m in apps.get_app_config(label).get_models(include_auto_created=True) if m is not UserSession]
    return models


class WriteWatch:
    """Notes whether a request wrote to a watched table; only then is the data compared in full."""

    def __init__(self, models):
        self.tables = tuple(f'"{m._meta.db_table}"' for m in models)
        self.writes = []

    def __call__(self, execute, sql, params, many, context):
        head = sql.lstrip()[:7].upper()
        if head.startswith(("INSERT", "UPDATE", "DELETE", "REPLACE")) and any(t in sql for t in self.tables):
            self.writes.append(sql[:200])
        return execute(sql, params, many, context)

    def __enter__(self):
        self.writes = []
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)


def snapshot(models):
    return {m._meta.label: list(m._base_manager.order_by("pk").values_list()) for m in models}


def differences(before, after):
    changed = []
    for label, rows in after.items():
        if rows != before[label]:
            old, new = set(before[label]), set(rows)
            changed.append(f"{label}: -{sorted(old - new, key=str)[:2]} +{sorted(new - old, key=str)[:2]}")
    return changed


# Where each register model's grid is: rows outside the user's grids must never change.
SCOPED = {
    Building: "grid",
    Household: "grid",
    Shop: "grid",
    Resident: "household__grid",
    Visit: "grid",
    FollowUp: "grid",
    Case: "grid",
    Campaign.grids.through: "grid",
}


def outside(user):
    """The rows outside ``user``'s grids, or None when the user's scope is not a set of grids."""
    if user is None:
        return None
    user_scope = scope.for_user(user)
    if user_scope.is_admin or not (user_scope.is_worker or user_scope.is_staff):
        return None
    grids = list(scope.grids(user).values_list("pk", flat=True))
    return {
        model._meta.label: list(model._base_manager.exclude(**{f"{path}__in": grids}).order_by("pk").values_list())
        for model, path in SCOPED.items()
    }
