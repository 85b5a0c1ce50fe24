"""What the fuzzing found, kept as plain tests: each failed before its fix."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from visits.models import VisitPurpose

from ..cases.conftest import walk_to

pytestmark = pytest.mark.django_db

# Digits to str.isdigit() that int() or the database refuses: a superscript, Arabic-Indic digits
# (int() takes those, but they are no id anyone links to), and more digits than int() converts.
NOT_IDS = ["²", "١٢", "9" * 5000, "1" * 19]


def test_id_param_takes_only_ids():
    from gridapp.core.forms import id_param

    assert [id_param(v) for v in ("3", "007", "999999999999999999")] == [3, 7, 999999999999999999]
    assert {id_param(v) for v in [*NOT_IDS, "", "-1", "1.0", " 1", None, ["1"]]} == {None}


@pytest.mark.parametrize("value", NOT_IDS)
def test_odd_digits_in_a_query_string_are_ignored_not_a_server_error(client, world, value):
    """``?campaign=²`` on the visit form, ``?grid=`` on the check-ins, ``?visit=`` on case intake:
    str.isdigit() let them through to int() and the database (500)."""
    client.force_login(world.wu)
    assert client.get(reverse("visit_household", args=[world.household.pk]), {"campaign": value}).status_code == 200
    assert client.get(reverse("visit_shop", args=[world.shop.pk]), {"campaign": value}).status_code == 200
    assert client.get(reverse("checkins"), {"grid": value}).status_code == 200
    assert client.get(reverse("case_create"), {"visit": value}).status_code == 200


@pytest.mark.parametrize("value", NOT_IDS)
def test_an_odd_version_on_a_case_action_changes_nothing(client, world, value):
    """The hidden ``version`` went through int() before the form saw it (500); now it is a form
    error, or a version that is not the case's (the page answers with what changed)."""
    client.force_login(world.wu)
    case = world.case
    response = client.post(reverse("case_act", args=[case.pk, "resolve"]), {"version": value, "note": "已处理"})
    assert response.status_code in (400, 409)
    assert Case.objects.get(pk=case.pk).state == "handling"


def test_a_purpose_posted_twice_when_correcting_a_visit_is_saved_once(client, world):
    """The edit saved each posted purpose: a repeated one broke the unique constraint (500)."""
    client.force_login(world.wu)
    visit = world.visit
    data = {
        "visited_at": timezone.localtime(visit.visited_at).strftime("%Y-%m-%dT%H:%M"),
        "purposes": ["safety", "safety", "routine"],
        "notes": "更正",
        "version": visit.version,
    }
    response = client.post(reverse("visit_edit", args=[visit.pk]), data)
    assert response.status_code == 302
    assert sorted(VisitPurpose.objects.filter(visit=visit).values_list("purpose", flat=True)) == ["routine", "safety"]


