"""Every form and filter of gridapp, as a table the fuzz tests walk.

A target is one URL × method × user: the forms its view builds (their fields are read at run
time, so a field added to a form is fuzzed without touching this file), the other names the
view reads (GET parameters, hidden fields), a submission the view accepts (so mutations of it
get past the first error and reach the save), and the pages where what it stores is shown.
"""

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import strategies as st

from cases import scope as case_scope
from cases import workflow
from cases.filters import CaseFilter
from cases.forms import ActionForm, BulkAssignForm, CaseIntakeForm, CategoryForm, MediationFollowUpForm, MediationForm
from cases.measure_views import NarrowForm, PeriodForm
from cases.models import Case, Category, Department, DepartmentKind, MediationRecord
from gridapp.accounts.two_factor import TokenForm
from gridapp.exports.forms import ExportForm, RosterForm
from gridapp.imports.forms import UploadForm
from gridapp.models import (
    Building,
    Community,
    DataAccessLog,
    Household,
    ImportBatch,
    Resident,
    Role,
    RoleKind,
    SecurityPolicy,
    Shop,
    Webhook,
)
from gridapp.notify.forms import WebhookForm
from gridapp.register.add_forms import DepartureForm, HouseholdAddForm, ResidentAddForm, ShopAddForm
from gridapp.register.filters import BuildingFilter, HouseholdFilter, ShopFilter
from gridapp.register.forms import (
    BuildingForm,
    HouseholdForm,
    ResidentContactForm,
    ResidentForm,
    RevealIdForm,
    ShopForm,
)
from visits import services as visit_services
from visits.forms import (
    CampaignForm,
    CareAssignmentForm,
    CareLevelForm,
    FollowUpCloseForm,
    NewFollowUpForm,
    VisitForm,
)
from visits.models import Campaign, FollowUp, Visit, VisitPhoto

from ..cases.conftest import act, make_department, member_of, walk_to
from ..factories import ResidentFactory, UserFactory
from ..security.conftest import PASSWORD
from . import strategies as hostile


def redirected(response):
    """Accepted: the view redirected, and said nothing went wrong."""
    if response.status_code not in (301, 302, 303):
        return False
    return not any(m.level >= messages.ERROR for m in getattr(response.wsgi_request, "_messages", ()))


def never(response):
    return False


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    user: str  # an attribute of the world; "nobody" is anonymous
    method: str = "POST"
    kwargs: Callable = lambda w: {}  # the URL's arguments
    vary: Callable | None = None  # a strategy of other URL arguments to fuzz, if any
    forms: Callable = lambda w: []  # the forms (or filter sets) the view builds, unbound
    names: tuple = ()  # further names the view reads from the submission
    query: tuple = ()  # GET parameters a POST view reads (e.g. ?campaign=)
    valid: Callable = lambda w: {}  # a submission the view accepts
    pages: Callable = lambda w: []  # (user, url[, "POST"]): where stored values are shown afterwards
    setup: Callable | None = None  # extra objects this target needs, put on the world
    succeeded: Callable = redirected  # whether the submission was accepted (and may have stored)
    scoped: bool = True  # check that nothing outside the user's grids changed
    stores: bool = True  # a POST that keeps what it is sent (not a log-in or a code)
    more_names: Callable | None = None  # further names, found at run time (the admin's filters)
    weight: float = 1.0  # its share of the examples, against the other targets'

    def __str__(self):
        return self.name


def u(name, *args, **query):
    url = reverse(name, args=args)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def latest(model, **filters):
    return model.objects.filter(**filters).order_by("-pk").first()


# --- the register ----------------------------------------------------------------------------


def building_valid(w):
    return {
        "grid": w.grid1.pk,
        "road": "新塘路",
        "number": "12",
        "name": "新塘小区",
        "year_built": "1998",
        "floors": "6",
        "notes": "电梯坏了",
    }


def household_valid(w):
    return {
        "grid": w.grid1.pk,
        "building": w.building.pk,
        "unit": "2",
        "room": "501",
        "address": "",
        "head_name": "李大爷",
        "phone": "13900001111",
        "tenure": "rented",
        "landlord_name": "张房东",
        "landlord_phone": "",
        "landlord_address": "",
        "notes": "独居",
        "tags": ["low_income"],
    }


def resident_valid(w):
    return {
        "name": "李奶奶",
        "sex": "F",
        "date_of_birth": "1941-03-08",
        "id_number": "",
        "mobile": "13900002222",
        "relation_to_head": "配偶",
        "health_notes": "高血压",
        "emergency_contact_name": "李小明",
        "emergency_contact_phone": "13900003333",
        "emergency_contact_relation": "儿子",
        "categories": ["elderly_alone"],
    }


def contact_valid(w):
    data = resident_valid(w)
    return {k: data[k] for k in ResidentContactForm.Meta.fields}


def shop_valid(w):
    return {
        "grid": w.grid1.pk,
        "building": "",
        "name": "新开便利店",
        "address": "临江路8号",
        "business_type": "retail",
        "street_front": "on",
        "operator_name": "赵老板",
        "phone": "13900004444",
        "licence_number": "91330100MA2",
        "notes": "",
    }


def grid_pages(w, tab="households"):
    return [("staff", u("grid_detail", w.grid1.pk, tab=tab)), ("wu", u("grid_detail", w.grid1.pk, tab=tab))]


def admin_pages(model, obj):
    """The admin's changelist, change form and history of a record (the audit trail shows old
    and new values: both must come out escaped; for the audited models it is gridapp's history
    page, the one /history/<model>/<pk>/ shows too)."""
    if obj is None:
        return []
    meta = model._meta
    base = f"admin:{meta.app_label}_{meta.model_name}"
    pages = [
        ("admin", reverse(f"{base}_changelist")),
        ("admin", reverse(f"{base}_change", args=[obj.pk])),
        ("admin", reverse(f"{base}_history", args=[obj.pk])),
    ]
    return pages


