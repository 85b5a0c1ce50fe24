"""The URL × role access matrix: every URL, every method it accepts, every role.

Objects belong to Grid 1 of Dongluchi (Wu's grid). Chen works Grid 2 of the same community and
Zhao is staff of another community: both must get 404, never learn the object exists.
"""

import datetime
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from cases.hotline_models import HotlineRequest
from cases.models import Category, MediationRecord
from cases.services import case_report
from gridapp import notify
from gridapp.accounts import api_keys
from gridapp.models import Delivery, ImportBatch, ImportStatus, Role
from visits.hazards.services import record_hazard
from visits.models import Campaign, CareLevel, Facility, FacilityKind, HazardKind, VisitPhoto
from visits.services import NewFollowUp, log_visit

ROLES = ["anonymous", "wu", "chen", "staff", "zhao", "admin"]
LOGIN = 302  # anonymous users are sent to the login page

# name → (kwargs builder, {method: expected status per role in ROLES order})
READ = [LOGIN, 200, 404, 200, 404, 200]
WRITE_FORM = [LOGIN, 403, 404, 200, 404, 200]  # staff's empty POST re-renders the form with errors
ARCHIVE = [LOGIN, 403, 404, 302, 404, 302]
CREATE = [LOGIN, 403, 403, 200, 200, 200]  # a form scoped to the user's own grids
PEOPLE = [LOGIN, 403, 403, 200, 404, 200]  # Wu's account, in the people area
PEOPLE_ACTION = [LOGIN, 403, 403, 302, 404, 302]

