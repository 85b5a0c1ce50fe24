"""Two people editing the same record: whoever saves an older copy than the register's is told
who changed what meanwhile (409), keeps everything they typed, and changes nothing until they
save again. Each person has a browser of their own."""

import threading

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gridapp.models import Building, Household, ImportBatch, Resident, RoleKind, Shop
from gridapp.register import services

from ..checkins.test_concurrent_visits import wait_until_a_query_waits_on_a_lock
from ..factories import CommunityFactory, GridFactory, HouseholdFactory, UserFactory, give_role
from ..imports.conftest import commit, rows, xlsx_bytes
from .test_audit_trail import household_post, resident_post


@pytest.fixture
def browser(db):
    def open_as(user, language="en"):
        client = Client()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return open_as


def loaded(client, url):
    """What the edit form was loaded with, as the browser sends it back: the hidden version."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["form"]["version"].value()


def conflict(response):
    """The warning's text: who changed what meanwhile."""
    assert response.status_code == 409
    page = response.content.decode()
    return page[page.index('id="conflict"') : page.index("</div>\n</div>", page.index('id="conflict"'))]


# --- households --------------------------------------------------------------------------------


def test_a_stale_household_edit_keeps_what_was_typed_and_names_what_changed(browser, staff, admin_user, ren_household):
    url = reverse("household_edit", args=[ren_household.pk])
    staffs, admins = browser(staff), browser(admin_user)
    seen = loaded(staffs, url)
    assert (
        admins.post(url, household_post(ren_household, version=loaded(admins, url), phone="13905710009")).status_code
        == 302
    )

    response = staffs.post(
        url, household_post(ren_household, version=seen, notes="楼道漏水，已报修", tags=["key_care"])
    )
    warning = conflict(response)
    assert "Someone else saved this while you were working on it" in warning
    assert "admin: phone" in warning
    form = response.context["form"]
    assert (form["notes"].value(), form["tags"].value()) == ("楼道漏水，已报修", ["key_care"])
    assert "楼道漏水，已报修" in response.content.decode()
    household = Household.objects.get(pk=ren_household.pk)
    assert (household.notes, household.phone, household.version, household.tag_values()) == ("", "13905710009", 2, [])

    # The form now carries the register's version: saving again is a deliberate overwrite.
    assert form["version"].value() == 2
    again = staffs.post(url, household_post(ren_household, version=2, notes="楼道漏水，已报修", phone="13905710009"))
    assert again.status_code == 302
    assert Household.objects.get(pk=ren_household.pk).notes == "楼道漏水，已报修"


def test_a_fresh_household_edit_saves_and_bumps_the_version(browser, staff, ren_household):
    url = reverse("household_edit", args=[ren_household.pk])
    client = browser(staff)
    assert client.post(url, household_post(ren_household, version=loaded(client, url), notes="独居")).status_code == 302
    household = Household.objects.get(pk=ren_household.pk)
    assert (household.notes, household.version) == ("独居", 2)
    assert loaded(client, url) == 2


def test_the_conflict_is_told_in_chinese_by_default(browser, staff, admin_user, ren_household):
    url = reverse("household_edit", args=[ren_household.pk])
    staffs, admins = browser(staff, "zh-hans"), browser(admin_user)
    seen = loaded(staffs, url)
    admins.post(
        url, household_post(ren_household, version=loaded(admins, url), tenure="rented", landlord_name="陈房东")
    )
    warning = conflict(staffs.post(url, household_post(ren_household, version=seen, notes="改")))
    assert "在您编辑期间，其他人保存了这条记录" in warning
    assert "居住性质" in warning and "房东" in warning


@pytest.mark.parametrize("version", ["", "abc", "0", "99999999999999999999", "-1"])
def test_an_edit_without_a_proper_version_is_refused_with_a_clear_error(browser, staff, ren_household, version):
    url = reverse("household_edit", args=[ren_household.pk])
    response = browser(staff).post(url, household_post(ren_household, version=version, notes="改"))
    assert response.status_code == 200
    assert "This form is out of date: open it again." in response.content.decode()
    assert Household.objects.get(pk=ren_household.pk).version == 1


def test_an_archived_household_makes_an_open_edit_stale(browser, staff, admin_user, ren_household):
    url = reverse("household_edit", args=[ren_household.pk])
    staffs = browser(staff)
    seen = loaded(staffs, url)
    browser(admin_user).post(reverse("household_archive", args=[ren_household.pk]))
    assert "archived at" in conflict(staffs.post(url, household_post(ren_household, version=seen, notes="改")))


