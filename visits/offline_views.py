"""The worker's phone without signal: the pack it keeps (``visits.offline``), the page that shows
the visits waiting to send and draws the visit form from the pack, and the endpoint each queued
visit is sent to. The endpoint answers JSON the queued item shows; it validates with the visit
form and saves with the visit service, as the form does (``views.save_visit``)."""

import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from gridapp import scope
from gridapp.accounts import security
from gridapp.core import display
from gridapp.core.forms import id_param

from . import offline, services
from . import scope as visit_scope
from .forms import FOLLOW_UP_PRESETS, VisitForm
from .models import Purpose, Visit
from .views import save_visit


def _answer(status, http_status, message="", **extra):
    return JsonResponse(
        {"status": status, "message": str(message), **extra}, status=http_status, encoder=DjangoJSONEncoder
    )


class _JsonCsrf(CsrfViewMiddleware):
    """Django's CSRF check, answering JSON: a queued visit sent with a token gone stale (the phone
    logged in again since the page loaded) shows why on its item instead of a 403 page."""

    def _reject(self, request, reason):
        security.log_denied(request, 403, f"CSRF: {reason}")
        return _answer(
            "csrf", 403, _("This page is out of date. Reload it (log in again if asked); the visit stays queued.")
        )


json_csrf_protect = decorator_from_middleware(_JsonCsrf)


@require_safe
def offline_page(request):
    """The visits waiting to send, and the visit form drawn from the pack when there is no
    signal (the service worker keeps this page and shows it for any page it cannot fetch)."""
    return render(
        request,
        "visits/offline.html",
        {
            "photo_max_mb": offline.OFFLINE_PHOTO_MAX_BYTES // (1024 * 1024),
            "max_photos": offline.OFFLINE_MAX_PHOTOS,
            "purposes": Purpose.choices,
            "follow_up_presets": FOLLOW_UP_PRESETS,
        },
    )


@require_safe
@never_cache
def offline_pack(request):
    """The pack for the logged-in grid worker's own grids; anyone else has none (403)."""
    if not scope.for_user(request.user).worker_grid_ids:
        raise PermissionDenied("Only grid workers keep an offline pack.")
    return JsonResponse(offline.pack(request.user, request.session), encoder=DjangoJSONEncoder)


def _target(request):
    """The household or shop the queued visit names, with archived ones of the user's grids
    (archived meanwhile is a conflict, not a 404); None outside the user's scope."""
    kind, pk = request.POST.get("target"), id_param(request.POST.get("target_id", ""))
    listing = {"household": scope.households, "shop": scope.shops}.get(kind)
    if listing is None or pk is None:
        return kind, None
    return kind, listing(request.user, include_archived=True).filter(pk=pk).first()


def _posted_ids(request, prefix, *, non_empty=True):
    ids = set()
    for key, value in request.POST.items():
        rest = key.removeprefix(prefix)
        if rest != key and (value or not non_empty) and (pk := id_param(rest)) is not None:
            ids.add(pk)
    return ids


def _conflicts(request, form):
    """What changed since the phone's pack: residents recorded who have left, follow-ups ticked
    as settled that someone else closed. Each is a sentence the item shows."""
    found = []
    listed = {resident.pk for resident in form.listed_residents()}
    gone = _posted_ids(request, "resident_") - listed
    for resident in scope.residents(request.user, include_archived=True).filter(pk__in=gone):
        found.append(_("%(name)s no longer lives here (moved out or archived).") % {"name": resident.name})
    open_ids = {follow_up.pk for follow_up, _name in form.open_follow_ups}
    closed = _posted_ids(request, "close_follow_up_") - open_ids
    for follow_up in visit_scope.follow_ups(request.user).filter(pk__in=closed, done_at__isnull=False):
        found.append(
            _("The follow-up “%(what)s” was already closed by %(who)s on %(when)s.")
            % {
                "what": follow_up.what,
                "who": display.person(follow_up.done_by) or "—",
                "when": formats.date_format(timezone.localtime(follow_up.done_at), "SHORT_DATETIME_FORMAT"),
            }
        )
    return found


def _errors(form):
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return messages


def _client_id(request):
    try:
        return uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        return None


@login_not_required  # a session that ended answers JSON (the item says so), not the log-in page
@csrf_exempt  # checked by json_csrf_protect, which answers JSON
@require_POST
@json_csrf_protect
def queued_visit(request):
    """One visit from the phone's queue. Answers: saved (also when it was saved before: the same
    answer however often it arrives), a conflict to show on the item, invalid, or not found."""
    if not request.user.is_authenticated:
        return _answer("login", 401, _("Your session has ended. Log in again; the visit stays queued on this phone."))
    client_id = _client_id(request)
    if client_id is None:
        return _answer("invalid", 400, _("This queued visit has no valid id."), errors=[])
    existing = Visit.objects.filter(client_id=client_id).first()
    if existing is not None:
        return _existing(existing, request.user)
    kind, target = _target(request)
    if target is None:
        security.log_denied(request, 404, f"No {kind} {request.POST.get('target_id')!r} in scope")
        return _answer("not_found", 404, _("This household or shop is not in your grid; the visit was not saved."))
    if target.archived_at is not None:
        return _answer(
            "conflict",
            409,
            _("%(place)s was archived (moved out) on %(date)s; the visit was not saved.")
            % {"place": target.address, "date": formats.date_format(timezone.localtime(target.archived_at))},
            todo=_("Tell community staff if the visit matters, then discard it here."),
            can_send_anyway=False,
        )
    household, shop = (target, None) if kind == "household" else (None, target)
    form = VisitForm(request.POST, request.FILES, user=request.user, household=household, shop=shop)
    conflicts = _conflicts(request, form)
    if conflicts and request.POST.get("send_anyway") != "1":
        return _answer(
            "conflict",
            409,
            " ".join(conflicts),
            todo=_("Save it without these parts, or discard it."),
            can_send_anyway=True,
        )
    if not form.is_valid():
        return _answer(
            "invalid",
            400,
            _("The visit was not saved:"),
            errors=_errors(form),
            todo=_("Open the visit form online to log it again, then discard this item."),
        )
    try:
        visit, created = save_visit(form, worker=request.user, household=household, shop=shop)
    except services.ClientIdTaken:
        return _taken()
    return _answer("saved", 201 if created else 200, _("Sent."), url=visit.get_absolute_url(), already=not created)


def _existing(visit, user):
    if visit.worker_id != user.pk:
        return _taken()
    return _answer("saved", 200, _("Sent."), url=visit.get_absolute_url(), already=True)


def _taken():
    return _answer(
        "conflict",
        409,
        _("This visit's id belongs to another visit, which was left as it was; this one was not saved."),
        todo=_("Discard it and log the visit again."),
        can_send_anyway=False,
    )