MATRIX = {
    "home": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    # The register's search: everyone searches their own scope (what each finds: test_access_scope).
    "search": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    "grid_detail": (lambda o: {"pk": o["grid"].pk}, {"GET": READ}),
    "building_detail": (lambda o: {"pk": o["building"].pk}, {"GET": READ}),
    "building_create": (lambda o: {}, {"GET": CREATE, "POST": CREATE}),
    "building_edit": (lambda o: {"pk": o["building"].pk}, {"GET": WRITE_FORM, "POST": WRITE_FORM}),
    "household_detail": (lambda o: {"pk": o["household"].pk}, {"GET": READ}),
    "household_create": (lambda o: {}, {"GET": CREATE, "POST": CREATE}),
    "household_edit": (lambda o: {"pk": o["household"].pk}, {"GET": WRITE_FORM, "POST": WRITE_FORM}),
    "household_archive": (
        lambda o: {"pk": o["household"].pk},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": ARCHIVE},
    ),
    "resident_create": (lambda o: {"household_pk": o["household"].pk}, {"GET": WRITE_FORM, "POST": WRITE_FORM}),
    "resident_detail": (lambda o: {"pk": o["resident"].pk}, {"GET": READ}),
    # Wu may edit contact details and health notes of his grid's residents. An empty POST lacks
    # the version the form was loaded with, so his form comes back too (it saved before).
    "resident_edit": (lambda o: {"pk": o["resident"].pk}, {"GET": READ, "POST": READ}),
    "resident_archive": (
        lambda o: {"pk": o["resident"].pk},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": ARCHIVE},
    ),
    # What a grid worker adds at the door: anyone who works or runs the grid (an empty POST is a
    # form error); the community's staff confirm it (Wu may not: 403).
    "household_add": (lambda o: {"grid_pk": o["grid"].pk}, {"GET": READ, "POST": READ}),
    "shop_add": (lambda o: {"grid_pk": o["grid"].pk}, {"GET": READ, "POST": READ}),
    "resident_add": (lambda o: {"household_pk": o["household"].pk}, {"GET": READ, "POST": READ}),
    "resident_depart": (lambda o: {"pk": o["resident"].pk}, {"GET": READ, "POST": READ}),
    "awaiting_confirmation": (lambda o: {}, {"GET": [LOGIN, 403, 403, 200, 200, 200]}),
    "register_confirm": (
        lambda o: {"kind": "household", "pk": o["household"].pk},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": ARCHIVE},
    ),
    "shop_detail": (lambda o: {"pk": o["shop"].pk}, {"GET": READ}),
    "shop_create": (lambda o: {}, {"GET": CREATE, "POST": CREATE}),
    "shop_edit": (lambda o: {"pk": o["shop"].pk}, {"GET": WRITE_FORM, "POST": WRITE_FORM}),
    "shop_archive": (lambda o: {"pk": o["shop"].pk}, {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": ARCHIVE}),
    # Personal data: the full ID needs the permission (staff, admins) and a reason (an empty POST
    # is a form error); the access log is for staff and admins; the change history for admins.
    "resident_reveal_id": (
        lambda o: {"pk": o["resident"].pk},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": [LOGIN, 403, 404, 400, 404, 400]},
    ),
    "access_log": (lambda o: {}, {"GET": [LOGIN, 403, 403, 200, 200, 200]}),
    # Exports and the typhoon roster need the export permission (staff, admins); an empty POST
    # is a form error (400), never a file.
    "export": (lambda o: {}, {"GET": [LOGIN, 403, 403, 200, 200, 200], "POST": [LOGIN, 403, 403, 400, 400, 400]}),
    "typhoon_roster": (
        lambda o: {},
        {"GET": [LOGIN, 403, 403, 200, 200, 200], "POST": [LOGIN, 403, 403, 400, 400, 400]},
    ),
    "record_history": (
        lambda o: {"model": "resident", "pk": o["resident"].pk},
        {"GET": [LOGIN, 403, 403, 403, 403, 200]},
    ),
    # Visits: anyone who sees the household or shop may log a visit (an empty POST re-renders).
    "visit_household": (lambda o: {"household_pk": o["household"].pk}, {"GET": READ, "POST": READ}),
    "visit_shop": (lambda o: {"shop_pk": o["shop"].pk}, {"GET": READ, "POST": READ}),
    "visit_detail": (lambda o: {"pk": o["visit"].pk}, {"GET": READ}),
    "visit_photo": (lambda o: {"pk": o["photo"].pk}, {"GET": READ}),
    # Wu logged the visit an hour ago, so he may still correct it.
    "visit_edit": (lambda o: {"pk": o["visit"].pk}, {"GET": READ, "POST": READ}),
    "visit_weekly": (lambda o: {}, {"GET": [LOGIN, 403, 403, 200, 200, 200]}),
    # Hazards (隐患): grid-scoped like visits. Everyone lists their own grids' (Chen's and Zhao's
    # lists are empty); anyone who sees the grid records, rechecks and closes one (an empty POST
    # re-renders the form; an empty close says why it was refused and goes back to the hazard).
    "hazard_list": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    "hazard_create": (lambda o: {"grid_pk": o["grid"].pk}, {"GET": READ, "POST": READ}),
    "hazard_detail": (lambda o: {"pk": o["hazard"].pk}, {"GET": READ}),
    "hazard_recheck": (lambda o: {"pk": o["hazard"].pk}, {"GET": READ, "POST": READ}),
    "hazard_close": (
        lambda o: {"pk": o["hazard"].pk},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": [LOGIN, 302, 404, 302, 404, 302]},
    ),
    "hazard_photo": (lambda o: {"pk": o["hazard_photo"].pk}, {"GET": READ}),
    # Service facilities (服务设施): grid-scoped; the register is kept in the admin.
    "facility_list": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    "facility_detail": (lambda o: {"pk": o["facility"].pk}, {"GET": READ}),
    "follow_up_detail": (lambda o: {"pk": o["follow_up"].pk}, {"GET": READ, "POST": READ}),
    # A follow-up arranged after the visit (the needs-help confirmation): anyone who sees the visit.
    "visit_follow_up": (lambda o: {"pk": o["visit"].pk}, {"GET": READ, "POST": READ}),
    # Residents found needing help: listed within the user's grids; marked handled by their staff.
    "help_alert_list": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    "help_alert_acknowledge": (
        lambda o: {"pk": o["help_alert"].pk},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": [LOGIN, 403, 404, 302, 404, 302]},
    ),
    # Each worker's own follow-ups; staff and admins those of the grids they run.
    "follow_ups": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    "campaign_list": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    "campaign_create": (lambda o: {}, {"GET": CREATE, "POST": CREATE}),
    "campaign_detail": (lambda o: {"pk": o["campaign"].pk}, {"GET": READ}),
    # Visits without signal: the page for everyone; the pack for grid workers only (their own
    # grid: Chen gets Grid 2's); an empty queued visit is refused in JSON, and one sent after the
    # session ended says so (401) instead of the log-in page.
    "offline_page": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    "offline_pack": (lambda o: {}, {"GET": [LOGIN, 200, 200, 403, 403, 403]}),
    "offline_visit": (lambda o: {}, {"GET": [405] * 6, "POST": [401, 400, 400, 400, 400, 400]}),
    # Check-ins and care levels.
    "checkins": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    "care_level_list": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    "care_level_create": (lambda o: {}, {"GET": CREATE, "POST": CREATE}),
    "care_level_edit": (lambda o: {"pk": o["care_level"].pk}, {"GET": CREATE, "POST": CREATE}),
    # The grid's worker may set a resident's level (an empty choice means no check-ins).
    "resident_care": (lambda o: {"pk": o["resident"].pk}, {"GET": READ, "POST": [LOGIN, 302, 404, 302, 404, 302]}),
    # The inbox: each user's own messages only.
    "inbox": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    "notification_detail": (lambda o: {"pk": o["notification"].pk}, {"GET": [LOGIN, 200, 404, 404, 404, 404]}),
    "inbox_mark_all_read": (lambda o: {}, {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": [302] * 6}),
    "failed_deliveries": (lambda o: {}, {"GET": [LOGIN, 403, 403, 200, 200, 200]}),
    # A failed e-mail of a Dongluchi message: its staff and admins send it again; workers, who see
    # no deliveries, and Zhao, staff elsewhere, never learn it exists.
    "delivery_retry": (
        lambda o: {"pk": o["failed_delivery"].pk},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": [LOGIN, 404, 404, 302, 404, 302]},
    ),
    # Dongluchi's group robot: its staff and admins; its workers see the community but may not.
    "community_webhook": (
        lambda o: {"pk": o["grid"].community_id},
        {"GET": [LOGIN, 403, 403, 200, 404, 200], "POST": [LOGIN, 403, 403, 200, 404, 200]},
    ),
    # Cases: every role records and lists cases in its own scope; a case of Grid 1 is Wu's.
    "case_queue": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    "case_create": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200], "POST": [LOGIN, 200, 200, 200, 200, 200]}),
    "case_bulk_assign": (
        lambda o: {},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": [LOGIN, 403, 403, 302, 302, 302]},
    ),
    "department_queue": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    "case_measures": (lambda o: {}, {"GET": [LOGIN, 403, 403, 200, 200, 200]}),
    "case_detail": (lambda o: {"pk": o["case"].pk}, {"GET": READ}),
    # The case sheet prints on a POST (each print is in the access log), for anyone who sees the case.
    "case_sheet": (lambda o: {"pk": o["case"].pk}, {"POST": READ}),
    # An empty POST of an allowed action is a form error (400), never a change.
    "case_act": (
        lambda o: {"pk": o["case"].pk, "action": "register"},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": [LOGIN, 400, 404, 400, 404, 400]},
    ),
    "mediation_create": (lambda o: {"pk": o["case"].pk}, {"GET": READ, "POST": READ}),
    "mediation_follow_up": (lambda o: {"pk": o["mediation"].pk}, {"GET": READ, "POST": READ}),
    "case_photo": (lambda o: {"pk": o["case_photo"].pk}, {"GET": READ}),
    "category_list": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    # The town-level intake of hotline requests whose address names no grid: admins, and the staff
    # of the communities the hotline's user (Dongluchi's staff) sees; Zhao's list is empty.
    "open311:intake": (lambda o: {}, {"GET": [LOGIN, 403, 403, 200, 200, 200]}),
    "open311:intake_place": (
        lambda o: {"pk": o["hotline_request"].pk},
        {"GET": [LOGIN, 403, 403, 200, 404, 200], "POST": [LOGIN, 403, 403, 400, 404, 400]},
    ),
    "category_create": (lambda o: {}, {"GET": CREATE, "POST": CREATE}),
    "category_edit": (lambda o: {"pk": o["case"].category_id}, {"GET": CREATE, "POST": CREATE}),
    # Two-factor: everyone may set up an authenticator (an empty POST is a form error); without
    # one, the code page has nothing to ask and sends the user on.
    "otp_setup": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200], "POST": [LOGIN, 200, 200, 200, 200, 200]}),
    "otp_verify": (lambda o: {}, {"GET": [LOGIN, 302, 302, 302, 302, 302], "POST": [LOGIN, 302, 302, 302, 302, 302]}),
    # Register imports: staff and admins; a batch of Grid 1 is 404 to another community's staff.
    "import_list": (lambda o: {}, {"GET": [LOGIN, 403, 403, 200, 200, 200]}),
    "import_upload": (
        lambda o: {},
        {"GET": [LOGIN, 403, 403, 200, 200, 200], "POST": [LOGIN, 403, 403, 200, 200, 200]},
    ),
    "import_template": (
        lambda o: {"kind": "households", "fmt": "xlsx"},
        {"GET": [LOGIN, 403, 403, 200, 200, 200]},
    ),
    "import_detail": (lambda o: {"pk": o["import_batch"].pk}, {"GET": [LOGIN, 403, 403, 200, 404, 200]}),
    "import_progress": (lambda o: {"pk": o["import_batch"].pk}, {"GET": [LOGIN, 403, 403, 200, 404, 200]}),
    # A batch with errors cannot be imported (a message, back to its page); cancelling discards it.
    "import_commit": (
        lambda o: {"pk": o["import_batch"].pk},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": [LOGIN, 403, 403, 302, 404, 302]},
    ),
    "import_cancel": (
        lambda o: {"pk": o["import_batch"].pk},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": [LOGIN, 403, 403, 302, 404, 302]},
    ),
    # The staff's people area: Dongluchi's staff and admins manage Wu's account (Zhao runs another
    # community: 404); workers have no people area (403). An empty POST is a form error.
    "people": (lambda o: {}, {"GET": [LOGIN, 403, 403, 200, 200, 200]}),
    "person_add": (lambda o: {}, {"GET": [LOGIN, 403, 403, 200, 200, 200], "POST": [LOGIN, 403, 403, 200, 200, 200]}),
    "person_detail": (lambda o: {"pk": o["users"]["wu"].pk}, {"GET": PEOPLE}),
    "role_grant": (lambda o: {"pk": o["users"]["wu"].pk}, {"GET": PEOPLE, "POST": PEOPLE}),
    "role_move": (
        lambda o: {"pk": o["users"]["wu"].pk, "role_pk": o["wu_role"].pk},
        {"GET": PEOPLE, "POST": PEOPLE},
    ),
    "role_revoke": (
        lambda o: {"pk": o["users"]["wu"].pk, "role_pk": o["wu_role"].pk},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": PEOPLE_ACTION},
    ),
    "person_deactivate": (
        lambda o: {"pk": o["users"]["wu"].pk},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": PEOPLE_ACTION},
    ),
    "person_reactivate": (
        lambda o: {"pk": o["users"]["wu"].pk},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": PEOPLE_ACTION},
    ),
    "person_password": (lambda o: {"pk": o["users"]["wu"].pk}, {"GET": PEOPLE, "POST": PEOPLE}),
    # A worker's month (工作台账): Wu reads his own, Dongluchi's staff and admins any of its workers';
    # Chen (the next grid) and Zhao (another community) get 404. The overview and its export are the
    # staff's (an empty POST is a form error).
    "person_month": (lambda o: {"pk": o["users"]["wu"].pk}, {"GET": READ}),
    "community_month": (lambda o: {}, {"GET": [LOGIN, 403, 403, 200, 200, 200]}),
    "worker_month_export": (
        lambda o: {},
        {"GET": [LOGIN, 403, 403, 200, 200, 200], "POST": [LOGIN, 403, 403, 400, 400, 400]},
    ),
    # Everyone chooses their own password (an empty POST is a form error).
    "password_change": (
        lambda o: {},
        {"GET": [LOGIN, 200, 200, 200, 200, 200], "POST": [LOGIN, 200, 200, 200, 200, 200]},
    ),
    "password_change_done": (lambda o: {}, {"GET": [LOGIN, 200, 200, 200, 200, 200]}),
    # Only a failed batch whose file is kept runs again (a message, back to its page).
    "import_rerun": (
        lambda o: {"pk": o["import_batch"].pk},
        {"GET": [LOGIN, 405, 405, 405, 405, 405], "POST": [LOGIN, 403, 403, 302, 404, 302]},
    ),
    # Public pages.
    # A forgotten password: the same pages for everyone; a link that is no link says so (200).
    "password_reset": (lambda o: {}, {"GET": [200] * 6, "POST": [200] * 6}),
    "password_reset_done": (lambda o: {}, {"GET": [200] * 6}),
    "password_reset_confirm": (
        lambda o: {"uidb64": "MQ", "token": "set-password"},
        {"GET": [200] * 6, "POST": [200] * 6},
    ),
    "password_reset_complete": (lambda o: {}, {"GET": [200] * 6}),
    # An empty POST to the log-in page is a form error for the anonymous user; the logged-in are sent on.
    "login": (lambda o: {}, {"GET": [200, 302, 302, 302, 302, 302], "POST": [200, 302, 302, 302, 302, 302]}),
    "logout": (lambda o: {}, {"POST": [302] * 6}),
    "set_language": (lambda o: {}, {"GET": [302] * 6, "POST": [302] * 6}),  # GET only redirects
    # The same answer for everyone, logged in or not: this world has no worker heartbeat, so 503
    # (tests/ops/test_healthz.py has the healthy case and what the answer holds).
    "healthz": (lambda o: {}, {"GET": [503] * 6}),
    # The installable app's service worker and manifest hold no personal data.
    "service_worker": (lambda o: {}, {"GET": [200] * 6}),
    "manifest": (lambda o: {}, {"GET": [200] * 6}),
    # The benchmarks' floor (development only): the base template and the user's own role, the
    # same page for every user logged in. A POST is refused.
    "bench_floor": (
        lambda o: {},
        {"GET": [LOGIN, 200, 200, 200, 200, 200], "POST": [LOGIN, 405, 405, 405, 405, 405]},
    ),
}

