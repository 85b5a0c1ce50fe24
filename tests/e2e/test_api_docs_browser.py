"""In a real browser: the API's docs page draws Swagger UI from our own files, under the site's
Content-Security-Policy, listing the API's operations from the schema."""

import pytest

from .conftest import screenshot
from .test_security_browser import csp_violations


@pytest.mark.browser
def test_the_api_docs_page_shows_the_operations_without_breaking_the_csp(phone, db):
    violations = csp_violations(phone)
    requests = []
    phone.on("request", lambda r: requests.append(r.url))
    phone.goto(f"{phone.base_url}/api/docs/")
    phone.locator(".opblock-summary-path", has_text="/api/v1/cases/{id}/actions/{action_name}/").first.wait_for()
    assert phone.locator(".opblock").count() >= 20
    screenshot(phone, "api-docs")
    assert violations == []
    assert all(url.startswith(phone.base_url) for url in requests), [u for u in requests if "127.0.0.1" not in u]