def household_pages(w):
    obj = latest(Household)
    return [*grid_pages(w), ("staff", obj.get_absolute_url()), *admin_pages(Household, obj)]


def resident_pages(w):
    obj = latest(Resident)
    return [
        ("staff", obj.get_absolute_url()),
        ("wu", obj.get_absolute_url()),
        ("staff", obj.household.get_absolute_url()),
        ("wu", u("home")),
        *admin_pages(Resident, obj),
    ]


def shop_pages(w):
    obj = latest(Shop)
    return [*grid_pages(w, "shops"), ("staff", obj.get_absolute_url()), *admin_pages(Shop, obj)]


def building_pages(w):
    obj = latest(Building)
    return [*grid_pages(w, "buildings"), ("staff", obj.get_absolute_url()), *admin_pages(Building, obj)]


REGISTER = [
    Target(
        "search the register",
        "search",
        "wu",
        "GET",
        names=("q", "pick", "grid"),
        valid=lambda w: {"q": "rax"},
    ),
    Target(
        "pick from the register (the intake's pickers)",
        "search",
        "staff",
        "GET",
        names=("q", "pick", "grid"),
        valid=lambda w: {"q": "临江", "pick": "household", "grid": w.grid1.pk},
    ),
    Target(
        "grid page (worker)",
        "grid_detail",
        "wu",
        "GET",
        kwargs=lambda w: {"pk": w.grid1.pk},
        forms=lambda w: [HouseholdFilter(), ShopFilter(), BuildingFilter()],
        names=("tab", "page"),
        valid=lambda w: {"q": "任", "tab": "households", "category": "elderly_alone", "not_visited_days": "7"},
    ),
    Target(
        "grid page (staff)",
        "grid_detail",
        "staff",
        "GET",
        kwargs=lambda w: {"pk": w.grid1.pk},
        forms=lambda w: [HouseholdFilter(), ShopFilter(), BuildingFilter()],
        names=("tab", "page"),
        valid=lambda w: {"q": "临江", "tab": "shops", "archived": "on", "tag": "rented"},
    ),
    Target(
        "new building",
        "building_create",
        "staff",
        forms=lambda w: [BuildingForm(user=w.staff)],
        query=("grid",),
        valid=building_valid,
        pages=building_pages,
    ),
    Target(
        "edit building",
        "building_edit",
        "staff",
        kwargs=lambda w: {"pk": w.building.pk},
        forms=lambda w: [BuildingForm(user=w.staff, instance=w.building)],
        valid=lambda w: {
            **building_valid(w),
            "road": w.building.road,
            "number": w.building.number,
            "version": w.building.version,
        },
        pages=building_pages,
    ),
    Target(
        "new household",
        "household_create",
        "staff",
        forms=lambda w: [HouseholdForm(user=w.staff)],
        query=("grid",),
        valid=household_valid,
        pages=household_pages,
    ),
    Target(
        "edit household",
        "household_edit",
        "staff",
        kwargs=lambda w: {"pk": w.household.pk},
        forms=lambda w: [HouseholdForm(user=w.staff, instance=w.household)],
        valid=lambda w: {**household_valid(w), "version": w.household.version},
        pages=household_pages,
    ),
    Target(
        "archive household",
        "household_archive",
        "staff",
        kwargs=lambda w: {"pk": w.household.pk},
        names=("restore",),
        valid=lambda w: {},
        pages=household_pages,
    ),
    Target(
        "restore household",
        "household_archive",
        "staff",
        kwargs=lambda w: {"pk": w.archived_household.pk},
        names=("restore",),
        valid=lambda w: {"restore": "1"},
        pages=household_pages,
    ),
    Target(
        "new resident",
        "resident_create",
        "staff",
        kwargs=lambda w: {"household_pk": w.household.pk},
        forms=lambda w: [ResidentForm(household=w.household)],
        valid=resident_valid,
        pages=resident_pages,
    ),
    Target(
        "edit resident (staff)",
        "resident_edit",
        "staff",
        kwargs=lambda w: {"pk": w.resident.pk},
        forms=lambda w: [ResidentForm(household=w.household, instance=w.resident)],
        valid=lambda w: {
            **resident_valid(w),
            "name": w.resident.name,
            "date_of_birth": "1940-05-12",
            "version": w.resident.version,
        },
        pages=resident_pages,
    ),
    Target(
        "edit resident (worker: contact details)",
        "resident_edit",
        "wu",
        kwargs=lambda w: {"pk": w.resident.pk},
        forms=lambda w: [ResidentContactForm(instance=w.resident)],
        valid=lambda w: {**contact_valid(w), "version": w.resident.version},
        pages=resident_pages,
    ),
    Target(
        "archive resident",
        "resident_archive",
        "staff",
        kwargs=lambda w: {"pk": w.resident.pk},
        names=("restore",),
        valid=lambda w: {},
        pages=resident_pages,
    ),
    Target(
        "new shop",
        "shop_create",
        "staff",
        forms=lambda w: [ShopForm(user=w.staff)],
        query=("grid",),
        valid=shop_valid,
        pages=shop_pages,
    ),
    Target(
        "edit shop",
        "shop_edit",
        "staff",
        kwargs=lambda w: {"pk": w.shop.pk},
        forms=lambda w: [ShopForm(user=w.staff, instance=w.shop)],
        valid=lambda w: {**shop_valid(w), "version": w.shop.version},
        pages=shop_pages,
    ),
    Target(
        "archive shop",
        "shop_archive",
        "staff",
        kwargs=lambda w: {"pk": w.shop.pk},
        names=("restore",),
        valid=lambda w: {},
        pages=shop_pages,
    ),
    Target(
        "import a register file",
        "import_upload",
        "staff",
        forms=lambda w: [UploadForm(user=w.staff)],
        valid=lambda w: {"grid": w.grid1.pk, "kind": "households", "file": _register_file()},
        pages=lambda w: [("staff", u("import_list")), ("staff", latest(ImportBatch).get_absolute_url())],
    ),
]


