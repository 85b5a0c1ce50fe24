"""Who may not export, and submissions that must be refused: a clear form error (400), no file,
no access-log entry, never a server error."""

import datetime

import pytest
from django.urls import reverse

from cases.models import Department, DepartmentKind
from gridapp.models import DataAccessLog, Role, RoleKind

from ..factories import UserFactory
from .conftest import post_export, workbook


@pytest.mark.parametrize("url", ["/exports/", "/exports/typhoon-roster/"])
def test_grid_workers_may_not_export(client, wu, register, grid1, url):
    client.force_login(wu)
    assert client.get(url).status_code == 403
    assert client.post(url, {"grid": grid1.pk, "what": "register", "reason_choice": "visits"}).status_code == 403
    assert not DataAccessLog.objects.exists()


@pytest.mark.parametrize("url", ["/exports/", "/exports/typhoon-roster/"])
def test_department_staff_may_not_export(client, register, grid1, url):
    officer = UserFactory(username="officer")
    Department.objects.create(town=grid1.community.town, name="临浦派出所", kind=DepartmentKind.POLICE).members.add(
        officer
    )
    client.force_login(officer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"grid": grid1.pk}).status_code == 403


@pytest.mark.parametrize("url", ["/exports/", "/exports/typhoon-roster/"])
def test_another_communitys_grid_in_the_address_is_404(client, zhao, register, grid1, url):
    client.force_login(zhao)
    assert client.get(f"{url}?grid={grid1.pk}").status_code == 404
    assert client.get(f"{url}?community={grid1.community_id}").status_code == 404
    assert client.get(url).status_code == 200


def test_the_grid_link_preselects_the_grid(client, staff, register, grid1):
    client.force_login(staff)
    form = client.get(f"/exports/?grid={grid1.pk}").context["form"]
    assert form.initial["grid"] == grid1.pk and form.initial["community"] == grid1.community_id


def _refused(response, *fields):
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    errors = response.context["form"].errors
    for field in fields:
        assert field in errors, errors
    assert not DataAccessLog.objects.exists()
    return errors


def test_another_communitys_grid_posted_is_a_form_error(client, zhao, register, grid1):
    client.force_login(zhao)
    _refused(post_export(client, what="register", grid=grid1.pk), "grid")


def test_staff_who_also_work_a_grid_elsewhere_export_only_their_community(client, staff, register, grid1, other_grid):
    """Each role applies to its own community: Shen is staff of Dongluchi and also the worker of a
    grid of another community, where a worker exports nothing."""
    Role.objects.create(user=staff, kind=RoleKind.GRID_WORKER, grid=other_grid)
    client.force_login(staff)
    assert client.get(reverse("export"), {"grid": other_grid.pk}).status_code == 403
    assert client.get(reverse("typhoon_roster"), {"grid": other_grid.pk}).status_code == 403
    _refused(post_export(client, what="register", grid=other_grid.pk), "grid")
    assert workbook(post_export(client, what="register", grid=grid1.pk))  # their own community's still


def test_a_grid_of_another_community_than_the_one_chosen(client, admin_user, register, grid1, other_community):
    client.force_login(admin_user)
    _refused(post_export(client, what="register", grid=grid1.pk, community=other_community.pk), "grid")


def test_no_reason(client, staff, register, grid1):
    client.force_login(staff)
    _refused(post_export(client, what="register", grid=grid1.pk, reason_choice=""), "reason_choice")
    _refused(post_export(client, what="register", grid=grid1.pk, reason_choice="other", reason_text=" "), "reason_text")