# Admin pages: only admins get in; everyone else is sent to the admin login.
ADMIN_URLS = [
    "admin:index",
    "admin:gridapp_household_changelist",
    "admin:gridapp_resident_changelist",
    "admin:visits_visit_changelist",
    "admin:visits_followup_changelist",
    "admin:auth_user_changelist",
    "admin:axes_accessattempt_changelist",
    "admin:axes_accesslog_changelist",
    "admin:otp_totp_totpdevice_changelist",
]

CASES = [
    (name, method, role, expected)
    for name, (_, methods) in MATRIX.items()
    for method, statuses in methods.items()
    for role, expected in zip(ROLES, statuses, strict=True)
]


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def world(wu, chen, staff, zhao, admin_user, ren, linjiang4, shop1):
    visit, _ = log_visit(
        worker=wu,
        client_id=uuid.uuid4(),
        visited_at=timezone.now() - datetime.timedelta(hours=1),
        household=ren.household,
        conditions={ren: "needs_help"},
        notes="呼吸机坏了",
        follow_up=NewFollowUp(what="回访呼吸机维修", due_on=timezone.localdate(), assignee=wu),
    )
    campaign = Campaign.objects.create(
        name="生态环境满意度提升宣传",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        created_by=staff,
    )
    campaign.grids.add(ren.household.grid)
    photo = VisitPhoto.objects.create(visit=visit, image=SimpleUploadedFile("door.png", _png(), "image/png"))
    notification = notify.send(notify.Message(recipient_id=wu.pk, kind="test", subject="任爱香 需探访", body="…"))
    about_dongluchi = notify.send(
        notify.Message(
            recipient_id=wu.pk, kind="test", subject="楼上漏水", body="…", community_id=ren.household.grid.community_id
        )
    )
    failed_delivery = Delivery.objects.create(
        notification=about_dongluchi, channel="email", target="wu@example.com", status="failed", attempts=5
    )
    case = case_report(
        by=wu,
        grid=ren.household.grid,
        title="楼上漏水",
        description="临江路4幢楼上漏水",
        category=Category.objects.first(),
        priority="normal",
        channel="walk_in",
        complainant=ren,
    )
    hazard = record_hazard(
        by=wu, grid=ren.household.grid, kind=HazardKind.objects.get(code="ebike"), risk="high",
        description="楼道内电动车充电", building=linjiang4, place="1单元楼道",
    )  # fmt: skip
    import_batch = ImportBatch.objects.create(
        created_by=staff, grid=ren.household.grid, kind="households", filename="登记表.xlsx", size=1,
        sha256="0" * 64, stored_path="missing.upload", file_format="xlsx", status=ImportStatus.HAS_ERRORS,
        errors=[{"row": 2, "column": "姓名", "message": "…"}], error_count=1,
    )  # fmt: skip
    hotline, _key = api_keys.issue(name="12345热线", user=staff)
    return {
        "hotline_request": HotlineRequest.objects.create(
            client=hotline,
            token="waiting0token",
            category=case.category,
            description="路灯不亮",
            address_string="老桥边",
        ),
        "wu_role": Role.objects.get(user=wu),
        "import_batch": import_batch,
        "case": case,
        "hazard": hazard,
        "facility": Facility.objects.create(
            grid=ren.household.grid,
            kind=FacilityKind.objects.get(code="hydrant"),
            name="临江路4幢消防栓",
            building=linjiang4,
        ),
        "hazard_photo": hazard.photos.create(image=SimpleUploadedFile("bike.png", _png(), "image/png")),
        "case_photo": case.photos.create(image=SimpleUploadedFile("leak.png", _png(), "image/png")),
        "mediation": MediationRecord.objects.create(case=case, other_parties="楼上", outcome="agreed", recorded_by=wu),
        "photo": photo,
        "notification": notification,
        "failed_delivery": failed_delivery,
        "care_level": CareLevel.objects.first(),
        "visit": visit,
        "follow_up": visit.follow_ups.get(),
        "help_alert": visit.help_alerts.get(),
        "campaign": campaign,
        "users": {"wu": wu, "chen": chen, "staff": staff, "zhao": zhao, "admin": admin_user},
        "grid": ren.household.grid,
        "building": linjiang4,
        "household": ren.household,
        "resident": ren,
        "shop": shop1,
    }


