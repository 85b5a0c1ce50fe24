"""Choosing one's own password: after a temporary one (the change page, where
``PasswordChangeRequiredMiddleware`` sends the user until it is done) and by e-mail when it is
forgotten (Django's reset views, templated in Chinese). Either way nothing more is owed after."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from . import people, security
from .sessions import end_sessions


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session (update_session_auth_hash)
        people.password_changed(form.user)
        self.request.session.pop(security.MUST_CHANGE_PASSWORD, None)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """An address on file or not, the same answer and the same page next (no account is revealed);
    only an active account with that address gets a link, valid once and for
    PASSWORD_RESET_TIMEOUT (3 days)."""

    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        people.password_changed(form.user)
        # Whoever still has a session with the forgotten password (a shared office PC) is logged out.
        end_sessions([form.user], reason="password reset")
        return response
