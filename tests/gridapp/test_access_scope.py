"""What the access matrix cannot see: the *contents* of pages and what a submission may touch.

- Lists, searches and form choices contain nothing outside the user's scope: every grid holds
  records with recognisable markers (MKG1…, MKG2…, MKPN…), and every page each role can open is
  searched for markers it must not show; the markers a role may see must all show somewhere.
- Choice fields are scoped: posting another grid's or community's id is a form error, and
  nothing is saved.
- No mass assignment: extra posted fields (grid, community, archived_at, state, version,
  created_by, is_staff …) change nothing beyond the form's own fields.
- A user with roles in two communities manages only the community they are staff of.
"""

import datetime
import io
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases import services as case_services
from cases.models import Case, Category, Department, DepartmentKind, MediationRecord
from gridapp import notify
from gridapp.models import (
    Building,
    Delivery,
    DeliveryStatus,
    Household,
    ImportBatch,
    ImportStatus,
    Resident,
    RoleKind,
    Shop,
    Webhook,
)
from visits.checkins import set_care_level
from visits.models import Campaign, CareLevel, FollowUp, Visit
from visits.services import NewFollowUp, log_visit

from ..factories import BuildingFactory, HouseholdFactory, ResidentFactory, ShopFactory, UserFactory, give_role

# A marker stands on its own: never part of a random token (a CSRF token or a CSP nonce once
# held "MKG1T" and failed a run), so no letter or digit may touch it on the left, nor a lower-case
# letter or digit on the right.
MARK = re.compile(r"(?<![A-Za-z0-9])MK(?:G1|G2|PN|DLC)[A-Z]+(?![a-z0-9])")
ROLES = ["wu", "chen", "staff", "zhao", "officer", "admin"]
# Which grids' records each role may see (the officer: none; he sees cases referred to him).
SEES = {
    "wu": {"G1"},
    "chen": {"G2"},
    "staff": {"G1", "G2"},
    "zhao": {"PN"},
    "officer": set(),
    "admin": {"G1", "G2", "PN"},
}
PER_GRID = ("ROAD", "ADDR", "HEAD", "RES", "SHOP", "CASE", "CAMP", "PEND")


def _dispatch(case, by_staff, department):
    for action, change in (
        ("register", case_services.Change()),
        ("dispatch", case_services.Change(department=department)),
    ):
        case = Case.objects.get(pk=case.pk)
        case_services.perform(case=case, action_name=action, by=by_staff, version=case.version, change=change)
    return Case.objects.get(pk=case.pk)


def _report(by, grid, title, **fields):
    return case_services.case_report(
        by=by,
        grid=grid,
        title=title,
        description="标记",
        category=Category.objects.first(),
        priority="normal",
        channel="walk_in",
        complainant_name="邻居",
        **fields,
    )


