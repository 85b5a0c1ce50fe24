"""The audit trail: every change to households, residents, shops, visits and cases — through the
pages and through the services' bulk updates alike — on the record's history page, for admins
only: who, when, which field, from what to what (ID numbers and phones masked)."""

import datetime
import pathlib
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case
from gridapp.core.history import update_with_history
from gridapp.models import Household, Resident, Shop
from visits.models import Visit

from ..cases.conftest import act, post_action, queue_choice, report
from ..visits.conftest import local_input, log

ROOT = pathlib.Path(settings.BASE_DIR)
AUDITED = ["household", "resident", "shop", "visit", "case"]


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.logout()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return log_in


@pytest.fixture
def since():
    return timezone.now() - datetime.timedelta(seconds=1)


def history(client, model, pk):
    response = client.get(reverse("record_history", args=[model, pk]))
    assert response.status_code == 200
    return response.context["entries"]


def changes(entries, label):
    """(who, why, old, new) of every change to the field called ``label``, newest first."""
    return [(e.who, e.why, c.old, c.new) for e in entries for c in e.changes if c.label == label]


def recorded_since(entries, since):
    return all(since <= entry.when <= timezone.now() for entry in entries)


# --- households --------------------------------------------------------------------------------


def household_post(household, **fields):
    data = {
        "grid": household.grid_id,
        "building": household.building_id or "",
        "unit": household.unit,
        "room": household.room,
        "address": household.address,
        "head_name": household.head_name,
        "phone": household.phone,
        "tenure": household.tenure,
        "landlord_name": household.landlord_name,
        "notes": household.notes,
        "version": household.version,
    }
    data.update(fields)
    return data


def test_a_household_edited_on_its_page(as_user, staff, admin_user, ren_household, since):
    old_phone = ren_household.phone
    response = as_user(staff).post(
        reverse("household_edit", args=[ren_household.pk]),
        household_post(
            ren_household, phone="13905710002", tenure="rented", landlord_name="陈房东", tags=["living_alone"]
        ),
    )
    assert response.status_code == 302
    entries = history(as_user(admin_user), "household", ren_household.pk)
    assert changes(entries, "tenure")[0] == ("staff", "", "Owner-occupied", "Rented")
    assert changes(entries, "phone")[0] == ("staff", "", f"{old_phone[:3]}****{old_phone[-4:]}", "139****0002")
    assert changes(entries, "household tag")[0] == ("staff", "", "—", "Living alone")
    assert recorded_since(entries, since)


def test_households_changed_in_bulk(as_user, staff, admin_user, ren_household, grid1):
    assert update_with_history(Household.objects.filter(grid=grid1), by=staff, notes="防汛重点户") == 1
    entries = history(as_user(admin_user), "household", ren_household.pk)
    assert changes(entries, "notes")[0] == ("staff", "Bulk change", "—", "防汛重点户")


def test_a_household_archived_and_restored(as_user, staff, admin_user, ren_household):
    client = as_user(staff)
    client.post(reverse("household_archive", args=[ren_household.pk]))
    client.post(reverse("household_archive", args=[ren_household.pk]), {"restore": "1"})
    entries = history(as_user(admin_user), "household", ren_household.pk)
    [restored, archived] = changes(entries, "archived at")[:2]
    assert archived[2] == "—" and archived[3] != "—"
    assert restored[2] == archived[3] and restored[3] == "—"


# --- residents ---------------------------------------------------------------------------------


def resident_post(resident, **fields):
    data = {
        "name": resident.name,
        "sex": resident.sex,
        "date_of_birth": resident.date_of_birth.isoformat(),
        "id_number": "",
        "mobile": resident.mobile,
        "health_notes": resident.health_notes,
        "is_head": "on" if resident.is_head else "",
        "version": resident.version,
    }
    data.update(fields)
    return data


def test_a_resident_edited_on_their_page(as_user, staff, admin_user, ren, since):
    old_mobile = ren.mobile
    response = as_user(staff).post(
        reverse("resident_edit", args=[ren.pk]),
        resident_post(ren, mobile="13905710003", health_notes="依赖家用呼吸机；备用电源", categories=["elderly_alone"]),
    )
    assert response.status_code == 302
    entries = history(as_user(admin_user), "resident", ren.pk)
    assert changes(entries, "mobile")[0] == ("staff", "", f"{old_mobile[:3]}****{old_mobile[-4:]}", "139****0003")
    assert changes(entries, "health notes")[0] == ("staff", "", "(not shown)", "(not shown)")
    assert changes(entries, "person category")[0] == ("staff", "", "—", "Elderly living alone")
    assert recorded_since(entries, since)
    page = as_user(admin_user).get(reverse("record_history", args=["resident", ren.pk])).content.decode()
    assert "13905710003" not in page and ren.id_number not in page and "备用电源" not in page


