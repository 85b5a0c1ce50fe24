"""A forgotten password, reset by e-mail (Django's views, in Chinese): an unknown address gets
exactly the answer a known one gets; the link works once and for 3 days; afterwards the user logs
in with the new password, any temporary-password obligation is gone, and old sessions ended."""

import datetime
import re
import time

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from gridapp.models import PasswordChangeRequired, UserSession

from .conftest import PASSWORD, attempt, logged_in

NEW = "临江路4幢-new-kettle"


@pytest.fixture(autouse=True)
def _outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def wu_with_email(wu):
    wu.email = "wu@example.com"
    wu.save(update_fields=["email"])
    return wu


def _later(**delta):
    # A timestamp, not a datetime: Django's token reads the naive local clock.
    return time.time() + datetime.timedelta(**delta).total_seconds()


def _ask(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def _link():
    (message,) = mail.outbox
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)


def test_the_log_in_page_links_to_the_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in page and "忘记密码？" in page


def test_an_unknown_address_answers_exactly_as_a_known_one(client, wu_with_email):
    known = _ask(client, "wu@example.com")
    unknown = _ask(Client(), "nobody@example.com")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wu@example.com"]
    done = client.get(known["Location"]).content.decode()
    assert "如果有账号登记了这个邮箱" in done


def test_the_e_mail_is_in_chinese_and_names_the_person(client, wu_with_email):
    _ask(client, "wu@example.com")
    (message,) = mail.outbox
    assert message.subject == "网格通：设置新密码"
    assert "吴佳栋，您好" in message.body and "3 天内有效" in message.body


def test_the_link_sets_a_new_password_once(client, wu_with_email):
    other_device = Client()
    other_device.force_login(wu_with_email)
    PasswordChangeRequired.objects.create(user=wu_with_email, set_by=wu_with_email)
    _ask(client, "wu@example.com")
    link = _link()

    form_url = client.get(link)["Location"]  # Django hides the token behind a redirect
    saved = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert saved["Location"] == reverse("password_reset_complete")
    assert "现在可以用新密码登录了" in client.get(saved["Location"]).content.decode()
    assert not PasswordChangeRequired.objects.filter(user=wu_with_email).exists()
    assert not UserSession.objects.filter(user=wu_with_email).exists()  # the other device is logged out

    again = Client().get(link, follow=True).content.decode()
    assert "此链接已被使用过，或已超过 3 天" in again

    old = Client()
    attempt(old, "wu", PASSWORD)
    assert not logged_in(old)
    fresh = Client()
    attempt(fresh, "wu", NEW)
    assert logged_in(fresh)


def test_a_link_older_than_3_days_is_refused_and_nothing_changes(client, wu_with_email):
    _ask(client, "wu@example.com")
    link = _link()
    with time_machine.travel(_later(days=3, minutes=1)):
        page = client.get(link, follow=True)
    assert "此链接已被使用过，或已超过 3 天" in page.content.decode()
    wu_with_email.refresh_from_db()
    assert wu_with_email.check_password(PASSWORD)


def test_a_link_within_3_days_still_works(client, wu_with_email):
    _ask(client, "wu@example.com")
    link = _link()
    with time_machine.travel(_later(days=2, hours=23)):
        form_url = client.get(link)["Location"]
        assert client.post(form_url, {"new_password1": NEW, "new_password2": NEW}).status_code == 302
