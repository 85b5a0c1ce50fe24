"""A client acts as its bound user: one bound to another community's staff (Zhao) never sees,
files into or hears about Dongluchi's cases."""

import json

from cases.models import Case
from cases.services import Change, perform


def _file(hotline, leak, address="临江路4幢1单元302室"):
    data = {"service_code": str(leak.pk), "description": "楼上漏水", "address_string": address}
    return json.loads(hotline.post("requests.json", data).content)[0]


def test_another_communitys_client_never_sees_dongluchis_cases(hotline, open311, zhao, leak):
    number = _file(hotline, leak)["service_request_id"]
    other = open311(zhao)
    assert other.get(f"requests/{number}.json").status_code == 404
    assert json.loads(other.get("requests.json").content) == []
    assert json.loads(other.get("requests.json", {"service_request_id": number}).content) == []
    assert json.loads(other.get("servicerequestupdates.json").content) == []


def test_a_client_resolves_addresses_only_in_its_scope(open311, zhao, linjiang4, leak):
    answer = _file(open311(zhao), leak)  # 临江路4幢 is Dongluchi's: not Zhao's to file into
    assert "token" in answer and "service_request_id" not in answer
    assert Case.objects.count() == 0


def test_a_grid_workers_client_sees_its_grid_only(open311, hotline, wu, chen, leak, grid2):
    mine = _file(hotline, leak)["service_request_id"]
    assert open311(chen).get(f"requests/{mine}.json").status_code == 404
    assert open311(wu).get(f"requests/{mine}.json").status_code == 200


def test_a_token_is_only_its_clients(hotline, open311, zhao, leak):
    token = _file(hotline, leak, address="不知道哪里")["token"]
    assert hotline.get(f"tokens/{token}.json").status_code == 200
    assert open311(zhao).get(f"tokens/{token}.json").status_code == 404


def test_reads_are_written_to_the_access_log(hotline, leak, staff):
    from gridapp.models import DataAccessLog

    number = _file(hotline, leak)["service_request_id"]
    hotline.get(f"requests/{number}.json")
    entry = DataAccessLog.objects.filter(user=staff).latest("pk")
    assert entry.subject.startswith("Open311")


def test_updates_come_from_public_entries_only(hotline, leak, staff, django_assert_max_num_queries):
    number = _file(hotline, leak)["service_request_id"]
    case = Case.objects.get(number=number)
    perform(case=case, action_name="register", by=staff, version=case.version, change=Change(note="内部：先核实"))
    case.refresh_from_db()
    perform(
        case=case, action_name="take", by=staff, version=case.version, change=Change(note="已派人查看", public=True)
    )
    with django_assert_max_num_queries(8):
        updates = json.loads(hotline.get("servicerequestupdates.json").content)
    assert [u["description"] for u in updates] == ["已上报", "已派人查看"]
    assert all(u["service_request_id"] == number for u in updates)
    assert list(updates[0]) == [
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    ]
    root = __import__("tests.open311.conftest", fromlist=["xml_of"]).xml_of(
        hotline.get("servicerequestupdates.xml", {"start_date": "2026-01-01T00:00:00+08:00"})
    )
    assert root.tag == "service_requests_updates" and {e.tag for e in root} <= {"request_update"}
    # The public note is also the request's status_notes.
    [row] = json.loads(hotline.get(f"requests/{number}.json").content)
    assert row["status_notes"] == "已派人查看"


def test_lists_cost_the_same_queries_however_many_cases(hotline, leak, django_assert_max_num_queries):
    for _ in range(6):
        _file(hotline, leak)
    with django_assert_max_num_queries(8):
        assert len(json.loads(hotline.get("requests.json").content)) == 6
    with django_assert_max_num_queries(8):
        assert hotline.get("servicerequestupdates.xml").content.decode().count("<request_update>") == 6
