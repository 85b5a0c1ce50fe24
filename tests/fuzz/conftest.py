"""The fuzzing world: two grids of Dongluchi and a grid of another community, each with a
building, a household with a resident, a shop, a visit with an open follow-up and a case, so
every choice field has ids in and out of the user's scope; and the count of submissions.

One world per test (one test per target); each hypothesis example runs in a savepoint that is
rolled back, so no example sees another's rows.
"""

import datetime
import math
import os
import uuid
from collections import Counter
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import services as case_services
from cases.models import Category, DepartmentKind
from gridapp.models import Delivery, DeliveryStatus, Notification, RoleKind, SecurityPolicy, Webhook
from visits import services as visit_services
from visits.models import Campaign, CareLevel

from ..cases.conftest import LEAK, make_department, member_of, walk_to
from ..conftest import IN_CI
from ..factories import (
    BuildingFactory,
    CommunityFactory,
    GridFactory,
    HouseholdFactory,
    ResidentFactory,
    ShopFactory,
    UserFactory,
    give_role,
)

# The total number of fuzzed submissions across all targets; each target gets its share.
TOTAL_EXAMPLES = int(os.environ.get("GRIDAPP_FUZZ_EXAMPLES", "10200"))
# Submissions actually sent, per target (hypothesis may stop a target early when its inputs
# run out, so this is counted, not computed).
SUBMISSIONS = Counter()
SECONDS = Counter()  # wall time per target, for the summary's slowest
COMPLETED = set()  # targets whose fuzzing ran to the end
MARKUP_SUBMISSIONS = Counter()  # the fixed submissions of test_stored_markup_is_escaped_everywhere
# What CI must reach (issue 6): checked at the end of a run of the whole fuzz suite.
MINIMUM_IN_CI = 10_000


