"""The installable app (gridapp/ops/pwa.py): the service worker from the site root, with a version
and no caching; the manifest in Chinese; the log-out that tells the browser to forget."""

from django.urls import reverse

from gridapp.ops import pwa


def test_the_service_worker_is_served_from_the_root_with_its_version(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    body = response.content.decode()
    assert f'const VERSION = "{pwa.version()}";' in body
    assert '"/offline/"' in body


def test_the_version_changes_with_the_shell(monkeypatch, tmp_path):
    before = pwa.version()
    changed = tmp_path / "offline.js"
    changed.write_text("// another deploy")
    real_find = pwa.finders.find
    monkeypatch.setattr(pwa.finders, "find", lambda name: str(changed) if name == "js/offline.js" else real_find(name))
    pwa.version.cache_clear()
    try:
        assert pwa.version() != before
    finally:
        pwa.version.cache_clear()


def test_the_manifest_names_the_app_in_chinese(client):
    response = client.get(reverse("manifest"))
    manifest = response.json()
    assert manifest["name"] == manifest["short_name"] == "网格通"
    assert manifest["lang"] == "zh-hans"
    assert manifest["description"] == "网格内的走访、定期探访和事件，没有信号也能用。"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_log_out_tells_the_browser_to_forget_what_it_kept(client, wu):
    client.force_login(wu)
    response = client.post(reverse("logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
