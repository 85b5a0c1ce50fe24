"""No ID number, phone number or password ever reaches the application's logs.

One realistic run through the site — failed and successful log-ins, registering a resident with
an ID number and phones, searching by phone, logging a visit, recording a case with the
complainant's phone, revealing the ID number, the history page, the morning sweep and its
e-mails — with every logger at DEBUG, then the captured lines are searched for each secret.

The one logger left out is ``django.db.backends``: its DEBUG lines are the SQL with its
parameters (ID numbers included, as ``test_sql_logging_would_show_id_numbers`` proves), and it is
off by default — settings pin it at INFO whatever LOG_LEVEL says, and Django writes those lines
only when settings.DEBUG is on or a query counter asks. ``test_sql_is_never_logged_by_default``
keeps it that way.
"""

import datetime
import logging
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Category
from gridapp import notify
from gridapp.models import Delivery, DeliveryStatus, Resident
from visits import checkins
from visits.models import CareAssignment, CareLevel, Visit

from ..factories import UserFactory, make_id_number

PASSWORD = "correct-horse-battery"  # the factories' password
WRONG_PASSWORD = "Ren-Aixiang-1940!"
BORN = datetime.date(1938, 2, 14)
ID_NUMBER = make_id_number(BORN, region="330121")
MOBILE = "13905718888"
EMERGENCY_PHONE = "13905719999"
COMPLAINANT_PHONE = "13967123456"
SECRETS = [ID_NUMBER, MOBILE, EMERGENCY_PHONE, COMPLAINANT_PHONE, PASSWORD, WRONG_PASSWORD]

SQL_LOGGER = "django.db.backends"


