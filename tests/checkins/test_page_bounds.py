"""The check-in list grows with the grid, the page does not (issue 16, item 6): more residents due
than a page holds, and the page shows one page of them, riskiest first, with a link to the next.
Wu's list is found from his grid first; the staff's from the community (both paths)."""

from django.urls import reverse

from gridapp.register.services import archive
from visits.checkin_views import PAGE_SIZE
from visits.checkins import refresh_due
from visits.models import CareAssignment

from ..factories import HouseholdFactory, ResidentFactory
from .conftest import days_ago

MORE_THAN_A_PAGE = PAGE_SIZE + 5


def due_in(grid, level, n):
    """``n`` residents of ``grid`` with a care level set long ago and never seen: all overdue."""
    households = HouseholdFactory.create_batch(n, grid=grid)
    residents = [ResidentFactory(household=household) for household in households]
    CareAssignment.objects.bulk_create(
        CareAssignment(resident=resident, level=level, assigned_on=days_ago(60)) for resident in residents
    )
    refresh_due(CareAssignment.objects.filter(resident__in=residents))
    return residents


def test_wus_check_in_list_shows_one_page_and_a_link_to_the_next(client, wu, grid1, monthly):
    due_in(grid1, monthly, MORE_THAN_A_PAGE)
    client.force_login(wu)
    response = client.get(reverse("checkins"))
    assert len(response.context["rows"]) == PAGE_SIZE <= 50
    assert response.context["page"].paginator.count == MORE_THAN_A_PAGE
    assert 'href="?page=2"' in response.content.decode()


def test_the_second_page_holds_the_rest_and_no_next_link(client, wu, grid1, monthly):
    due_in(grid1, monthly, MORE_THAN_A_PAGE)
    client.force_login(wu)
    response = client.get(reverse("checkins"), {"page": 2})
    assert len(response.context["rows"]) == MORE_THAN_A_PAGE - PAGE_SIZE
    assert "?page=3" not in response.content.decode()


def test_staff_see_one_page_of_the_communitys_check_ins(client, staff, grid1, grid2, monthly):
    due_in(grid1, monthly, PAGE_SIZE)
    due_in(grid2, monthly, 5)
    client.force_login(staff)
    response = client.get(reverse("checkins"))
    assert len(response.context["rows"]) == PAGE_SIZE
    assert response.context["page"].paginator.count == PAGE_SIZE + 5
    assert 'href="?page=2"' in response.content.decode()


def test_wus_list_leaves_out_archived_residents_and_other_grids(client, wu, grid1, grid2, monthly):
    mine = due_in(grid1, monthly, 3)
    due_in(grid2, monthly, 2)
    archive(record=mine[0], by=None)
    client.force_login(wu)
    rows = client.get(reverse("checkins")).context["rows"]
    assert sorted(row.resident_id for row in rows) == sorted(r.pk for r in mine[1:])