@pytest.mark.parametrize(("name", "method", "role", "expected"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_access(client, caplog, world, name, method, role, expected):
    kwargs_for, _ = MATRIX[name]
    url = reverse(name, kwargs=kwargs_for(world))
    if role != "anonymous":
        client.force_login(world["users"][role])
    caplog.clear()
    response = client.generic(method, url)
    assert response.status_code == expected, f"{role} {method} {url}"
    if expected == LOGIN and role == "anonymous" and name not in {"logout", "set_language"}:
        assert response["Location"].startswith(reverse("login"))
    assert_denial_logged(caplog, response, role, method, url)


def assert_denial_logged(caplog, response, role, method, url):
    """Every 403 and 404 is one line on gridapp.security naming who, how, where (and why)."""
    denied = [
        r.getMessage() for r in caplog.records if r.name == "gridapp.security" and "access denied" in r.getMessage()
    ]
    if response.status_code in (403, 404):
        assert len(denied) == 1, f"{role} {method} {url}: {denied}"
        assert f"status={response.status_code} user='{role}' method={method} path='{url}'" in denied[0]
    else:
        assert not denied, denied


@pytest.mark.parametrize("name", ADMIN_URLS)
@pytest.mark.parametrize("role", ["wu", "staff", "admin"])
def test_admin_only_for_admins(client, world, name, role):
    client.force_login(world["users"][role])
    response = client.get(reverse(name))
    if role == "admin":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def _pattern_names(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's own admin views; covered by ADMIN_URLS and the admin tests
            yield from _pattern_names(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"
        elif isinstance(entry, URLPattern):
            yield f"<unnamed {entry.pattern}>"


def test_every_url_pattern_is_in_the_access_matrix():
    from tests.api.test_access import API_MATRIX  # the API's rows: called with keys, not sessions
    from tests.open311.test_access import OPEN311_MATRIX  # Open311's: with an api_key parameter

    names = set(_pattern_names(get_resolver()))
    missing = sorted(n for n in names if n not in MATRIX and n not in API_MATRIX and n not in OPEN311_MATRIX)
    assert not missing, f"URL patterns without an access test: {missing}"