class Everything(logging.Handler):
    """Keeps every record: its message, its arguments and its traceback."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines = []
        self.formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def emit(self, record):
        self.lines.append(f"{self.format(record)} {record.args!r}")


@pytest.fixture
def all_logs():
    """Every logger at DEBUG (except the SQL logger, see the module docstring) into one handler."""
    handler = Everything()
    root = logging.getLogger()
    loggers = [root] + [
        logger
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and name != SQL_LOGGER and not name.startswith(f"{SQL_LOGGER}.")
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if not logger.propagate and logger is not root:
            logger.addHandler(handler)  # e.g. django.server: it does not reach the root
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    for logger, level, disabled in saved:
        logger.setLevel(level)
        logger.disabled = disabled
        if handler in logger.handlers:
            logger.removeHandler(handler)


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_full_run_writes_no_id_number_phone_or_password_to_the_logs(
    client, all_logs, wu, staff, admin_user, ren_household, grid1, mailoutbox
):
    staff.email, wu.email = "staff@example.com", "wu@example.com"
    staff.save()
    wu.save()

    # Staff mistype their password twice, then log in.
    for _ in range(2):
        assert log_in(client, "staff", WRONG_PASSWORD).status_code == 200
    assert log_in(client, "nosuchuser", WRONG_PASSWORD).status_code == 200
    assert log_in(client, "staff", PASSWORD).status_code == 302

    # Register Ren's neighbour with an ID number, a mobile and an emergency contact.
    response = client.post(
        reverse("resident_create", args=[ren_household.pk]),
        {
            "name": "任建国",
            "sex": "M",
            "date_of_birth": BORN.isoformat(),
            "id_number": ID_NUMBER,
            "mobile": MOBILE,
            "emergency_contact_name": "任小红",
            "emergency_contact_phone": EMERGENCY_PHONE,
            "health_notes": "依赖制氧机",
            "categories": ["elderly_alone"],
        },
    )
    assert response.status_code == 302
    resident = Resident.objects.get(id_number=ID_NUMBER)
    # A second registration with the same number is refused (a form error, not a log line).
    assert (
        client.post(
            reverse("resident_create", args=[ren_household.pk]),
            {"name": "重复", "sex": "M", "date_of_birth": BORN.isoformat(), "id_number": ID_NUMBER},
        ).status_code
        == 200
    )
    # Searching the register by phone and by ID number.
    assert client.get(reverse("grid_detail", args=[grid1.pk]), {"q": MOBILE}).status_code == 200
    assert client.get(reverse("grid_detail", args=[grid1.pk]), {"q": ID_NUMBER}).status_code == 200
    # A case with the complainant's phone, then its registration.
    response = client.post(
        reverse("case_create"),
        {
            "grid": grid1.pk,
            "title": "楼上漏水",
            "description": "天花板渗水",
            "category": Category.objects.first().pk,
            "priority": "normal",
            "channel": "phone",
            "complainant_name": "邻居",
            "complainant_phone": COMPLAINANT_PHONE,
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    client.post(reverse("case_act", args=[case.pk, "register"]), {"version": case.version})
    # Revealing the ID number, with a reason; and a reveal without one.
    assert client.post(reverse("resident_reveal_id", args=[resident.pk]), {"reason": "办理高龄津贴"}).status_code == 200
    assert client.post(reverse("resident_reveal_id", args=[resident.pk]), {"reason": ""}).status_code == 400
    # Weekly check-ins, in place for a month with no visit: due and past its grace.
    CareAssignment.objects.create(
        resident=resident,
        level=CareLevel.objects.order_by("cadence_days").first(),
        assigned_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    client.post(reverse("logout"))

    # Wu mistypes, logs in, visits the household and sees the new resident.
    assert log_in(client, "wu", WRONG_PASSWORD).status_code == 200
    assert log_in(client, "wu", PASSWORD).status_code == 302
    response = client.post(
        reverse("visit_household", args=[ren_household.pk]),
        {
            "client_id": str(uuid.uuid4()),
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "purposes": ["routine"],
            "notes": "制氧机正常",
            "follow_up_what": "",
            f"resident_{resident.pk}": "well",
        },
    )
    assert response.status_code == 302 and Visit.objects.exists()
    assert client.get(reverse("resident_detail", args=[resident.pk])).status_code == 200
    assert client.post(reverse("resident_reveal_id", args=[resident.pk]), {"reason": "想看"}).status_code == 403
    client.post(reverse("logout"))

    # The admin reads the resident's history and the access log.
    client.force_login(admin_user)
    assert client.get(reverse("record_history", args=["resident", resident.pk])).status_code == 200
    assert client.get(reverse("access_log")).status_code == 200
    assert client.get(reverse("admin:gridapp_resident_changelist"), {"q": MOBILE}).status_code == 200
    client.post(reverse("logout"))

    # The morning sweep (Wu's digest, staff's escalation with the emergency contact) and its e-mails.
    CareAssignment.objects.filter(resident=resident).update(last_seen_on=None)
    checkins.refresh_due(CareAssignment.objects.filter(resident=resident))
    checkins.sweep()
    for delivery in Delivery.objects.filter(status=DeliveryStatus.PENDING):
        notify.attempt(delivery.pk)
    assert mailoutbox  # the e-mails went out

    captured = "\n".join(all_logs.lines)
    assert "login failed" in captured and "id number revealed" in captured  # the logs did run
    leaked = [secret for secret in SECRETS if secret in captured]
    assert not leaked, f"in the logs: {leaked}"


def test_sql_is_never_logged_by_default():
    """Why the run above may leave the SQL logger out: it never writes at DEBUG."""
    assert settings.LOGGING["loggers"][SQL_LOGGER]["level"] == "INFO"
    assert logging.getLogger(SQL_LOGGER).getEffectiveLevel() > logging.DEBUG


def test_sql_logging_would_show_id_numbers(ren, caplog):
    """What the exclusion hides: with the SQL logger at DEBUG, every ID number written is logged.
    Keep it at INFO in every environment that holds real residents."""
    ren.id_number = ID_NUMBER
    with caplog.at_level(logging.DEBUG, logger=SQL_LOGGER), CaptureQueriesContext(connection):
        ren.save(update_fields=["id_number"])
    assert ID_NUMBER in caplog.text


def test_an_unknown_user_typing_a_phone_as_username_is_logged_masked_or_not_at_all(client, all_logs, db):
    """Usernames are logged on failure; a phone number typed into the username box is one."""
    UserFactory(username="wang")
    log_in(client, MOBILE, WRONG_PASSWORD)
    captured = "\n".join(all_logs.lines)
    assert "login failed" in captured
    assert MOBILE not in captured and WRONG_PASSWORD not in captured
