"""The endpoint a phone sends each queued visit to (visits/offline_views.py): saved once however
often it arrives, with the visit's own time; conflicts and refusals as JSON the item shows."""

import datetime
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from visits import services
from visits.models import FollowUp, Visit

from ..checkins.conftest import care, weekly  # noqa: F401 (weekly: a fixture)

URL = reverse("offline_visit")


def queued(target, **fields):
    """What offline.js posts for a visit kept on the phone two hours ago."""
    kind = "household" if hasattr(target, "head_name") else "shop"
    data = {
        "client_id": str(uuid.uuid4()),
        "target": kind,
        "target_id": str(target.pk),
        "visited_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "purposes": "routine",
        "notes": "",
    }
    data.update(fields)
    return data


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    return SimpleUploadedFile("door.png", buffer.getvalue(), "image/png")


@pytest.fixture
def wu_client(client, wu):
    client.force_login(wu)
    return client


def test_a_queued_visit_is_saved_with_its_own_time(wu_client, wu, ren):
    data = queued(ren.household, **{f"resident_{ren.pk}": "well", "notes": "一切都好"})
    response = wu_client.post(URL, data)
    assert response.status_code == 201
    visit = Visit.objects.get()
    assert response.json() == {
        "status": "saved",
        "message": "已发送。",
        "url": visit.get_absolute_url(),
        "already": False,
    }
    assert abs(visit.visited_at - datetime.datetime.fromisoformat(data["visited_at"])) < datetime.timedelta(seconds=1)
    assert visit.worker == wu
    assert visit.residents_seen.get().resident == ren


def test_the_same_visit_sent_twice_is_saved_once_with_the_same_answer(wu_client, ren):
    data = queued(ren.household)
    first = wu_client.post(URL, data).json()
    second = wu_client.post(URL, data)
    assert second.status_code == 200
    assert second.json()["url"] == first["url"]
    assert second.json()["already"] is True
    assert Visit.objects.count() == 1


def test_a_photo_and_a_follow_up_queue_too(wu_client, ren):
    due = timezone.localdate() + datetime.timedelta(days=10)
    data = queued(ren.household, follow_up_what="回访呼吸机维修", follow_up_due_on=due.isoformat(), photos=_png())
    assert wu_client.post(URL, data).status_code == 201
    visit = Visit.objects.get()
    assert visit.photos.count() == 1
    assert visit.follow_ups.get().due_on == due


def test_a_visit_to_another_grids_household_is_404_and_not_saved(client, chen, ren, caplog):
    client.force_login(chen)
    response = client.post(URL, queued(ren.household))
    assert response.status_code == 404
    assert response.json()["status"] == "not_found"
    assert not Visit.objects.exists()
    assert any("access denied: status=404" in r.getMessage() for r in caplog.records)


def test_a_household_archived_meanwhile_is_a_conflict(wu_client, ren):
    ren.household.archived_at = timezone.now()
    ren.household.save(update_fields=["archived_at"])
    response = wu_client.post(URL, queued(ren.household))
    assert response.status_code == 409
    answer = response.json()
    assert answer["status"] == "conflict"
    assert "临江路4幢1单元302室" in answer["message"]
    assert answer["todo"]
    assert answer["can_send_anyway"] is False
    assert not Visit.objects.exists()


def test_a_resident_who_moved_out_is_a_conflict_then_saved_without_her(wu_client, ren):
    ren.archived_at = timezone.now()
    ren.save(update_fields=["archived_at"])
    data = queued(ren.household, **{f"resident_{ren.pk}": "well"})
    response = wu_client.post(URL, data)
    assert response.status_code == 409
    assert "任爱香" in response.json()["message"]
    assert response.json()["can_send_anyway"] is True
    assert not Visit.objects.exists()

    response = wu_client.post(URL, {**data, "send_anyway": "1"})
    assert response.status_code == 201
    assert not Visit.objects.get().residents_seen.exists()