@pytest.fixture
def marked(wu, chen, staff, zhao, admin_user, grid1, grid2, other_grid):
    """Three grids of two communities, each with marked records; who may see each marker."""
    chen.first_name = "MKG2USER"
    chen.save()
    pn_worker = give_role(
        UserFactory(username="pnworker", first_name="MKPNUSER"), RoleKind.GRID_WORKER, grid=other_grid
    )
    police = Department.objects.create(town=grid1.community.town, name="临浦派出所", kind=DepartmentKind.POLICE)
    construction = Department.objects.create(
        town=grid1.community.town, name="临浦镇建设规划办", kind=DepartmentKind.CONSTRUCTION
    )
    officer = UserFactory(username="officer")
    police.members.add(officer)
    weekly = CareLevel.objects.order_by("cadence_days").first()
    now = timezone.now()
    allowed = {}
    objects = {}
    for code, grid, worker in (("G1", grid1, wu), ("G2", grid2, chen), ("PN", other_grid, pn_worker)):
        building = BuildingFactory(grid=grid, road=f"MK{code}ROAD路", number="9")
        household = HouseholdFactory(grid=grid, address=f"MK{code}ADDR", head_name=f"MK{code}HEAD")
        resident = ResidentFactory(household=household, name=f"MK{code}RES", date_of_birth=datetime.date(1936, 1, 2))
        set_care_level(resident=resident, level=weekly, by=admin_user)
        shop = ShopFactory(grid=grid, name=f"MK{code}SHOP")
        # Added by the grid's worker, not yet confirmed: on the staff's list to confirm.
        HouseholdFactory(grid=grid, address=f"MK{code}PEND", head_name="新户", added_by=worker)
        log_visit(
            worker=worker,
            client_id=uuid.uuid4(),
            visited_at=now - datetime.timedelta(days=8),
            household=household,
            notes="探访",
            follow_up=NewFollowUp(what=f"MK{code}TODO", due_on=timezone.localdate(), assignee=worker),
        )
        case = _report(worker, grid, f"MK{code}CASE", households=[household])
        # Found needing help after the case was reported: on the staff's home and list until someone acts.
        helped = ResidentFactory(household=household, name=f"MK{code}HELP")
        log_visit(
            worker=worker,
            client_id=uuid.uuid4(),
            visited_at=now - datetime.timedelta(hours=1),
            household=household,
            conditions={helped: "needs_help"},
        )
        campaign = Campaign.objects.create(
            name=f"MK{code}CAMP", starts_on=timezone.localdate(), ends_on=timezone.localdate(), created_by=admin_user
        )
        campaign.grids.add(grid)
        message = notify.send(
            notify.Message(
                recipient_id=worker.pk, kind="test", subject=f"MK{code}MSG", body="…", community_id=grid.community_id
            )
        )
        Delivery.objects.update_or_create(
            notification=message, channel="email", defaults={"status": DeliveryStatus.FAILED, "attempts": 5}
        )
        objects[code] = {
            "grid": grid,
            "building": building,
            "household": household,
            "resident": resident,
            "shop": shop,
            "case": case,
            "campaign": campaign,
            "worker": worker,
        }
        for suffix in PER_GRID:
            allowed[f"MK{code}{suffix}"] = {role for role, grids in SEES.items() if code in grids}
        allowed[f"MK{code}TODO"] = {role for role, grids in SEES.items() if code in grids}
        allowed[f"MK{code}HELP"] = {role for role, grids in SEES.items() if code in grids}
    # Messages: the recipient's inbox, and the failed deliveries of the community's staff and admins.
    allowed["MKG1MSG"] = {"wu", "staff", "admin"}
    allowed["MKG2MSG"] = {"chen", "staff", "admin"}
    allowed["MKPNMSG"] = {"zhao", "admin"}
    # Workers' names: in the staff's weekly visits and assignee choices.
    allowed["MKG2USER"] = {"chen", "staff", "admin"}
    allowed["MKPNUSER"] = {"zhao", "admin"}
    # A campaign over both grids of Dongluchi; each worker sees only their grid's places in it.
    both = Campaign.objects.create(
        name="MKDLCCAMP", starts_on=timezone.localdate(), ends_on=timezone.localdate(), created_by=admin_user
    )
    both.grids.add(grid1, grid2)
    allowed["MKDLCCAMP"] = {"wu", "chen", "staff", "admin"}
    # Cases referred to departments: the police officer sees those of his station, in any community.
    _dispatch(_report(wu, grid1, "MKG1DISP"), staff, police)
    _dispatch(_report(pn_worker, other_grid, "MKPNDISP"), zhao, police)
    _dispatch(_report(chen, grid2, "MKG2CONS"), staff, construction)
    allowed["MKG1DISP"] = {"wu", "staff", "admin", "officer"}
    allowed["MKPNDISP"] = {"zhao", "admin", "officer"}
    allowed["MKG2CONS"] = {"chen", "staff", "admin"}
    # Register imports, named by their files on the imports page of the community's staff and admins.
    for code, grid, by in (("G1", grid1, staff), ("G2", grid2, staff), ("PN", other_grid, zhao)):
        ImportBatch.objects.create(
            created_by=by, grid=grid, kind="households", filename=f"MK{code}IMPORT.xlsx", size=1, sha256="0" * 64,
            stored_path=f"mk-{code}.upload", file_format="xlsx", status=ImportStatus.DONE,
        )  # fmt: skip
    allowed["MKG1IMPORT"] = allowed["MKG2IMPORT"] = {"staff", "admin"}
    allowed["MKPNIMPORT"] = {"zhao", "admin"}
    users = {"wu": wu, "chen": chen, "staff": staff, "zhao": zhao, "officer": officer, "admin": admin_user}
    return {"allowed": allowed, "objects": objects, "users": users, "both": both, "police": police}


