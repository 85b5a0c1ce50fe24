"""What every API view shares: the client's language, errors as JSON in it, pages of results, and
writing what personal data was read to the access log."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler

from gridapp.accounts import privacy, security
from gridapp.core import versions

MAX_PAGE_SIZE = 200


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


def language_of(request):
    """The client's language from Accept-Language, when it is one of ours; else zh-hans. (The
    pages ignore the header on purpose, docs/architecture.md; a system asking in English is
    answered in English.)"""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _q in translation.trans_real.parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class Conflict(exceptions.APIException):
    """The record changed since the version the client sent: nothing was saved. ``current`` is
    what it is now, so the client can decide again without another request."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, detail, current):
        super().__init__(detail)
        self.current = current


class ApiView:
    """Mixed into every API view: answers in the client's language, rendered inside it."""

    def dispatch(self, request, *args, **kwargs):
        language = language_of(request)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and getattr(response, "accepted_renderer", None):
                response.render()  # lazy labels become words in the client's language, here
        response["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language",))
        return response

    def log_read(self, seen, subject):
        """Write the access-log entries of the personal data this response carries
        (``privacy.log_views``: one per resident or community, repeats within minutes once)."""
        privacy.log_views(
            by=self.request.user,
            action=privacy.DataAccess.API_READ,
            seen=seen,
            subject=f"API: {subject}",
            ip=security.client_ip(self.request),
        )


def handle_exception(exc, context):
    """DRF's answer, in one shape: ``{"detail", "code"}``, plus ``errors`` (field → messages) for
    bad input and ``current`` for a conflict. The scope's own 404 and 403 messages name models
    and ids for the security log, not for clients: they answer DRF's plain, translated words."""
    request = context.get("request")
    if isinstance(exc, Http404):
        security.log_denied(request, 404, exc)
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        security.log_denied(request, 403, exc)
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, exceptions.NotFound | exceptions.PermissionDenied) and request is not None:
        security.log_denied(request, exc.status_code, exc)
    elif isinstance(exc, versions.Changed):
        exc = Conflict(_("Someone changed this record since you loaded it. Nothing was saved."), None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": _("Some of what was sent is not valid."), "code": "invalid", "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"detail": str(detail), "code": getattr(detail, "code", exc.default_code)}
        if isinstance(exc, Conflict) and exc.current is not None:
            response.data["current"] = exc.current
    return response


def invalid(field, message):
    """A 400 naming the field."""
    return exceptions.ValidationError({field: [message]})


def int_param(request, name):
    """An optional integer query parameter, or a 400 naming it."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise invalid(name, _("Enter a whole number.")) from None
    if not 0 < value < 2**31:
        raise invalid(name, _("Enter a whole number.")) from None
    return value


def resp(data, code=status.HTTP_200_OK):
    return Response(data, status=code)