# --- what a grid worker adds at the door, and the staff's confirmation -------------------------------


def _with_awaiting(pages):
    """A record's pages, and the staff's list of what grid workers added (it shows the names)."""
    return lambda w: [*pages(w), ("staff", u("awaiting_confirmation"))]


def _confirm_kwargs(w):
    pks = [w.pending_household.pk, w.household.pk, w.resident.pk, w.shop.pk, w.grid2_household.pk, w.other_household.pk]
    return st.fixed_dictionaries(
        {
            "kind": st.one_of(
                st.sampled_from(["household", "resident", "shop"]), st.from_regex(r"\A[-a-zA-Z0-9_]{1,30}\Z")
            ),
            "pk": st.sampled_from([*pks, 2**31 - 1]),
        }
    )


ADDS = [
    Target(
        "add a household (worker)",
        "household_add",
        "wu",
        kwargs=lambda w: {"grid_pk": w.grid1.pk},
        forms=lambda w: [HouseholdAddForm(grid=w.grid1, user=w.wu)],
        query=("building",),
        valid=lambda w: {k: v for k, v in household_valid(w).items() if k not in ("grid", "landlord_address")},
        pages=_with_awaiting(household_pages),
    ),
    Target(
        "add a resident (worker)",
        "resident_add",
        "wu",
        kwargs=lambda w: {"household_pk": w.household.pk},
        forms=lambda w: [ResidentAddForm(household=w.household, user=w.wu)],
        valid=lambda w: {**resident_valid(w), "arrival": "tenant"},
        pages=_with_awaiting(resident_pages),
    ),
    Target(
        "add a shop (worker)",
        "shop_add",
        "wu",
        kwargs=lambda w: {"grid_pk": w.grid1.pk},
        forms=lambda w: [ShopAddForm(grid=w.grid1, user=w.wu)],
        valid=lambda w: {k: v for k, v in shop_valid(w).items() if k != "grid"},
        pages=_with_awaiting(shop_pages),
    ),
    Target(
        "resident moved out or died",
        "resident_depart",
        "wu",
        kwargs=lambda w: {"pk": w.resident.pk},
        forms=lambda w: [DepartureForm(resident=w.resident)],
        valid=lambda w: {"departure": "moved_out", "departed_on": timezone.localdate().isoformat()},
        pages=lambda w: [("staff", w.resident.get_absolute_url()), ("staff", w.household.get_absolute_url())],
    ),
    Target(
        "confirm an addition",
        "register_confirm",
        "staff",
        kwargs=lambda w: {"kind": "household", "pk": w.pending_household.pk},
        vary=_confirm_kwargs,
        names=("back",),
        valid=lambda w: {"back": "list"},
        pages=lambda w: [("staff", u("awaiting_confirmation")), ("staff", w.pending_household.get_absolute_url())],
    ),
]


class _Rereadable(SimpleUploadedFile):
    """An upload the accepted submission can send again: the test client reads it from where it is."""

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


def _register_file():
    header = "户主姓名,地址,幢,室,姓名,性别,出生日期\n"
    return _Rereadable("登记表.csv", (header + "王大爷,新塘路,3,101,王大爷,男,1941-03-08\n").encode("gbk"))


# --- log-in, two-factor, language, inbox, webhook ---------------------------------------------------


def otp_setup_user(w):
    return w.staff


ACCOUNT = [
    Target(
        "log in",
        "login",
        "nobody",
        forms=lambda w: [AuthenticationForm()],
        names=("next",),
        query=("next",),
        valid=lambda w: {"username": "wu", "password": PASSWORD, "next": "/cases/"},
        scoped=False,
        stores=False,
    ),
    Target(
        "admin log in",
        "admin:login",
        "nobody",
        forms=lambda w: [AdminAuthenticationForm()],
        names=("next",),
        query=("next",),
        valid=lambda w: {"username": "admin", "password": PASSWORD, "next": "/admin/"},
        scoped=False,
        stores=False,
    ),
    Target(
        "language switch",
        "set_language",
        "wu",
        names=("language", "next"),
        valid=lambda w: {"language": "zh-hans", "next": "/cases/"},
        scoped=False,
        stores=False,
    ),
    Target(
        "set up two-factor",
        "otp_setup",
        "staff",
        forms=lambda w: [TokenForm(submit_label="")],
        names=("next",),
        query=("next",),
        valid=lambda w: {"token": "123456", "next": "/"},
        stores=False,
    ),
    Target(
        "two-factor code",
        "otp_verify",
        "otp_user",
        forms=lambda w: [TokenForm(submit_label="")],
        names=("next",),
        query=("next",),
        valid=lambda w: {"token": "123456", "next": "/"},
        stores=False,
    ),
    Target("inbox", "inbox", "wu", "GET", names=("page",), valid=lambda w: {"page": "1"}),
    Target("mark all read", "inbox_mark_all_read", "wu", valid=lambda w: {}, pages=lambda w: [("wu", u("inbox"))]),
    Target("failed deliveries", "failed_deliveries", "staff", "GET", names=("page",), valid=lambda w: {"page": "2"}),
    Target(
        "group robot webhook",
        "community_webhook",
        "staff",
        kwargs=lambda w: {"pk": w.dongluchi.pk},
        forms=lambda w: [WebhookForm(instance=Webhook.objects.get(community=w.dongluchi))],
        valid=lambda w: {
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
            "kind": "wecom",
            "active": "on",
        },
        pages=lambda w: [("staff", u("community_webhook", w.dongluchi.pk))],
    ),
]

