"""A form sent after the session ended, or refused for its CSRF token, loses nothing: the phone
keeps its draft (static/js/drafts.js, which marks the submission with ``gridapp_draft``), the
log-in leads back to the form, and there its user is told why it was not saved. The browser's
side is tests/e2e/test_drafts_browser.py."""

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from gridapp.accounts import security
from gridapp.models import RoleKind
from visits.models import Visit

from ..factories import UserFactory, give_role
from ..visits.conftest import visit_form
from .conftest import PASSWORD
from .test_sessions import HOUR, shift_clock

EXPIRED = gettext(security.KEPT_MESSAGES[security.KEPT_EXPIRED])
CSRF = gettext(security.KEPT_MESSAGES[security.KEPT_CSRF])


def told(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def visit_url(household):
    return reverse("visit_household", args=[household.pk])


def send_too_late(client, user, url, data):
    """Log ``user`` in, let the session idle past the timeout, then send ``data`` to ``url``."""
    client.force_login(user)
    shift_clock(client, login_ago=3 * HOUR, seen_ago=3 * HOUR)
    return client.post(url, data)


def test_a_visit_sent_after_the_session_ended_leads_to_the_log_in_and_back(client, wu, ren):
    url = visit_url(ren.household)
    response = send_too_late(client, wu, url, visit_form(notes="呼吸机坏了", gridapp_draft=str(wu.pk)))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert not Visit.objects.exists()
    back = client.post(reverse("login") + f"?next={url}", {"username": "wu", "password": PASSWORD, "next": url})
    assert back["Location"] == url
    form = client.get(url)
    assert form.status_code == 200
    assert EXPIRED in told(form)
    assert EXPIRED not in told(client.get(url)), "said once"


def test_the_log_in_page_says_the_session_ended(client, wu, ren):
    response = send_too_late(client, wu, visit_url(ren.household), visit_form(gridapp_draft=str(wu.pk)))
    page = client.get(response["Location"])
    assert gettext("Your session has ended. Please log in again.") in page.content.decode()


def test_another_user_logging_in_next_is_not_told_of_a_form_not_theirs(client, wu, ren, grid1):
    li = give_role(UserFactory(username="li"), RoleKind.GRID_WORKER, grid=grid1)
    url = visit_url(ren.household)
    send_too_late(client, wu, url, visit_form(gridapp_draft=str(wu.pk)))
    client.post(reverse("login"), {"username": li.username, "password": PASSWORD, "next": url})
    assert EXPIRED not in told(client.get(url))


def test_a_form_without_a_draft_on_the_phone_promises_nothing(client, wu, ren):
    url = visit_url(ren.household)
    send_too_late(client, wu, url, visit_form(notes="呼吸机坏了"))  # scripts off: no draft kept
    client.post(reverse("login"), {"username": "wu", "password": PASSWORD, "next": url})
    assert EXPIRED not in told(client.get(url))


def test_a_session_cookie_the_browser_already_dropped_is_treated_alike(wu, ren):
    """The cookie lasts the idle timeout: after it, the browser sends none and the form arrives
    from nobody."""
    client = Client()
    url = visit_url(ren.household)
    response = client.post(url, visit_form(gridapp_draft=str(wu.pk)))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.post(reverse("login"), {"username": "wu", "password": PASSWORD, "next": url})
    assert EXPIRED in told(client.get(url))


def test_a_refused_csrf_token_gets_a_page_in_chinese_with_the_way_back(wu, ren):
    client = Client(enforce_csrf_checks=True)
    client.force_login(wu)
    url = visit_url(ren.household)

    response = client.post(url, visit_form(notes="呼吸机坏了", gridapp_draft=str(wu.pk)))

    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已失效，未保存任何内容" in page
    assert "您填写的内容已保留在本机（照片除外）" in page
    assert f'href="{url}"' in page and "返回表单" in page
    assert "您需要先登录" not in page  # still logged in: the token changed (a log-in in another tab)
    assert not Visit.objects.exists()
    form = client.get(url)
    assert CSRF in told(form)


def test_cookies_cleared_mid_form_lead_through_the_log_in_back_to_it(wu, ren):
    client = Client(enforce_csrf_checks=True)  # no cookie at all: nothing of the log-in is left
    url = visit_url(ren.household)

    response = client.post(url, visit_form(gridapp_draft=str(wu.pk)))

    assert response.status_code == 403
    assert "您需要先登录" in response.content.decode()
    assert client.get(url)["Location"].startswith(reverse("login"))
    login_page = client.get(reverse("login"))
    token = login_page.context["csrf_token"]
    client.post(
        reverse("login"), {"username": "wu", "password": PASSWORD, "next": url, "csrfmiddlewaretoken": str(token)}
    )
    assert CSRF in told(client.get(url))


def test_a_csrf_failure_of_any_other_form_explains_without_promising(wu):
    client = Client(enforce_csrf_checks=True)
    client.force_login(wu)
    response = client.post(reverse("inbox_mark_all_read"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "请重新打开表单再填写一次" in page and "已保留" not in page
