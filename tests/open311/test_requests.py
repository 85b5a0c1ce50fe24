"""Filing and following requests: the specification's POST and GET examples in JSON and XML, the
case a hotline call becomes (reported, channel 12345, in the grid of the address, on the staff's
desk), idempotency, and every bad input answered with the right status and the spec's errors."""

import datetime
import json

import pytest
from django.utils import timezone

from cases.models import Case, Channel, State
from tests.open311.conftest import tags, xml_of

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def call(leak, **extra):
    return {
        "service_code": str(leak.pk),
        "description": "楼上漏水，已经滴了三天",
        "address_string": "临江路4幢1单元302室",
        "first_name": "爱香",
        "last_name": "任",
        "phone": "13800001111",
        "email": "ren@example.com",
        "media_url": "https://example.com/leak.jpg",
        **extra,
    }


def test_a_call_with_a_known_address_becomes_a_reported_hotline_case_in_its_grid(hotline, leak, grid1):
    response = hotline.post("requests.json", call(leak))
    assert response.status_code == 201
    [answer] = json.loads(response.content)
    assert list(answer) == ["service_request_id", "service_notice", "account_id"]
    case = Case.objects.get(number=answer["service_request_id"])
    assert (case.state, case.channel, case.grid, case.category) == (State.REPORTED, Channel.HOTLINE, grid1, leak)
    assert case.complainant_name == "任爱香" and case.complainant_phone == "13800001111"
    assert "楼上漏水" in case.description and "https://example.com/leak.jpg" in case.description


def test_the_hotline_case_is_on_the_staff_desk(hotline, leak, client, staff):
    number = json.loads(hotline.post("requests.json", call(leak)).content)[0]["service_request_id"]
    client.force_login(staff)
    assert number in client.get("/").content.decode()


def test_a_post_answers_in_xml(hotline, leak):
    response = hotline.post("requests.xml", call(leak))
    assert response.status_code == 201
    root = xml_of(response)
    assert root.tag == "service_requests" and tags(root) == ["request"]
    assert tags(root[0]) == ["service_request_id", "service_notice", "account_id"]
    assert root[0].findtext("service_request_id").startswith("DLC-")


def test_a_post_as_json_or_xml_body(hotline, leak):
    body = json.dumps({"api_key": hotline.key, **call(leak)})
    response = hotline.client.post("/open311/v2/requests.json", body, content_type="application/json")
    assert response.status_code == 201
    fields = "".join(f"<{k}>{v}</{k}>" for k, v in {"api_key": hotline.key, **call(leak)}.items())
    response = hotline.client.post("/open311/v2/requests.xml", f"<request>{fields}</request>", content_type="text/xml")
    assert response.status_code == 201
    assert Case.objects.count() == 2