def test_a_new_id_number_shows_masked_on_both_sides(as_user, staff, admin_user, ren):
    from ..factories import make_id_number

    old, new = ren.id_number, make_id_number(ren.date_of_birth, region="330121")
    as_user(staff).post(reverse("resident_edit", args=[ren.pk]), resident_post(ren, id_number=new))
    entries = history(as_user(admin_user), "resident", ren.pk)
    assert changes(entries, "resident ID number")[0] == (
        "staff",
        "",
        old[:4] + "*" * 10 + old[-4:],
        new[:4] + "*" * 10 + new[-4:],
    )


def test_the_grid_worker_editing_contact_details_is_named(as_user, wu, admin_user, ren):
    as_user(wu).post(
        reverse("resident_edit", args=[ren.pk]),
        {"mobile": "", "health_notes": ren.health_notes, "emergency_contact_name": "任建华", "version": ren.version},
    )
    entries = history(as_user(admin_user), "resident", ren.pk)
    assert changes(entries, "emergency contact")[0] == ("吴佳栋", "", "—", "任建华")


def test_residents_changed_in_bulk(as_user, staff, admin_user, ren, grid1):
    update_with_history(Resident.objects.filter(household__grid=grid1), by=staff, relation_to_head="本人")
    entries = history(as_user(admin_user), "resident", ren.pk)
    assert changes(entries, "relation to head")[0] == ("staff", "Bulk change", "—", "本人")


# --- shops -------------------------------------------------------------------------------------


def test_a_shop_edited_on_its_page(as_user, staff, admin_user, shop1, since):
    data = {
        "grid": shop1.grid_id,
        "name": "东炉池便民超市",
        "address": shop1.address,
        "business_type": "retail",
        "street_front": "on",
        "phone": "057182600001",
        "version": shop1.version,
    }
    assert as_user(staff).post(reverse("shop_edit", args=[shop1.pk]), data).status_code == 302
    entries = history(as_user(admin_user), "shop", shop1.pk)
    assert changes(entries, "name")[0] == ("staff", "", "东炉池便利店", "东炉池便民超市")
    assert changes(entries, "phone")[0] == ("staff", "", "—", "057*****0001")
    assert recorded_since(entries, since)


def test_shops_changed_in_bulk(as_user, staff, admin_user, shop1, grid1):
    update_with_history(Shop.objects.filter(grid=grid1), by=staff, street_front=False)
    entries = history(as_user(admin_user), "shop", shop1.pk)
    assert changes(entries, "street-front")[0] == ("staff", "Bulk change", "yes", "no")


# --- visits ------------------------------------------------------------------------------------


@pytest.fixture
def wus_visit(wu, ren):
    return log(wu, household=ren.household, notes="呼吸机坏了", conditions={ren: "needs_help"})


def test_a_visit_corrected_on_its_page(as_user, wu, admin_user, ren, wus_visit, since):
    data = {
        "visited_at": local_input(wus_visit.visited_at),
        "purposes": ["routine", "case_follow_up"],
        "notes": "呼吸机坏了，已报修",
        f"resident_{ren.pk}": "unwell",
        "version": wus_visit.version,
    }
    assert as_user(wu).post(reverse("visit_edit", args=[wus_visit.pk]), data).status_code == 302
    entries = history(as_user(admin_user), "visit", wus_visit.pk)
    assert changes(entries, "what was noticed")[0] == ("吴佳栋", "", "呼吸机坏了", "呼吸机坏了，已报修")
    assert changes(entries, "visit purpose")[0] == ("吴佳栋", "", "—", "Case follow-up")
    assert changes(entries, "resident seen")[0] == ("吴佳栋", "", "任爱香 · Needs help", "任爱香 · Unwell")
    # Logged through the service (the visit, its purpose, Ren seen), then the purpose added: all Wu's.
    created = [e for e in entries if e.what == "created"]
    assert {e.who for e in created} == {"吴佳栋"} and len(created) == 4
    assert recorded_since(entries, since)