# --- visits, follow-ups, check-ins, campaigns --------------------------------------------------------

FIXED_CLIENT_ID = "6f1c0d2e-3c4b-4d5e-8f90-a1b2c3d4e5f6"  # each example is rolled back


def visit_valid(w, **extra):
    return {
        "client_id": FIXED_CLIENT_ID,
        "visited_at": local(timezone.now() - datetime.timedelta(minutes=5)),
        "purposes": ["routine"],
        "notes": "老人身体还好",
        "follow_up_what": "送药上门",
        "follow_up_in_days": "7",
        **extra,
    }


def visit_pages(w):
    visit = latest(Visit)
    pages = [
        ("wu", visit.get_absolute_url()),
        ("staff", visit.get_absolute_url()),
        ("wu", visit.target.get_absolute_url()),
        ("wu", u("home")),
        *admin_pages(Visit, visit),
    ]
    if follow_up := latest(FollowUp, visit=visit):
        pages += [
            ("wu", follow_up.get_absolute_url()),
            ("wu", u("follow_ups", when="open")),
            ("staff", u("follow_ups", when="open")),
            *admin_pages(FollowUp, follow_up),
        ]
    pages += [("wu", reverse("visit_photo", args=[p.pk])) for p in VisitPhoto.objects.filter(visit=visit)]
    return pages


def help_alert_setup(w):
    """An open alert: a resident of Grid 1 found needing help, nobody has acted yet."""
    resident = ResidentFactory(household=w.household, name="任阿婆")
    visit, _ = visit_services.log_visit(
        worker=w.wu,
        client_id=uuid.uuid4(),
        visited_at=timezone.now() - datetime.timedelta(minutes=30),
        household=w.household,
        conditions={resident: "needs_help"},
    )
    w.help_alert = visit.help_alerts.get()


VISITS = [
    Target(
        "visit a household",
        "visit_household",
        "wu",
        kwargs=lambda w: {"household_pk": w.household.pk},
        forms=lambda w: [VisitForm(user=w.wu, household=w.household)],
        query=("campaign",),
        valid=lambda w: visit_valid(w, **{f"resident_{w.resident.pk}": "well"}),
        pages=visit_pages,
    ),
    Target(
        "visit a shop",
        "visit_shop",
        "wu",
        kwargs=lambda w: {"shop_pk": w.shop.pk},
        forms=lambda w: [VisitForm(user=w.wu, shop=w.shop, campaign=w.campaign)],
        query=("campaign",),
        valid=lambda w: visit_valid(w, campaign=w.campaign.pk, purposes=["campaign"]),
        pages=lambda w: [*visit_pages(w), ("wu", w.campaign.get_absolute_url())],
    ),
    Target(
        "edit a visit",
        "visit_edit",
        "wu",
        kwargs=lambda w: {"pk": w.visit.pk},
        forms=lambda w: [VisitForm(user=w.wu, household=w.household, visit=w.visit)],
        valid=lambda w: {
            "visited_at": local(w.visit.visited_at),
            "purposes": ["routine", "safety"],
            "notes": "更正：呼吸机已修好",
            f"resident_{w.resident.pk}": "well",
            "version": w.visit.version,
        },
        pages=visit_pages,
    ),
    Target(
        "close a follow-up",
        "follow_up_detail",
        "wu",
        kwargs=lambda w: {"pk": w.follow_up.pk},
        forms=lambda w: [FollowUpCloseForm()],
        valid=lambda w: {"outcome": "已修好"},
        pages=lambda w: [
            ("wu", w.follow_up.get_absolute_url()),
            ("wu", w.household.get_absolute_url()),
            *admin_pages(FollowUp, w.follow_up),
        ],
    ),
    Target(
        "arrange a follow-up after a visit",
        "visit_follow_up",
        "wu",
        kwargs=lambda w: {"pk": w.visit.pk},
        forms=lambda w: [NewFollowUpForm()],
        valid=lambda w: {"follow_up_what": "回访任爱香（身体不适）", "follow_up_in_days": "3"},
        pages=lambda w: [
            ("wu", w.visit.get_absolute_url()),
            ("staff", w.visit.get_absolute_url()),
            ("wu", w.household.get_absolute_url()),
            ("wu", u("home")),
            *admin_pages(FollowUp, latest(FollowUp, visit=w.visit)),
        ],
    ),
    Target(
        "mark a help alert handled",
        "help_alert_acknowledge",
        "staff",
        kwargs=lambda w: {"pk": w.help_alert.pk},
        names=("next",),
        valid=lambda w: {"next": u("home")},
        setup=help_alert_setup,
        stores=False,
    ),
    Target("help alerts", "help_alert_list", "staff", "GET"),
    Target("check-ins", "checkins", "staff", "GET", names=("grid", "page"), valid=lambda w: {"grid": w.grid1.pk}),
    Target("follow-ups", "follow_ups", "wu", "GET", names=("when", "page"), valid=lambda w: {"when": "due"}),
    Target("all follow-ups", "follow_ups", "staff", "GET", names=("when", "page"), valid=lambda w: {"when": "open"}),
    Target(
        "new care level",
        "care_level_create",
        "staff",
        forms=lambda w: [CareLevelForm()],
        valid=lambda w: {"name": "每两天", "cadence_days": "2", "grace_days": "1", "suggest_for": ""},
        pages=lambda w: [("staff", u("care_level_list")), ("wu", u("care_level_list"))],
    ),
    Target(
        "edit care level",
        "care_level_edit",
        "staff",
        kwargs=lambda w: {"pk": w.care_level.pk},
        forms=lambda w: [CareLevelForm(instance=w.care_level)],
        valid=lambda w: {
            "name": w.care_level.name,
            "cadence_days": "3",
            "grace_days": "2",
            "suggest_for": w.care_level.suggest_for,
        },
        pages=lambda w: [
            ("staff", u("care_level_list")),
            ("staff", u("checkins")),
            ("wu", u("resident_care", w.resident.pk)),
        ],
    ),
    Target(
        "resident's care level",
        "resident_care",
        "wu",
        kwargs=lambda w: {"pk": w.resident.pk},
        forms=lambda w: [CareAssignmentForm()],
        valid=lambda w: {"level": w.care_level.pk},
        pages=lambda w: [("wu", w.resident.get_absolute_url()), ("wu", u("checkins")), ("wu", u("home"))],
    ),
    Target(
        "new campaign",
        "campaign_create",
        "staff",
        forms=lambda w: [CampaignForm(user=w.staff)],
        valid=lambda w: {
            "name": "垃圾分类宣传",
            "purpose": "入户宣传",
            "starts_on": w.today.isoformat(),
            "ends_on": (w.today + datetime.timedelta(days=14)).isoformat(),
            "grids": [w.grid1.pk, w.grid2.pk],
            "target": "all_households",
            "visit_purpose": "campaign",
        },
        pages=lambda w: [
            ("staff", u("campaign_list")),
            ("wu", u("campaign_list")),
            ("staff", latest_campaign_url()),
            ("wu", latest_campaign_url()),
            ("wu", u("visit_household", w.household.pk) + f"?campaign={latest_campaign_pk()}"),
        ],
    ),
]