def test_a_post_repeated_with_the_same_idempotency_key_creates_nothing_new(hotline, leak):
    first = hotline.post("requests.json", call(leak), **{"Idempotency-Key": "call-20261208-0001"})
    again = hotline.post("requests.json", call(leak), **{"Idempotency-Key": "call-20261208-0001"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert json.loads(first.content) == json.loads(again.content)
    assert Case.objects.count() == 1
    hotline.post("requests.json", call(leak), **{"Idempotency-Key": "call-20261208-0002"})
    assert Case.objects.count() == 2


def test_get_one_request_json_and_xml(hotline, leak):
    number = json.loads(hotline.post("requests.json", call(leak)).content)[0]["service_request_id"]
    [row] = json.loads(hotline.get(f"requests/{number}.json").content)
    assert list(row) == REQUEST_FIELDS
    assert row["status"] == "open"
    assert row["service_code"] == str(leak.pk) and row["address"] == "临江路4幢1单元302室"
    assert row["requested_datetime"].endswith("+08:00")
    case = Case.objects.get(number=number)
    assert row["expected_datetime"] == timezone.localtime(case.due_at).isoformat(timespec="seconds")
    assert row["agency_responsible"] == "东麓池社区 · 网格"
    root = xml_of(hotline.get(f"requests/{number}.xml"))
    assert root.tag == "service_requests" and tags(root[0]) == REQUEST_FIELDS


def test_a_closed_case_is_closed(hotline, leak):
    number = json.loads(hotline.post("requests.json", call(leak)).content)[0]["service_request_id"]
    Case.objects.filter(number=number).update(state=State.REJECTED)
    [row] = json.loads(hotline.get(f"requests/{number}.json").content)
    assert row["status"] == "closed"


def test_the_list_filters_by_id_code_and_status(hotline, leak, django_assert_max_num_queries):
    numbers = [json.loads(hotline.post("requests.json", call(leak)).content)[0]["service_request_id"] for _ in "ab"]
    Case.objects.filter(number=numbers[0]).update(state=State.CLOSED)
    with django_assert_max_num_queries(8):
        listed = json.loads(hotline.get("requests.json").content)
    assert {r["service_request_id"] for r in listed} == set(numbers)
    assert [r["service_request_id"] for r in json.loads(hotline.get("requests.json", {"status": "open"}).content)] == [
        numbers[1]
    ]
    by_id = json.loads(hotline.get("requests.json", {"service_request_id": f"{numbers[0]},NOPE-1"}).content)
    assert [r["service_request_id"] for r in by_id] == [numbers[0]]
    other = next(c for c in leak.__class__.objects.filter(active=True) if c.pk != leak.pk)
    assert json.loads(hotline.get("requests.json", {"service_code": other.pk}).content) == []
    page = json.loads(hotline.get("requests.json", {"page_size": 1, "page": 2}).content)
    assert [r["service_request_id"] for r in page] == [numbers[0]]


def test_the_list_defaults_to_the_last_90_days(hotline, leak):
    number = json.loads(hotline.post("requests.json", call(leak)).content)[0]["service_request_id"]
    Case.objects.filter(number=number).update(reported_at=timezone.now() - datetime.timedelta(days=91))
    assert json.loads(hotline.get("requests.json").content) == []
    start = (timezone.localdate() - datetime.timedelta(days=100)).isoformat()
    assert len(json.loads(hotline.get("requests.json", {"start_date": start}).content)) == 1


def _errors(response, status):
    assert response.status_code == status, response.content[:300]
    if response["Content-Type"].startswith("text/xml"):
        root = xml_of(response)
        assert root.tag == "errors"
        return [(int(e.findtext("code")), e.findtext("description")) for e in root]
    return [(e["code"], e["description"]) for e in json.loads(response.content)]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_or_wrong_key_is_a_403(open311, hotline, leak, fmt):
    [(code, text)] = _errors(open311(None).post(f"requests.{fmt}", call(leak)), 403)
    assert code == 403 and "api_key" in text
    _errors(open311(None).get(f"requests.{fmt}"), 403)
    bad = type(hotline)(hotline.client, "deadbeef.not-a-key")
    _errors(bad.post(f"requests.{fmt}", call(leak)), 403)
    _errors(bad.get("requests/DLC-2026-000001.json"), 403)
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"description": "漏" * 2001}, "description"),
        ({"description": ""}, "description"),
        ({"address_string": "", "lat": "", "long": ""}, "address_string"),
        ({"lat": "30.1"}, "long"),
        ({"lat": "ninety", "long": "120"}, "lat"),
        ({"lat": "91", "long": "120"}, "lat"),
        ({"phone": "12345"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"attribute[WHISHETN]": "123"}, "attribute[WHISHETN]"),
        ({"priority": "urgent"}, "priority"),
        ({"first_name": "\x00"}, "first_name"),
    ],
)
def test_bad_fields_are_a_400_naming_the_field(hotline, leak, data, field):
    for fmt in ("json", "xml"):
        [(code, text)] = _errors(hotline.post(f"requests.{fmt}", call(leak, **data)), 400)
        assert code == 400 and text.startswith(f"{field}:")
    assert Case.objects.count() == 0


