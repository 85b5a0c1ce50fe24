"""Wu, at Ren Aixiang's door with his phone, logs a visit and sets a follow-up ten days on."""

import datetime

import pytest
from django.utils import timezone

from visits.models import FollowUp, Visit

from .conftest import log_in, screenshot


@pytest.mark.browser
def test_wu_logs_a_visit_with_a_follow_up_on_his_phone(phone, wu, ren):
    log_in(phone, "wu", "correct-horse-battery")
    phone.goto(f"{phone.base_url}/households/{ren.household.pk}/")
    phone.locator(f"a[href='/households/{ren.household.pk}/visit/']").click()
    phone.wait_for_url(f"**/households/{ren.household.pk}/visit/")

    # Defaults: a routine check-in, now; Ren is listed with her health note.
    assert phone.locator("input[name=purposes][value=routine]").is_checked()
    assert "依赖家用呼吸机" in phone.content()
    phone.locator(f"label[for=id_resident_{ren.pk}_3]").click()  # needs help
    phone.fill("textarea[name=notes]", "呼吸机坏了，已联系维修")
    phone.locator("details summary").click()
    phone.fill("input[name=follow_up_what]", "回访呼吸机维修情况")
    phone.locator("label[for=id_follow_up_in_days_2]").click()  # 10 days
    screenshot(phone, "visit-form")
    # Everything a thumb needs fits the phone's width.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    submit = phone.locator("button[type=submit].btn-lg")
    assert submit.bounding_box()["height"] >= 44
    submit.click()
    phone.wait_for_url(f"**/households/{ren.household.pk}/")
    screenshot(phone, "visit-saved")

    visit = Visit.objects.get()
    assert visit.worker == wu
    assert visit.residents_seen.get().condition == "needs_help"
    follow_up = FollowUp.objects.get()
    assert follow_up.due_on == timezone.localdate() + datetime.timedelta(days=10)
    assert follow_up.assignee == wu
    # The household page shows the visit and its open follow-up at once.
    assert "回访呼吸机维修情况" in phone.content()
