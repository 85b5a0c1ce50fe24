"""Log-in security: the client's address, the lockout page, the session's clock and two-factor
state, and the log of every log-in attempt (logger ``gridapp.security``; never a password).

The receivers at the bottom are connected in ``GridappConfig.ready``.
"""

import ipaddress
import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from gridapp import scope

log = logging.getLogger("gridapp.security")

# Session keys (seconds since the epoch, so they survive the JSON serializer).
LOGIN_AT = "gridapp_login_at"
SEEN_AT = "gridapp_seen_at"
# What the user still owes before anything else: a code from their authenticator (OTP_VERIFY),
# or setting one up because the policy requires it (OTP_ENROL). Absent: nothing.
OTP_STATE = "gridapp_otp"
OTP_VERIFY = "verify"
OTP_ENROL = "enrol"
# The user logged in with a temporary password and must choose their own before anything else
# (gridapp.accounts.middleware.PasswordChangeRequiredMiddleware).
MUST_CHANGE_PASSWORD = "gridapp_must_change_password"  # noqa: S105 (a session key)

# A form sent after the session had ended, or refused for its CSRF token, whose draft the phone
# kept (static/js/drafts.js sends DRAFT_FIELD, the id of the user it keeps the draft for): the
# page to go back to, why and for whom. Back on that page, logged in as that user, they are told
# why it was not saved (announce_kept_form); what they typed is laid back by drafts.js.
KEPT_FORM = "gridapp_kept_form"
DRAFT_FIELD = "gridapp_draft"
KEPT_EXPIRED = "expired"
KEPT_CSRF = "csrf"
KEPT_MESSAGES = {
    KEPT_EXPIRED: _(
        "Your log-in had expired, so the form you sent was not saved. What you typed has been kept "
        "on this phone: check it and send it again."
    ),
    KEPT_CSRF: _(
        "The form you sent was not saved because its page had expired. What you typed has been kept "
        "on this phone: check it and send it again."
    ),
}


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the address our own proxies saw when
    GRIDAPP_TRUSTED_PROXY_COUNT says how many stand in front (each appends to X-Forwarded-For;
    anything to the left of theirs was written by the client and proves nothing)."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.GRIDAPP_TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                log.warning("unusable X-Forwarded-For entry %r; using REMOTE_ADDR", candidate[:64])
    return remote


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE), in the user's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def now():
    return int(time.time())


def needs_otp(user):
    """Whether the security policy makes two-factor authentication compulsory for ``user``:
    when switched on, for community staff, admins and anyone who may enter the Django admin."""
    from gridapp.models import SecurityPolicy

    if not SecurityPolicy.current().require_otp_for_staff:
        return False
    if user.is_staff or user.is_superuser:
        return True
    user_scope = scope.for_user(user)
    return user_scope.is_admin or user_scope.is_staff


def otp_state(user):
    from django_otp import user_has_device

    if user_has_device(user):
        return OTP_VERIFY  # whoever set up an authenticator uses it, required or not
    if needs_otp(user):
        return OTP_ENROL
    return None


def set_otp_state(session, user):
    state = otp_state(user)
    if state:
        session[OTP_STATE] = state
    else:
        session.pop(OTP_STATE, None)


def _username(value):
    # repr() keeps a username with a line break or control character on one log line.
    return repr(str(value)[:150]) if value else "-"


def log_denied(request, status, reason):
    """One line per refused request: who, what, where and why. The path only, never the query
    string (a search may hold a phone or ID number); the reason is the exception's message
    (e.g. "No household 12 in scope"), which names models and ids, never personal data."""
    user = getattr(request, "user", None)
    username = user.get_username() if user is not None and user.is_authenticated else None
    reason = str(reason) or type(reason).__name__
    log.warning(
        "access denied: status=%s user=%s method=%s path=%r reason=%r",
        status,
        _username(username),
        request.method,
        request.path[:300],
        reason[:300],
    )


def keep_form(request, why):
    """Whether the refused ``request`` was a form whose draft the phone keeps; if so the session
    remembers where to tell its user why it was not saved. Nothing of the form is stored here:
    the phone has it all (but the photos)."""
    if request.method != "POST" or not hasattr(request, "session"):
        return False
    try:
        owner = request.POST.get(DRAFT_FIELD)
    except Exception:  # noqa: BLE001 (an unreadable body is no draft; the refusal stands)
        return False
    if not owner or not owner.isascii() or not owner.isdigit():
        return False
    request.session[KEPT_FORM] = {"path": request.get_full_path(), "why": why, "user": owner}
    return True


