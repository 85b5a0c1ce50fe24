"""The typhoon roster for the demo's Grid 1 (``manage.py seed_demo``), as Shen Lihua of the
community office prints it before a typhoon (story 6)."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from gridapp.devtools.demo import places
from gridapp.exports.roster import OLD_AGE, born_on_or_before
from gridapp.models import Building, Grid, PersonCategory, Resident

from ..factories import HouseholdFactory, ResidentFactory

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    # As in development: with DEBUG off (pytest's default) seed_demo refuses.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER, DEBUG=True), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def grid1(seeded, db):
    return Grid.objects.get(community__code=places.COMMUNITY_CODE, number=1)


@pytest.fixture
def shen(seeded, db):
    return get_user_model().objects.get(username="staff")


def _roster(client, grid):
    response = client.post("/exports/typhoon-roster/", {"grid": grid.pk, "reason_choice": "typhoon"})
    assert response.status_code == 200
    return response.context["sections"]


def test_ren_aixiang_is_under_her_building_with_her_ventilator(client, shen, grid1):
    client.force_login(shen)
    sections = _roster(client, grid1)
    road, number, unit, room = places.REN_FLAT
    section = next(s for s in sections if s.title.startswith(f"{road}{number}幢"))
    ren = next(row for row in section.rows if row.resident.name == "任爱香")
    assert ren.place == f"{unit}单元{room}室"
    assert ren.age == 86
    assert "依赖医疗设备" in ren.reasons and "独居老人" in ren.reasons
    assert "呼吸机" in ren.health_notes
    assert ren.resident.emergency_contact_name == "周建明"


def test_every_vulnerable_resident_of_grid1_and_nobody_else(client, shen, grid1):
    client.force_login(shen)
    listed = {row.resident.pk for s in _roster(client, grid1) for row in s.rows}
    today = timezone.localdate()
    expected = set()
    for r in Resident.objects.filter(household__grid=grid1, archived_at=None, household__archived_at=None):
        categories = set(r.category_values())
        tags = set(r.household.tag_values())
        if (
            categories & {PersonCategory.ELDERLY_ALONE, PersonCategory.MEDICAL_EQUIPMENT, PersonCategory.DISABLED}
            or "living_alone" in tags
            or r.age_on(today) >= OLD_AGE
        ):
            expected.add(r.pk)
    assert listed == expected
    assert len(listed) > 20  # Grid 1's residents are mostly elderly
    assert not Resident.objects.filter(pk__in=listed).exclude(household__grid=grid1).exists()


def test_buildings_in_road_and_number_order_then_other_addresses(client, shen, grid1):
    client.force_login(shen)
    titles = [s.title for s in _roster(client, grid1)]
    buildings = {str(b): b for b in Building.objects.filter(grid=grid1)}
    keys = [(buildings[t.split(" ")[0]].road, int(buildings[t.split(" ")[0]].number)) for t in titles[:-1]]
    assert keys == sorted(keys)
    assert len(titles) == len(set(titles))
    assert titles[-1] not in buildings  # the bungalows behind 峙山北路 and other written-out addresses


def test_80_today_is_on_it_79_is_not(client, shen, grid1):
    today = timezone.localdate()
    household = HouseholdFactory(grid=grid1, address="临江路99号")
    eighty = ResidentFactory(household=household, name="刚满八十", date_of_birth=born_on_or_before(today, 80))
    seventy_nine = ResidentFactory(
        household=household,
        name="还差一天",
        date_of_birth=born_on_or_before(today, 80) + datetime.timedelta(days=1),
    )
    client.force_login(shen)
    listed = {row.resident.pk for s in _roster(client, grid1) for row in s.rows}
    assert eighty.pk in listed
    assert seventy_nine.pk not in listed


def test_the_print_page_has_one_section_per_building(client, shen, grid1):
    client.force_login(shen)
    response = client.post("/exports/typhoon-roster/", {"grid": grid1.pk, "reason_choice": "typhoon"})
    page = response.content.decode()
    assert page.count('class="roster-building"') == len(response.context["sections"])
