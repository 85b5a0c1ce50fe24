"""Outgoing case events (docs/api.md): an API client's webhook receives the events of the cases its
user sees, signed with its secret, once per event, retried after a failure and listed when it
fails for good; the receiver here is a real HTTP server on 127.0.0.1."""

import datetime
import threading
import time
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from cases import outbox
from cases.models import Case, Category
from gridapp import notify
from gridapp.accounts import api_keys
from gridapp.models import Delivery, WebhookEvent
from gridapp.tasks import deliver

from ..cases.conftest import LEAK, act, report
from . import receiver as receivers

ALL_EVENTS = [choice.value for choice in WebhookEvent]


@pytest.fixture
def receiver(settings):
    """``receiver(500, 200)``: a server answering 500, then 200. The test lets webhooks be plain
    http on 127.0.0.1 (production: https, on a host of GRIDAPP_EVENT_HOSTS)."""
    settings.GRIDAPP_EVENT_HOSTS = ["127.0.0.1"]
    settings.GRIDAPP_WEBHOOK_HTTPS_ONLY = False
    servers = []

    def start(*statuses):
        got, server = receivers.start(statuses or (200,))
        servers.append(server)
        return got

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def subscribe(user, url, events=ALL_EVENTS):
    """An API client bound to ``user`` whose webhook at ``url`` wants ``events``."""
    client, _key = api_keys.issue(name=f"{user.username} hotline", user=user)
    client.webhook_url, client.webhook_events, client.webhook_active = url, list(events), True
    client.save(update_fields=["webhook_url", "webhook_events", "webhook_active"])
    return client


def send_all():
    """What the worker does after the commit: one attempt at each pending delivery of an event."""
    for pk in Delivery.objects.filter(channel="event", status="pending").order_by("pk").values_list("pk", flat=True):
        notify.attempt(pk)


def leak_case(wu, grid):
    return report(wu, grid, category=Category.objects.get(name=LEAK), complainant_phone="13905710001")


def test_the_hotline_receives_a_signed_case_created_event(receiver, wu, grid1):
    got = receiver()
    hotline = subscribe(wu, got.url)
    case = leak_case(wu, grid1)
    send_all()

    [post] = got.posts
    assert receivers.verifies(post, hotline.webhook_secret)
    assert not receivers.verifies(post, "another-secret")
    event = post.json
    assert event["type"] == "case.created"
    assert post.headers["x-gridapp-event-id"] == event["id"]
    assert post.headers["x-gridapp-event-type"] == "case.created"
    assert post.headers["content-type"].startswith("application/json")
    assert event["case"]["number"] == case.number
    assert (event["case"]["state"], event["case"]["level"]) == ("reported", "grid")
    assert event["occurred_at"].endswith("+08:00")
    assert event["case"]["reported_at"].endswith("+08:00")
    # Nothing of the complainant or the description leaves: only what the complainant may know.
    raw = post.body.decode()
    assert "13905710001" not in raw and "任爱香" not in raw and "天花板" not in raw


def test_a_signature_with_a_changed_body_or_an_old_time_does_not_verify(receiver, wu, grid1):
    got = receiver()
    hotline = subscribe(wu, got.url)
    leak_case(wu, grid1)
    send_all()
    [post] = got.posts
    tampered = receivers.Post(headers=post.headers, body=post.body.replace(b"reported", b"closed"))
    assert not receivers.verifies(tampered, hotline.webhook_secret)
    t = int(post.headers["x-gridapp-signature"].split(",")[0].removeprefix("t="))
    assert abs(time.time() - t) < 60  # the time signed is the time sent: a receiver can refuse old ones


def test_each_state_change_is_one_event_and_internal_notes_stay_inside(receiver, wu, staff, grid1):
    got = receiver()
    subscribe(staff, got.url)
    case = leak_case(wu, grid1)
    act(case, "register", staff)
    act(case, "take", wu)
    act(case, "extend", wu, note="楼上住户不配合，需要更多时间")  # no state change: no event
    act(case, "settle", wu, note="已联系物业修好水管", public=True)
    act(case, "feedback", wu)
    send_all()

    events = [post.json for post in got.posts]
    assert [e["type"] for e in events] == [
        "case.created",
        "case.state_changed",
        "case.state_changed",
        "case.closed",
        "case.feedback",
    ]
    assert [e["case"]["state"] for e in events] == ["reported", "registered", "handling", "closed", "feedback"]
    assert events[3]["entry"]["note"] == "已联系物业修好水管"
    assert events[4]["entry"]["satisfaction"] == "satisfied"
    assert "不配合" not in "".join(post.body.decode() for post in got.posts)
    assert len({e["id"] for e in events}) == 5


def test_a_client_gets_only_the_events_it_asked_for(receiver, wu, staff, grid1):
    got = receiver()
    subscribe(staff, got.url, events=[WebhookEvent.CLOSED])
    case = leak_case(wu, grid1)
    act(case, "register", staff)
    act(case, "take", wu)
    act(case, "settle", wu)
    send_all()
    assert [post.json["type"] for post in got.posts] == ["case.closed"]


