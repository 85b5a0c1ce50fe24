"""Discovery and the services: the case categories staff manage (``cases.models.Category``), each
a service whose ``service_code`` is the category's id. No category asks questions of its own, so
every definition has an empty attribute list and ``metadata`` is false."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import Category

from . import render
from .base import endpoint
from .params import Problem

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-08T00:00:00+08:00"  # when what this endpoint offers last changed


@endpoint()
def discovery(request, fmt):
    url = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit("/", 1)[0] + "/"
    endpoint_row = [
        ("specification", SPECIFICATION),
        ("url", url),
        ("changeset", CHANGESET),
        ("type", "production"),
        ("formats", render.Nest("format", ["text/xml", "application/json"])),
    ]
    rows = [
        ("changeset", CHANGESET),
        ("contact", _("The town's grid management office")),
        ("key_service", _("Ask the town's administrator to register your system as an API client.")),
        ("endpoints", render.Nest("endpoint", [endpoint_row])),
    ]
    return render.answer(fmt, "discovery", None, rows)


def _service(category):
    return [
        ("service_code", str(category.pk)),
        ("service_name", category.name),
        ("description", category.promise),
        ("metadata", False),
        ("type", "realtime"),
        ("keywords", ""),
        ("group", _("Cases")),
    ]


def category(code):
    """The active category ``code`` names, or a 404 in the specification's format."""
    if not (code.isascii() and code.isdigit()) or len(code) > 9:
        raise Problem(404, _("service_code: no such service."))
    found = Category.objects.filter(pk=int(code), active=True).first()
    if found is None:
        raise Problem(404, _("service_code: no such service."))
    return found


@endpoint()
def service_list(request, fmt):
    rows = [_service(c) for c in Category.objects.filter(active=True).order_by("name", "pk")]
    return render.answer(fmt, "services", "service", rows)


@endpoint()
def service_definition(request, fmt, code):
    found = category(code)
    rows = [("service_code", str(found.pk)), ("attributes", render.Nest("attribute", []))]
    return render.answer(fmt, "service_definition", None, rows)