def test_visits_changed_in_bulk(as_user, staff, admin_user, wus_visit, grid1):
    update_with_history(Visit.objects.filter(grid=grid1), by=staff, notes="（统一更正）")
    entries = history(as_user(admin_user), "visit", wus_visit.pk)
    assert changes(entries, "what was noticed")[0] == ("staff", "Bulk change", "呼吸机坏了", "（统一更正）")


# --- cases -------------------------------------------------------------------------------------


def test_a_case_moved_on_its_page(as_user, wu, staff, admin_user, grid1, since):
    case = report(wu, grid1, complainant_phone="13900001111")
    assert post_action(as_user(staff), case, "register").status_code == 302
    entries = history(as_user(admin_user), "case", case.pk)
    assert changes(entries, "state")[0] == ("staff", "Register", "Reported", "Registered")
    assert changes(entries, "complainant's phone") == [("吴佳栋", "", "—", "139****1111")]
    assert recorded_since(entries, since)


def test_every_action_of_the_lifecycle_leaves_a_history_row(as_user, wu, staff, admin_user, grid1):
    case = act(act(act(report(wu, grid1), "register", staff), "take", wu), "settle", wu)
    entries = history(as_user(admin_user), "case", case.pk)
    assert [(who, why, new) for who, why, _, new in changes(entries, "state")] == [
        ("吴佳栋", "Settle and close", "Closed"),
        ("吴佳栋", "Start handling", "Handling (grid)"),
        ("staff", "Register", "Registered"),
        ("吴佳栋", "", "Reported"),
    ]


def test_cases_assigned_in_bulk_from_the_queue(as_user, wu, staff, admin_user, grid1):
    cases = [act(report(wu, grid1, title=f"事件{n}"), "register", staff) for n in range(2)]
    response = as_user(staff).post(reverse("case_bulk_assign"), queue_choice(cases, wu))
    assert response.status_code == 302
    for case in cases:
        entries = history(as_user(admin_user), "case", case.pk)
        assert changes(entries, "assignee")[0] == ("staff", "Assigned", "—", "吴佳栋")


def test_cases_assigned_in_bulk_through_the_service(as_user, wu, chen, staff, admin_user, grid1):
    cases = [act(report(wu, grid1, title=f"事件{n}"), "register", staff) for n in range(3)]
    services.case_assign(cases=cases, assignee=chen, by=staff)
    for case in cases:
        assert changes(history(as_user(admin_user), "case", case.pk), "assignee")[0] == (
            "staff",
            "Assigned",
            "—",
            "chen",
        )


def test_the_overdue_sweep_flags_cases_in_the_history_as_the_system(as_user, wu, staff, admin_user, grid1):
    case = act(report(wu, grid1), "register", staff)
    assert services.flag_overdue(now=case.due_at + datetime.timedelta(hours=1)) == 1
    entries = history(as_user(admin_user), "case", case.pk)
    [(who, why, old, new)] = changes(entries, "overdue flagged at")
    assert (who, why, old) == ("system", "Overdue sweep", "—") and new != "—"


def test_a_mediation_leaves_a_history_row(as_user, wu, staff, admin_user, ren, grid1):
    case = act(report(wu, grid1), "register", staff)
    before = Case.history.filter(id=case.pk).count()
    services.record_mediation(
        case=case,
        by=wu,
        held_on=timezone.localdate(),
        parties=[ren],
        other_parties="楼上住户",
        mediators=[wu],
        other_mediators="",
        outcome="agreed",
        agreement="修好水管",
    )
    assert Case.history.filter(id=case.pk).count() == before + 1
    assert history(as_user(admin_user), "case", case.pk)[0].why == "Mediation recorded"


def test_a_stale_action_changes_nothing_and_records_nothing(wu, staff, grid1):
    stale = act(report(wu, grid1), "register", staff)  # as Wu's page still shows it
    act(stale, "take", wu)
    before = Case.history.filter(id=stale.pk).count()
    with pytest.raises(services.CaseChanged):
        services.perform(case=stale, action_name="take", by=wu, version=stale.version)
    assert Case.history.filter(id=stale.pk).count() == before