def test_another_communitys_client_and_another_grids_get_nothing(receiver, wu, chen, staff, zhao, grid1):
    ours, theirs, grid2s = receiver(), receiver(), receiver()
    subscribe(staff, ours.url)
    subscribe(zhao, theirs.url)  # staff of another community
    subscribe(chen, grid2s.url)  # Grid 2's worker: Grid 1's case is not his
    case = leak_case(wu, grid1)
    act(case, "register", staff)
    send_all()
    assert len(ours.posts) == 2
    assert theirs.posts == [] and grid2s.posts == []
    assert Delivery.objects.filter(channel="event").count() == 2


def test_a_turned_off_or_revoked_client_is_not_queued(receiver, wu, grid1):
    got = receiver()
    quiet = subscribe(wu, got.url)
    quiet.webhook_active = False
    quiet.save(update_fields=["webhook_active"])
    api_keys.revoke(subscribe(wu, got.url))
    leak_case(wu, grid1)
    assert not Delivery.objects.filter(channel="event").exists()


def test_a_client_revoked_after_the_event_is_not_posted_to(receiver, wu, grid1):
    got = receiver()
    hotline = subscribe(wu, got.url)
    leak_case(wu, grid1)
    api_keys.revoke(hotline)
    send_all()
    assert got.posts == []
    delivery = Delivery.objects.get(channel="event")
    assert (delivery.status, delivery.attempts) == ("failed", 1)


# --- exactly once ---------------------------------------------------------------------------------


def test_the_outbox_holds_one_row_per_event_and_client(receiver, wu, grid1):
    subscribe(wu, receiver().url)
    leak_case(wu, grid1)
    row = Delivery.objects.get(channel="event")
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(channel="event", client=row.client, event_id=row.event_id, payload=row.payload)


def test_the_event_is_queued_after_the_commit_and_not_at_all_when_the_change_rolls_back(receiver, wu, grid1):
    subscribe(wu, receiver().url)
    with pytest.raises(RuntimeError), transaction.atomic():
        leak_case(wu, grid1)
        assert Delivery.objects.filter(channel="event").count() == 1
        raise RuntimeError("the request failed after the case was written")
    assert not Delivery.objects.filter(channel="event").exists()


def test_the_deliver_task_run_twice_posts_once(receiver, wu, grid1, django_capture_on_commit_callbacks):
    got = receiver()
    subscribe(wu, got.url)
    with django_capture_on_commit_callbacks() as queued:
        leak_case(wu, grid1)
    assert len(queued) == 1  # the outbox rows are queued once the case is committed
    delivery = Delivery.objects.get(channel="event")
    deliver.apply(args=[delivery.pk])
    deliver.apply(args=[delivery.pk])  # a duplicated or redelivered task
    assert len(got.posts) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)


@pytest.mark.django_db(transaction=True)
def test_workers_at_once_post_the_event_once(receiver, dongluchi, wu, grid1):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers, so workers cannot overlap there; CI runs this on PostgreSQL")
    got = receiver()
    subscribe(wu, got.url)
    Category.objects.get_or_create(name=LEAK)
    leak_case(wu, grid1)
    pk = Delivery.objects.get(channel="event").pk
    barrier, errors = threading.Barrier(4), []

    def work():
        try:
            barrier.wait(timeout=10)
            notify.attempt(pk)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(got.posts) == 1
    assert Delivery.objects.get(pk=pk).attempts == 1


# --- retries and failures -------------------------------------------------------------------------


def test_a_500_is_retried_with_backoff_and_the_same_event_arrives(receiver, wu, grid1):
    got = receiver(500, 200)
    subscribe(wu, got.url)
    leak_case(wu, grid1)
    delivery = Delivery.objects.get(channel="event")
    retry_in = notify.attempt(delivery.pk)
    assert notify.BACKOFF_BASE_SECONDS / 2 <= retry_in <= notify.BACKOFF_BASE_SECONDS
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("pending", "ChannelError: HTTP 500")
    assert notify.attempt(delivery.pk) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    first, second = got.posts
    assert first.headers["x-gridapp-event-id"] == second.headers["x-gridapp-event-id"] == str(delivery.event_id)


def failed_event(receiver, wu, grid1):
    """A hotline whose receiver answers 500 to every try, and the event it never got."""
    got = receiver(500)
    hotline = subscribe(wu, got.url)
    case = leak_case(wu, grid1)
    delivery = Delivery.objects.get(channel="event")
    for _ in range(notify.MAX_ATTEMPTS):
        notify.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", notify.MAX_ATTEMPTS)
    assert len(got.posts) == notify.MAX_ATTEMPTS
    return got, hotline, case, delivery


