"""Visits without signal on Wu's phone (390×844, issue 15): the visit form opens from the pack the
phone keeps, visits wait in a queue with their own times, and are sent once each when the network
returns; a conflict shows on its item; log-out leaves nothing behind."""

import datetime

import pytest
from django.utils import timezone

from gridapp.models import Household
from visits.models import CareAssignment, FollowUp, Visit

from ..checkins.conftest import care, weekly  # noqa: F401 (weekly: the weekly care level, a fixture)
from ..factories import HouseholdFactory, ResidentFactory
from .conftest import log_in, screenshot

READY = "() => document.documentElement.dataset.offlineReady === '1' && navigator.serviceWorker.controller !== null"
# The visit's own time, minutes ago, in the phone's time zone (a datetime-local input).
SET_VISITED_AT = """(minutes) => {
  const d = new Date(Date.now() - minutes * 60000);
  const pad = (n) => String(n).padStart(2, "0");
  document.getElementById("offline-visited-at").value =
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}"""
# Who the kept pack is for, and the addresses it holds.
PACK_USER = """async () => new Promise((resolve) => {
  const open = indexedDB.open("gridapp-offline");
  open.onsuccess = () => {
    const get = open.result.transaction("meta").objectStore("meta").get("pack");
    get.onsuccess = () => {
      resolve(get.result && [get.result.user, get.result.households.map((h) => h.address)]);
      open.result.close();
    };
  };
})"""
# The end of the session's lifetime the pack carries, moved into the past.
EXPIRE_PACK = """async () => new Promise((resolve) => {
  const open = indexedDB.open("gridapp-offline");
  open.onsuccess = () => {
    const store = open.result.transaction("meta", "readwrite").objectStore("meta");
    const get = store.get("pack");
    get.onsuccess = () => {
      get.result.expires = Date.now() / 1000 - 1;
      store.put(get.result, "pack").onsuccess = () => { open.result.close(); resolve(); };
    };
  };
})"""
STORAGE = """async () => ({
  caches: await caches.keys(),
  databases: (await indexedDB.databases()).map((db) => db.name),
})"""


@pytest.fixture
def households(wu, ren, weekly):  # noqa: F811
    """Ren (weekly check-ins, due) and Li Dabo next door (weekly too, due)."""
    ten_days_ago = timezone.localdate() - datetime.timedelta(days=10)
    care(ren, weekly, assigned_on=ten_days_ago)
    li_household = HouseholdFactory(grid=ren.household.grid, address="临江路4幢1单元301室", head_name="李大伯")
    li = ResidentFactory(household=li_household, name="李大伯", date_of_birth=datetime.date(1942, 3, 1))
    care(li, weekly, assigned_on=ten_days_ago)
    return ren, li


def go_online_ready(phone):
    log_in(phone, "wu", "correct-horse-battery")
    phone.wait_for_function(READY)
    phone.reload()  # the page now under the service worker's control, the pack kept
    phone.wait_for_function(READY)


def open_offline_form(phone, household):
    phone.goto(f"{phone.base_url}/households/{household.pk}/visit/")
    phone.wait_for_selector("#offline-visit-form:not([hidden])")


def tap(phone, resident, condition):
    phone.locator(f"label[for=resident_{resident.pk}-{condition}]").click()


def queue_states(phone):
    return phone.locator("#queue-list .queue-state").all_inner_texts()