def announce_kept_form(request):
    """On the page of a form kept by ``keep_form``, opened by its user (once logged in and past
    the two-factor and password steps): say why what they see was not saved. Once."""
    session = request.session
    kept = session.get(KEPT_FORM)
    if kept is None or request.method != "GET" or kept.get("path") != request.get_full_path():
        return
    if session.get(MUST_CHANGE_PASSWORD) or (session.get(OTP_STATE) and not request.user.is_verified()):
        return  # not on the form yet: those pages come first
    del session[KEPT_FORM]
    if kept.get("user") == str(request.user.pk) and kept.get("why") in KEPT_MESSAGES:
        messages.warning(request, KEPT_MESSAGES[kept["why"]])


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: log the refusal and explain it in the user's language, with a way back
    to the form; a form whose draft the phone keeps is announced there (``keep_form``). The
    usual causes are harmless: a log-in in another tab changed the token, cookies were cleared,
    the page was opened before the session ended."""
    log_denied(request, 403, f"CSRF: {reason}")
    user = getattr(request, "user", None)
    context = {
        "kept": keep_form(request, KEPT_CSRF),
        # The form's page (each posts to itself); "//host" would be another site's address.
        "back": "/" + request.get_full_path().lstrip("/") if request.method == "POST" else None,
        "logged_in": user is not None and user.is_authenticated,
    }
    return render(request, "403_csrf.html", context, status=403)


def on_logged_in(sender, request, user, **kwargs):
    stamp = now()
    request.session[LOGIN_AT] = stamp
    request.session[SEEN_AT] = stamp
    set_otp_state(request.session, user)
    from gridapp.models import PasswordChangeRequired

    if PasswordChangeRequired.objects.filter(user=user).exists():
        request.session[MUST_CHANGE_PASSWORD] = True
    log.info("login succeeded: user=%s ip=%s", _username(user.get_username()), client_ip(request) or "-")


def _failed_username(value):
    """A failed log-in's username as logged: as typed when such an account exists; otherwise a
    keyed digest, the same for the same text (so repeated tries still line up), because what
    lands in the username box by mistake is often a password, a phone or an ID number."""
    if not value:
        return "-"
    user_model = get_user_model()
    if user_model._default_manager.filter(**{user_model.USERNAME_FIELD: str(value)[:150]}).exists():
        return _username(value)
    return "unknown:" + salted_hmac("gridapp.security.failed_username", str(value)).hexdigest()[:12]


def axes_username(request, credentials=None):
    """AXES_USERNAME_CALLABLE: the username a log-in attempt is recorded and locked out under, as
    typed but cut to the longest an account can have. Django checks the username's length only
    after trying it, and django-axes' table holds 255 characters: on PostgreSQL a longer one was
    a server error instead of a failed attempt."""
    data = credentials if credentials else getattr(request, "data", request.POST)  # as django-axes reads it
    value = data.get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(value, str):
        return value
    user_model = get_user_model()
    return value[: user_model._meta.get_field(user_model.USERNAME_FIELD).max_length]


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in ``credentials``; only the username is read.
    username = credentials.get(get_user_model().USERNAME_FIELD)
    ip = client_ip(request) if request is not None else None
    locked_out = bool(getattr(request, "axes_locked_out", False))
    log.warning("login failed: user=%s ip=%s locked_out=%s", _failed_username(username), ip or "-", locked_out)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        log.info("logout: user=%s ip=%s", _username(user.get_username()), client_ip(request) or "-")


def on_user_saved(sender, instance, created, update_fields=None, **kwargs):
    """Deactivating a user ends their sessions at once (their next request meets the log-in page).

    Every save of an inactive user deletes their sessions (none, usually), so the previous value
    of ``is_active`` is never loaded. A queryset ``update(is_active=False)`` sends no signal, but
    Django already refuses inactive users on every request (ModelBackend.get_user).
    """
    if created or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    from .sessions import end_sessions

    end_sessions([instance], reason="deactivated")


def connect():
    user_logged_in.connect(on_logged_in, dispatch_uid="gridapp.security.logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="gridapp.security.login_failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="gridapp.security.logged_out")
    post_save.connect(on_user_saved, sender=get_user_model(), dispatch_uid="gridapp.security.user_saved")
