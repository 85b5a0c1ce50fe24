"""The fuzzing's own checks catch what they are there for (a property that can never fail
tests nothing)."""

import pytest
from django.db import transaction
from django.http import HttpResponseRedirect

from gridapp.models import Household, Shop

from . import checks

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "html",
    [
        "<p><script>alert(1)</script></p>",
        '<input value=""><img src=x onerror=alert(1)>">',
        "<svg/onload=alert(1)>",
        '<a href=" java\tscript:alert(1)">x</a>',
        "<b data-fuzz>b</b>",
        "<iframe src=//example.com></iframe>",
        '<meta http-equiv="refresh" content="0;url=//example.com">',
    ],
)
def test_injected_markup_is_found(html):
    assert checks.markup_problems(f"<html><body>{html}</body></html>")


def test_escaped_markup_and_the_sites_own_scripts_pass():
    page = (
        '<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head><body>'
        '<textarea>&lt;script&gt;alert(1)&lt;/script&gt;</textarea><input value="&quot;&gt;&lt;img onerror=x&gt;">'
        '<script src="/static/js/gridapp.js" nonce="abc"></script>'
        '<script id="data" type="application/json">{"a": "\\u003Cb\\u003E"}</script></body></html>'
    )
    assert checks.markup_problems(page) == []


@pytest.mark.parametrize("location", ["//evil.example/", "https://evil.example/", "/\\evil.example", " //evil.example"])
def test_a_redirect_off_the_site_is_found(location):
    response = HttpResponseRedirect("/")
    response["Location"] = location
    with pytest.raises(AssertionError):
        checks.check_redirect(response, "test")


def test_a_write_is_noticed_and_the_change_found(world):
    models = checks.watched_models()
    before = checks.snapshot(models)
    with transaction.atomic():
        with checks.WriteWatch(models) as watch:
            Household.objects.filter(pk=world.household.pk).update(notes="changed by a bulk update")
        assert watch.writes
        changed = checks.differences(before, checks.snapshot(models))
        assert [c.split(":")[0] for c in changed] == ["gridapp.Household"]
        transaction.set_rollback(True)
    assert checks.differences(before, checks.snapshot(models)) == []


def test_a_change_outside_the_users_grids_is_found(world):
    before = checks.outside(world.wu)
    Shop.objects.filter(pk=world.grid2_shop.pk).update(name="改了别的网格的店")
    assert checks.outside(world.wu) != before
    assert checks.outside(world.admin) is None  # everything is the admin's
