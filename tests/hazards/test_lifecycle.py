"""A hazard's life: recorded, rechecked (not yet, worse, rectified), closed; escalated to a case
that closes it when the case closes as fixed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Category, CloseReason
from visits.hazard_models import Hazard, HazardState, RiskLevel
from visits.hazards import services

from .conftest import png, record

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def test_a_hazard_is_due_for_recheck_a_cadence_after_it_was_found(wu, grid1, linjiang4, settings):
    settings.HAZARD_RECHECK_DAYS = {"high": 3, "medium": 7, "low": 14}
    high = record(wu, grid1, building=linjiang4, risk="high")
    low = record(wu, grid1, building=linjiang4, risk="low")
    assert high.state == HazardState.OPEN
    assert high.recheck_due_on == today() + datetime.timedelta(days=3)
    assert low.recheck_due_on == today() + datetime.timedelta(days=14)


def test_not_yet_then_worse_then_rectified(stairwell, wu):
    services.recheck(hazard=stairwell, by=wu, result="not_yet", note="房东答应本周内处理")
    stairwell.refresh_from_db()
    assert stairwell.state == HazardState.RECTIFYING
    assert stairwell.recheck_due_on == today() + datetime.timedelta(days=3)

    medium = record(wu, stairwell.grid, risk="medium", place="车棚")
    services.recheck(hazard=medium, by=wu, result="worse", note="又多了两辆")
    medium.refresh_from_db()
    assert medium.risk == RiskLevel.HIGH  # worse raises the risk, so the next recheck comes sooner
    assert medium.recheck_due_on == today() + datetime.timedelta(days=3)

    services.recheck(hazard=stairwell, by=wu, result="rectified", note="已移至车棚充电", photos=[png()])
    stairwell.refresh_from_db()
    assert stairwell.state == HazardState.RECTIFIED
    assert stairwell.recheck_due_on is None
    assert [r.result for r in stairwell.rechecks.all()] == ["rectified", "not_yet"]
    assert stairwell.photos.filter(recheck__isnull=False).count() == 1


def test_a_recheck_of_a_closed_hazard_is_refused_and_nothing_is_saved(client, stairwell, wu):
    services.close(hazard=stairwell, by=wu, note="车主已搬走")
    with pytest.raises(services.HazardClosed):
        services.recheck(hazard=stairwell, by=wu, result="not_yet")
    client.force_login(wu)
    response = client.post(reverse("hazard_recheck", args=[stairwell.pk]), {"result": "not_yet", "note": "再看看"})
    assert response.status_code == 409
    assert "已整改或已关闭" in response.content.decode()
    assert stairwell.rechecks.count() == 0


def test_the_recheck_page_saves_a_recheck(client, stairwell, wu):
    client.force_login(wu)
    url = reverse("hazard_recheck", args=[stairwell.pk])
    response = client.post(url, {"result": "rectified", "note": "已清理", "photos": [png()]})
    assert response.status_code == 302
    page = client.get(reverse("hazard_detail", args=[stairwell.pk])).content.decode()
    assert "已清理" in page
    assert "已整改" in page


def test_closing_asks_why(client, stairwell, wu):
    client.force_login(wu)
    client.post(reverse("hazard_close", args=[stairwell.pk]), {"note": ""})
    stairwell.refresh_from_db()
    assert stairwell.is_open
    client.post(reverse("hazard_close", args=[stairwell.pk]), {"note": "误报，车棚内充电"})
    stairwell.refresh_from_db()
    assert stairwell.state == HazardState.CLOSED
    assert stairwell.closing_note == "误报，车棚内充电"


def _escalate(client, wu, hazard):
    client.force_login(wu)
    intake = client.get(reverse("case_create") + f"?hazard={hazard.pk}")
    assert intake.status_code == 200
    assert hazard.description in intake.content.decode()  # the intake is prefilled
    category = Category.objects.first()
    response = client.post(
        reverse("case_create") + f"?hazard={hazard.pk}",
        {
            "grid": hazard.grid_id,
            "title": "楼道电动车充电",
            "description": hazard.description,
            "category": category.pk,
            "priority": "normal",
            "channel": "patrol",
            "building": hazard.building_id or "",
            "anonymous": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return hazard.cases.get()


def _close(case, by, reason):
    case_services.perform(case=case, action_name="register", by=by, version=case.version)
    case.refresh_from_db()
    change = case_services.Change(note="已处理", close_reason=reason)
    case_services.perform(case=case, action_name="settle", by=by, version=case.version, change=change)


def test_escalated_then_closed_with_its_case_fixed(client, stairwell, wu):
    case = _escalate(client, wu, stairwell)
    stairwell.refresh_from_db()
    assert stairwell.state == HazardState.ESCALATED
    assert case.hazard_id == stairwell.pk
    _close(case, wu, CloseReason.FIXED)
    stairwell.refresh_from_db()
    assert stairwell.state == HazardState.CLOSED
    assert case.number in stairwell.closing_note
    page = client.get(reverse("hazard_detail", args=[stairwell.pk])).content.decode()
    assert case.number in page


def test_a_case_closed_otherwise_leaves_the_hazard_open(client, stairwell, wu):
    case = _escalate(client, wu, stairwell)
    _close(case, wu, CloseReason.REFERRED)
    stairwell.refresh_from_db()
    assert stairwell.state == HazardState.ESCALATED
    assert stairwell.recheck_due_on is not None


def test_hazards_are_never_deleted_and_keep_history(stairwell, wu):
    services.recheck(hazard=stairwell, by=wu, result="not_yet")
    assert Hazard.history.filter(id=stairwell.pk).count() == 2
