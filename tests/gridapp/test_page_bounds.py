"""The grid page's households grow with the grid, its page does not (issue 16, item 6): a search
matching more households than a page holds shows one page and a link to the next, and finds
only the grid's own residents (the search starts from the grid's households)."""

from django.conf import settings
from django.urls import reverse

from ..factories import HouseholdFactory, ResidentFactory

MORE_THAN_A_PAGE = settings.GRIDAPP_PAGE_SIZE + 2


def households_with_a_wang(grid, n):
    households = HouseholdFactory.create_batch(n, grid=grid)
    for household in households:
        ResidentFactory(household=household, name="王建国")
    return households


def test_a_name_search_shows_one_page_of_the_grids_households_and_a_link_to_the_next(client, wu, grid1, grid2):
    households_with_a_wang(grid1, MORE_THAN_A_PAGE)
    households_with_a_wang(grid2, 3)  # Chen's: never on Wu's page
    client.force_login(wu)
    response = client.get(reverse("grid_detail", args=[grid1.pk]), {"q": "建国"})
    page = response.context["page"]
    assert len(page.object_list) == settings.GRIDAPP_PAGE_SIZE <= 50
    assert page.paginator.count == MORE_THAN_A_PAGE
    assert {household.grid_id for household in page.object_list} == {grid1.pk}
    assert "page=2" in response.content.decode()
