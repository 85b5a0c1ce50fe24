"""What every Open311 view shares: the format from the URL, the client from ``api_key`` (checked
by ``gridapp.accounts.api_keys``, like the API's key), its rate (the API's per-client budget),
the client's language, errors as the specification's list, and the access log."""

import functools
from types import SimpleNamespace

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gridapp.accounts import api_keys, privacy, security

from ..auth import ClientRateThrottle
from ..base import language_of
from . import render
from .params import Problem


def client_of(request, data=None):
    """The client whose ``api_key`` came with the request (query or body), or a 403."""
    key = (data or {}).get("api_key") or request.GET.get("api_key", "")
    if not key:
        raise Problem(403, _("api_key: send the key an administrator issued to your system."))
    try:
        client = api_keys.authenticate(key)
    except api_keys.Revoked:
        raise Problem(403, _("api_key: this key has been revoked.")) from None
    if client is None:
        raise Problem(403, _("api_key: this key is not valid."))
    throttle = ClientRateThrottle()
    if not throttle.allow_request(SimpleNamespace(auth=client), None):
        wait = int(throttle.wait() or 1)
        raise Problem(429, _("Too many requests: try again in %(seconds)d seconds.") % {"seconds": wait})
    return client


def endpoint(methods=("GET",)):
    """An Open311 view: ``view(request, fmt, **kwargs)`` answers in ``fmt`` (json or xml) and in
    the client's language; a Problem, a 404 or a 403 becomes the specification's error list."""

    def wrap(view):
        @csrf_exempt
        @login_not_required
        @functools.wraps(view)
        def serve(request, fmt, **kwargs):
            language = language_of(request)
            with translation.override(language):
                if request.method not in methods:
                    response = render.errors(
                        fmt, 405, _("This address does not take %(method)s.") % {"method": request.method[:10]}
                    )
                    response["Allow"] = ", ".join(methods)
                else:
                    response = _answer(view, request, fmt, kwargs)
            response["Content-Language"] = language
            patch_vary_headers(response, ("Accept-Language",))
            return response

        return serve

    return wrap


def _answer(view, request, fmt, kwargs):
    try:
        return view(request, fmt, **kwargs)
    except Problem as problem:
        if problem.status in (403, 404):
            security.log_denied(request, problem.status, problem)
        response = render.errors(fmt, problem.status, *problem.descriptions)
        if problem.status == 429:
            response["Retry-After"] = "60"
        return response
    except Http404 as exc:
        security.log_denied(request, 404, exc)
        return render.errors(fmt, 404, _("Not found."))
    except PermissionDenied as exc:
        security.log_denied(request, 403, exc)
        return render.errors(fmt, 403, _("You do not have permission to do this."))


def log_read(request, client, seen, subject):
    """The access-log entries of the personal data an answer carries, as the API writes them."""
    privacy.log_views(
        by=client.user,
        action=privacy.DataAccess.API_READ,
        seen=seen,
        subject=f"Open311: {subject}",
        ip=security.client_ip(request),
    )