def test_a_follow_up_closed_by_someone_else_is_a_conflict(wu_client, wu, zhou, ren):
    visit, _ = services.log_visit(
        worker=wu,
        client_id=uuid.uuid4(),
        visited_at=timezone.now() - datetime.timedelta(days=3),
        household=ren.household,
        follow_up=services.NewFollowUp(what="回访呼吸机维修", due_on=timezone.localdate(), assignee=wu),
    )
    follow_up = FollowUp.objects.get()
    services.complete_follow_up(follow_up=follow_up, by=zhou, outcome="修好了")
    response = wu_client.post(URL, queued(ren.household, **{f"close_follow_up_{follow_up.pk}": "on"}))
    assert response.status_code == 409
    assert "回访呼吸机维修" in response.json()["message"]
    assert "周敏" in response.json()["message"]


def test_a_client_id_of_another_users_visit_never_touches_it(client, wu, zhou, ren):
    theirs, _ = services.log_visit(
        worker=zhou, client_id=uuid.uuid4(), visited_at=timezone.now(), household=ren.household, notes="周敏的走访"
    )
    client.force_login(wu)
    response = client.post(URL, queued(ren.household, client_id=str(theirs.client_id), notes="篡改"))
    assert response.status_code == 409
    assert response.json()["status"] == "conflict"
    assert "url" not in response.json()
    theirs.refresh_from_db()
    assert theirs.notes == "周敏的走访"
    assert Visit.objects.count() == 1


def test_the_visit_time_is_checked_as_on_the_form(wu_client, ren):
    old = timezone.now() - datetime.timedelta(days=31)
    response = wu_client.post(URL, queued(ren.household, visited_at=old.isoformat()))
    assert response.status_code == 400
    assert response.json()["status"] == "invalid"
    assert any("30" in error for error in response.json()["errors"])
    future = timezone.now() + datetime.timedelta(hours=1)
    assert wu_client.post(URL, queued(ren.household, visited_at=future.isoformat())).status_code == 400
    assert not Visit.objects.exists()


def test_a_stale_csrf_token_is_answered_in_json(wu, ren):
    client = Client(enforce_csrf_checks=True)
    client.force_login(wu)
    client.get(reverse("offline_page"))  # sets the CSRF cookie
    response = client.post(URL, {**queued(ren.household), "csrfmiddlewaretoken": "x" * 32})
    assert response.status_code == 403
    assert response.json()["status"] == "csrf"
    assert "重新加载" in response.json()["message"]
    assert not Visit.objects.exists()


def test_a_valid_csrf_token_is_accepted(wu, ren):
    client = Client(enforce_csrf_checks=True)
    client.force_login(wu)
    page = client.get(reverse("offline_page"))
    token = page.context["csrf_token"]
    response = client.post(URL, {**queued(ren.household), "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 201


def test_an_ended_session_is_answered_in_json(client, ren):
    response = client.post(URL, queued(ren.household))
    assert response.status_code == 401
    assert response.json()["status"] == "login"


def test_a_resident_with_check_ins_must_be_recorded(wu_client, ren, weekly):  # noqa: F811
    care(ren, weekly)
    response = wu_client.post(URL, queued(ren.household))
    assert response.status_code == 400
    assert any("任爱香" in error for error in response.json()["errors"])


def test_a_shop_visit_queues_like_a_households(wu_client, shop1):
    response = wu_client.post(URL, queued(shop1, purposes="safety", notes="灭火器在有效期内"))
    assert response.status_code == 201
    assert Visit.objects.get().shop == shop1


def test_a_forged_target_is_404_not_a_500(wu_client, ren):
    for target, target_id in (("household", "１２"), ("case", str(ren.household.pk)), ("shop", "9" * 30)):
        response = wu_client.post(URL, {**queued(ren.household), "target": target, "target_id": target_id})
        assert response.status_code == 404, target_id
    assert not Visit.objects.exists()


def test_the_visit_form_with_another_users_client_id_saves_nothing_and_says_so(wu_client, zhou, ren):
    theirs, _ = services.log_visit(
        worker=zhou, client_id=uuid.uuid4(), visited_at=timezone.now(), household=ren.household, notes="周敏的走访"
    )
    response = wu_client.post(
        reverse("visit_household", args=[ren.household.pk]),
        {
            "client_id": str(theirs.client_id),
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "purposes": "routine",
            "notes": "篡改",
        },
    )
    assert response.status_code == 200
    assert "此表单的编号属于另一条走访" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.notes == "周敏的走访"
    assert Visit.objects.count() == 1
