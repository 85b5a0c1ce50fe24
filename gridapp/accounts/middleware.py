"""Language selection (Chinese unless the user picked another language with the switch), and the
session rules of gridapp.security: lifetime, the two-factor step, no caching of personal data."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import middleware as auth_middleware
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

from . import security


class LanguageMiddleware:
    """Activate the language from the language-switch cookie, else LANGUAGE_CODE (zh-hans).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the product
    is Chinese by default, including on a phone or an office PC whose browser is set to English;
    English is one tap away on every page and then sticks.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class SessionLifetimeMiddleware:
    """End a session 2 hours after its last request or 12 hours after its log-in, whichever
    comes first (GRIDAPP_SESSION_IDLE_TIMEOUT, GRIDAPP_SESSION_LIFETIME).

    The last-seen time is written at most once a minute, not on every request, so a page costs
    no extra query; the session row's own expiry (SESSION_COOKIE_AGE = the idle timeout) moves
    with it and ends a forgotten session even if no request ever comes to check it. The same
    minute tick re-reads the two-factor policy, so switching it on reaches sessions already open.
    """

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        if request.user.is_authenticated:
            security.announce_kept_form(request)
        return self.get_response(request)

    def _check(self, request):
        session = request.session
        now = security.now()
        login_at, seen_at = session.get(security.LOGIN_AT), session.get(security.SEEN_AT)
        if login_at is None or seen_at is None:
            reason = "no login time"  # a session from before these checks existed
        elif now - login_at >= settings.GRIDAPP_SESSION_LIFETIME:
            reason = "lifetime"
        elif now - seen_at >= settings.GRIDAPP_SESSION_IDLE_TIMEOUT:
            reason = "inactivity"
        else:
            if now - seen_at >= self.REFRESH_SECONDS:
                session[security.SEEN_AT] = now
                if not request.user.is_verified():
                    security.set_otp_state(session, request.user)
            return
        security.log.info("session expired: user=%s reason=%s", request.user.get_username(), reason)
        logout(request)
        messages.info(request, _("Your session has ended. Please log in again."))


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's: every page but those marked ``login_not_required`` asks for a log-in. A form
    sent after the session ended (the idle timeout, the lifetime, or the browser's own expiry of
    the cookie) goes to the log-in page like any request, ``next`` being the form's page; when
    the phone kept its draft, the session remembers to say why, once back on it
    (``security.keep_form``)."""

    def handle_no_permission(self, request, view_func):
        security.keep_form(request, security.KEPT_EXPIRED)
        return super().handle_no_permission(request, view_func)


class OTPRequiredMiddleware:
    """Send a user who still owes a two-factor code (or must set up an authenticator) to that
    page before any other; the session says which at log-in (gridapp.security.otp_state)."""

    EXEMPT = {"otp_verify", "otp_setup", "logout", "set_language", "admin:logout"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        state = request.session.get(security.OTP_STATE)
        if not state or request.resolver_match.view_name in self.EXEMPT or request.user.is_verified():
            return None
        target = reverse("otp_verify" if state == security.OTP_VERIFY else "otp_setup")
        next_url = request.get_full_path() if request.method == "GET" else None
        return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)


class PasswordChangeRequiredMiddleware:
    """Send a user who logged in with a temporary password to the password page before any other,
    until they have chosen their own (the session says so from the log-in,
    gridapp.security.on_logged_in; no query on other requests)."""

    EXEMPT = {
        "password_change",
        "password_change_done",
        "otp_verify",
        "otp_setup",
        "logout",
        "set_language",
        "admin:logout",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or not request.session.get(security.MUST_CHANGE_PASSWORD):
            return None
        if request.resolver_match.view_name in self.EXEMPT:
            return None
        messages.info(request, _("You logged in with a temporary password. Please choose your own now."))
        return redirect("password_change")


class NoStoreMiddleware:
    """Nothing a logged-in user sees may stay in a browser's or proxy's cache: the back button on
    a shared office PC after log-out must not show residents' records. Photos of visits and cases
    (faces, doors, documents) are personal data too and are not cached either. A view that chose
    its own Cache-Control keeps it; static files never get here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


# What an HTML form sends; a page never needs another method (see AllowedMethodsMiddleware).
ALLOWED_METHODS = ("GET", "HEAD", "POST")


class AllowedMethodsMiddleware:
    """Only GET, HEAD and POST reach a view; anything else (PUT, PATCH, DELETE, OPTIONS, TRACE …)
    is answered 405 here, for every URL including the admin's. A view written for GET and POST
    never meets a DELETE it would answer like a GET. Within the three, a page that only reads is
    decorated ``require_safe`` and an action ``require_POST``, so a POST to a page is 405 too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return self.get_response(request)


class DeniedLogMiddleware:
    """Every refusal a view raises is logged on ``gridapp.security`` (gridapp.security.log_denied):
    PermissionDenied (403: the scope module's "may see but not change", the case table's refusals,
    the admin's) and Http404 (404: the scope module's "not in your scope", which must look like a
    missing object to the user but not to whoever reads the log). CSRF failures are logged by
    gridapp.security.csrf_failure. The response is Django's usual one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            security.log_denied(request, 403, exception)
        elif isinstance(exception, Http404):
            security.log_denied(request, 404, exception)
        return None
