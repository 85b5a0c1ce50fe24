"""A call whose address names no grid waits in the town-level intake list with a token; staff
who see the client's community (and admins) pick the grid, which records the case, and the
token then resolves to its number."""

import json

from cases.hotline_models import HotlineRequest
from cases.models import Case, Channel, State


def _waiting(hotline, leak):
    data = {
        "service_code": str(leak.pk),
        "description": "路灯不亮",
        "address_string": "镇东头老桥边",
        "phone": "13900002222",
    }
    return json.loads(hotline.post("requests.json", data).content)[0]["token"]


def test_an_unresolved_address_waits_with_a_token(hotline, leak):
    token = _waiting(hotline, leak)
    assert json.loads(hotline.get(f"tokens/{token}.json").content) == [{"service_request_id": "", "token": token}]
    assert Case.objects.count() == 0


def test_staff_place_it_and_the_token_resolves_to_the_case(hotline, leak, client, staff, grid2):
    token = _waiting(hotline, leak)
    sent = HotlineRequest.objects.get(token=token)
    client.force_login(staff)
    page = client.get("/open311/intake/")
    assert "镇东头老桥边" in page.content.decode()
    assert "13900002222" in client.get(f"/open311/intake/{sent.pk}/").content.decode()
    assert client.post(f"/open311/intake/{sent.pk}/", {"grid": ""}).status_code == 400
    response = client.post(f"/open311/intake/{sent.pk}/", {"grid": grid2.pk})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert (case.grid, case.channel, case.state) == (grid2, Channel.HOTLINE, State.REPORTED)
    assert json.loads(hotline.get(f"tokens/{token}.json").content) == [
        {"service_request_id": case.number, "token": token}
    ]
    assert "镇东头老桥边" not in client.get("/open311/intake/").content.decode()
    desk = client.get("/").content.decode()
    assert case.number in desk and "/open311/intake/" in desk  # its reports group links to the list
    assert client.get(f"/open311/intake/{sent.pk}/").status_code == 404  # placed: no longer waiting


def test_other_communities_staff_and_workers_do_not_see_it(hotline, leak, client, zhao, wu, other_grid):
    sent = HotlineRequest.objects.get(token=_waiting(hotline, leak))
    client.force_login(zhao)
    assert "镇东头老桥边" not in client.get("/open311/intake/").content.decode()
    assert client.get(f"/open311/intake/{sent.pk}/").status_code == 404
    client.force_login(wu)
    assert client.get("/open311/intake/").status_code == 403


def test_a_grid_outside_the_clients_scope_is_refused(hotline, leak, client, admin_user, other_grid):
    sent = HotlineRequest.objects.get(token=_waiting(hotline, leak))
    client.force_login(admin_user)
    response = client.post(f"/open311/intake/{sent.pk}/", {"grid": other_grid.pk})
    assert response.status_code == 400  # the hotline's user is Dongluchi's staff: not 浦南's grids
    assert Case.objects.count() == 0


def test_the_admin_home_counts_the_requests_waiting_for_their_grid(hotline, leak, client, admin_user):
    client.force_login(admin_user)
    assert 'href="/open311/intake/"' in client.get("/").content.decode()
    _waiting(hotline, leak)
    _waiting(hotline, leak)
    page = client.get("/").content.decode()
    link = page[page.index('id="hotline-waiting"') :]
    assert link[: link.index("</a>")].endswith('<span class="badge text-bg-light">2</span>')
