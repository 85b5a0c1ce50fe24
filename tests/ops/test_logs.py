"""Production's JSON log lines: one per request on gridapp.access with the request id, the user's
id, the path (never the query string), the status and the duration; never a name, a phone or an
ID number. The request id is the proxy's only when a proxy is configured."""

import datetime
import io
import json
import logging

import pytest
from django.urls import reverse

from gridapp.ops.logs import JsonFormatter, PlainFormatter, RequestContextFilter

from ..factories import make_id_number

MOBILE = "13905718888"


@pytest.fixture
def json_lines():
    """What production's handler writes (settings.LOGGING with GRIDAPP_LOG_FORMAT=json), here."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root, access = logging.getLogger(), logging.getLogger("gridapp.access")
    saved = access.level
    access.setLevel(logging.INFO)  # as in production
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    access.setLevel(saved)


def access_lines(lines):
    return [line for line in lines if line["logger"] == "gridapp.access"]


def test_each_request_is_one_json_line_with_its_id_user_path_status_and_duration(client, json_lines, wu, ren):
    ren.mobile = MOBILE
    ren.save()
    client.force_login(wu)
    response = client.get(reverse("grid_detail", args=[ren.household.grid_id]), {"q": MOBILE})
    assert response.status_code == 200
    [line] = access_lines(json_lines())
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["user_id"] == wu.pk
    assert (line["method"], line["path"], line["status"]) == ("GET", f"/grids/{ren.household.grid_id}/", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    everything = json.dumps(json_lines(), ensure_ascii=False)
    assert MOBILE not in everything and "任爱香" not in everything and "吴" not in everything


def test_a_refusal_is_logged_under_the_same_request_id(client, json_lines, chen, ren):
    client.force_login(chen)
    response = client.get(reverse("resident_detail", args=[ren.pk]))
    assert response.status_code == 404
    lines = [line for line in json_lines() if line.get("request_id") == response["X-Request-ID"]]
    assert {line["logger"] for line in lines} == {"gridapp.security", "gridapp.access"}
    assert all(line["user_id"] == chen.pk for line in lines)


def test_an_anonymous_request_has_no_user_id(client, json_lines, db):
    client.get(reverse("login"))
    [line] = access_lines(json_lines())
    assert "user_id" not in line and line["status"] == 200


def test_without_a_proxy_the_request_id_is_ours(client, json_lines, settings, db):
    settings.GRIDAPP_TRUSTED_PROXY_COUNT = 0
    response = client.get(reverse("login"), headers={"X-Request-ID": "chosen-by-anyone-1234"})
    assert response["X-Request-ID"] != "chosen-by-anyone-1234"
    assert access_lines(json_lines())[0]["request_id"] == response["X-Request-ID"]


def test_behind_a_proxy_its_request_id_is_kept(client, json_lines, settings, db):
    settings.GRIDAPP_TRUSTED_PROXY_COUNT = 1
    nginx_id = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    response = client.get(reverse("login"), headers={"X-Request-ID": nginx_id})
    assert response["X-Request-ID"] == nginx_id
    assert access_lines(json_lines())[0]["request_id"] == nginx_id
    # A value that is not an id (spaces, a line break, 300 characters) is replaced.
    for bad in ("two words", "x" * 300, "abc\ndef12345"):
        assert client.get(reverse("login"), headers={"X-Request-ID": bad})["X-Request-ID"] != bad


def _record(message, *args):
    return logging.LogRecord("gridapp.test", logging.WARNING, __file__, 1, message, args, None)


@pytest.mark.parametrize("formatter", [JsonFormatter(), PlainFormatter()], ids=["json", "plain"])
def test_an_id_number_or_a_phone_in_any_line_is_blanked(formatter):
    """A database error quoting the value that broke a unique constraint, say."""
    id_number = make_id_number(datetime.date(1940, 5, 12))
    line = formatter.format(_record("duplicate key (id_number)=(%s), mobile %s", id_number, MOBILE))
    assert id_number not in line and MOBILE not in line
    assert "[id number]" in line and "[phone]" in line


def test_django_s_request_object_never_reaches_a_json_line():
    """Django attaches the request to its own lines; its repr would carry the query string."""
    record = _record("Not Found: %s", "/grids/1/")
    record.request = "<WSGIRequest: GET '/grids/1/?q=13905718888'>"
    line = json.loads(JsonFormatter().format(record))
    assert set(line) == {"time", "level", "logger", "message"}


@pytest.mark.parametrize("formatter", [JsonFormatter(), PlainFormatter()], ids=["json", "plain"])
def test_a_request_id_holding_a_run_of_digits_is_kept_whole(formatter):
    """A hex id such as ...a13812345678d... is not a phone: a line is found by its request id."""
    record = _record("GET /residents/1/ 404")
    record.request_id = "97804b91d7ab40eca13812345678d2d7"
    record.task_id = None
    line = formatter.format(record)
    assert record.request_id in line and "[phone]" not in line
    # A phone number of its own in the same line is still blanked.
    line = formatter.format(_record("call %s", MOBILE))
    assert MOBILE not in line and "[phone]" in line
