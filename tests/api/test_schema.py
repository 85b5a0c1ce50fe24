"""The OpenAPI schema is valid (drf-spectacular's own validation, warnings as failures), names
every endpoint of the API, and its docs page loads Swagger UI from our own origin under the CSP."""

import io
import re

import yaml
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver


def _api_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("api/") or "api/".startswith(route):
                yield from _api_routes(entry, route)
        elif isinstance(entry, URLPattern) and route.startswith("api/v1/"):
            yield route


def _schema():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return yaml.safe_load(out.getvalue())


def test_the_schema_is_valid_and_names_every_endpoint(db):
    paths = _schema()["paths"]
    routes = set(_api_routes())
    assert routes, "no API routes found"
    expected = set()
    for route in routes:
        # DRF's regex routes: ^api/v1/cases/(?P<pk>[^/.]+)/actions/(?P<action_name>…)/$ → /api/v1/cases/{id}/…
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "{id}" if m[1] == "pk" else f"{{{m[1]}}}", route)
        expected.add("/" + path.replace("^", "").replace("$", ""))
    assert expected == set(paths)
    assert {"get", "post"} <= set(paths["/api/v1/visits/"])
    assert set(paths["/api/v1/cases/{id}/actions/{action_name}/"]) == {"post"}
    assert set(paths["/api/v1/residents/"]) == {"get"}  # the register is read-only


def test_the_schema_and_docs_are_served_to_anyone(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/cases/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "cdn" not in page.lower() and "swagger-ui-bundle.js" in page
    assert "<style>" not in page and "<script>" not in page  # nothing inline: the CSP allows none
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
