"""A body over the upload limit gets a page in the user's language (413), and so does one over
Django's own limit on form data; a malformed request gets a page too (400). Nothing is saved,
never a bare "Bad Request" or a server error."""

import uuid

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from visits.models import Visit


def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def small_limit(settings):
    settings.GRIDAPP_MAX_REQUEST_BYTES = 4096
    return settings


def visit_form(ren, notes):
    return {
        "client_id": str(uuid.uuid4()),
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "purposes": ["routine"],
        "notes": notes,
        f"resident_{ren.pk}": "well",
    }


def test_a_visit_over_the_limit_is_413_in_chinese_and_saves_nothing(client, small_limit, wu, ren):
    client.force_login(wu)
    response = client.post(reverse("visit_household", args=[ren.household_id]), visit_form(ren, "呼" * 3000))
    assert response.status_code == 413
    page = response.content.decode()
    assert "内容过大，无法提交" in page and "4.0\xa0KB" in page
    assert '<html lang="zh-hans">' in page
    assert not Visit.objects.exists()


def test_the_same_in_english(client, small_limit, wu, ren):
    english(client).force_login(wu)
    response = client.post(reverse("visit_household", args=[ren.household_id]), visit_form(ren, "x" * 9000))
    assert response.status_code == 413
    assert "Too large to send" in response.content.decode()
    assert "nothing was saved" in response.content.decode()


def test_a_visit_under_the_limit_is_saved(client, small_limit, wu, ren):
    client.force_login(wu)
    response = client.post(reverse("visit_household", args=[ren.household_id]), visit_form(ren, "呼吸机正常"))
    assert response.status_code == 302
    assert Visit.objects.count() == 1


def test_too_large_before_logging_in_is_413_not_a_redirect(small_limit, db):
    response = Client().post(reverse("login"), {"username": "wu", "password": "x" * 5000})
    assert response.status_code == 413


def test_form_data_over_django_s_own_limit_is_413_too(client, settings, wu, ren):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048  # below the body limit, which lets the request in
    english(client).force_login(wu)
    response = client.post(reverse("visit_household", args=[ren.household_id]), visit_form(ren, "x" * 5000))
    assert response.status_code == 413
    assert "Too large to send" in response.content.decode()
    assert not Visit.objects.exists()


def test_too_many_fields_is_a_400_page_in_chinese(client, settings, wu, ren):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client.force_login(wu)
    form = {**visit_form(ren, "正常"), **{f"extra{i}": "1" for i in range(10)}}
    response = client.post(reverse("visit_household", args=[ren.household_id]), form)
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
    assert not Visit.objects.exists()


def test_an_unknown_host_is_a_400_page_not_a_server_error(db):
    """Refused before the user is known: the page needs nothing of the request."""
    response = Client(HTTP_HOST="evil.example").get(reverse("login"))
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