def test_nothing_chosen(client, staff, register):
    client.force_login(staff)
    _refused(post_export(client, what="register"), "grid")
    _refused(post_export(client, what="", community=""), "what")


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("", "", "start"),
        ("2026-12-01", "", "end"),
        ("2026-13-40", "2026-12-01", "start"),
        ("2026-12-02", "2026-11-01", "end"),  # from after to
        ("1800-01-01", "2026-12-01", "start"),
        ("2026-12-01", "9999-12-31", "end"),
        ("99999999999999999999", "2026-12-01", "start"),
    ],
)
def test_bad_periods(client, staff, register, grid1, start, end, field):
    client.force_login(staff)
    _refused(post_export(client, what="visits", grid=grid1.pk, start=start, end=end), field)


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "2147483648", "abc", "1 OR 1=1"])
def test_huge_and_odd_ids(client, staff, register, value):
    client.force_login(staff)
    _refused(post_export(client, what="register", grid=value), "grid")
    _refused(post_export(client, what="register", community=value), "community")
    assert client.get(f"/exports/?grid={value}").status_code in (200, 404)
    assert client.post(reverse("typhoon_roster"), {"grid": value, "reason_choice": "typhoon"}).status_code == 400


def test_the_form_page_says_what_is_wrong(client, staff, register, grid1):
    client.force_login(staff)
    response = post_export(client, what="visits", grid=grid1.pk, start="2026-12-02", end="2026-11-01")
    assert "结束日期不能早于开始日期。" in response.content.decode()


def test_formula_injection_is_neutralised(client, staff, register, grid1):
    ren = register["ren"]
    ren.household.head_name = '=HYPERLINK("http://evil.example","点我")'
    ren.household.landlord_name = "+cmd|' /C calc'!A0"
    ren.household.save()
    ren.emergency_contact_relation = "@SUM(1+1)"
    ren.emergency_contact_name = "-2+3"
    ren.save()
    client.force_login(staff)
    response = post_export(client, what="register", grid=grid1.pk)
    wb = workbook(response)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    dangerous = [c for c in cells if c.value.startswith(("=", "+", "-", "@"))]
    assert {c.value for c in dangerous} >= {ren.household.head_name, "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"}
    for c in dangerous:
        assert c.data_type == "s", c.value  # text, not a formula
        assert c.quotePrefix  # and Excel keeps it text when the cell is edited


def test_control_characters_in_notes_do_not_break_the_export(client, staff, register, grid1):
    ren = register["ren"]
    ren.household.head_name = "任\x01爱\x1b香\x07"  # PostgreSQL refuses NUL itself
    ren.household.save()
    client.force_login(staff)
    wb = workbook(post_export(client, what="register", grid=grid1.pk))
    assert wb["住户"].cell(3, 3).value == "任爱香"


def test_a_failed_export_logs_nothing(client, staff, register, grid1, monkeypatch):
    from gridapp.exports import sheets

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(sheets, "register", broken)
    client.force_login(staff)
    client.raise_request_exception = False
    response = post_export(client, what="register", grid=grid1.pk)
    assert response.status_code == 500
    assert not DataAccessLog.objects.exists()


def test_the_access_log_entry_is_written_with_the_file(client, staff, register, grid1):
    client.force_login(staff)
    before = DataAccessLog.objects.count()
    workbook(post_export(client, what="register", grid=grid1.pk))
    assert DataAccessLog.objects.count() == before + 1


def test_a_date_in_the_visit_log_is_a_real_date(client, staff, register, grid1):
    client.force_login(staff)
    today = datetime.date.today()
    response = post_export(client, what="visits", grid=grid1.pk, start=today, end=today)
    assert workbook(response).active.max_row == 2  # title and header, no visits


def test_the_choices_are_the_users_scope(client, staff, zhao, admin_user, register, grid1, grid2, other_grid):
    client.force_login(staff)
    form = client.get("/exports/").context["form"]
    assert set(form.fields["grid"].queryset) == {grid1, grid2}
    assert [c.pk for c in form.fields["community"].queryset] == [grid1.community_id]
    assert form.initial["community"] == grid1.community_id  # the only one: chosen already
    client.force_login(zhao)
    form = client.get("/exports/").context["form"]
    assert set(form.fields["grid"].queryset) == {other_grid}
    client.force_login(admin_user)
    form = client.get("/exports/").context["form"]
    assert set(form.fields["grid"].queryset) == {grid1, grid2, other_grid}
    assert "community" not in form.initial  # two communities: the admin chooses
