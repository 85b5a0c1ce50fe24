"""Query budgets for the case pages: a page costs the same with 20 cases (or 20 timeline
entries and mediations) as with one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services

from .conftest import act, report

MANY = 20


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


class Queue:
    """Open cases of both grids, half assigned, some dispatched to the police station."""

    def __init__(self, wu, chen, staff, police):
        self.people, self.police, self.rows = (wu, chen, staff), police, 0

    def grow_to(self, rows):
        wu, chen, staff = self.people
        for n in range(self.rows, rows):
            worker = wu if n % 2 else chen
            case = act(report(worker, worker.gridapp_roles.get().grid, title=f"事件{n}"), "register", staff)
            if n % 3 == 0:
                act(case, "dispatch", staff, department=self.police)
            else:
                act(case, "take", worker)
        self.rows = rows


class DepartmentCases:
    def __init__(self, case_in):
        self.case_in, self.rows = case_in, 0

    def grow_to(self, rows):
        for _ in range(self.rows, rows):
            self.case_in("dispatched")
        self.rows = rows


class Timeline:
    """One case with ``rows`` extensions, assignments and mediations on its page."""

    def __init__(self, case, wu, staff, ren):
        self.case, self.wu, self.staff, self.ren, self.rows = case, wu, staff, ren, 0

    def grow_to(self, rows):
        for n in range(self.rows, rows):
            act(self.case, "extend", self.wu, note=f"等待配件{n}")
            act(self.case, "approve_extension", self.staff)
            services.case_assign(cases=[self.case], assignee=self.wu, by=self.staff)
            services.record_mediation(
                case=self.case,
                by=self.wu,
                held_on=self.case.reported_at.date(),
                parties=[self.ren],
                other_parties="楼上住户",
                mediators=[self.wu, self.staff],
                other_mediators="李建华（网格党小组长）",
                outcome="agreed",
                agreement=f"协议{n}",
            )
        self.rows = rows


@pytest.fixture
def pages(wu, chen, staff, officer, police, case_in, ren):
    case = case_in("handling", households=[ren.household])
    return {
        # page: (viewer, world, url, budget)
        "queue": (staff, Queue(wu, chen, staff, police), reverse("case_queue"), 12),
        # 7: the department queue is paged (its count), issue 16
        "department_queue": (officer, DepartmentCases(case_in), reverse("department_queue"), 7),
        "case_page": (wu, Timeline(case, wu, staff, ren), case.get_absolute_url(), 15),  # 15: the pending extension
    }


@pytest.mark.parametrize("page", ["queue", "department_queue", "case_page"])
def test_case_page_costs_the_same_for_1_and_20_rows(client, pages, page, django_assert_num_queries):
    viewer, world, url, budget = pages[page]
    client.force_login(viewer)
    world.grow_to(1)
    one = queries_for(client, url)
    world.grow_to(MANY)
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    assert one == budget