def _pages(marked, role):
    """Every list, search and form page the role may open, with searches that match every marker."""
    pages = [
        reverse("home"),
        # The register's search, and the intake's pickers: "MK" begins every marked name and address.
        reverse("search") + "?q=MK",
        *(reverse("search") + f"?q=MK&pick={kind}" for kind in ("resident", "household", "shop", "building")),
        reverse("case_queue") + "?state=&q=MK",
        reverse("case_queue"),
        reverse("case_queue") + "?state=&order=-age",
        reverse("department_queue"),
        reverse("inbox"),
        reverse("checkins"),
        reverse("help_alert_list"),
        reverse("follow_ups"),
        reverse("follow_ups") + "?when=open",
        reverse("campaign_list"),
        reverse("campaign_detail", args=[marked["both"].pk]),
        reverse("visit_weekly"),
        reverse("failed_deliveries"),
        reverse("case_measures"),
        reverse("case_create"),
        reverse("household_create"),
        reverse("shop_create"),
        reverse("building_create"),
        reverse("campaign_create"),
        reverse("import_list"),
        reverse("import_upload"),
        reverse("awaiting_confirmation"),
    ]
    for code in SEES[role]:
        objs = marked["objects"][code]
        grid = objs["grid"].pk
        pages += [
            reverse("grid_detail", args=[grid]) + "?q=MK",
            reverse("grid_detail", args=[grid]) + "?tab=shops&q=MK",
            reverse("grid_detail", args=[grid]) + "?tab=buildings&q=MK",
            reverse("grid_detail", args=[grid]) + "?archived=on&q=MK",
            reverse("checkins") + f"?grid={grid}",
            reverse("campaign_detail", args=[objs["campaign"].pk]),
            reverse("case_detail", args=[objs["case"].pk]),
            (reverse("case_sheet", args=[objs["case"].pk]), {}),
            reverse("mediation_create", args=[objs["case"].pk]),
            reverse("visit_household", args=[objs["household"].pk]),
            reverse("household_detail", args=[objs["household"].pk]),
            reverse("household_add", args=[grid]),
            reverse("shop_add", args=[grid]),
            reverse("resident_add", args=[objs["household"].pk]),
        ]
        # Exports (.xlsx, read back cell by cell) and the typhoon roster, of the grid and of its
        # community: a POST (the form's choices are the scope; without the permission, 403).
        for where in ({"grid": grid}, {"community": objs["grid"].community_id}):
            why = {**where, "reason_choice": "visits"}
            pages += [
                (reverse("export"), {**why, "what": "register"}),
                (reverse("export"), {**why, "what": "visits", "start": "2000-01-01", "end": "2099-12-31"}),
                (reverse("export"), {**why, "what": "cases", "state": ""}),
                (reverse("typhoon_roster"), why),
                (reverse("typhoon_roster"), {**why, "format": "xlsx"}),
            ]
    pages += [reverse("export"), reverse("typhoon_roster")]
    return pages


