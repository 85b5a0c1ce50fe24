"""The rest of the URL × role × method matrix (test_access.py holds MATRIX and its six roles):

- department staff: Shen, the police station's officer, a member of a department and of no grid
  or community, on every URL of MATRIX (DEPARTMENT_EXPECTED);
- every method a URL does not accept, for every role, generated from MATRIX: 405 (or, for the
  anonymous user, the log-in page), never a page;
- every admin URL (changelist, add, change, history, delete) of every registered model, for every
  role and for a community staff member whose account was wrongly given the admin flag.

Each request of a grouped test runs in a savepoint that is rolled back, so one world serves many
requests and what one request changes never reaches the next.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, Category, Department, DepartmentKind, MediationRecord
from gridapp.accounts import api_keys
from gridapp.models import ApiClient, DataAccessLog, SecurityPolicy, WorkerHeartbeat

from ..factories import UserFactory
from .test_access import MATRIX, ROLES, _png, assert_denial_logged, world  # noqa: F401  (world: the matrix's fixture)

DEPARTMENT = "officer"
ALL_ROLES = [*ROLES, DEPARTMENT]
# What a browser or a script may send; a view that accepts none of them besides its own is 405.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

# name → {method: status} for Shen, a member of the police station (no grid, no community), on
# MATRIX's objects, with MATRIX's case (its photo, its mediation) one dispatched to his station.
# He sees the cases referred to his department and the pages everyone has, nothing of the register.
DEPARTMENT_EXPECTED = {
    "home": {"GET": 200},  # his department's desk
    "search": {"GET": 200},  # finds nothing: no grid, no register
    "grid_detail": {"GET": 404},
    "building_detail": {"GET": 404},
    "building_create": {"GET": 403, "POST": 403},
    "building_edit": {"GET": 404, "POST": 404},
    "household_detail": {"GET": 404},
    "household_create": {"GET": 403, "POST": 403},
    "household_edit": {"GET": 404, "POST": 404},
    "household_archive": {"POST": 404},
    "resident_create": {"GET": 404, "POST": 404},
    "resident_detail": {"GET": 404},
    "resident_edit": {"GET": 404, "POST": 404},
    "resident_archive": {"POST": 404},
    "resident_reveal_id": {"POST": 404},
    "access_log": {"GET": 403},
    "export": {"GET": 403, "POST": 403},
    "typhoon_roster": {"GET": 403, "POST": 403},
    "record_history": {"GET": 403},
    "household_add": {"GET": 404, "POST": 404},
    "shop_add": {"GET": 404, "POST": 404},
    "resident_add": {"GET": 404, "POST": 404},
    "resident_depart": {"GET": 404, "POST": 404},
    "awaiting_confirmation": {"GET": 403},
    "register_confirm": {"POST": 404},
    "shop_detail": {"GET": 404},
    "shop_create": {"GET": 403, "POST": 403},
    "shop_edit": {"GET": 404, "POST": 404},
    "shop_archive": {"POST": 404},
    "visit_household": {"GET": 404, "POST": 404},
    "visit_shop": {"GET": 404, "POST": 404},
    "visit_detail": {"GET": 404},
    "visit_photo": {"GET": 404},
    "visit_edit": {"GET": 404, "POST": 404},
    "visit_weekly": {"GET": 403},
    "hazard_list": {"GET": 200},  # empty
    "hazard_create": {"GET": 404, "POST": 404},
    "hazard_detail": {"GET": 404},
    "hazard_recheck": {"GET": 404, "POST": 404},
    "hazard_close": {"POST": 404},
    "hazard_photo": {"GET": 404},
    "facility_list": {"GET": 200},  # empty
    "facility_detail": {"GET": 404},
    "follow_up_detail": {"GET": 404, "POST": 404},
    "visit_follow_up": {"GET": 404, "POST": 404},
    "help_alert_list": {"GET": 200},  # empty
    "help_alert_acknowledge": {"POST": 404},
    "follow_ups": {"GET": 200},  # empty
    "campaign_list": {"GET": 200},  # empty
    "campaign_create": {"GET": 403, "POST": 403},
    "campaign_detail": {"GET": 404},
    "checkins": {"GET": 200},  # empty
    "care_level_list": {"GET": 200},
    "care_level_create": {"GET": 403, "POST": 403},
    "care_level_edit": {"GET": 403, "POST": 403},
    "resident_care": {"GET": 404, "POST": 404},
    "inbox": {"GET": 200},
    "notification_detail": {"GET": 404},  # Wu's message
    "inbox_mark_all_read": {"POST": 302},
    "failed_deliveries": {"GET": 403},
    "delivery_retry": {"POST": 404},
    "community_webhook": {"GET": 404, "POST": 404},
    "case_queue": {"GET": 200},
    "case_create": {"GET": 200, "POST": 200},  # no grid to choose: the form says so
    "case_bulk_assign": {"POST": 403},
    "import_list": {"GET": 403},
    "import_upload": {"GET": 403, "POST": 403},
    "import_template": {"GET": 403},
    "import_detail": {"GET": 403},
    "import_progress": {"GET": 403},
    "import_commit": {"POST": 403},
    "import_cancel": {"POST": 403},
    "import_rerun": {"POST": 403},
    "department_queue": {"GET": 200},
    "case_measures": {"GET": 403},
    "case_detail": {"GET": 200},
    "case_sheet": {"POST": 200},
    "case_act": {"POST": 403},  # "register" is not his to take (nor possible once dispatched)
    "mediation_create": {"GET": 403, "POST": 403},
    "mediation_follow_up": {"GET": 403, "POST": 403},
    "case_photo": {"GET": 200},
    "category_list": {"GET": 200},
    "open311:intake": {"GET": 403},
    "open311:intake_place": {"GET": 403, "POST": 403},
    "category_create": {"GET": 403, "POST": 403},
    "category_edit": {"GET": 403, "POST": 403},
    "people": {"GET": 403},
    "person_add": {"GET": 403, "POST": 403},
    "person_detail": {"GET": 403},
    "role_grant": {"GET": 403, "POST": 403},
    "role_move": {"GET": 403, "POST": 403},
    "role_revoke": {"POST": 403},
    "person_deactivate": {"POST": 403},
    "person_reactivate": {"POST": 403},
    "person_password": {"GET": 403, "POST": 403},
    "person_month": {"GET": 404},  # not a grid worker of his: he cannot learn Wu's month exists
    "community_month": {"GET": 403},
    "worker_month_export": {"GET": 403, "POST": 403},
    "password_change": {"GET": 200, "POST": 200},
    "password_change_done": {"GET": 200},
    "password_reset": {"GET": 200, "POST": 200},
    "password_reset_done": {"GET": 200},
    "password_reset_confirm": {"GET": 200, "POST": 200},
    "password_reset_complete": {"GET": 200},
    "otp_setup": {"GET": 200, "POST": 200},
    "otp_verify": {"GET": 302, "POST": 302},
    "login": {"GET": 302, "POST": 302},
    "logout": {"POST": 302},
    "set_language": {"GET": 302, "POST": 302},
    "healthz": {"GET": 503},
    # The installable app: no offline pack (he works no grid), and nothing of a grid to send.
    "service_worker": {"GET": 200},
    "manifest": {"GET": 200},
    "offline_page": {"GET": 200},
    "offline_pack": {"GET": 403},
    "offline_visit": {"GET": 405, "POST": 400},
    "bench_floor": {"GET": 200, "POST": 405},  # the benchmarks' floor: his own role, nothing more
}

# MATRIX's own case is not referred to his station: he cannot learn that it exists.
DEPARTMENT_OUTSIDE = {
    "case_detail": {"GET": 404},
    "case_sheet": {"POST": 404},
    "case_act": {"POST": 404},
    "case_photo": {"GET": 404},
    "mediation_create": {"GET": 404, "POST": 404},
    "mediation_follow_up": {"GET": 404, "POST": 404},
}

DEPARTMENT_CASES = [
    (name, method, expected) for name, methods in DEPARTMENT_EXPECTED.items() for method, expected in methods.items()
]
OUTSIDE_CASES = [
    (name, method, expected) for name, methods in DEPARTMENT_OUTSIDE.items() for method, expected in methods.items()
]


def unlisted_methods(name):
    """The methods MATRIX does not list for a URL: each must be refused."""
    listed = set(MATRIX[name][1]) | set(DEPARTMENT_EXPECTED.get(name, {}))
    return [method for method in METHODS if method not in listed]


# --- the admin ---------------------------------------------------------------------------------

ADMIN_VIEWS = ("changelist", "add", "change", "history", "delete")
FLAGGED = "flagged"  # Dongluchi staff whose account has is_staff ticked, but no admin role
ADMIN_ROLES = [*ALL_ROLES, FLAGGED]
ALL_DENIED = dict.fromkeys(ADMIN_VIEWS, 403)


def _admin_expected(**overrides):
    return {"changelist": 200, "add": 200, "change": 200, "history": 200, "delete": 403, **overrides}


# What a gridapp admin (a role, not a Django superuser) gets on each registered model's pages.
# Nothing of the register, visits or cases can be deleted (403); read-only models answer their
# change page with a read-only view (200). Groups and the beat schedule are Django's own admins,
# governed by Django permissions: superusers only.
ADMIN_EXPECTED = {
    "auth.group": ALL_DENIED,
    "django_celery_beat.periodictask": ALL_DENIED,
    "django_celery_beat.clockedschedule": ALL_DENIED,
    "django_celery_beat.crontabschedule": ALL_DENIED,
    "django_celery_beat.solarschedule": ALL_DENIED,
    "django_celery_beat.intervalschedule": ALL_DENIED,
    "gridapp.town": _admin_expected(),
    "gridapp.community": _admin_expected(),
    "gridapp.grid": _admin_expected(),
    "gridapp.building": _admin_expected(),
    "gridapp.household": _admin_expected(),
    "gridapp.resident": _admin_expected(),
    "gridapp.shop": _admin_expected(),
    "gridapp.role": _admin_expected(delete=200),  # removing a role is how someone leaves a grid
    "gridapp.workerheartbeat": _admin_expected(add=403),
    "auth.user": _admin_expected(),  # deactivated, never deleted
    "gridapp.securitypolicy": _admin_expected(changelist=302, add=403),  # one row: the list opens it
    "otp_totp.totpdevice": _admin_expected(add=403, delete=200),  # removed when a phone is lost
    "axes.accessattempt": _admin_expected(add=403, delete=200),  # deleting one unlocks the pair
    "axes.accesslog": _admin_expected(add=403),
    "gridapp.dataaccesslog": _admin_expected(add=403),  # written by reveals and exports only, read-only
    "gridapp.apiclient": _admin_expected(),  # revoked, never deleted; the add page shows the key once
    "gridapp.importbatch": _admin_expected(add=403),  # written by imports only, read-only
    "visits.visit": _admin_expected(),
    "visits.followup": _admin_expected(),
    "visits.campaign": _admin_expected(),
    "visits.hazardkind": _admin_expected(),  # retired (unticked), never deleted
    "visits.facilitykind": _admin_expected(),
    "visits.facility": _admin_expected(),  # taken out of service, never deleted
    "cases.case": _admin_expected(add=403),  # cases are recorded through intake only
    "cases.category": _admin_expected(),
    "cases.department": _admin_expected(),
    "cases.mediationrecord": _admin_expected(),
}


def registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label_lower)


def admin_url_names():
    return [model._meta.label_lower for model in registered_models()]


def case_counts():
    """How many URL × role × method cases the access tests check, by part."""
    counts = {
        "matrix (6 roles)": sum(len(methods) * len(ROLES) for _, methods in MATRIX.values()),
        "department staff": len(DEPARTMENT_CASES) + len(OUTSIDE_CASES),
        "methods not accepted": sum(len(unlisted_methods(name)) * len(ALL_ROLES) for name in MATRIX),
        # every view of every model with GET, and the delete view with POST too; plus the index
        "admin": (len(admin.site._registry) * (len(ADMIN_VIEWS) + 1) + 1) * len(ADMIN_ROLES),
    }
    counts["total"] = sum(counts.values())
    return counts


# --- fixtures ----------------------------------------------------------------------------------


def _police(town):
    return Department.objects.get_or_create(town=town, name="临浦派出所", defaults={"kind": DepartmentKind.POLICE})[0]


@pytest.fixture
def dept_world(world):  # noqa: F811  (the fixture imported above)
    """MATRIX's world, plus Shen of the police station and a Grid 1 case dispatched to it."""
    users = world["users"]
    police = _police(world["grid"].community.town)
    officer = UserFactory(username="officer", first_name="志强", last_name="沈")
    police.members.add(officer)
    case = services.case_report(
        by=users["wu"],
        grid=world["grid"],
        title="峙山北路后排平房圈养猫狗",
        description="租户养了十几只猫狗",
        category=Category.objects.first(),
        priority="normal",
        channel="walk_in",
        complainant_name="邻居",
    )
    for action, by, change in (
        ("register", "staff", services.Change()),
        ("dispatch", "staff", services.Change(department=police)),
    ):
        case = Case.objects.get(pk=case.pk)
        services.perform(case=case, action_name=action, by=users[by], version=case.version, change=change)
    case = Case.objects.get(pk=case.pk)
    return {
        **world,
        "case": case,
        "case_photo": case.photos.create(image=SimpleUploadedFile("cats.png", _png(), "image/png")),
        "mediation": MediationRecord.objects.create(
            case=case, other_parties="租户", outcome="agreed", recorded_by=users["wu"]
        ),
        "police": police,
        "outside": world,
        "users": {**users, DEPARTMENT: officer},
    }