@pytest.mark.browser
def test_three_visits_without_signal_are_sent_once_each_with_their_own_times(phone, wu, households):
    ren, li = households
    go_online_ready(phone)
    phone.context.set_offline(True)

    # 1. Ren: well; the ventilator follow-up; a photo (a too large one is refused first).
    open_offline_form(phone, ren.household)
    assert "依赖家用呼吸机" in phone.locator(f"#resident-{ren.pk}").inner_text()
    assert "应走访" in phone.locator(f"#resident-{ren.pk}").inner_text()
    tap(phone, ren, "well")
    phone.fill("#offline-notes", "呼吸机运转正常")
    phone.evaluate(SET_VISITED_AT, 50)
    phone.locator("#offline-visit-form details summary").click()
    phone.fill("#offline-follow-up-what", "回访呼吸机维修情况")
    phone.locator("label[for=offline-follow-up-10]").click()
    big = {"name": "big.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (6 * 1024 * 1024)}
    phone.set_input_files("#offline-photos", files=[big])
    phone.locator("#offline-visit-form button[type=submit]").click()
    assert "big.jpg超过5 MB" in phone.locator("#offline-form-errors").inner_text()
    photo = {"name": "door.png", "mimeType": "image/png", "buffer": _png()}
    phone.set_input_files("#offline-photos", files=[photo])
    screenshot(phone, "offline-visit-form")
    phone.locator("#offline-visit-form button[type=submit]").click()
    phone.wait_for_selector("#queue-list .queue-waiting")
    assert queue_states(phone) == ["待发送"]
    assert phone.locator("#offline-queue-count").inner_text() == "1"

    # 2. Li Dabo, not at home; 3. Ren again, later.
    open_offline_form(phone, li.household)
    tap(phone, li, "not_home")
    phone.evaluate(SET_VISITED_AT, 40)
    phone.locator("#offline-visit-form button[type=submit]").click()
    phone.wait_for_selector("#queue-list li:nth-child(2)")
    open_offline_form(phone, ren.household)
    tap(phone, ren, "well")
    phone.evaluate(SET_VISITED_AT, 30)
    phone.locator("#offline-visit-form button[type=submit]").click()
    phone.wait_for_selector("#queue-list li:nth-child(3)")
    assert queue_states(phone) == ["待发送"] * 3
    assert phone.locator("#offline-queue-count").inner_text() == "3"
    screenshot(phone, "offline-queue")
    assert not Visit.objects.exists()

    phone.context.set_offline(False)
    phone.wait_for_function("() => document.querySelectorAll('#queue-list .queue-sent').length === 3")
    assert queue_states(phone) == ["已发送"] * 3
    assert phone.locator("#offline-queue").is_hidden()
    screenshot(phone, "offline-sent")

    visits = list(Visit.objects.order_by("visited_at"))
    assert [v.household_id for v in visits] == [ren.household.pk, li.household.pk, ren.household.pk]
    now = timezone.now()
    for visit, minutes in zip(visits, (50, 40, 30), strict=True):
        assert abs(visit.visited_at - (now - datetime.timedelta(minutes=minutes))) < datetime.timedelta(minutes=2)
    assert visits[0].photos.count() == 1
    assert FollowUp.objects.get().visit == visits[0]
    # Ren was seen: her next check-in is a week on; Li was not at home: still due.
    assert CareAssignment.objects.get(resident=ren).last_seen_on == timezone.localdate()
    assert CareAssignment.objects.get(resident=li).last_seen_on is None

    # The visit history of Ren's household shows both visits, at their own times.
    phone.goto(f"{phone.base_url}/households/{ren.household.pk}/")
    page = phone.content()
    for visit in (visits[0], visits[2]):
        assert timezone.localtime(visit.visited_at).strftime("%H:%M") in page


@pytest.mark.browser
@pytest.mark.parametrize("locks", [True, False], ids=["one tab sends", "a browser without locks: both send"])
def test_the_queue_sent_from_two_tabs_saves_each_visit_once(phone, wu, households, locks):
    ren, li = households
    if not locks:  # the server alone keeps each visit once (its client id)
        phone.context.add_init_script("Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined })")
    posts = []
    phone.context.on(
        "request", lambda r: posts.append(r.url) if r.method == "POST" and "/offline/visits/" in r.url else None
    )
    go_online_ready(phone)
    phone.context.set_offline(True)
    for household, resident in ((ren.household, ren), (li.household, li)):
        open_offline_form(phone, household)
        tap(phone, resident, "well")
        phone.locator("#offline-visit-form button[type=submit]").click()
        phone.wait_for_selector("#queue-list .queue-waiting")
    other = phone.context.new_page()
    other.goto(f"{phone.base_url}/offline/")
    other.wait_for_selector("#queue-list li:nth-child(2)")

    phone.context.set_offline(False)  # both tabs hear "online"; a reload sends again whatever is left
    for page in (phone, other):
        page.reload()
        page.wait_for_function("() => document.querySelectorAll('#queue-list .queue-sent').length === 2")
    assert len(posts) >= 2
    assert Visit.objects.count() == 2
    assert sorted(Visit.objects.values_list("household_id", flat=True)) == sorted([ren.household.pk, li.household.pk])


@pytest.mark.browser
def test_a_household_archived_meanwhile_is_shown_on_its_queued_item(phone, wu, households):
    ren, _ = households
    go_online_ready(phone)
    phone.context.set_offline(True)
    open_offline_form(phone, ren.household)
    tap(phone, ren, "well")
    phone.locator("#offline-visit-form button[type=submit]").click()
    phone.wait_for_selector("#queue-list .queue-waiting")
    Household.objects.filter(pk=ren.household.pk).update(archived_at=timezone.now())

    phone.context.set_offline(False)
    item = phone.locator("#queue-list .queue-conflict")
    item.wait_for()
    text = item.inner_text()
    assert "临江路4幢1单元302室已于" in text and "归档" in text
    assert "请告知社区工作人员" in text
    assert item.locator("button", has_text="删除").is_visible()
    screenshot(phone, "offline-conflict")
    assert not Visit.objects.exists()
    assert phone.locator("#offline-queue-count").inner_text() == "1"  # not dropped silently


@pytest.mark.browser
def test_log_out_leaves_no_personal_data_on_the_phone(phone, wu, households):
    go_online_ready(phone)
    kept = phone.evaluate(STORAGE)
    assert kept["databases"] == ["gridapp-offline"]
    assert kept["caches"]
    assert phone.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 1

    phone.locator("form[action='/accounts/logout/'] button").dispatch_event("click")
    phone.wait_for_url("**/accounts/login/**")
    assert phone.evaluate(STORAGE) == {"caches": [], "databases": []}
    assert phone.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0


def _png():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.browser
def test_the_visit_form_opened_with_signal_and_saved_without_is_queued_with_its_client_id(phone, wu, households):
    ren, _ = households
    go_online_ready(phone)
    phone.goto(f"{phone.base_url}/households/{ren.household.pk}/visit/")
    client_id = phone.input_value("input[name=client_id]")
    phone.context.set_offline(True)
    phone.locator(f"input[name=resident_{ren.pk}][value=well] + label").click()
    phone.fill("textarea[name=notes]", "楼道里没信号")
    phone.locator("button[type=submit].btn-lg").click()
    phone.wait_for_selector("#queue-list .queue-waiting")  # not the browser's "no internet" page
    assert "临江路4幢1单元302室" in phone.locator("#queue-list").inner_text()

    phone.context.set_offline(False)
    phone.wait_for_selector("#queue-list .queue-sent")
    visit = Visit.objects.get()
    assert str(visit.client_id) == client_id
    assert visit.notes == "楼道里没信号"


@pytest.mark.browser
def test_another_account_on_the_same_phone_never_sees_the_first_ones_pack(phone, wu, chen, households, grid2_household):
    go_online_ready(phone)
    assert phone.evaluate(PACK_USER)[0] == wu.pk
    # The session ends without a log-out (cookies cleared); Chen logs in on the same phone.
    phone.context.clear_cookies()
    log_in(phone, "chen", "correct-horse-battery")
    phone.wait_for_function(READY)
    assert phone.evaluate(PACK_USER) == [chen.pk, ["东藩路8号"]]


@pytest.mark.browser
def test_the_install_offer_is_shown_once_and_stays_dismissed(phone, wu, households):
    go_online_ready(phone)
    offer = phone.locator("#install-app")
    assert offer.is_hidden()
    phone.evaluate("() => window.dispatchEvent(new Event('beforeinstallprompt'))")
    assert offer.is_visible()
    offer.locator("#install-no").click()
    assert offer.is_hidden()
    phone.reload()
    phone.wait_for_function(READY)
    phone.evaluate("() => window.dispatchEvent(new Event('beforeinstallprompt'))")
    assert offer.is_hidden()


@pytest.mark.browser
def test_after_the_sessions_lifetime_the_pack_is_wiped_even_without_signal(phone, wu, households):
    go_online_ready(phone)
    # The pack carries the end of the session's lifetime (GRIDAPP_SESSION_LIFETIME after the
    # log-in); here it has passed.
    phone.evaluate(EXPIRE_PACK)
    phone.context.set_offline(True)
    phone.goto(f"{phone.base_url}/households/{households[0].household.pk}/visit/")
    phone.locator("#no-pack").wait_for()
    assert "任爱香" not in phone.content()
    assert phone.evaluate(STORAGE)["caches"] == []


@pytest.mark.browser
def test_a_stale_csrf_token_is_shown_on_the_item_and_the_next_page_sends_it(phone, wu, households):
    ren, _ = households
    go_online_ready(phone)
    phone.context.set_offline(True)
    open_offline_form(phone, ren.household)
    tap(phone, ren, "well")
    phone.locator("#offline-visit-form button[type=submit]").click()
    phone.wait_for_selector("#queue-list .queue-waiting")
    phone.context.clear_cookies(name="csrftoken")  # the token the page holds no longer matches

    phone.context.set_offline(False)
    item = phone.locator("#queue-list .queue-csrf")
    item.wait_for()
    assert "此页面已过期。请重新加载" in item.inner_text()
    assert not Visit.objects.exists()

    phone.reload()  # a fresh page, a fresh token: sent without a tap
    phone.wait_for_selector("#queue-list .queue-sent")
    assert Visit.objects.count() == 1
