"""Browser tests: Playwright for Python driving Debian's Chromium at phone size (390×844)."""

import io
import os
import shutil
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from ..conftest import require_or_skip

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}  # the office's screen


def _chromium_path():
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    require_or_skip(path, "Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous, so Django's async guard is lifted here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live_server):
    """A fresh phone-sized page; a screenshot of its last state is kept in test-artifacts/."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-US"
    )  # the product is Chinese whatever the browser says
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def desk(browser, live_server):
    """A fresh page at the office's screen size (1366×768); its last state is kept in test-artifacts/."""
    context = browser.new_context(viewport=DESK, locale="en-US")  # the product is Chinese whatever the browser says
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    # From the top: a full-page shot of a scrolled page draws the sticky navbar where it stood.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, username, password):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # Wait for the answer to the log-in itself: a bare wait_for_load_state() could return on the
    # log-in page still shown, and the next goto() would cancel the POST (a flaky "not logged in").
    with page.expect_navigation():
        page.click("button[type=submit].btn-primary")


def open_account_menu(phone):
    """On a phone: open the navbar, then the account's menu under the user's name. Each waits for
    the one before to have opened: a tap on the name while the navbar still slides open can be
    lost, and the menu's links are then never shown."""
    phone.locator("button.navbar-toggler").click()
    phone.locator("#nav.show").wait_for()
    phone.locator("#account-menu").click()
    phone.locator("#account-menu + .dropdown-menu.show").wait_for()


# The rows the data migrations put in, which the browser tests before this one emptied (a live
# server's test flushes the tables after it) and the demo world needs: case categories, care
# levels, the kinds of hazards and of service facilities.
DATA_MIGRATIONS = (
    ("cases.migrations.0002_default_categories_and_schedule", "forwards"),
    ("cases.migrations.0005_category_officer_may_take", "forwards"),  # which the grid's officer may take
    ("visits.migrations.0003_default_care_levels_and_schedules", "forwards"),
    ("visits.migrations.0008_seed_hazard_kinds", "seed"),
    ("visits.migrations.0010_seed_facility_kinds", "seed"),
)


def run_data_migrations(migrations=DATA_MIGRATIONS):
    for module, function in migrations:
        getattr(import_module(module), function)(apps, None)


@pytest.fixture
def data_migrations(transactional_db):
    """The data migrations' rows again, committed for the live server to read."""
    run_data_migrations()


@pytest.fixture
def demo(data_migrations):
    """The demo world (``manage.py seed_demo``), committed for the live server to read."""
    with override_settings(DEBUG=True):  # seed_demo refuses outside development
        call_command("seed_demo", stdout=io.StringIO())
    return get_user_model().objects.get(username="wu")