def test_a_department_that_returns_a_case_lands_on_its_queue(client, world):
    """After "return" the case is the community's and out of the department's sight: the page it
    was sent to answered 404."""
    case = walk_to("dispatched", people=world.people, police=world.police, grid=world.grid1)
    client.force_login(world.officer)
    response = client.post(
        reverse("case_act", args=[case.pk, "return"]), {"version": case.version, "note": "不属于派出所职责"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("department_queue")
    assert client.get(response["Location"]).status_code == 200
    assert Case.objects.get(pk=case.pk).state == "escalated"


@pytest.mark.parametrize("huge", [2**63, 10**30])
def test_a_huge_id_in_a_multiple_choice_is_a_form_error(client, world, huge):
    """``id__in=[10**30]`` overflowed SQLite's integer (500) where ``id=10**30`` matches nothing;
    gridapp.lookups makes ``in`` behave the same."""
    client.force_login(world.wu)
    response = client.post(
        reverse("mediation_create", args=[world.case.pk]),
        {"held_on": world.today.isoformat(), "parties": [huge], "mediators": [world.wu.pk], "outcome": "agreed"},
    )
    assert response.status_code == 200
    assert "parties" in response.context["form"].errors
    intake = {
        "grid": world.grid1.pk,
        "title": "楼道堆物",
        "description": "堆物",
        "category": world.category.pk,
        "priority": "normal",
        "channel": "walk_in",
        "complainant_name": "任爱香",
        "households": [world.household.pk, huge],
    }
    response = client.post(reverse("case_create"), intake)
    assert response.status_code == 200
    assert "households" in response.context["form"].errors
    assert Case.objects.count() == 3  # the world's


def test_an_admin_action_on_a_selection_that_is_not_ids_is_a_bad_request(client, world):
    """The admin passed the posted selection straight to the database (500)."""
    client.force_login(world.admin)
    response = client.post(
        reverse("admin:gridapp_household_changelist"),
        {"action": "archive_selected", "_selected_action": ["<script>", world.household.pk], "index": "0"},
    )
    assert response.status_code == 400
    world.household.refresh_from_db()
    assert world.household.archived_at is None


def test_an_autocomplete_choice_that_is_not_an_id_is_a_form_error(client, world):
    """Django's autocomplete widget looked the posted value up to show it again (500)."""
    client.force_login(world.admin)
    response = client.post(reverse("admin:gridapp_role_add"), {"user": "<script>", "kind": "grid_worker"})
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors


@pytest.mark.parametrize("value", ["²", "9" * 5000])
def test_the_admin_history_of_an_id_that_is_no_number_is_not_found(client, world, value):
    client.force_login(world.admin)
    assert client.get(f"/admin/gridapp/household/{value}/history/").status_code == 404


@pytest.mark.parametrize("value", NOT_IDS)
def test_the_access_log_ignores_a_resident_that_is_no_id(client, world, value):
    client.force_login(world.staff)
    assert client.get(reverse("access_log"), {"resident": value}).status_code == 200


def test_an_admin_list_filtered_by_a_huge_id_is_empty(client, world):
    """The admin lets a list be narrowed by a foreign key (``?household=…``): a huge id reached
    SQLite (500). It matches nothing, as a huge ``?id=`` already did."""
    client.force_login(world.admin)
    response = client.get(reverse("admin:gridapp_resident_changelist"), {"household": str(2**63)})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


@pytest.mark.parametrize("login_url", ["login", "admin:login"])
def test_a_username_longer_than_any_account_is_a_failed_log_in(client, world, login_url):
    """Django tries a username of any length; django-axes then recorded the failure in a column
    of 255 characters, which PostgreSQL refused (500). Recorded cut short, it counts toward the
    lockout like any other failure."""
    long_name = "wu" + "x" * 400
    for _ in range(2):
        response = client.post(reverse(login_url), {"username": long_name, "password": "wrong-password"})
        assert response.status_code == 200
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == (long_name[:150], 2)


def test_a_very_long_search_is_refused_or_matches_nothing(client, world):
    """SQLite refuses a LIKE pattern past 50,000 bytes: the case queue's search and the admin's
    list search were server errors. The queue's search is limited as the grid page's is (and the
    default list shown); an admin search that long matches nothing."""
    long_search = "漏" * 20_000
    client.force_login(world.staff)
    response = client.get(reverse("case_queue"), {"q": long_search})
    assert response.status_code == 200
    assert "q" in response.context["filter"].form.errors
    client.force_login(world.admin)
    for url in (reverse("admin:gridapp_household_changelist"), reverse("admin:cases_case_changelist")):
        response = client.get(url, {"q": long_search})
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": long_search, "app_label": "gridapp", "model_name": "role", "field_name": "user"},
    )
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_nul_character_in_an_admin_filter_or_search_is_refused(client, world):
    """PostgreSQL refuses a NUL character in a query's value: an admin list filtered or searched
    with one was a server error there (the fuzzing found ``?state__exact=\\x00``)."""
    client.force_login(world.admin)
    url = reverse("admin:cases_case_changelist")
    assert client.get(url, {"state__exact": "\x00"}).status_code == 400
    assert client.get(url, {"q": "漏\x00水"}).status_code == 400
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "wu\x00", "app_label": "gridapp", "model_name": "role", "field_name": "user"},
    )
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_body_django_refuses_marks_no_help_alert_handled(client, world):
    """Marking a help alert handled wrote first and read the posted ``next`` afterwards: a body
    with more fields than Django reads answered 400, after the alert was already closed."""
    from visits.models import HelpAlert

    from .targets import help_alert_setup

    help_alert_setup(world)
    client.force_login(world.staff)
    body = "&".join(f"f{n}=x" for n in range(1500))
    response = client.generic(
        "POST",
        reverse("help_alert_acknowledge", args=[world.help_alert.pk]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert HelpAlert.objects.get(pk=world.help_alert.pk).is_open