def latest_campaign_pk():
    return Campaign.objects.order_by("-pk").first().pk


def latest_campaign_url():
    return reverse("campaign_detail", args=[latest_campaign_pk()])


# --- cases ---------------------------------------------------------------------------------------


def case_pages(w, case=None):
    case = case or latest(Case)
    return [
        ("staff", case.get_absolute_url()),
        ("wu", case.get_absolute_url()),
        ("staff", u("case_sheet", case.pk), "POST"),
        ("staff", u("case_queue")),
        ("wu", u("case_queue", state="all")),
        ("wu", u("home")),
        ("officer", u("department_queue")),
        *admin_pages(Case, case),
    ]


def intake_valid(w):
    return {
        "grid": w.grid1.pk,
        "title": "楼道堆物",
        "description": "三楼楼道堆放杂物，影响消防通道",
        "category": w.category.pk,
        "priority": "normal",
        "channel": "walk_in",
        "complainant": w.resident.pk,
        "complainant_name": "",
        "complainant_phone": "",
        "households": [w.household.pk],
        "shops": [],
        "building": w.building.pk,
    }


def category_valid(w, **given):
    return {
        "name": "井盖缺失",
        "hours_urgent": "4",
        "hours_high": "24",
        "hours_normal": "72",
        "hours_low": "168",
        "promise": "24小时内到场",
        "active": "on",
        **given,
    }


def category_pages(w):
    return [
        ("staff", u("category_list")),
        ("wu", u("case_create")),
        ("staff", u("case_queue")),
        ("staff", u("case_measures")),
    ]


CASES = [
    Target(
        "case queue (staff)",
        "case_queue",
        "staff",
        "GET",
        forms=lambda w: [CaseFilter({}, queryset=case_scope.cases(w.staff), user=w.staff)],
        names=("page",),
        valid=lambda w: {"state": "open", "grid": w.grid1.pk, "order": "-due", "q": "漏", "overdue": "true"},
    ),
    Target(
        "case queue (worker)",
        "case_queue",
        "wu",
        "GET",
        forms=lambda w: [CaseFilter({}, queryset=case_scope.cases(w.wu), user=w.wu)],
        names=("page",),
        valid=lambda w: {"state": "handling", "category": w.category.pk, "order": "age"},
    ),
    Target(
        "case measures",
        "case_measures",
        "staff",
        "GET",
        forms=lambda w: [PeriodForm(), NarrowForm(user=w.staff)],
        valid=lambda w: {"start": "2026-01-01", "end": "2026-03-31", "category": w.category.pk},
    ),
    Target(
        "record a case (worker)",
        "case_create",
        "wu",
        forms=lambda w: [CaseIntakeForm(user=w.wu)],
        query=("visit", "household", "shop", "building"),
        valid=intake_valid,
        pages=case_pages,
    ),
    Target(
        "record a case (staff)",
        "case_create",
        "staff",
        forms=lambda w: [CaseIntakeForm(user=w.staff)],
        query=("visit", "household", "shop", "building"),
        valid=lambda w: {
            **intake_valid(w),
            "complainant": "",
            "anonymous": "on",
            "grid": w.grid2.pk,
            "households": [w.grid2_household.pk],
            "building": w.grid2_building.pk,
        },
        pages=case_pages,
    ),
    Target(
        "assign cases",
        "case_bulk_assign",
        "staff",
        forms=lambda w: [BulkAssignForm(user=w.staff)],
        # As the queue sends it: each case ticked at the version the queue showed.
        valid=lambda w: {
            "cases": [w.case.pk, w.grid2_case.pk],
            "assignee": w.wu.pk,
            **{f"version-{c.pk}": Case.objects.get(pk=c.pk).version for c in (w.case, w.grid2_case)},
        },
        pages=lambda w: [*case_pages(w, w.case), ("chen", u("case_queue"))],
    ),
    Target(
        "record a mediation",
        "mediation_create",
        "wu",
        kwargs=lambda w: {"pk": w.case.pk},
        forms=lambda w: [MediationForm(case=w.case, user=w.wu)],
        valid=lambda w: {
            "held_on": w.today.isoformat(),
            "parties": [w.resident.pk],
            "other_parties": "楼上住户",
            "mediators": [w.wu.pk, w.staff.pk],
            "other_mediators": "老李",
            "outcome": "agreed",
            "agreement": "三天内修好",
        },
        pages=lambda w: case_pages(w, w.case),
    ),
    Target(
        "mediation follow-up",
        "mediation_follow_up",
        "wu",
        kwargs=lambda w: {"pk": w.mediation.pk},
        forms=lambda w: [MediationFollowUpForm(instance=w.mediation)],
        valid=lambda w: {"kept": "true", "followed_up_on": w.today.isoformat()},
        pages=lambda w: case_pages(w, w.case),
    ),
    Target(
        "print a case sheet",
        "case_sheet",
        "wu",
        kwargs=lambda w: {"pk": w.case.pk},
        # His grid's case, Grid 2's (404), and ids that are no case.
        vary=lambda w: st.fixed_dictionaries({"pk": st.sampled_from([w.case.pk, w.grid2_case.pk, 0, 2**63 - 1])}),
        valid=lambda w: {},
        # The sheet is the answer; what it writes is the access-log entry, not anything sent.
        succeeded=lambda response: response.status_code == 200,
        stores=False,
        pages=lambda w: [("staff", u("access_log"))],
        weight=0.25,  # one URL argument, no field: a few examples cover it
    ),
    Target(
        "new category",
        "category_create",
        "staff",
        forms=lambda w: [CategoryForm()],
        valid=category_valid,
        pages=category_pages,
    ),
    Target(
        "edit category",
        "category_edit",
        "staff",
        kwargs=lambda w: {"pk": w.category.pk},
        forms=lambda w: [CategoryForm(instance=w.category)],
        valid=lambda w: category_valid(w, name=w.category.name),
        pages=category_pages,
    ),
]