# --- residents ---------------------------------------------------------------------------------


def test_staff_editing_a_resident_the_worker_changed_meanwhile(browser, wu, staff, ren):
    url = reverse("resident_edit", args=[ren.pk])
    staffs, wus = browser(staff), browser(wu)
    seen = loaded(staffs, url)
    assert wus.post(url, {"mobile": "13900001111", "version": loaded(wus, url)}).status_code == 302

    response = staffs.post(url, resident_post(ren, version=seen, relation_to_head="本人", categories=["elderly_alone"]))
    assert "吴佳栋: mobile" in conflict(response)
    assert response.context["form"]["relation_to_head"].value() == "本人"
    resident = Resident.objects.get(pk=ren.pk)
    assert (resident.mobile, resident.relation_to_head, resident.category_values()) == ("13900001111", "", [])


def test_the_worker_editing_contact_details_staff_changed_meanwhile(browser, wu, staff, ren):
    url = reverse("resident_edit", args=[ren.pk])
    staffs, wus = browser(staff), browser(wu)
    seen = loaded(wus, url)
    staffs.post(
        url, resident_post(ren, version=loaded(staffs, url), categories=["elderly_alone"], health_notes="呼吸机已修好")
    )

    response = wus.post(url, {"mobile": ren.mobile, "emergency_contact_name": "任建华", "version": seen})
    warning = conflict(response)
    assert "staff: health notes, person category" in warning
    assert "呼吸机已修好" not in warning  # the warning names fields, not what they hold
    assert response.context["form"]["emergency_contact_name"].value() == "任建华"
    assert Resident.objects.get(pk=ren.pk).emergency_contact_name == ""


def test_an_import_makes_an_open_resident_edit_stale(browser, staff, ren):
    url = reverse("resident_edit", args=[ren.pk])
    client = browser(staff)
    seen = loaded(client, url)
    row = {**rows(1)[0], "地址": "临江路", "幢": "4", "单元": "1", "室": "302", "姓名": "任爱香", "户主姓名": "任爱香"}
    row.update({"身份证号": ren.id_number, "出生日期": "1940-05-12", "性别": "女", "手机": "13911112222"})
    upload = {
        "grid": ren.household.grid_id,
        "kind": "households",
        "file": SimpleUploadedFile("登记.xlsx", xlsx_bytes([row])),
    }
    client.post(reverse("import_upload"), upload)
    commit(client, ImportBatch.objects.get())
    assert Resident.objects.get(pk=ren.pk).version == 2

    response = client.post(url, resident_post(ren, version=seen, relation_to_head="本人"))
    assert "staff: mobile" in conflict(response)
    assert Resident.objects.get(pk=ren.pk).mobile == "13911112222"


# --- shops and buildings -----------------------------------------------------------------------


def shop_post(shop, version, **fields):
    return {
        "grid": shop.grid_id,
        "name": shop.name,
        "address": shop.address,
        "business_type": shop.business_type,
        "street_front": "on",
        "version": version,
        **fields,
    }


def test_a_stale_shop_edit(browser, staff, admin_user, shop1):
    url = reverse("shop_edit", args=[shop1.pk])
    staffs, admins = browser(staff), browser(admin_user)
    seen = loaded(staffs, url)
    admins.post(url, shop_post(shop1, loaded(admins, url), name="东炉池便民超市"))
    response = staffs.post(url, shop_post(shop1, seen, operator_name="赵老板"))
    assert "admin: name" in conflict(response)
    assert response.context["form"]["operator_name"].value() == "赵老板"
    shop = Shop.objects.get(pk=shop1.pk)
    assert (shop.name, shop.operator_name, shop.version) == ("东炉池便民超市", "", 2)


def test_a_stale_building_edit(browser, staff, admin_user, linjiang4):
    url = reverse("building_edit", args=[linjiang4.pk])
    staffs, admins = browser(staff), browser(admin_user)
    data = {"grid": linjiang4.grid_id, "road": linjiang4.road, "number": linjiang4.number, "year_built": 1992}
    seen = loaded(staffs, url)
    admins.post(url, {**data, "floors": "6", "version": loaded(admins, url)})
    response = staffs.post(url, {**data, "notes": "1980年代老楼，屋面漏水", "version": seen})
    assert "admin: floors" in conflict(response)
    assert response.context["form"]["notes"].value() == "1980年代老楼，屋面漏水"
    building = Building.objects.get(pk=linjiang4.pk)
    assert (building.floors, building.notes, building.version) == (6, "", 2)


