"""The access matrix for assisting departments (协办): MATRIX's case, dispatched to the police
station (test_access_roles.py's ``dept_world``), is assisted by the construction office. Fang,
its member, reaches every URL as the lead's officer does; Tang of the agriculture office, which
neither leads nor assists, cannot learn that the case exists (404, logged)."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import Department, DepartmentKind

from ..factories import UserFactory
from .test_access import MATRIX, assert_denial_logged, world  # noqa: F401  (world: the matrix's fixture)
from .test_access_roles import DEPARTMENT_CASES, OUTSIDE_CASES, _request, dept_world  # noqa: F401


@pytest.fixture
def assist_world(dept_world):  # noqa: F811  (the fixture imported above)
    """The police station leads the case; the construction office assists (Fang), the
    agriculture office does neither (Tang)."""
    town = dept_world["grid"].community.town
    construction = Department.objects.create(town=town, name="临浦镇建设规划办", kind=DepartmentKind.CONSTRUCTION)
    agriculture = Department.objects.create(town=town, name="临浦镇农业农村办", kind=DepartmentKind.AGRICULTURE)
    planner, third = UserFactory(username="planner"), UserFactory(username="tang")
    construction.members.add(planner)
    agriculture.members.add(third)
    case = dept_world["case"]
    services.perform(
        case=case,
        action_name="add_assist",
        by=dept_world["users"]["staff"],
        version=case.version,
        change=services.Change(assisting=[construction]),
    )
    return {**dept_world, "assisting": planner, "third": third}


@pytest.mark.parametrize(
    ("name", "method", "expected"), DEPARTMENT_CASES, ids=[f"{c[0]}-{c[1]}" for c in DEPARTMENT_CASES]
)
def test_an_assisting_department_reaches_every_url_as_the_lead_does(client, assist_world, name, method, expected):
    kwargs_for, _ = MATRIX[name]
    url = reverse(name, kwargs=kwargs_for(assist_world))
    client.force_login(assist_world["assisting"])
    assert _request(client, method, url).status_code == expected, f"planner {method} {url}"


@pytest.mark.parametrize(("name", "method", "expected"), OUTSIDE_CASES, ids=[f"{c[0]}-{c[1]}" for c in OUTSIDE_CASES])
def test_a_department_neither_leading_nor_assisting_cannot_learn_the_case_exists(
    client, caplog, assist_world, name, method, expected
):
    kwargs_for, _ = MATRIX[name]
    url = reverse(name, kwargs=kwargs_for(assist_world))
    client.force_login(assist_world["third"])
    caplog.clear()
    response = _request(client, method, url)
    assert response.status_code == expected, f"tang {method} {url}"
    assert_denial_logged(caplog, response, "tang", method, url)