def _grid_officer(w, case):
    """一格一警: Grid 1 gets its part-time officer, and the case's category is one he may take."""
    w.grid_officer = UserFactory(username="gridofficer", first_name="军", last_name="何")
    Role.objects.create(user=w.grid_officer, kind=RoleKind.GRID_WORKER, grid=w.grid1, part_time=True)
    Category.objects.filter(pk=case.category_id).update(officer_may_take=True)


def _referred(w, case):
    _grid_officer(w, case)
    act(case, "refer_officer", w.wu)


def _assisting_office(w, case=None):
    """协办: the town's construction office (Fang), to assist the police station."""
    w.construction = make_department(w.grid1.community, "临浦镇建设规划办", DepartmentKind.CONSTRUCTION)
    w.planner = member_of(w.construction, "planner", first_name="丽", last_name="方")


def _assisted(w, case):
    _assisting_office(w)
    act(case, "add_assist", w.staff, assisting=[w.construction])


def _extension_asked(w, case):
    act(case, "extend", w.wu)


# Each action of the lifecycle, by someone allowed to take it, on a case in a state it starts
# from: (state, who, what the form sends besides the version and note[, what the case needs first]).
ACTION_SETUPS = {
    "register": ("reported", "staff", lambda w, c: {"category": w.category.pk, "priority": "high"}),
    "reject": ("reported", "staff", lambda w, c: {}),
    "take": ("registered", "wu", lambda w, c: {}),
    "settle": ("handling", "wu", lambda w, c: {"close_reason": "duplicate", "duplicate_of": w.case.number}),
    "escalate": ("handling", "wu", lambda w, c: {}),
    # 一格一警: Wu refers the case to Grid 1's officer; staff take it back from him.
    "refer_officer": ("handling", "wu", lambda w, c: {}, _grid_officer),
    "take_back": ("handling", "staff", lambda w, c: {}, _referred),
    "dispatch": (
        "registered",
        "staff",
        lambda w, c: {"department": w.police.pk, "assisting": [w.construction.pk]},
        _assisting_office,
    ),
    # 协办: staff add and remove an assisting department; its member writes and marks its part done.
    "add_assist": ("dispatched", "staff", lambda w, c: {"assisting": [w.construction.pk]}, _assisting_office),
    "remove_assist": ("dispatched", "staff", lambda w, c: {"assist": w.construction.pk}, _assisted),
    "add_note": ("dispatched", "planner", lambda w, c: {}, _assisted),
    "assist_done": ("dispatched", "planner", lambda w, c: {"assist": w.construction.pk}, _assisted),
    "return": ("dispatched", "officer", lambda w, c: {}),
    "extend": (
        "handling",
        "wu",
        lambda w, c: {"proposed_due": local(c.due_at + datetime.timedelta(days=3)), "reason": "等待物业维修基金审批"},
    ),
    # The office answers the extension Wu asked for.
    "approve_extension": ("handling", "staff", lambda w, c: {}, _extension_asked),
    "refuse_extension": ("handling", "staff", lambda w, c: {}, _extension_asked),
    "resolve": ("handling", "wu", lambda w, c: {}),
    "verify": ("resolved", "wu", lambda w, c: {}),
    "rework": ("resolved", "wu", lambda w, c: {}),
    "close": ("verified", "staff", lambda w, c: {"close_reason": "fixed"}),
    "feedback": ("closed", "wu", lambda w, c: {"satisfaction": "basically"}),
    "reopen": ("closed", "staff", lambda w, c: {}),
}


def _act_target(action_name, state, who, extra, prepare=None):
    def setup(w):
        w.act_case = walk_to(state, people=w.people, police=w.police, grid=w.grid1, households=[w.household])
        if prepare:
            prepare(w, w.act_case)
        assert workflow.allowed(getattr(w, who), Case.objects.get(pk=w.act_case.pk), action_name), action_name

    def valid(w):
        case = Case.objects.get(pk=w.act_case.pk)
        data = {"version": case.version, "public": "on"}
        if workflow.ACTIONS[action_name].needs_note:
            data["note"] = "已处理，居民满意"
        return {**data, **extra(w, case)}

    def forms(w):
        case = Case.objects.get(pk=w.act_case.pk)
        return [ActionForm(action=workflow.ACTIONS[action_name], case=case, user=getattr(w, who))]

    return Target(
        f"case action {action_name}",
        "case_act",
        who,
        kwargs=lambda w: {"pk": w.act_case.pk, "action": action_name},
        forms=forms,
        valid=valid,
        setup=setup,
        pages=lambda w: [*case_pages(w, w.act_case), ("wu", u("inbox")), ("staff", u("inbox"))],
        scoped=who not in ("officer", "planner"),
        # Twenty-two of them share one form (each with its own fields), and the case page they
        # answer with is the heaviest page there is: half a share each.
        weight=0.5,
    )