def test_a_fresh_building_edit_bumps_the_version(browser, staff, linjiang4):
    url = reverse("building_edit", args=[linjiang4.pk])
    client = browser(staff)
    data = {"grid": linjiang4.grid_id, "road": linjiang4.road, "number": linjiang4.number, "year_built": 1992}
    assert client.post(url, {**data, "floors": "7", "version": loaded(client, url)}).status_code == 302
    assert Building.objects.get(pk=linjiang4.pk).version == 2


def test_the_warning_says_when(browser, staff, admin_user, shop1):
    url = reverse("shop_edit", args=[shop1.pk])
    staffs, admins = browser(staff), browser(admin_user)
    seen = loaded(staffs, url)
    admins.post(url, shop_post(shop1, loaded(admins, url), name="新名"))
    when = timezone.localtime(Shop.history.latest("history_date").history_date)
    assert when.strftime("%m-%d %H:%M") in conflict(staffs.post(url, shop_post(shop1, seen)))


# --- at the same moment ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_of_two_saves_of_the_same_copy_at_once_only_the_first_wins():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers, so two saves cannot overlap there; CI runs this on PostgreSQL")
    grid = GridFactory(community=CommunityFactory(), number=1)
    staff = give_role(UserFactory(username="staff"), RoleKind.COMMUNITY_STAFF, community=grid.community)
    admin = give_role(UserFactory(username="admin"), RoleKind.ADMIN)
    household = HouseholdFactory(grid=grid, address="临江路4幢1单元302室")
    staff_saved, staff_may_commit, outcomes = threading.Event(), threading.Event(), {}

    def save(user, **changes):
        try:
            services.household_update(household=Household.objects.get(pk=household.pk), by=user, version=1, **changes)
            outcomes[user.username] = "saved"
        except services.Changed as changed:
            outcomes[user.username] = changed

    def staff_saves():
        try:
            with transaction.atomic():  # held open until the admin's save waits on the row
                save(staff, notes="楼道漏水")
                staff_saved.set()
                staff_may_commit.wait(timeout=10)
        finally:
            connection.close()

    def admin_saves():
        try:
            staff_saved.wait(timeout=10)
            save(admin, phone="13905710009")
        finally:
            connection.close()

    threads = [threading.Thread(target=staff_saves), threading.Thread(target=admin_saves)]
    for thread in threads:
        thread.start()
    wait_until_a_query_waits_on_a_lock()
    staff_may_commit.set()
    for thread in threads:
        thread.join(timeout=20)

    assert outcomes["staff"] == "saved"
    assert [edit.who for edit in outcomes["admin"].edits] == [staff]
    saved = Household.objects.get(pk=household.pk)
    assert (saved.notes, saved.phone, saved.version) == ("楼道漏水", household.phone, 2)


# --- the Django admin ----------------------------------------------------------------------------


def test_an_admin_save_in_the_django_admin_makes_an_open_edit_stale(browser, staff, admin_user, ren_household):
    url = reverse("household_edit", args=[ren_household.pk])
    staffs = browser(staff)
    seen = loaded(staffs, url)
    admin_page = reverse("admin:gridapp_household_change", args=[ren_household.pk])
    form = browser(admin_user).get(admin_page).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {"phone": "13905710009", **_inline_management(browser(admin_user).get(admin_page))}
    assert browser(admin_user).post(admin_page, data).status_code == 302
    assert Household.objects.get(pk=ren_household.pk).version == int(seen) + 1

    warning = conflict(staffs.post(url, household_post(ren_household, version=seen, notes="楼道漏水")))
    assert "phone" in warning
    assert Household.objects.get(pk=ren_household.pk).notes == ""


def _inline_management(response):
    """The admin page's inline formsets as an untouched browser sends them back."""
    data = {}
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data |= {management.add_prefix(name): management[name].value() for name in management.fields}
        for inline in formset.formset.forms:
            data |= {inline.add_prefix(name): inline[name].value() or "" for name in inline.fields}
    return data
