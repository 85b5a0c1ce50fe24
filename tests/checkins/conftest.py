"""Check-ins' people and helpers: the care levels of DOMAIN.md, Ren's emergency contact, a second
Grid 1 resident living alone, and a fake group robot (a local HTTP server) for webhooks.

The levels are fetched or created here rather than taken from the data migration, because a
transactional test empties the tables (migration data included) for those that run after it.
"""

import datetime
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from gridapp.models import ResidentCategoryLink
from visits import checkins
from visits.models import CareAssignment, CareLevel, CareRule

from ..factories import HouseholdFactory, ResidentFactory
from ..visits.conftest import log


def _level(rule, name, cadence, grace):
    level, _ = CareLevel.objects.get_or_create(
        suggest_for=rule, defaults={"name": name, "cadence_days": cadence, "grace_days": grace}
    )
    return level


@pytest.fixture
def weekly(db):
    return _level(CareRule.ALONE_80_OR_EQUIPMENT, "每周探访", 7, 2)


@pytest.fixture
def fortnightly(db):
    return _level(CareRule.ALONE, "每两周探访", 14, 3)


@pytest.fixture
def monthly(db):
    return _level(CareRule.EMPTY_NEST, "每月探访", 30, 7)


@pytest.fixture
def wu_with_email(wu):
    wu.email = "wu@example.com"
    wu.save(update_fields=["email"])
    return wu


@pytest.fixture
def ren_cared(ren, weekly):
    """Ren, 86, alone, on a ventilator, with the weekly level since today and an emergency contact."""
    ren.emergency_contact_name = "任建华"
    ren.emergency_contact_phone = "13905710001"
    ren.save(update_fields=["emergency_contact_name", "emergency_contact_phone"])
    ResidentCategoryLink.objects.create(resident=ren, category="elderly_alone")
    care(ren, weekly)
    return ren


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def care(resident, level, *, assigned_on=None):
    """Give ``resident`` a care level through the service, as the resident's page does, as if
    set on ``assigned_on`` (default today)."""
    checkins.set_care_level(resident=resident, level=level, by=None)
    if assigned_on:
        CareAssignment.objects.filter(resident=resident).update(assigned_on=assigned_on)
        checkins.refresh_due(CareAssignment.objects.filter(resident=resident))


def cared_resident(grid, name, level, *, assigned_on=None, **fields):
    resident = ResidentFactory(household=HouseholdFactory(grid=grid), name=name, **fields)
    care(resident, level, assigned_on=assigned_on)
    return resident


def seen(worker, resident, *, days_before, condition="well"):
    """Log a visit ``days_before`` today (at this time of day) in which ``resident`` was found in ``condition``."""
    return log(
        worker,
        household=resident.household,
        visited_at=timezone.now() - datetime.timedelta(days=days_before),
        conditions={resident: condition},
    )


# --- a fake group robot -----------------------------------------------------------------


@dataclass
class Robot:
    """A WeCom-style group robot on 127.0.0.1 that answers every POST with ``status``."""

    url: str
    status: int
    received: list = field(default_factory=list)


@pytest.fixture
def robot_server(settings):
    """Start ``robot_server(status)``; every server started is shut down after the test.

    The robot is plain http on 127.0.0.1, so the test lets group robots be there (production
    allows only https to WeCom's and DingTalk's hosts). ``location`` answers with a redirect.
    """
    settings.GRIDAPP_WEBHOOK_HOSTS = [*settings.GRIDAPP_WEBHOOK_HOSTS, "127.0.0.1"]
    settings.GRIDAPP_WEBHOOK_HTTPS_ONLY = False
    servers = []

    def start(status=200, location=None):
        robot = Robot(url="", status=status)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                robot.received.append(
                    {"path": self.path, "content_type": self.headers.get("Content-Type"), "json": json.loads(raw)}
                )
                reply = json.dumps({"errcode": 0 if status == 200 else 500}).encode()
                self.send_response(robot.status)
                self.send_header("Content-Type", "application/json")
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass  # keep the test output quiet

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        robot.url = f"http://127.0.0.1:{server.server_port}/cgi-bin/webhook/send?key=test"
        return robot

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