def _any_action_setup(w):
    w.act_case = walk_to("handling", people=w.people, police=w.police, grid=w.grid1, households=[w.household])


ACTIONS = [_act_target(name, *setup) for name, setup in ACTION_SETUPS.items()] + [
    Target(
        "case action by name",
        "case_act",
        "wu",
        kwargs=lambda w: {"pk": w.act_case.pk, "action": "resolve"},
        vary=lambda w: st.fixed_dictionaries(
            {
                "pk": st.just(w.act_case.pk),
                "action": st.one_of(
                    st.sampled_from(sorted(workflow.ACTIONS)), st.from_regex(r"\A[-a-zA-Z0-9_]{1,40}\Z")
                ),
            }
        ),
        forms=lambda w: [ActionForm(action=action, case=w.act_case, user=w.wu) for action in workflow.ACTIONS.values()],
        valid=lambda w: {"version": Case.objects.get(pk=w.act_case.pk).version, "note": "已处理"},
        setup=_any_action_setup,
        pages=lambda w: case_pages(w, w.act_case),
    ),
]


# --- personal data: revealing an ID number, the access log, the change history ----------------------


def _reveal_pages(w):
    return [("staff", u("access_log")), ("staff", u("access_log", resident=w.resident.pk)), ("admin", u("access_log"))]


def _history_kwargs(w):
    pks = [w.household.pk, w.resident.pk, w.shop.pk, w.visit.pk, w.case.pk, w.other_household.pk, 0, 10**20]
    models = ["household", "resident", "shop", "visit", "case"]
    return st.fixed_dictionaries(
        {
            "model": st.one_of(st.sampled_from(models), st.from_regex(r"\A[-a-zA-Z0-9_]{1,30}\Z")),
            "pk": st.sampled_from(pks),
        }
    )


PRIVACY = [
    Target(
        "reveal an ID number",
        "resident_reveal_id",
        "staff",
        kwargs=lambda w: {"pk": w.resident.pk},
        forms=lambda w: [RevealIdForm()],
        valid=lambda w: {"reason": "办理高龄津贴"},
        # The number is shown on the page that answers (no redirect), after the log entry is written.
        succeeded=lambda response: response.status_code == 200,
        pages=_reveal_pages,
    ),
    Target(
        "access log",
        "access_log",
        "staff",
        "GET",
        names=("resident", "page"),
        valid=lambda w: {"resident": w.resident.pk, "page": "1"},
    ),
    Target(
        "change history",
        "record_history",
        "admin",
        "GET",
        kwargs=lambda w: {"model": "household", "pk": w.household.pk},
        vary=_history_kwargs,
    ),
]

# --- the admin -------------------------------------------------------------------------------------------
# Its forms are Django's, built from the models and gridapp.admin: the fields and a submission a
# browser would send are read from the page itself, so they follow gridapp.admin as it changes.