def _content(response):
    """The text a user would read: the page, or every cell of a downloaded workbook."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row)
    return response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_lists_searches_and_choices_show_nothing_outside_the_scope(client, marked, role):
    client.force_login(marked["users"][role])
    may_see = {marker for marker, roles in marked["allowed"].items() if role in roles}
    seen, leaks = set(), []
    for url in _pages(marked, role):
        response = client.post(*url) if isinstance(url, tuple) else client.get(url)
        assert response.status_code in (200, 302, 403, 404), f"{role} {url} → {response.status_code}"
        found = set(MARK.findall(_content(response)))
        leaks += [f"{url}: {marker}" for marker in sorted(found - may_see)]
        seen |= found
    assert not leaks, f"{role} sees what is outside their scope:\n" + "\n".join(leaks)
    # And the pages do list what is in scope (the test would pass on empty pages otherwise).
    assert seen == may_see, f"{role} never sees {sorted(may_see - seen)}"


# --- scoped choice fields -------------------------------------------------------------------


def _counts():
    return (
        Household.objects.count(),
        Shop.objects.count(),
        Building.objects.count(),
        Resident.objects.count(),
        Campaign.objects.count(),
        Case.objects.count(),
        MediationRecord.objects.count(),
        Visit.objects.count(),
    )


def _field_errors(response):
    form = response.context["form"]
    return set(form.errors)


@pytest.fixture
def places(marked):
    return marked["objects"]


def test_staff_cannot_put_a_household_shop_or_building_in_another_community(client, places, marked):
    client.force_login(marked["users"]["staff"])
    before = _counts()
    far = places["PN"]
    for name, data, field in (
        (
            "household_create",
            {"grid": far["grid"].pk, "address": "浦南路1号", "head_name": "甲", "tenure": "owner"},
            "grid",
        ),
        (
            "household_create",
            {"grid": places["G1"]["grid"].pk, "building": far["building"].pk, "head_name": "甲", "tenure": "owner"},
            "building",
        ),
        (
            "shop_create",
            {"grid": far["grid"].pk, "name": "店", "address": "浦南路2号", "business_type": "retail"},
            "grid",
        ),
        (
            "shop_create",
            {"grid": places["G1"]["grid"].pk, "building": far["building"].pk, "name": "店", "address": "路"},
            "building",
        ),
        ("building_create", {"grid": far["grid"].pk, "road": "浦南路", "number": "3"}, "grid"),
    ):
        response = client.post(reverse(name), data)
        assert response.status_code == 200, name
        assert field in _field_errors(response), f"{name} accepted another community's {field}"
    response = client.post(
        reverse("household_edit", args=[places["G1"]["household"].pk]),
        {"grid": far["grid"].pk, "address": "浦南路1号", "head_name": "甲", "tenure": "owner"},
    )
    assert "grid" in _field_errors(response)
    assert Household.objects.get(pk=places["G1"]["household"].pk).grid_id == places["G1"]["grid"].pk
    response = client.post(
        reverse("campaign_create"),
        {
            "name": "宣传",
            "starts_on": "2026-01-01",
            "ends_on": "2026-01-02",
            "grids": [far["grid"].pk],
            "target": "all_shops",
            "visit_purpose": "campaign",
        },
    )
    assert "grids" in _field_errors(response)
    assert _counts() == before


def test_a_worker_cannot_record_a_case_in_or_about_another_grid(client, places, marked):
    client.force_login(marked["users"]["wu"])
    before = _counts()
    mine, other = places["G1"], places["G2"]
    base = {
        "grid": mine["grid"].pk,
        "title": "漏水",
        "description": "楼上漏水",
        "category": Category.objects.first().pk,
        "priority": "normal",
        "channel": "walk_in",
        "complainant_name": "任",
    }
    response = client.post(reverse("case_create"), {**base, "grid": other["grid"].pk})
    assert response.status_code == 200
    assert "grid" in _field_errors(response), "a case accepted Grid 2's grid"
    # The complainant and the places are picked by search, in Wu's scope: another grid's id is a
    # forged one, refused as its page would be.
    for field, value in (
        ("complainant", other["resident"].pk),
        ("households", other["household"].pk),
        ("shops", other["shop"].pk),
        ("building", other["building"].pk),
    ):
        response = client.post(reverse("case_create"), {**base, field: value})
        assert response.status_code == 404, f"a case accepted Grid 2's {field}"
    assert _counts() == before


def test_visit_cannot_count_for_another_communitys_campaign(client, places, marked):
    client.force_login(marked["users"]["wu"])
    before = _counts()
    response = client.post(
        reverse("visit_household", args=[places["G1"]["household"].pk]),
        {
            "client_id": str(uuid.uuid4()),
            "campaign": places["PN"]["campaign"].pk,
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "purposes": ["routine"],
        },
    )
    assert response.status_code == 200
    assert "campaign" in _field_errors(response)
    assert _counts() == before


def test_case_actions_take_only_choices_in_scope(client, places, marked):
    staff = marked["users"]["staff"]
    client.force_login(staff)
    case = places["G1"]["case"]
    case_services.perform(case=case, action_name="register", by=staff, version=case.version)
    case = Case.objects.get(pk=case.pk)
    elsewhere = Department.objects.create(
        town=places["PN"]["grid"].community.town.__class__.objects.create(name="义桥镇"),
        name="义桥派出所",
        kind="police",
    )
    response = client.post(
        reverse("case_act", args=[case.pk, "dispatch"]), {"version": case.version, "department": elsewhere.pk}
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).state == "registered"
    # Closing as a duplicate of another community's case: "no case with this number that you can see".
    far_case = places["PN"]["case"]
    response = client.post(
        reverse("case_act", args=[case.pk, "settle"]),
        {"version": case.version, "note": "重复", "close_reason": "duplicate", "duplicate_of": far_case.number},
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).state == "registered"


def test_mediation_parties_and_mediators_come_from_the_case(client, places, marked):
    client.force_login(marked["users"]["wu"])
    before = _counts()
    case = places["G1"]["case"]
    url = reverse("mediation_create", args=[case.pk])
    base = {"held_on": timezone.localdate().isoformat(), "outcome": "agreed", "other_parties": "楼上"}
    for field, value in (
        ("parties", places["G2"]["resident"].pk),
        ("mediators", places["PN"]["worker"].pk),
        ("mediators", marked["users"]["chen"].pk),
    ):
        response = client.post(url, {**base, field: [value]})
        assert response.status_code == 200
        assert field in _field_errors(response)
    assert _counts() == before


def test_bulk_assignment_takes_only_the_staffs_cases_and_people(client, places, marked):
    staff = marked["users"]["staff"]
    client.force_login(staff)
    far_case, own_case = places["PN"]["case"], places["G1"]["case"]
    for data in (
        {"cases": [far_case.pk], "assignee": marked["users"]["wu"].pk},
        {"cases": [own_case.pk], "assignee": places["PN"]["worker"].pk},
    ):
        response = client.post(reverse("case_bulk_assign"), data)
        assert response.status_code == 302
    assert Case.objects.get(pk=far_case.pk).assignee_id is None
    assert Case.objects.get(pk=own_case.pk).assignee_id is None


def test_queue_filters_and_measures_refuse_choices_outside_the_scope(client, places, marked):
    client.force_login(marked["users"]["staff"])
    response = client.get(reverse("case_queue"), {"grid": places["PN"]["grid"].pk, "state": ""})
    assert "grid" in response.context["filter"].form.errors
    assert "MKPN" not in response.content.decode()
    other_town = Department.objects.create(
        town=places["PN"]["grid"].community.town.__class__.objects.create(name="义桥镇"),
        name="义桥派出所",
        kind="police",
    )
    response = client.get(reverse("case_measures"), {"department": other_town.pk})
    assert response.status_code == 400
    response = client.get(reverse("case_queue"), {"department": other_town.pk, "state": ""})
    assert "department" in response.context["filter"].form.errors
    assert "义桥派出所" not in response.content.decode()


# --- mass assignment ------------------------------------------------------------------------

# What a hostile client adds to every form: fields the form does not have.
EXTRA = {
    "id": "999",
    "pk": "999",
    "archived_at": "2020-01-01 00:00",
    "created_at": "2020-01-01 00:00",
    "created_by": "1",
    "community": "1",
    "state": "closed",
    "level": "town",
    "version": "99",
    "number": "HACK-1",
    "worker": "1",
    "recorded_by": "1",
    "assignee": "1",
    "resolved_by": "1",
    "household": "1",
    "is_staff": "on",
    "is_superuser": "on",
    "user": "1",
}


def _snapshot(obj, skip=()):
    obj = type(obj)._default_manager.get(pk=obj.pk)
    return {
        f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in {"updated_at", *skip}
    }


def _flags():
    return list(get_user_model().objects.order_by("pk").values_list("pk", "is_staff", "is_superuser"))


def _post_with_extras(client, url, data, extra):
    return client.post(url, {**extra, **data})


@pytest.fixture
def far(places):
    """Ids of another community's objects, to put in the extra fields."""
    pn = places["PN"]
    return {
        "grid": str(pn["grid"].pk),
        "community": str(pn["grid"].community_id),
        "household": str(pn["household"].pk),
        "worker": str(pn["worker"].pk),
        "created_by": str(pn["worker"].pk),
        "recorded_by": str(pn["worker"].pk),
        "assignee": str(pn["worker"].pk),
        "resolved_by": str(pn["worker"].pk),
        "user": str(pn["worker"].pk),
    }