def _log_in(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


def _request(client, method, url, body=""):
    """One request in a savepoint that is rolled back: the next request sees the same world."""
    with transaction.atomic():
        response = client.generic(method, url, body, content_type="application/x-www-form-urlencoded")
        transaction.set_rollback(True)
    return response


def _sends_to_login(response, login_url):
    return response.status_code == 302 and response["Location"].startswith(login_url)


# --- department staff --------------------------------------------------------------------------


def test_department_expectations_cover_every_url():
    missing = sorted(set(MATRIX) - set(DEPARTMENT_EXPECTED))
    assert not missing, f"add department staff's expected statuses to DEPARTMENT_EXPECTED for {missing}"
    stale = sorted(set(DEPARTMENT_EXPECTED) - set(MATRIX))
    assert not stale, f"DEPARTMENT_EXPECTED names URLs MATRIX does not have: {stale}"


@pytest.mark.parametrize(
    ("name", "method", "expected"), DEPARTMENT_CASES, ids=[f"{c[0]}-{c[1]}" for c in DEPARTMENT_CASES]
)
def test_department_staff(client, caplog, dept_world, name, method, expected):
    kwargs_for, _ = MATRIX[name]
    url = reverse(name, kwargs=kwargs_for(dept_world))
    client.force_login(dept_world["users"][DEPARTMENT])
    caplog.clear()
    response = client.generic(method, url)
    assert response.status_code == expected, f"officer {method} {url}"
    assert_denial_logged(caplog, response, DEPARTMENT, method, url)


@pytest.mark.parametrize(("name", "method", "expected"), OUTSIDE_CASES, ids=[f"{c[0]}-{c[1]}" for c in OUTSIDE_CASES])
def test_department_staff_on_a_case_not_referred_to_them(client, caplog, dept_world, name, method, expected):
    kwargs_for, _ = MATRIX[name]
    url = reverse(name, kwargs=kwargs_for(dept_world["outside"]))
    client.force_login(dept_world["users"][DEPARTMENT])
    caplog.clear()
    response = client.generic(method, url)
    assert response.status_code == expected, f"officer {method} {url}"
    assert_denial_logged(caplog, response, DEPARTMENT, method, url)


# --- every method ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_methods_a_url_does_not_accept_are_refused(client, dept_world, name):
    """PUT, PATCH, DELETE, OPTIONS, and GET or POST where MATRIX does not list them: 405 for every
    role (the anonymous user may be sent to log in first), never a page and never a change."""
    kwargs_for, _ = MATRIX[name]
    url = reverse(name, kwargs=kwargs_for(dept_world))
    login_url = reverse("login")
    wrong = []
    for role in ALL_ROLES:
        _log_in(client, None if role == "anonymous" else dept_world["users"][role])
        for method in unlisted_methods(name):
            response = _request(client, method, url)
            refused = response.status_code == 405 or (role == "anonymous" and _sends_to_login(response, login_url))
            if not refused:
                wrong.append(f"{role} {method} {url} → {response.status_code}")
    assert not wrong, "\n".join(wrong)


# --- the admin ---------------------------------------------------------------------------------


def _first_or_create(model, create):
    return model._default_manager.order_by("pk").first() or create()


def _admin_object(model, objects):
    """One object of a model registered in the admin: the world's, else one made for the test."""
    from axes.models import AccessAttempt, AccessLog
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )
    from django_otp.plugins.otp_totp.models import TOTPDevice

    now = timezone.now()

    def interval():
        return _first_or_create(IntervalSchedule, lambda: IntervalSchedule.objects.create(every=10, period="minutes"))

    creators = {
        Group: lambda: Group.objects.create(name="值班"),
        IntervalSchedule: interval,
        PeriodicTask: lambda: PeriodicTask.objects.create(name="test", task="gridapp.tasks.x", interval=interval()),
        ClockedSchedule: lambda: ClockedSchedule.objects.create(clocked_time=now),
        CrontabSchedule: lambda: CrontabSchedule.objects.create(minute="30", hour="7"),
        SolarSchedule: lambda: SolarSchedule.objects.create(event="sunrise", latitude=30, longitude=120),
        WorkerHeartbeat: lambda: WorkerHeartbeat.objects.create(hostname="celery@test", seen_at=now),
        SecurityPolicy: lambda: SecurityPolicy.objects.get_or_create(pk=1)[0],
        # Someone else's authenticator: Wu with one would owe a code before any page.
        TOTPDevice: lambda: TOTPDevice.objects.create(user=UserFactory(username="phone"), name="phone", confirmed=True),
        AccessAttempt: lambda: AccessAttempt.objects.create(
            username="wu", ip_address="10.0.0.1", user_agent="test", failures_since_start=2, attempt_time=now
        ),
        AccessLog: lambda: AccessLog.objects.create(
            username="wu", ip_address="10.0.0.1", user_agent="test", attempt_time=now
        ),
        ApiClient: lambda: api_keys.issue(name="12345 热线", user=objects["users"]["wu"])[0],
        DataAccessLog: lambda: DataAccessLog.objects.create(
            user=objects["users"]["staff"],
            action="reveal_id",
            resident=objects["resident"],
            community=objects["grid"].community,
            ip_address="10.0.0.1",
            reason="办理高龄津贴",
        ),
    }
    obj = _first_or_create(model, creators.get(model, lambda: None))
    assert obj is not None, f"no {model._meta.label} to open in the admin: add a creator to _admin_object"
    return obj