def examples_per_target(targets):
    """Each target's share of TOTAL_EXAMPLES, by its weight."""
    total_weight = sum(t.weight for t in targets)
    return {t.name: max(1, math.ceil(TOTAL_EXAMPLES * t.weight / total_weight)) for t in targets}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once per module in a transaction rolled back at its end; each test runs in a
    savepoint of it (pytest-django's ``db``), and each example in a savepoint of that."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        w = build_world()
        yield w
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _world_first(world):
    """The module's world is built before any test's savepoint is opened (a module-scoped
    fixture is set up before function-scoped ones); the tests are marked django_db."""


# The suite's fast hasher (tests/conftest.py), also while the module-scoped world is built.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_world():
    """The people and places of tests/conftest.py, and what each form needs besides."""
    now = timezone.now()
    today = timezone.localdate()
    w = SimpleNamespace()
    w.dongluchi = dongluchi = CommunityFactory(name="东麓池社区", code="DLC")
    w.grid1 = grid1 = GridFactory(community=dongluchi, number=1, name="第一网格")
    w.grid2 = grid2 = GridFactory(community=dongluchi, number=2, name="第二网格")
    w.other_community = other_community = CommunityFactory(name="浦南社区", code="PN")
    w.other_grid = other_grid = GridFactory(community=other_community, number=1, name="浦南第一网格")
    w.wu = wu = give_role(
        UserFactory(username="wu", first_name="佳栋", last_name="吴"), RoleKind.GRID_WORKER, grid=grid1
    )
    w.chen = chen = give_role(UserFactory(username="chen"), RoleKind.GRID_WORKER, grid=grid2)
    w.staff = staff = give_role(UserFactory(username="staff"), RoleKind.COMMUNITY_STAFF, community=dongluchi)
    w.zhao = zhao = give_role(UserFactory(username="zhao"), RoleKind.COMMUNITY_STAFF, community=other_community)
    w.admin = give_role(UserFactory(username="admin", is_staff=True), RoleKind.ADMIN)
    w.linjiang4 = linjiang4 = BuildingFactory(grid=grid1, road="临江路", number="4", year_built=1992)
    w.ren_household = ren_household = HouseholdFactory(
        grid=grid1, building=linjiang4, unit="1", room="302", address="临江路4幢1单元302室", head_name="任爱香"
    )
    w.ren = ren = ResidentFactory(
        household=ren_household,
        name="任爱香",
        sex="F",
        date_of_birth=datetime.date(1940, 5, 12),
        is_head=True,
        health_notes="依赖家用呼吸机",
    )
    w.shop1 = shop1 = ShopFactory(grid=grid1, name="东炉池便利店")
    w.grid2_household = grid2_household = HouseholdFactory(grid=grid2, address="东藩路8号", head_name="王建国")
    w.grid2_resident = ResidentFactory(household=grid2_household, name="王建国")
    w.grid2_shop = ShopFactory(grid=grid2, name="第二网格五金店")
    w.pan = give_role(UserFactory(username="pan"), RoleKind.GRID_WORKER, grid=other_grid)
    w.nobody = None  # anonymous
    w.police = make_department(dongluchi, "临浦派出所", DepartmentKind.POLICE)
    w.officer = member_of(w.police, "officer", first_name="志强", last_name="沈")
    w.other_department = make_department(other_community, "浦南街道城管", DepartmentKind.OTHER)
    w.otp_user = give_role(UserFactory(username="otp"), RoleKind.COMMUNITY_STAFF, community=dongluchi)
    TOTPDevice.objects.create(user=w.otp_user, name="authenticator app", confirmed=True)

    w.building = linjiang4
    w.grid2_building = BuildingFactory(grid=grid2, road="东藩路", number="8")
    w.other_building = BuildingFactory(grid=other_grid, road="浦南路", number="1")
    w.household = ren_household
    w.resident = ren
    w.shop = shop1
    w.other_household = HouseholdFactory(grid=other_grid, address="浦南路1号", head_name="沈阿大")
    w.other_resident = ResidentFactory(household=w.other_household, name="沈阿大")
    w.other_shop = ShopFactory(grid=other_grid, name="浦南小吃店")
    w.archived_household = HouseholdFactory(grid=grid1, address="临江路6号", archived_at=now)
    w.pending_household = HouseholdFactory(grid=grid1, address="临江路7号", head_name="新户", added_by=wu)

    def visit(worker, **where):
        follow_up = visit_services.NewFollowUp(
            what="修理呼吸机", due_on=today + datetime.timedelta(days=3), assignee=worker
        )
        return visit_services.log_visit(
            worker=worker,
            client_id=uuid.uuid4(),
            visited_at=now - datetime.timedelta(hours=1),
            notes="呼吸机坏了",
            follow_up=follow_up,
            **where,
        )[0]

    w.visit = visit(wu, household=ren_household, conditions={ren: "unwell"})
    w.follow_up = w.visit.follow_ups.get()
    w.shop_visit = visit(wu, shop=shop1)
    w.grid2_visit = visit(chen, household=grid2_household)
    w.grid2_follow_up = w.grid2_visit.follow_ups.get()

    w.campaign = Campaign.objects.create(
        name="生态环境满意度提升宣传",
        starts_on=today - datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=30),
        target="street_front_shops",
        created_by=staff,
    )
    w.campaign.grids.add(grid1)
    w.other_campaign = Campaign.objects.create(
        name="浦南宣传", starts_on=today, ends_on=today, target="all_households", created_by=zhao
    )
    w.other_campaign.grids.add(other_grid)
    w.care_level = CareLevel.objects.order_by("pk").first()

    w.category = Category.objects.get(name=LEAK)
    people = {"wu": wu, "staff": staff, "officer": w.officer}
    w.case = walk_to("handling", people=people, police=w.police, grid=grid1, households=[ren_household])
    w.grid2_case = walk_to(
        "registered", people={**people, "wu": chen}, police=w.police, grid=grid2, households=[grid2_household]
    )
    w.other_case = case_services.case_report(
        by=w.pan,
        grid=other_grid,
        title="浦南噪音",
        description="夜间噪音",
        category=w.category,
        priority="normal",
        channel="walk_in",
        complainant_name="沈阿大",
    )
    w.mediation = case_services.record_mediation(
        case=w.case,
        by=wu,
        held_on=today,
        parties=[ren],
        other_parties="楼上住户",
        mediators=[wu],
        other_mediators="",
        outcome="agreed",
        agreement="楼上三天内修好水管",
    )
    w.people = people

    w.notification = Notification.objects.create(
        recipient=wu, kind="case_resolve", subject="2026-DLC-0001", body="楼上漏水", link=w.case.get_absolute_url()
    )
    Delivery.objects.create(
        notification=w.notification, channel="webhook", target="https://example.invalid", status=DeliveryStatus.FAILED
    )
    Webhook.objects.create(community=dongluchi, url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    w.policy = SecurityPolicy.objects.get_or_create(pk=1)[0]
    w.today, w.now = today, now
    return w


@pytest.fixture
def clients(world):
    """A logged-in client per user of the world (built when first asked for), reading English."""
    made = {}

    def client_for(who):
        if who not in made:
            client = Client()
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
            if who != "nobody":
                client.force_login(getattr(world, who))
            made[who] = client
        return made[who]

    return client_for


def _short_of_minimum():
    """In CI, a run of every fuzz target must have sent at least MINIMUM_IN_CI submissions."""
    from .targets import ALL

    total = sum(SUBMISSIONS.values())
    everything = {t.name for t in ALL} <= COMPLETED
    return IN_CI and everything and total < MINIMUM_IN_CI


def pytest_sessionfinish(session, exitstatus):
    if _short_of_minimum():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not SUBMISSIONS and not MARKUP_SUBMISSIONS:
        return
    total = sum(SUBMISSIONS.values())
    terminalreporter.section("fuzzing")
    terminalreporter.write_line(
        f"{total} fuzzed submissions to {len(SUBMISSIONS)} forms and filters (GRIDAPP_FUZZ_EXAMPLES={TOTAL_EXAMPLES}), "
        f"and {sum(MARKUP_SUBMISSIONS.values())} with markup in every text field"
    )
    if _short_of_minimum():
        terminalreporter.write_line(f"FAILED: CI must fuzz with at least {MINIMUM_IN_CI} submissions", red=True)
    if SUBMISSIONS:
        fewest = sorted(SUBMISSIONS.items(), key=lambda item: item[1])[:3]
        terminalreporter.write_line("fewest: " + ", ".join(f"{name} {n}" for name, n in fewest))
    if config.option.verbose > 0:  # -v: every target's count and time
        for name, seconds in sorted(SECONDS.items(), key=lambda item: -item[1]):
            terminalreporter.write_line(f"  {name}: {SUBMISSIONS[name]} in {seconds:.1f} s")
    slowest = sorted(SECONDS.items(), key=lambda item: -item[1])[:5]
    if slowest:
        terminalreporter.write_line(
            "slowest: "
            + ", ".join(
                f"{name} {seconds:.0f} s ({seconds / SUBMISSIONS[name] * 1000:.0f} ms each)"
                for name, seconds in slowest
                if SUBMISSIONS[name]
            )
        )
