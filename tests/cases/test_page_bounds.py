"""The case lists grow with the town, their pages do not (issue 16, item 6): more cases than a page
holds, and the staff queue and a department's queue each show one page, nearest deadline first,
with a link to the next."""

import datetime

from django.urls import reverse

from cases.models import Case
from cases.views import PAGE_SIZE

MORE_THAN_A_PAGE = PAGE_SIZE + 3


def copies_of(case, n):
    """``n`` more cases like ``case`` (same state, grid, department), each due a minute later."""
    fields = {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields if not f.primary_key}
    Case.objects.bulk_create(
        Case(**{**fields, "number": f"{case.number}-{i}", "due_at": case.due_at + datetime.timedelta(minutes=i)})
        for i in range(1, n + 1)
    )


def test_the_staff_queue_shows_one_page_and_a_link_to_the_next(as_user, staff, case_in):
    case = case_in("handling")
    copies_of(case, MORE_THAN_A_PAGE - 1)
    response = as_user(staff).get(reverse("case_queue"))
    shown = list(response.context["page"])
    assert len(shown) == PAGE_SIZE <= 50
    assert shown[0] == case  # the nearest deadline first
    assert "page=2" in response.content.decode()


def test_a_departments_queue_shows_one_page_and_a_link_to_the_next(as_user, officer, case_in):
    case = case_in("dispatched")
    copies_of(case, MORE_THAN_A_PAGE - 1)
    response = as_user(officer).get(reverse("department_queue"))
    shown = list(response.context["cases"])
    assert len(shown) == PAGE_SIZE
    assert shown[0] == case
    assert 'href="?page=2"' in response.content.decode()
    rest = as_user(officer).get(reverse("department_queue"), {"page": 2}).context["cases"]
    assert len(list(rest)) == MORE_THAN_A_PAGE - PAGE_SIZE
