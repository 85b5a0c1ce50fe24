"""The admin's home lists the communities a page at a time, each with its grids (issue 16): at
district scale it listed every grid on one page (498 KB), growing with the data. Its size now
depends on the page, not on how many communities there are."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gridapp.pages.home import COMMUNITIES_PER_PAGE

from ..factories import CommunityFactory, GridFactory

GRIDS_EACH = 3


def add_communities(town, n):
    for _ in range(n):
        community = CommunityFactory(town=town)
        for number in range(1, GRIDS_EACH + 1):
            GridFactory(community=community, number=number)


def grid_links(response):
    return re.findall(r'class="btn btn-outline-secondary grid-link"', response.content.decode())


def test_the_admin_home_shows_one_page_of_communities_and_a_link_to_the_next(client, admin_user, grid1):
    add_communities(grid1.community.town, COMMUNITIES_PER_PAGE + 5)
    client.force_login(admin_user)
    response = client.get(reverse("home"))
    assert len(grid_links(response)) <= COMMUNITIES_PER_PAGE * GRIDS_EACH
    assert response.context["page"].paginator.count == COMMUNITIES_PER_PAGE + 6  # and Grid 1's
    assert "page=2" in response.content.decode()


def test_the_last_page_holds_the_remaining_communities(client, admin_user, grid1):
    add_communities(grid1.community.town, COMMUNITIES_PER_PAGE + 5)
    client.force_login(admin_user)
    response = client.get(reverse("home"), {"page": 2})
    assert len(response.context["page"]) == 6
    assert "page=3" not in response.content.decode()


def test_the_admin_home_does_not_grow_with_the_district(client, admin_user, grid1):
    client.force_login(admin_user)
    add_communities(grid1.community.town, COMMUNITIES_PER_PAGE)
    with CaptureQueriesContext(connection) as one_page_queries:
        one_page = client.get(reverse("home"))
    add_communities(grid1.community.town, 4 * COMMUNITIES_PER_PAGE)  # a district five times larger
    with CaptureQueriesContext(connection) as larger_queries:
        larger = client.get(reverse("home"))
    assert len(larger_queries) == len(one_page_queries)
    assert len(grid_links(larger)) == len(grid_links(one_page)) <= COMMUNITIES_PER_PAGE * GRIDS_EACH
    # The same rows, give or take the digits of the names and the page count.
    assert len(larger.content) <= len(one_page.content) + 500


def test_a_page_number_past_the_end_shows_the_last_page(client, admin_user, grid1):
    client.force_login(admin_user)
    response = client.get(reverse("home"), {"page": "99"})
    assert response.status_code == 200
    assert grid1.name in response.content.decode()