class _BrowserForm(HTMLParser):
    """What a browser posts from a page's form: its inputs, selects and textareas."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select = self._textarea = None
        self._first_option = None

    def _add(self, name, value):
        if name in self.data:
            old = self.data[name]
            self.data[name] = [*old, value] if isinstance(old, list) else [old, value]
        else:
            self.data[name] = value

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (self.form_id is None or a.get("id") == self.form_id):
            self.inside = True
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._add(a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "select":
            self._select, self._selected, self._first_option = a["name"], False, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self._selected = True
                self._add(self._select, a.get("value", ""))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select:
            if not self._selected and self._first_option is not None:
                self._add(self._select, self._first_option)
            self._select = None
        elif tag == "textarea" and self._textarea:
            self._add(self._textarea, self._text.removeprefix("\n"))
            self._textarea = None


def browser_submission(user, url, form_id=None):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # as the fuzzing clients (dates are localised)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parser = _BrowserForm(form_id)
    parser.feed(response.content.decode())
    data = parser.data
    data.pop("csrfmiddlewaretoken", None)
    return data


def _admin_request(user, method="get", data=None):
    request = getattr(RequestFactory(), method)("/admin/", data or {})
    request.user = user
    request.session = {}
    return request


def _model_admin(model):
    return admin.site._registry[model]


def admin_change(title, model, attribute, *, pages=lambda w: []):
    def obj(w):
        return getattr(w, attribute)

    meta = model._meta
    url = f"admin:{meta.app_label}_{meta.model_name}_change"

    def forms(w):
        model_admin = _model_admin(model)
        return [model_admin.get_form(_admin_request(w.admin), obj(w))(instance=obj(w))]

    return Target(
        f"admin: change {title}",
        url,
        "admin",
        kwargs=lambda w: {"object_id": str(obj(w).pk)},
        forms=forms,
        valid=lambda w: browser_submission(w.admin, reverse(url, args=[obj(w).pk]), f"{meta.model_name}_form"),
        pages=lambda w: [*admin_pages(model, obj(w)), *pages(w)],
        weight=0.5,
    )


def admin_add(title, model, given):
    meta = model._meta
    url = f"admin:{meta.app_label}_{meta.model_name}_add"

    def forms(w):
        return [_model_admin(model).get_form(_admin_request(w.admin))()]

    return Target(
        f"admin: add {title}",
        url,
        "admin",
        forms=forms,
        valid=lambda w: {**browser_submission(w.admin, reverse(url), f"{meta.model_name}_form"), **given(w)},
        pages=lambda w: admin_pages(model, latest(model)),
        weight=0.5,
    )


ADMIN_LIST_PARAMETERS = ("q", "o", "p", "all", "e", "_popup", "_to_field", "_changelist_filters")


def admin_list(title, model):
    meta = model._meta

    def names(w):
        model_admin = _model_admin(model)
        changelist = model_admin.get_changelist_instance(_admin_request(w.admin))
        return [*ADMIN_LIST_PARAMETERS, *(p for spec in changelist.filter_specs for p in spec.expected_parameters())]

    return Target(
        f"admin: list of {title}",
        f"admin:{meta.app_label}_{meta.model_name}_changelist",
        "admin",
        "GET",
        more_names=names,
        valid=lambda w: {"q": "任", "o": "1"},
        weight=0.5,
    )


def admin_action(title, model, attribute):
    meta = model._meta
    url = f"admin:{meta.app_label}_{meta.model_name}_changelist"

    def valid(w):
        data = browser_submission(w.admin, reverse(url), "changelist-form")
        actions = list(_model_admin(model).get_actions(_admin_request(w.admin)))
        return {**data, "action": actions[0], "_selected_action": [getattr(w, attribute).pk], "index": "0"}

    return Target(
        f"admin: {title} action",
        url,
        "admin",
        names=("action", "_selected_action", "select_across", "index"),
        valid=valid,
        pages=lambda w: admin_pages(model, getattr(w, attribute)),
        weight=0.5,
    )


def _history_by_id(model, attribute):
    meta = model._meta
    return Target(
        f"admin: history of a {meta.model_name} by id",
        f"admin:{meta.app_label}_{meta.model_name}_history",
        "admin",
        "GET",
        kwargs=lambda w: {"object_id": str(getattr(w, attribute).pk)},
        vary=lambda w: st.fixed_dictionaries({"object_id": hostile.path_ids()}),
        weight=0.25,
    )


ADMIN = [
    admin_change("household", Household, "household"),
    admin_change("resident", Resident, "resident"),
    admin_change("shop", Shop, "shop"),
    admin_change("building", Building, "building"),
    admin_change("visit", Visit, "visit"),
    admin_change("follow-up", FollowUp, "follow_up"),
    admin_change("campaign", Campaign, "campaign"),
    admin_change("category", Category, "category"),
    admin_change("mediation record", MediationRecord, "mediation"),
    admin_change("account", get_user_model(), "wu"),
    admin_change("security policy", SecurityPolicy, "policy"),
    admin_change("community", Community, "dongluchi"),
    admin_add("role", Role, lambda w: {"user": w.chen.pk, "kind": "grid_worker", "grid": w.grid1.pk}),
    admin_add(
        "department", Department, lambda w: {"town": w.dongluchi.town_id, "name": "临浦镇城管中队", "kind": "other"}
    ),
    admin_add("household", Household, lambda w: {"grid": w.grid1.pk, "head_name": "孙大妈", "address": "临江路9号"}),
    admin_list("households", Household),
    admin_list("residents", Resident),
    admin_list("shops", Shop),
    admin_list("visits", Visit),
    admin_list("follow-ups", FollowUp),
    admin_list("cases", Case),
    admin_list("accounts", get_user_model()),
    admin_list("personal data access log", DataAccessLog),
    Target(
        "admin: autocomplete",
        "admin:autocomplete",
        "admin",
        "GET",
        names=("term", "app_label", "model_name", "field_name", "page"),
        valid=lambda w: {"term": "wu", "app_label": "gridapp", "model_name": "role", "field_name": "user"},
        weight=0.5,
    ),
    admin_action("household", Household, "household"),
    admin_action("resident", Resident, "resident"),
    admin_action("account", get_user_model(), "chen"),
    _history_by_id(Household, "household"),
    _history_by_id(Case, "case"),
]

# --- exports and the typhoon roster --------------------------------------------------------------------


def _downloaded_or_shown(response):
    """An export answers 200 with the file (or the roster page) and writes its log entry; a
    refused one answers 400 with the form and writes nothing."""
    return response.status_code == 200


EXPORTS = [
    Target(
        "export",
        "export",
        "staff",
        forms=lambda w: [ExportForm(user=w.staff)],
        query=("grid", "community"),
        valid=lambda w: {
            "what": "visits",
            "grid": w.grid1.pk,
            "start": "2026-01-01",
            "end": "2026-12-31",
            "state": "open",
            "reason_choice": "other",
            "reason_text": "防汛检查前核对走访",
            "full_phones": "on",
        },
        succeeded=_downloaded_or_shown,
        pages=lambda w: [("staff", u("access_log"))],
    ),
    Target(
        "typhoon roster",
        "typhoon_roster",
        "staff",
        forms=lambda w: [RosterForm(user=w.staff)],
        names=("format",),
        query=("grid", "community"),
        valid=lambda w: {"community": w.dongluchi.pk, "reason_choice": "typhoon", "reason_text": "", "format": "xlsx"},
        succeeded=_downloaded_or_shown,
        pages=lambda w: [("staff", u("access_log"))],
    ),
    Target("export form", "export", "staff", "GET", names=("grid", "community"), valid=lambda w: {"grid": w.grid1.pk}),
    Target(
        "typhoon roster form",
        "typhoon_roster",
        "staff",
        "GET",
        names=("grid", "community"),
        valid=lambda w: {"community": w.dongluchi.pk},
    ),
]

ALL = REGISTER + ADDS + ACCOUNT + VISITS + CASES + ACTIONS + PRIVACY + EXPORTS + ADMIN

assert len({t.name for t in ALL}) == len(ALL), "target names are test ids: keep them unique"