@pytest.fixture
def admin_world(dept_world):
    """The world, and Dongluchi staff whose account has the admin flag (is_staff) but no admin role."""
    flagged = UserFactory(username="flagged", is_staff=True)
    flagged.gridapp_roles.create(kind="community_staff", community=dept_world["grid"].community)
    return {**dept_world, "users": {**dept_world["users"], FLAGGED: flagged}}


def _admin_url(model, view, obj):
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_{view}"
    return reverse(name) if view in ("changelist", "add") else reverse(name, args=[obj.pk])


def test_admin_expectations_cover_every_registered_model():
    assert sorted(ADMIN_EXPECTED) == admin_url_names()


@pytest.mark.parametrize("label", admin_url_names())
def test_admin_pages(client, admin_world, label):
    """Every view of every model: only gridapp admins get in (the rest are sent to the admin's
    log-in page, or refused if their account carries the admin flag without the role); nothing
    is deleted by anyone."""
    model = next(m for m in registered_models() if m._meta.label_lower == label)
    obj = _admin_object(model, admin_world)
    admin_login = reverse("admin:login")
    wrong = []
    for role in ADMIN_ROLES:
        _log_in(client, None if role == "anonymous" else admin_world["users"][role])
        requests = [("GET", view) for view in ADMIN_VIEWS] + [("POST", "delete")]
        for method, view in requests:
            url = _admin_url(model, view, obj)
            response = _request(client, method, url, "post=yes" if method == "POST" else None)
            got = response.status_code
            if role == "admin":
                expected = ADMIN_EXPECTED[label][view]
                if method == "POST" and view == "delete" and expected == 200:
                    expected = 302  # deleted (in the savepoint) and back to the list
                ok = got == expected
            elif role == FLAGGED:
                ok = got == 403
            else:  # the anonymous user meets the site's log-in page first
                ok = _sends_to_login(response, admin_login if role != "anonymous" else reverse("login"))
            if not ok:
                wrong.append(f"{role} {method} {view} {url} → {got}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_admin_index(client, admin_world, role):
    _log_in(client, None if role == "anonymous" else admin_world["users"][role])
    response = client.get(reverse("admin:index"))
    if role in ("admin", FLAGGED):
        assert response.status_code == 200
        if role == FLAGGED:  # the flag alone opens an empty index: no model is listed
            assert not response.context["app_list"]
    else:
        assert _sends_to_login(response, reverse("admin:login"))


def test_gridapp_admins_see_every_community_in_the_admin(client, admin_world, other_grid):
    """An admin's scope is everything: the changelists are not narrowed (nor need they be)."""
    from ..factories import HouseholdFactory

    far = HouseholdFactory(grid=other_grid, head_name="浦南户主")
    client.force_login(admin_world["users"]["admin"])
    response = client.get(reverse("admin:gridapp_household_changelist"))
    assert far.head_name in response.content.decode()
    assert admin_world["household"].head_name in response.content.decode()


def test_case_count_is_printed_in_the_summary():
    counts = case_counts()
    assert counts["total"] > 2000
    assert counts["total"] == sum(v for k, v in counts.items() if k != "total")
