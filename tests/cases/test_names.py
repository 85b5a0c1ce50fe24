"""People appear on cases by their names (吴佳栋, 沈丽华), never by their log-in names; and the
timeline shows a step "from → to" only when the case moved."""

import re

import pytest
from django.urls import reverse

from cases import services
from gridapp.models import RoleKind

from ..factories import UserFactory, give_role
from .conftest import act, fresh


@pytest.fixture
def shen(dongluchi):
    """沈丽华 of the community office, who has a name on her account (``staff`` has none)."""
    return give_role(UserFactory(username="shenlh", first_name="丽华", last_name="沈"), RoleKind.COMMUNITY_STAFF,
                     community=dongluchi)  # fmt: skip


@pytest.fixture
def handled(case_in, wu, shen, ren):
    """A case Wu handles: Shen moves its deadline and assigns it to him, Wu records a mediation."""
    case = case_in("handling", households=[ren.household])
    act(case, "extend", shen, note="物业周五才能上门")
    services.case_assign(cases=[fresh(case)], assignee=wu, by=shen)
    services.record_mediation(
        case=fresh(case), by=wu, held_on=case.reported_at.date(), parties=[ren], other_parties="楼上住户",
        mediators=[wu, shen], other_mediators="", outcome="agreed", agreement="三天内修好",
    )  # fmt: skip
    return fresh(case)


def timeline(client, case):
    page = client.get(case.get_absolute_url()).content.decode()
    return re.sub(r"\s+", " ", page.split("Timeline", 1)[1])


def test_the_timeline_names_people_and_shows_no_step_that_went_nowhere(as_user, handled):
    entries = timeline(as_user(handled.assignee), handled)
    assert "沈丽华 · Ask for more time <span" in entries
    assert "沈丽华 · Assigned <span" in entries
    assert "吴佳栋 · Record a mediation <span" in entries
    assert "吴佳栋 · Start handling · Registered → Handling (grid)" in entries  # this one moved
    assert "Handling (grid) → Handling (grid)" not in entries
    assert "shenlh" not in entries and " wu " not in entries


def test_the_mediation_form_offers_mediators_by_name(as_user, handled, wu, shen):
    response = as_user(wu).get(reverse("mediation_create", args=[handled.pk]))
    offered = dict(response.context["form"].fields["mediators"].choices)
    assert {str(offered[wu.pk]), str(offered[shen.pk])} == {"吴佳栋", "沈丽华"}
    page = re.sub(r"\s+", " ", response.content.decode())
    assert re.search(rf'value="{shen.pk}"[^>]*> ?<label[^>]*> ?沈丽华 ?</label>', page)
    assert ">shenlh<" not in page.replace(" ", "")


def test_the_case_page_names_the_mediators_and_the_queue_the_assignee(as_user, handled, shen):
    client = as_user(shen)
    page = client.get(handled.get_absolute_url()).content.decode()
    assert re.search(r"Mediators: (吴佳栋 沈丽华|沈丽华 吴佳栋)", page)  # in the order the database gives
    queue = client.get(reverse("case_queue")).content.decode()
    assert "· 吴佳栋 ·" in queue and "· wu ·" not in queue


def test_the_department_queue_names_who_has_the_case_in_the_grid(as_user, case_in, wu, staff, officer, police):
    case = case_in("registered")
    services.case_assign(cases=[fresh(case)], assignee=wu, by=staff)
    act(case, "dispatch", staff, department=police)
    page = as_user(officer).get(reverse("department_queue")).content.decode()
    assert f"{case.number} · Dispatched (department) · 东麓池社区 第一网格 · 吴佳栋" in page