def test_the_latest_history_row_is_the_case_as_it_is(wu, staff, grid1):
    """The rows written after each conditional UPDATE hold the values the UPDATE wrote."""
    case = act(act(report(wu, grid1), "register", staff), "take", wu)
    latest = Case.history.filter(id=case.pk).latest("history_date")
    assert (latest.state, latest.version, latest.assignee_id, latest.history_user_id) == (
        case.state,
        case.version,
        wu.pk,
        wu.pk,
    )


# --- who may read it ---------------------------------------------------------------------------


@pytest.fixture
def records(wu, ren, shop1, grid1, staff):
    visit = log(wu, household=ren.household, conditions={ren: "well"})
    case = report(wu, grid1)
    return {"household": ren.household, "resident": ren, "shop": shop1, "visit": visit, "case": case}


@pytest.mark.parametrize("model", AUDITED)
@pytest.mark.parametrize("who", ["wu", "chen", "staff", "zhao", "nobody"])
def test_nobody_but_admins_reads_a_history(as_user, request, records, model, who):
    response = as_user(request.getfixturevalue(who)).get(reverse("record_history", args=[model, records[model].pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("model", AUDITED)
def test_the_anonymous_are_sent_to_log_in(client, records, model):
    response = client.get(reverse("record_history", args=[model, records[model].pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("model", AUDITED)
def test_admins_read_every_history_linked_from_the_records_page(as_user, admin_user, records, model):
    client = as_user(admin_user)
    url = reverse("record_history", args=[model, records[model].pk])
    assert client.get(url).status_code == 200
    assert url in client.get(records[model].get_absolute_url()).content.decode()


@pytest.mark.parametrize("model", AUDITED)
def test_the_admins_history_button_shows_the_same_page(as_user, admin_user, records, model):
    obj = records[model]
    response = as_user(admin_user).get(
        reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])
    )
    assert response.status_code == 200 and response.templates[0].name == "gridapp/record_history.html"


def test_staff_see_no_history_link(as_user, staff, records):
    page = as_user(staff).get(records["household"].get_absolute_url()).content.decode()
    assert reverse("record_history", args=["household", records["household"].pk]) not in page


def test_an_unknown_model_or_record_is_not_found(as_user, admin_user, records):
    client = as_user(admin_user)
    assert client.get(reverse("record_history", args=["role", 1])).status_code == 404
    assert client.get(reverse("record_history", args=["case", 999999])).status_code == 404


# --- no bulk update escapes the history --------------------------------------------------------

BULK_UPDATE = re.compile(r"\b(Household|Resident|Shop|Visit|Case)\.objects\.[^\n]*\.update\(")
# A helper that updates whatever model it is given may be given one of these.
ANY_MODEL_UPDATE = re.compile(r"\b_(default|base)_manager\.[^\n]*\.update\(")


def test_app_code_writes_no_audited_model_with_a_bare_queryset_update():
    """A ``QuerySet.update()`` sends no signal, so simple-history records nothing: each one on an
    audited model must be followed by ``gridapp.core.history.record_changes`` (listed here) or go
    through ``update_with_history``; so must a helper's update of any model it is given (the
    version checks of ``gridapp.core.versions``). The demo world (gridapp.devtools) rewrites
    timestamps of its own history on purpose."""
    recorded = {
        # cases.services._write: every action, assignment and mediation entry.
        (
            "cases/services.py",
            'Case.objects.filter(pk=case.pk, **expected).update(version=F("version") + 1, **updates) != 1:',
        ),
        ("cases/services.py", "Case.objects.filter(pk__in=ids).update(overdue_flagged_at=now)"),
        ("gridapp/core/history.py", "count = model._default_manager.filter(pk__in=ids).update(**values)"),
        # gridapp.register.retention._erase: the retention job, which also rewrites the old versions.
        ("gridapp/register/retention.py", "model._base_manager.filter(pk__in=ids).update("),
        (
            "gridapp/core/versions.py",
            'model._default_manager.filter(pk=obj.pk, **where).update(**values, version=F("version") + 1) != 1:',
        ),
    }
    found = set()
    for app in ("gridapp", "visits", "cases"):
        for path in (ROOT / app).rglob("*.py"):
            relative = str(path.relative_to(ROOT))
            if "/migrations/" in relative or relative.startswith("gridapp/devtools/"):
                continue
            for line in path.read_text().splitlines():
                if BULK_UPDATE.search(line) or ANY_MODEL_UPDATE.search(line):
                    found.add((relative, line.strip().removeprefix("if ")))
    assert found <= recorded, f"bulk updates without history: {sorted(found - recorded)}"