def test_an_admin_sees_the_failed_event_and_sends_it_again(
    client, receiver, wu, grid1, admin_user, django_capture_on_commit_callbacks
):
    got, hotline, case, delivery = failed_event(receiver, wu, grid1)
    client.force_login(admin_user)
    page = client.get(reverse("failed_deliveries"), headers={"Accept-Language": "en"}).content.decode()
    assert hotline.name in page and case.number in page and "case.created" in page

    got.statuses = [200]  # the hotline's server is back
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("delivery_retry", args=[delivery.pk]))
    assert response.status_code == 302
    assert len(queued) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    notify.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert got.posts[-1].json["id"] == str(delivery.event_id)
    assert "case.created" not in client.get(reverse("failed_deliveries")).content.decode()


def test_community_staff_neither_see_nor_retry_a_clients_failed_event(client, receiver, wu, grid1, staff):
    _got, hotline, _case, delivery = failed_event(receiver, wu, grid1)
    client.force_login(staff)
    assert hotline.name not in client.get(reverse("failed_deliveries")).content.decode()
    assert client.post(reverse("delivery_retry", args=[delivery.pk])).status_code == 404
    assert Delivery.objects.get(pk=delivery.pk).status == "failed"


def test_retrying_a_delivery_that_did_not_fail_sends_nothing(client, receiver, wu, grid1, admin_user):
    got = receiver()
    subscribe(wu, got.url)
    leak_case(wu, grid1)
    send_all()
    delivery = Delivery.objects.get(channel="event")
    client.force_login(admin_user)
    response = client.post(reverse("delivery_retry", args=[delivery.pk]), follow=True)
    assert "没有失败" in response.content.decode()
    assert Delivery.objects.get(pk=delivery.pk).attempts == 1


def test_a_grid_worker_cannot_retry_a_delivery_of_his_own_grid(client, receiver, wu, grid1):
    _got, _hotline, _case, delivery = failed_event(receiver, wu, grid1)
    client.force_login(wu)
    assert client.post(reverse("delivery_retry", args=[delivery.pk])).status_code == 404
    assert client.post(reverse("delivery_retry", args=[10**30])).status_code == 404
    assert Delivery.objects.get(pk=delivery.pk).status == "failed"


def test_the_sweep_requeues_an_event_whose_task_was_lost(receiver, wu, grid1, monkeypatch):
    from gridapp.tasks import requeue_deliveries

    subscribe(wu, receiver().url)
    leak_case(wu, grid1)
    Delivery.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    enqueued = []
    monkeypatch.setattr(notify, "enqueue", enqueued.extend)  # the broker is not what this checks
    requeue_deliveries()
    assert enqueued == [Delivery.objects.get(channel="event").pk]
    assert Case.objects.count() == 1


# --- what it costs --------------------------------------------------------------------------------


def test_a_case_change_costs_one_query_when_no_client_listens(wu, grid1, django_assert_num_queries):
    case = leak_case(wu, grid1)
    entry = case.events.get()
    with django_assert_num_queries(1):  # the clients that want events: none
        assert outbox.publish(case, entry) is None


@pytest.mark.parametrize("listening", [1, 5])
def test_each_listening_client_costs_its_scope_check(receiver, wu, staff, grid1, listening, django_assert_num_queries):
    url = receiver().url
    for _ in range(listening):
        subscribe(staff, url)
    case = leak_case(wu, grid1)
    entry = case.events.get()
    case = Case.objects.get(pk=case.pk)  # as perform has it: the category not loaded
    # The subscribers, per client its user's roles, departments and the case in scope, the
    # category, the outbox rows in one insert.
    with django_assert_num_queries(1 + 3 * listening + 2):
        outbox.publish(case, entry)
    assert Delivery.objects.filter(channel="event", event_id__isnull=False).count() == 2 * listening


def _failures(hotline, wu, n):
    """``n`` failed events of ``hotline`` and ``n`` failed e-mails of Dongluchi messages."""
    for i in range(n):
        Delivery.objects.create(
            channel="event", client=hotline, event_id=uuid.uuid4(), status="failed", attempts=5,
            payload={"type": "case.created", "case": {"number": f"DLC-2026-{i:06d}"}},
        )  # fmt: skip
        message = notify.send(notify.Message(recipient_id=wu.pk, kind="test", subject=f"MKMSG{i}", body="…"))
        Delivery.objects.create(notification=message, channel="email", target="wu@example.com", status="failed")


def test_the_failed_page_costs_the_same_for_1_or_10_failures(client, admin_user, wu, django_assert_num_queries):
    hotline = subscribe(wu, "https://hotline.example.gov.cn/events")
    _failures(hotline, wu, 1)
    client.force_login(admin_user)
    client.get(reverse("failed_deliveries"))
    with django_assert_num_queries(FAILED_PAGE_QUERIES) as one:
        client.get(reverse("failed_deliveries"))
    _failures(hotline, wu, 9)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("failed_deliveries")).content.decode()
    assert page.count("DLC-2026-") == 10 and page.count("MKMSG") == 10


FAILED_PAGE_QUERIES = 6  # every page's (session, user, roles, navbar), the count, the rows with client and message
