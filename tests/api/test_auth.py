"""Who may call: a registered client's key, sent in the Authorization header. A missing or wrong
key is a 401, a revoked one a 403, each as JSON in the client's language."""

from django.urls import reverse

from gridapp.accounts import api_keys
from gridapp.models import ApiClient

from .conftest import Caller

URL = "/api/v1/households/"


def test_without_a_key_the_answer_is_401_in_chinese(api):
    response = api(None).get(URL)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "身份认证信息未提供。", "code": "not_authenticated"}
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_client_asking_in_english_is_answered_in_english(api):
    response = api(None, language="en-US,en;q=0.8").get(URL)
    assert response.json()["detail"] == "Authentication credentials were not provided."
    assert response["Content-Language"] == "en"


def test_a_wrong_key_is_401(client, wu):
    _client, key = api_keys.issue(name="热线", user=wu)
    prefix = key.split(".")[0]
    for wrong in (f"{prefix}.not-the-secret", "no-dot-at-all", "abc.def", key + "x"):
        response = Caller(client, wrong, "en").get(URL)
        assert response.status_code == 401, wrong
        assert response.json()["detail"] == "This API key is not valid."


def test_a_revoked_key_is_403(api, wu):
    caller = api(wu, language="en")
    assert caller.get(URL).status_code == 200
    api_keys.revoke(ApiClient.objects.get())
    response = caller.get(URL)
    assert response.status_code == 403
    assert response.json() == {"detail": "This API key has been revoked.", "code": "permission_denied"}


def test_the_key_of_a_deactivated_user_stops_working(api, wu):
    caller = api(wu)
    wu.is_active = False
    wu.save(update_fields=["is_active"])
    assert caller.get(URL).status_code == 403


def test_bearer_works_too(client, wu):
    _client, key = api_keys.issue(name="热线", user=wu)
    response = client.get(URL, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_the_key_is_stored_hashed_and_its_last_use_recorded(api, wu):
    caller = api(wu)
    row = ApiClient.objects.get()
    assert caller.key not in {row.key_hash, row.prefix} and row.key_hash != caller.key.split(".")[1]
    assert caller.key.startswith(row.prefix + ".")
    assert row.last_used_at is None
    caller.get(URL)
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_a_session_is_no_key(client, wu):
    # A logged-in browser is not an API client: the API answers only to keys.
    client.force_login(wu)
    assert client.get(URL).status_code == 401


def test_an_admin_registers_a_client_and_sees_its_key_once(client, admin_user, wu):
    client.force_login(admin_user)
    response = client.post(reverse("admin:gridapp_apiclient_add"), {"name": "12345 热线", "user": wu.pk, "rate": ""})
    assert response.status_code == 200
    row = ApiClient.objects.get()
    key = response.context["key"]
    assert key.startswith(row.prefix + ".") and key in response.content.decode()
    # The key works, acting as Wu; the change page never shows it again.
    assert Caller(client, key).get(URL).status_code == 200
    page = client.get(reverse("admin:gridapp_apiclient_change", args=[row.pk])).content.decode()
    assert key not in page and row.prefix in page


def test_an_admin_revokes_a_key(client, admin_user, wu):
    row, key = api_keys.issue(name="12345 热线", user=wu)
    client.force_login(admin_user)
    client.post(reverse("admin:gridapp_apiclient_changelist"), {"action": "revoke", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.revoked_at is not None
    client.logout()
    assert Caller(client, key).get(URL).status_code == 403


def test_the_rate_must_be_a_rate(client, admin_user, wu):
    client.force_login(admin_user)
    response = client.post(reverse("admin:gridapp_apiclient_add"), {"name": "x", "user": wu.pk, "rate": "lots"})
    assert response.status_code == 200 and "rate" in response.context["adminform"].form.errors
    assert not ApiClient.objects.exists()


def test_a_key_with_a_nul_character_is_401_not_500(client, wu):
    response = Caller(client, "abcd\x00123.secret").get(URL)
    assert response.status_code == 401


def test_an_unknown_api_path_is_a_json_404(api, wu):
    response = api(wu).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。", "code": "not_found"}


def test_a_new_key_replaces_the_old_one_at_once(client, admin_user, wu):
    row, old = api_keys.issue(name="12345 热线", user=wu)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:gridapp_apiclient_changelist"), {"action": "renew", "_selected_action": [row.pk]}
    )
    new = response.context["key"]
    client.logout()
    assert Caller(client, old).get(URL).status_code == 401
    assert Caller(client, new).get(URL).status_code == 200
