"""``manage.py seed_demo`` builds Dongluchi's demo world once, and a second run changes nothing.

Seeding takes seconds, so the module seeds once (twice, to check the re-run) inside a
transaction that is rolled back after the last test; each test runs in a savepoint inside it.
The conftest fixtures that create a community coded DLC are not used here.
"""

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cases import scope as case_scope
from cases.models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    Category,
    Department,
    DepartmentKind,
    Level,
    MediationOutcome,
    MediationRecord,
    Satisfaction,
    State,
)
from gridapp.core.validators import birth_date_from_id, validate_id_number
from gridapp.devtools.demo import accounts, case_stories, places
from gridapp.models import (
    Building,
    Delivery,
    DeliveryStatus,
    Grid,
    Household,
    Notification,
    PersonCategory,
    Resident,
    Role,
    SearchKey,
    SearchKind,
    Shop,
)

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def register_counts():
    return {
        "households": Household.objects.count(),
        "residents": Resident.objects.count(),
        "shops": Shop.objects.count(),
        "buildings": Building.objects.count(),
        "users": get_user_model().objects.count(),
        "roles": Role.objects.count(),
        "cases": Case.objects.count(),
        "case events": CaseEvent.objects.count(),
        "mediation records": MediationRecord.objects.count(),
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The counts after the first run; the database holds the world after the second run."""
    # As in development: with DEBUG off (pytest's default) seed_demo refuses.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER, DEBUG=True), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        after_first_run = register_counts()
        call_command("seed_demo", stdout=io.StringIO())
        yield after_first_run
        transaction.set_rollback(True)


@pytest.fixture
def grid1(seeded, db):
    return Grid.objects.get(community__code=places.COMMUNITY_CODE, number=1)


def test_second_run_changes_no_counts(seeded, db):
    assert register_counts() == seeded


def test_second_run_says_already_seeded(seeded, db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "already seeded" in out.getvalue()


def test_grid1_has_307_households(grid1):
    assert grid1.households.filter(archived_at=None).count() == 307


def test_grid1_has_92_shops(grid1):
    assert grid1.shops.filter(archived_at=None).count() == 92


def test_ren_aixiang_is_86(grid1):
    ren = Resident.objects.get(name="任爱香")
    assert ren.household.grid == grid1
    assert ren.age == 86


def test_ren_aixiang_depends_on_medical_equipment(seeded, db):
    ren = Resident.objects.get(name="任爱香")
    assert PersonCategory.MEDICAL_EQUIPMENT in ren.category_values()


def test_the_demo_world_is_found_by_the_registers_search(seeded, db):
    """The world is written with the ORM in bulk; its search keys are written in bulk too."""
    from gridapp.register.search import search

    wu = get_user_model().objects.get(username="wu")
    ren = Resident.objects.get(name="任爱香")
    assert ren in search(wu, "rax").residents
    assert ren.household in search(wu, ren.household.address).households
    indexed = set(SearchKey.objects.filter(kind=SearchKind.RESIDENT).values_list("record_id", flat=True))
    assert indexed == set(Resident.objects.values_list("pk", flat=True))


def test_every_resident_id_number_is_valid(seeded, db):
    for resident in Resident.objects.exclude(id_number=""):
        validate_id_number(resident.id_number)


def test_every_resident_id_number_gives_the_date_of_birth(seeded, db):
    mismatched = [r.name for r in Resident.objects.all() if birth_date_from_id(r.id_number) != r.date_of_birth]
    assert mismatched == []


@pytest.mark.parametrize("username", [account.username for account in accounts.ACCOUNTS])
def test_every_demo_account_can_log_in(client, seeded, db, username):
    # Through the log-in form: django-axes checks every attempt against its request.
    client.post(reverse("login"), {"username": username, "password": accounts.DEMO_PASSWORD})
    assert client.session.get("_auth_user_id")


@pytest.mark.parametrize(
    ("username", "kind"),
    [("wu", "grid_worker"), ("chen", "grid_worker"), ("staff", "community_staff"), ("admin", "admin")],
)
def test_demo_account_holds_its_role(seeded, db, username, kind):
    assert Role.objects.filter(user__username=username, kind=kind).count() == 1


# --- departments and cases ------------------------------------------------------------------


def user(username):
    return get_user_model().objects.get(username=username)


def story_case(title):
    return Case.objects.get(title=title)


def actions(case):
    return list(case.events.order_by("created_at", "pk").values_list("action", flat=True))


def event(case, action):
    return case.events.filter(action=action).select_related("actor").latest("created_at", "pk")


@pytest.mark.parametrize(
    ("username", "kind"),
    [
        ("police", DepartmentKind.POLICE),
        ("build", DepartmentKind.CONSTRUCTION),
        ("agri", DepartmentKind.AGRICULTURE),
    ],
)
def test_department_accounts_are_members_of_the_towns_departments(seeded, db, username, kind):
    (department,) = user(username).departments.all()
    assert department.kind == kind
    assert department.town.name == places.TOWN_NAME


def test_the_renovation_contractor_is_a_department_too(seeded, db):
    assert Department.objects.filter(kind=DepartmentKind.CONTRACTOR).count() == 1


def test_story_3_settled_in_the_grid_in_half_an_hour_with_a_mediation_record(seeded, db):
    case = story_case(case_stories.LEAK_TITLE)
    assert case.state == State.FEEDBACK
    assert case.level == Level.GRID
    assert case.satisfaction == Satisfaction.SATISFIED
    assert actions(case) == ["report", "register", "take", "mediation", "settle", "feedback", "mediation_follow_up"]
    assert case.closed_at - case.reported_at < datetime.timedelta(hours=1)
    assert {h.address for h in case.households.all()} == {"临江路4幢2单元301室", "临江路4幢2单元401室"}
    assert case.complainant.name == "陈国平"
    (record,) = case.mediations.all()
    assert record.outcome == MediationOutcome.AGREED
    assert {p.name for p in record.parties.all()} == {"陈国平", "王美娟", "张浩", "李雨婷"}
    assert {u.username for u in record.mediators.all()} == {"wu", "li"}  # Old Li, the party group leader
    assert record.kept is True
    assert record.followed_up_on == timezone.localdate(case.feedback_at)


def test_story_4_referred_to_the_police_station_and_closed_within_a_week(seeded, db):
    case = story_case(case_stories.PETS_TITLE)
    assert case.state == State.FEEDBACK
    assert case.level == Level.TOWN
    assert case.department.kind == DepartmentKind.POLICE
    assert actions(case) == [
        "report",
        "register",
        "take",
        "escalate",
        "dispatch",
        "resolve",
        "verify",
        "close",
        "feedback",
    ]
    assert event(case, "dispatch").actor.username == "staff"
    assert event(case, "resolve").actor.username == "police"
    assert event(case, "verify").actor.username == "wu"
    assert case.closed_at - case.reported_at < datetime.timedelta(days=7)
    assert places.PETS_BUNGALOW in {h.address for h in case.households.all()}


def test_story_5_resolved_at_town_level_after_a_joint_site_visit(seeded, db):
    case = story_case(case_stories.CORRIDOR_TITLE)
    assert case.state == State.FEEDBACK
    assert case.level == Level.TOWN
    assert case.department.kind == DepartmentKind.CONSTRUCTION
    assert str(case.building) == "峙山北路4幢"
    assert actions(case) == [
        "report",
        "register",
        "take",
        "escalate",
        "dispatch",
        "add_note",
        "extend",
        "approve_extension",
        "assist_done",
        "assist_done",
        "resolve",
        "verify",
        "close",
        "feedback",
    ]
    assert event(case, "resolve").actor.username == "build"
    assert "登高车" in event(case, "resolve").note
    assert event(case, "approve_extension").actor.username == "staff"  # the office approved it (延期审批)
    assert case.counted_due_at is None  # in time: the on-time rate counts the new deadline
    assert case.closed_at <= case.due_at  # the extension was asked for in time, and kept


def test_story_5_is_joint_work_led_by_the_construction_office(seeded, db):
    """协办: the agriculture & rural office and the renovation contractor assist; each marked its
    part done, the agriculture office after the joint site visit, before the lead resolved."""
    case = story_case(case_stories.CORRIDOR_TITLE)
    parts = {part.department.kind: part for part in case.assists.select_related("department", "done_by")}
    assert set(parts) == {DepartmentKind.AGRICULTURE, DepartmentKind.CONTRACTOR}
    assert parts[DepartmentKind.AGRICULTURE].done_by.username == "agri"
    assert parts[DepartmentKind.CONTRACTOR].done_by.username == "repair"
    dispatched = event(case, "dispatch").created_at
    assert all(dispatched == part.added_at < part.done_at <= case.resolved_at for part in parts.values())
    assert event(case, "add_note").actor.username == "agri"
    assert "东麓池老旧小区改造施工方" in event(case, "dispatch").note
    assert "尚未完成" not in event(case, "resolve").note  # no part was open when it was resolved
    assert case.pk in set(case_scope.cases(user("repair")).values_list("pk", flat=True))


def test_mediation_follow_ups_are_on_the_timeline(seeded, db):
    followed = MediationRecord.objects.filter(kept__isnull=False)
    assert set(followed.values_list("kept", flat=True)) == {True, False}
    for record in followed.select_related("case"):
        entry = event(record.case, "mediation_follow_up")
        assert timezone.localdate(entry.created_at) == record.followed_up_on >= record.held_on


def test_the_police_account_sees_only_its_departments_cases(seeded, db):
    police = user("police")
    visible = set(case_scope.cases(police).values_list("pk", flat=True))
    (department,) = police.departments.all()
    led_or_assisted = Q(department=department) | Q(assists__department=department)
    assert visible == set(Case.objects.filter(led_or_assisted).values_list("pk", flat=True))
    assert story_case(case_stories.PETS_TITLE).pk in visible
    assert story_case(case_stories.LEAK_TITLE).pk not in visible
    assert case_scope.cases(police).filter(state__in=OPEN_STATES).exists()  # its queue has work in it


@pytest.mark.parametrize("username", ["police", "build", "agri"])
def test_every_department_has_a_case_to_act_on(seeded, db, username):
    member = user(username)
    assert case_scope.cases(member).filter(state=State.DISPATCHED, department__members=member).exists()


def test_case_numbers_count_up_per_year_in_the_order_reported(seeded, db):
    by_year = {}
    for number, reported_at in Case.objects.order_by("reported_at", "pk").values_list("number", "reported_at"):
        match = re.fullmatch(r"DLC-(\d{4})-(\d{6})", number)
        assert match, number
        year = timezone.localtime(reported_at).year
        assert int(match[1]) == year
        by_year.setdefault(year, []).append(int(match[2]))
    for numbers in by_year.values():
        assert numbers == list(range(1, len(numbers) + 1))  # DLC-2026-000001 first


def test_every_cases_state_is_its_last_timeline_entrys(seeded, db):
    for case in Case.objects.prefetch_related("events"):
        last = max(case.events.all(), key=lambda e: (e.created_at, e.pk))
        assert case.state == last.to_state, case.number
        assert case.level == last.level, case.number


def test_timelines_are_in_the_past_and_agree_with_the_cases_times(seeded, db):
    now = timezone.now()
    for case in Case.objects.prefetch_related("events"):
        events = sorted(case.events.all(), key=lambda e: e.pk)
        times = [e.created_at for e in events]
        assert times == sorted(times), case.number
        assert times[-1] <= now, case.number
        assert case.reported_at == times[0], case.number
        for stamp, state in (("registered_at", State.REGISTERED), ("closed_at", State.CLOSED)):
            if getattr(case, stamp) is not None:
                moved = [e.created_at for e in events if e.to_state == state and e.from_state != state]
                assert getattr(case, stamp) == moved[-1], (case.number, stamp)


def test_cases_spread_over_three_months_both_grids_and_every_category(seeded, db):
    cases = Case.objects.all()
    assert 43 <= cases.count() <= 83  # the three stories and some sixty others
    assert timezone.now() - cases.order_by("reported_at").first().reported_at > datetime.timedelta(days=60)
    assert set(cases.values_list("grid__number", flat=True)) == {1, 2}
    assert set(cases.values_list("category__name", flat=True)) == set(Category.objects.values_list("name", flat=True))
    assert set(cases.values_list("channel", flat=True)) >= {"walk_in", "phone", "hotline", "visit", "patrol"}
    assert cases.filter(visit__isnull=False).exists()  # raised on a visit


def test_cases_are_in_every_state(seeded, db):
    assert set(Case.objects.values_list("state", flat=True)) == set(State.values)
    assert Case.objects.filter(state=State.REJECTED).count() >= 2
    assert Case.objects.filter(rework_count__gt=0).count() >= 2
    assert Case.objects.filter(state__in=OPEN_STATES, due_at__lt=timezone.now()).exists()  # overdue
    feedback = set(Case.objects.exclude(satisfaction="").values_list("satisfaction", flat=True))
    assert feedback == set(Satisfaction.values)


def test_the_worker_has_cases_to_handle_and_to_verify(seeded, db):
    wu = user("wu")
    mine = case_scope.cases(wu).filter(grid__number=1)
    assert mine.filter(state__in=(State.REGISTERED, State.HANDLING)).exists()
    assert mine.filter(state=State.RESOLVED).exclude(resolved_by=wu).exists()


def test_overdue_open_cases_were_flagged_when_they_fell_due(seeded, db):
    long_due = Case.objects.filter(state__in=OPEN_STATES, due_at__lt=timezone.now() - datetime.timedelta(hours=1))
    assert long_due.exists()
    for case in long_due:
        assert case.overdue_flagged_at is not None, case.number
        assert case.due_at < case.overdue_flagged_at <= case.due_at + datetime.timedelta(minutes=15)


def test_past_notifications_are_dated_delivered_and_mostly_read(seeded, db):
    now = timezone.now()
    notifications = Notification.objects.filter(link__startswith="/cases/")
    assert notifications.exists()
    assert not notifications.filter(created_at__gt=now).exists()
    assert not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists()  # no e-mail storm on make run
    assert notifications.filter(read_at__isnull=True).count() < notifications.count() / 2
    dispatched = event(story_case(case_stories.PETS_TITLE), "dispatch").created_at
    assert Notification.objects.filter(recipient__username="police", created_at=dispatched).exists()


def test_a_database_seeded_before_cases_existed_gets_them_on_the_next_run(seeded, db):
    Case.objects.update(duplicate_of=None)
    Case.objects.all().delete()
    out = io.StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHER, DEBUG=True):
        call_command("seed_demo", stdout=out)
    assert "cases added" in out.getvalue()
    assert Case.objects.count() == seeded["cases"]
    assert story_case(case_stories.LEAK_TITLE).state == State.FEEDBACK
    test_case_numbers_count_up_per_year_in_the_order_reported(seeded, db)  # from 000001 again


def test_residents_found_needing_help_were_told_when_it_happened_and_some_still_wait(seeded, db):
    from visits.models import HelpAlert

    alerts = HelpAlert.objects.select_related("visit", "resident")
    assert alerts.filter(handled_at__isnull=True).exists(), "the staff's home has residents waiting"
    for alert in alerts:
        assert alert.created_at == alert.visit.visited_at
        assert alert.handled_at is None or alert.handled_at >= alert.created_at
    # Story 1: Wu arranged the ventilator repair's follow-up at Ren's door.
    [ren_alert] = alerts.filter(resident__name="任爱香", condition="needs_help")
    assert ren_alert.handled_how == "follow_up"
    told = Notification.objects.filter(kind="help_alert")
    assert told.exists()
    assert not told.filter(created_at__gt=timezone.now()).exists()


def test_a_dozen_hazards_in_every_state_and_the_stairwell_bike_rechecked(seeded, db):
    from visits.hazard_models import Hazard, HazardState

    hazards = Hazard.objects.filter(grid__community__code=places.COMMUNITY_CODE)
    assert hazards.count() == 12
    assert set(hazards.values_list("state", flat=True)) == set(HazardState.values)
    bike = hazards.get(kind__code="ebike", building__road="峙山北路", building__number="4")
    assert bike.state == HazardState.RECTIFYING
    assert bike.rechecks.get().result == "not_yet"
    assert bike.recheck_due_on <= timezone.localdate()  # due again: in this morning's digest
    escalated = hazards.get(state=HazardState.ESCALATED)
    assert escalated.cases.get().grid == escalated.grid


def test_the_communitys_service_facilities(seeded, db):
    from visits.facility_models import Facility

    facilities = Facility.objects.filter(grid__community__code=places.COMMUNITY_CODE)
    assert {"canteen", "hydrant", "aed", "shelter"} <= set(facilities.values_list("kind__code", flat=True))
    assert facilities.get(name="峙山北路4幢东侧消防栓").condition == "broken"