def test_register_forms_change_only_their_own_fields(client, places, marked, far):
    staff = marked["users"]["staff"]
    client.force_login(staff)
    extra = {**EXTRA, **far}
    flags = _flags()
    g1 = places["G1"]

    household = g1["household"]
    before = _snapshot(household, skip={"head_name", "version"})
    response = _post_with_extras(
        client,
        reverse("household_edit", args=[household.pk]),
        {
            "grid": g1["grid"].pk,
            "address": household.address,
            "head_name": "新户主",
            "phone": household.phone,
            "tenure": household.tenure,
            "version": household.version,
        },
        {k: v for k, v in extra.items() if k != "grid"},
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert Household.objects.get(pk=household.pk).head_name == "新户主"
    assert _snapshot(household, skip={"head_name", "version"}) == before
    assert Household.objects.get(pk=household.pk).version == household.version + 1  # the edit's, not "99"

    resident = g1["resident"]
    before = _snapshot(resident, skip={"emergency_contact_name", "version"})
    data = {
        "name": resident.name,
        "sex": resident.sex,
        "date_of_birth": resident.date_of_birth.isoformat(),
        "id_number": resident.id_number,
        "mobile": resident.mobile,
        "relation_to_head": "",
        "emergency_contact_name": "儿子",
    }
    response = _post_with_extras(
        client, reverse("resident_edit", args=[resident.pk]), {**data, "version": resident.version}, extra
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert Resident.objects.get(pk=resident.pk).emergency_contact_name == "儿子"
    assert _snapshot(resident, skip={"emergency_contact_name", "version"}) == before
    assert Resident.objects.get(pk=resident.pk).version == resident.version + 1

    # A new resident belongs to the household of the URL, whatever "household" says.
    response = _post_with_extras(
        client,
        reverse("resident_create", args=[household.pk]),
        {**data, "name": "新居民", "id_number": "", "mobile": ""},
        extra,
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    created = Resident.objects.get(name="新居民")
    assert created.household_id == household.pk and created.archived_at is None

    shop = g1["shop"]
    before = _snapshot(shop, skip={"operator_name", "version"})
    response = _post_with_extras(
        client,
        reverse("shop_edit", args=[shop.pk]),
        {
            "grid": g1["grid"].pk,
            "name": shop.name,
            "address": shop.address,
            "business_type": shop.business_type,
            "street_front": "on",
            "operator_name": "店主",
            "version": shop.version,
        },
        {k: v for k, v in extra.items() if k != "grid"},
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert _snapshot(shop, skip={"operator_name", "version"}) == before
    assert Shop.objects.get(pk=shop.pk).version == shop.version + 1

    building = g1["building"]
    before = _snapshot(building, skip={"floors", "version"})
    response = _post_with_extras(
        client,
        reverse("building_edit", args=[building.pk]),
        {
            "grid": g1["grid"].pk,
            "road": building.road,
            "number": building.number,
            "year_built": building.year_built,
            "floors": "6",
            "version": building.version,
        },
        {k: v for k, v in extra.items() if k != "grid"},
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert _snapshot(building, skip={"floors", "version"}) == before
    assert Building.objects.get(pk=building.pk).version == building.version + 1

    response = _post_with_extras(
        client,
        reverse("campaign_create"),
        {
            "name": "新活动",
            "starts_on": "2026-01-01",
            "ends_on": "2026-01-02",
            "grids": [g1["grid"].pk],
            "target": "all_shops",
            "visit_purpose": "campaign",
        },
        extra,
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert Campaign.objects.get(name="新活动").created_by_id == staff.pk

    response = _post_with_extras(
        client,
        reverse("community_webhook", args=[g1["grid"].community_id]),
        {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", "kind": "wecom", "active": "on"},
        extra,
    )
    assert response.status_code == 302
    assert Webhook.objects.get().community_id == g1["grid"].community_id
    assert not Webhook.objects.filter(community_id=far["community"]).exists()
    assert _flags() == flags


def test_a_worker_changes_only_contact_details(client, places, marked, far):
    client.force_login(marked["users"]["wu"])
    resident = places["G1"]["resident"]
    before = _snapshot(resident, skip={"mobile", "version"})
    flags = _flags()
    response = _post_with_extras(
        client,
        reverse("resident_edit", args=[resident.pk]),
        {"mobile": "13900001111", "version": resident.version},
        {
            **EXTRA,
            **far,
            "name": "改名",
            "id_number": "110101199003071234",
            "date_of_birth": "1990-03-07",
            "is_head": "on",
            "health_notes": resident.health_notes,
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert Resident.objects.get(pk=resident.pk).mobile == "13900001111"
    assert _snapshot(resident, skip={"mobile", "version"}) == before
    assert Resident.objects.get(pk=resident.pk).version == resident.version + 1
    assert _flags() == flags


def test_visit_and_follow_up_forms_change_only_their_own_fields(client, places, marked, far):
    wu = marked["users"]["wu"]
    client.force_login(wu)
    visit = Visit.objects.filter(worker=wu, follow_ups__isnull=False).latest("pk")  # the one with a follow-up
    Visit.objects.filter(pk=visit.pk).update(created_at=timezone.now())  # within Wu's 24 hours
    before = _snapshot(visit, skip={"notes", "created_at", "version"})
    response = _post_with_extras(
        client,
        reverse("visit_edit", args=[visit.pk]),
        {
            "visited_at": timezone.localtime(visit.visited_at).strftime("%Y-%m-%dT%H:%M"),
            "purposes": ["routine"],
            "notes": "更正",
            "version": visit.version,
        },
        {**EXTRA, **far, "shop": str(places["PN"]["shop"].pk), "campaign": str(places["PN"]["campaign"].pk)},
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert Visit.objects.get(pk=visit.pk).notes == "更正"
    assert _snapshot(visit, skip={"notes", "created_at", "version"}) == before
    assert Visit.objects.get(pk=visit.pk).version == visit.version + 1

    follow_up = FollowUp.objects.get(visit=visit)
    before = _snapshot(follow_up, skip={"done_at", "done_by", "outcome"})
    response = _post_with_extras(
        client,
        reverse("follow_up_detail", args=[follow_up.pk]),
        {"outcome": "修好了"},
        {**EXTRA, **far, "what": "改", "due_on": "2020-01-01", "visit": "1"},
    )
    assert response.status_code == 302
    assert _snapshot(follow_up, skip={"done_at", "done_by", "outcome"}) == before


def test_case_actions_change_only_what_the_action_sets(client, places, marked, far):
    staff = marked["users"]["staff"]
    client.force_login(staff)
    case = places["G1"]["case"]
    keep = (
        "community_id",
        "grid_id",
        "title",
        "description",
        "number",
        "assignee_id",
        "department_id",
        "complainant_id",
        "created_by_id",
        "resolved_by_id",
        "level",
        "close_reason",
        "rework_count",
    )
    before = {k: v for k, v in _snapshot(case).items() if k in keep}
    response = _post_with_extras(
        client,
        reverse("case_act", args=[case.pk, "register"]),
        {"version": case.version, "category": case.category_id, "priority": case.priority},
        {
            **EXTRA,
            **far,
            "title": "改",
            "description": "改",
            "rework_count": "9",
            "department": "1",
            "close_reason": "fixed",
            "grid": far["grid"],
        },
    )
    assert response.status_code == 302
    after = _snapshot(case)
    assert after["state"] == "registered" and after["version"] == case.version + 1
    assert {k: v for k, v in after.items() if k in keep} == before

    mediation = MediationRecord.objects.create(case=case, other_parties="楼上", outcome="agreed", recorded_by=staff)
    before = _snapshot(mediation, skip={"kept", "followed_up_on"})
    response = _post_with_extras(
        client,
        reverse("mediation_follow_up", args=[mediation.pk]),
        {"kept": "true", "followed_up_on": timezone.localdate().isoformat()},
        {**EXTRA, **far, "case": str(places["PN"]["case"].pk), "outcome": "failed", "agreement": "改"},
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert _snapshot(mediation, skip={"kept", "followed_up_on"}) == before


# --- a user with roles in two communities -------------------------------------------------------


@pytest.fixture
def wu_and_zhao(places):
    """Someone who works Grid 1 of Dongluchi and is staff of the other community."""
    user = give_role(UserFactory(username="both"), RoleKind.GRID_WORKER, grid=places["G1"]["grid"])
    return give_role(user, RoleKind.COMMUNITY_STAFF, community=places["PN"]["grid"].community)


def test_staff_of_one_community_is_only_a_worker_in_a_grid_of_another(client, places, wu_and_zhao):
    client.force_login(wu_and_zhao)
    g1, pn = places["G1"], places["PN"]
    # In Grid 1 (worked): reads, no register changes, no archive, contact details only.
    assert client.get(reverse("household_detail", args=[g1["household"].pk])).status_code == 200
    for name, obj in (("household_edit", "household"), ("shop_edit", "shop"), ("building_edit", "building")):
        assert client.get(reverse(name, args=[g1[obj].pk])).status_code == 403, name
    for name, obj in (("household_archive", "household"), ("resident_archive", "resident"), ("shop_archive", "shop")):
        assert client.post(reverse(name, args=[g1[obj].pk])).status_code == 403, name
    assert client.get(reverse("resident_create", args=[g1["household"].pk])).status_code == 403
    form = client.get(reverse("resident_edit", args=[g1["resident"].pk])).context["form"]
    assert "name" not in form.fields and "mobile" in form.fields
    form = client.get(reverse("household_create")).context["form"]
    assert list(form.fields["grid"].queryset) == [pn["grid"]]
    assert client.get(reverse("community_webhook", args=[g1["grid"].community_id])).status_code == 403
    response = client.post(reverse("case_bulk_assign"), {"cases": [g1["case"].pk], "assignee": wu_and_zhao.pk})
    assert Case.objects.get(pk=g1["case"].pk).assignee_id is None
    # An archived household of Grid 1 is gone for him, as for any worker.
    Household.objects.filter(pk=g1["household"].pk).update(archived_at=timezone.now())
    assert client.get(reverse("household_detail", args=[g1["household"].pk])).status_code == 404
    # In the community he runs: everything staff do.
    assert client.get(reverse("household_edit", args=[pn["household"].pk])).status_code == 200
    assert client.post(reverse("household_archive", args=[pn["household"].pk])).status_code == 302
    assert response.status_code == 302


def test_a_worker_of_two_grids_edits_his_visits_like_any_worker(client, places, wu_and_zhao):
    """Visit corrections after 24 hours are for the staff of the visit's community."""
    visit = Visit.objects.filter(grid=places["G1"]["grid"]).latest("pk")
    Visit.objects.filter(pk=visit.pk).update(worker=wu_and_zhao, created_at=timezone.now() - datetime.timedelta(days=2))
    client.force_login(wu_and_zhao)
    assert client.get(reverse("visit_edit", args=[visit.pk])).status_code == 403  # logged 2 days ago
