"""In a real browser: the Content-Security-Policy breaks no page, and staff set up two-factor
authentication on their phone."""

import base64

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from .conftest import log_in, screenshot


def csp_violations(page):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return violations


@pytest.mark.browser
def test_no_page_breaks_the_content_security_policy(phone, staff, ren, shop1):
    violations = csp_violations(phone)
    log_in(phone, "staff", "correct-horse-battery")
    for url in [
        reverse("home"),
        reverse("grid_detail", args=[ren.household.grid_id]),
        reverse("household_detail", args=[ren.household_id]),
        reverse("resident_detail", args=[ren.pk]),
        reverse("visit_household", args=[ren.household_id]),
        reverse("shop_detail", args=[shop1.pk]),
        reverse("case_queue"),
        reverse("otp_setup"),
    ]:
        phone.goto(phone.base_url + url)
        phone.wait_for_load_state("networkidle")
    # Bootstrap's script runs: the menu opens.
    phone.locator(".navbar-toggler").click()
    phone.locator("#nav.show").wait_for()
    assert violations == []


@pytest.mark.browser
def test_staff_set_up_two_factor_on_their_phone(phone, staff):
    log_in(phone, "staff", "correct-horse-battery")
    phone.goto(phone.base_url + reverse("otp_setup"))
    qr = phone.locator("#otp-qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the data: image is allowed
    secret = phone.locator("#otp-secret").inner_text().strip()
    screenshot(phone, "staff-two-factor-setup")
    code = str(TOTP(base64.b32decode(secret)).token()).zfill(6)
    phone.fill("input[name=token]", code)
    phone.click("input[type=submit], button[type=submit].btn-primary")
    phone.wait_for_url(f"{phone.base_url}/")
    phone.goto(phone.base_url + reverse("otp_setup"))
    assert phone.locator(".alert-success").count() == 1