def test_an_unknown_service_code_on_post_is_a_404(hotline, leak):
    _errors(hotline.post("requests.json", call(leak, service_code="99999")), 404)
    _errors(hotline.post("requests.xml", call(leak, service_code="")), 400)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ("<request><description>漏水</request>", "text/xml"),
        ('<!DOCTYPE r [<!ENTITY a "aaa">]><request>&a;</request>', "text/xml"),
        ("description=1", "text/plain"),
    ],
)
def test_a_malformed_body_is_a_400_naming_the_body(hotline, body, kind):
    response = hotline.client.post(f"/open311/v2/requests.json?api_key={hotline.key}", body, content_type=kind)
    [(code, text)] = _errors(response, 400)
    assert text.startswith("body")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start_date": "2026-10-01T00:00:00+08:00", "end_date": "2026-09-01T00:00:00+08:00"}, "end_date"),
        ({"start_date": "2026-01-01", "end_date": "2026-12-01"}, "end_date"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"page_size": "201"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"page": "١٢"}, "page"),
        ({"status": "pending"}, "status"),
        ({"service_request_id": ",".join(["X"] * 101)}, "service_request_id"),
    ],
)
def test_bad_searches_are_a_400_naming_the_field(hotline, query, field):
    for fmt in ("json", "xml"):
        [(code, text)] = _errors(hotline.get(f"requests.{fmt}", query), 400)
        assert text.startswith(f"{field}:")


def test_an_unknown_request_is_a_404(hotline):
    _errors(hotline.get("requests/DLC-2026-999999.xml"), 404)
    _errors(hotline.get("tokens/nope.json"), 404)


def test_the_key_is_rate_limited_per_client(open311, staff, leak):
    limited = open311(staff, rate="2/min")
    assert [limited.get("requests.json").status_code for _ in range(3)] == [200, 200, 429]
    _errors(limited.get("requests.xml"), 429)


@pytest.mark.parametrize("odd", ["\x00", "%00", "a\x00b", "漏水", "'; --", "x" * 40])
def test_odd_ids_are_a_404_or_400_never_a_500(hotline, leak, odd):
    from urllib.parse import quote

    assert hotline.client.get(f"/open311/v2/requests/{quote(odd)}.json?api_key={hotline.key}").status_code == 404
    assert hotline.client.get(f"/open311/v2/tokens/{quote(odd)}.xml?api_key={hotline.key}").status_code == 404
    assert hotline.get("requests.json", {"service_request_id": odd}).status_code in (200, 400)
    assert hotline.get("requests.json", {"service_code": odd}).status_code == 404
    assert hotline.get("requests.json", {"start_date": odd}).status_code == 400
    assert hotline.get("servicerequestupdates.xml", {"page": odd}).status_code == 400
    assert hotline.post("requests.json", call(leak, address_string=odd)).status_code in (201, 400)
    assert hotline.post("requests.json", call(leak), **{"Idempotency-Key": odd.replace("\x00", "")}).status_code in (
        200,
        201,
    )


def test_the_specs_example_post_with_only_coordinates_waits_with_a_token(hotline, leak):
    """The specification's example POST, every field of it (device_id and account_id ignored),
    with a Chinese phone: places have no coordinates, so it waits for the town office."""
    example = {
        "service_code": str(leak.pk),
        "lat": "37.76524078",
        "long": "-122.4212043",
        "address_string": "",
        "email": "smit333@sfgov.edu",
        "device_id": "tt222111",
        "account_id": "123456",
        "first_name": "john",
        "last_name": "smith",
        "phone": "13800001111",
        "description": "A large sinkhole is destroying the street",
        "media_url": "http://media.example.com/asdf.jpg",
    }
    response = hotline.post("requests.xml", example)
    assert response.status_code == 201
    request = xml_of(response)[0]
    assert tags(request) == ["token", "service_notice", "account_id"]
    token = request.findtext("token")
    [row] = json.loads(hotline.get(f"tokens/{token}.json").content)
    assert row == {"service_request_id": "", "token": token}
