"""Two-factor authentication with an authenticator app (TOTP, django-otp): set it up, and enter
its code after the password. Whether a user must is decided in ``gridapp.security``."""

import base64
import io
from binascii import unhexlify
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from gridapp.core.forms import posted

from . import security

# The secret of an authenticator being set up, kept in the session until its first code is right.
PENDING_KEY = "gridapp_otp_pending_key"


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("6-digit code"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": gettext_lazy("Enter the 6 digits shown in your authenticator app.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label, css_class="btn-lg w-100"))

    def clean_token(self):
        return self.cleaned_data["token"].strip()


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("home")


def _with_next(name, request):
    next_url = request.POST.get("next") or request.GET.get("next")
    return f"{reverse(name)}?{urlencode({'next': next_url})}" if next_url else reverse(name)


def _verified(request, device):
    """The user has proved the second factor: a new session key for the stronger session."""
    django_otp.login(request, device)
    request.session.cycle_key()
    request.session[security.OTP_STATE] = security.OTP_VERIFY


def _qr_data_url(text):
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Set up an authenticator app: scan the code (or type the key), then enter a 6-digit code."""
    user = request.user
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is not None:
        if not user.is_verified():
            # A password alone never replaces an authenticator that is already set up.
            return redirect(_with_next("otp_verify", request))
        return render(request, "registration/otp_setup.html", {"device": device})

    key = request.session.get(PENDING_KEY) or random_hex(20)
    request.session[PENDING_KEY] = key
    form = TokenForm(posted(request), submit_label=_("Turn on two-factor authentication"))
    if form.is_valid():
        totp = TOTP(unhexlify(key))
        if totp.verify(int(form.cleaned_data["token"]), tolerance=1):
            device = TOTPDevice.objects.create(
                user=user, name="authenticator app", key=key, confirmed=True, last_t=totp.t()
            )
            del request.session[PENDING_KEY]
            _verified(request, device)
            security.log.info("two-factor set up: user=%s", user.get_username())
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not right. Check the time on your phone and try again."))

    pending = TOTPDevice(user=user, key=key)
    return render(
        request,
        "registration/otp_setup.html",
        {
            "form": form,
            "qr": _qr_data_url(pending.config_url),
            "secret": base64.b32encode(pending.bin_key).decode("ascii"),
        },
    )


@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """After the password: the code from the user's authenticator app."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        # Removed by an admin: set one up if the policy asks for it, else carry on.
        security.set_otp_state(request.session, user)
        if request.session.get(security.OTP_STATE) == security.OTP_ENROL:
            return redirect(_with_next("otp_setup", request))
        return redirect(_next_url(request))

    form = TokenForm(posted(request), submit_label=_("Continue"))
    if form.is_valid():
        verified = django_otp.verify_token(user, device.persistent_id, form.cleaned_data["token"])
        if verified is not None:
            _verified(request, verified)
            security.log.info("two-factor passed: user=%s ip=%s", user.get_username(), security.client_ip(request))
            return redirect(_next_url(request))
        security.log.warning("two-factor failed: user=%s ip=%s", user.get_username(), security.client_ip(request))
        form.add_error(
            "token", _("That code is not right, or there were too many wrong codes: wait a minute and try again.")
        )
    return render(request, "registration/otp_verify.html", {"form": form})
