"""Nothing is lost through the UI (issue 6, item 6): households, residents and shops are archived
and restored, never deleted; visits and cases (their events, mediation records and photos)
cannot be deleted from the pages or the admin, not even by an admin."""

import datetime
import uuid

import pytest
from django.contrib import admin
from django.urls import get_resolver, reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, Category, MediationRecord
from cases.services import case_report
from gridapp.models import Household, Resident, Shop
from visits.models import FollowUp, Visit
from visits.services import NewFollowUp, log_visit


@pytest.fixture
def records(wu, ren, shop1):
    visit, _ = log_visit(
        worker=wu,
        client_id=uuid.uuid4(),
        visited_at=timezone.now() - datetime.timedelta(hours=1),
        household=ren.household,
        conditions={ren: "needs_help"},
        follow_up=NewFollowUp(what="回访", due_on=timezone.localdate(), assignee=wu),
    )
    case = case_report(
        by=wu,
        grid=ren.household.grid,
        title="楼上漏水",
        description="楼上漏水",
        category=Category.objects.first(),
        priority="normal",
        channel="walk_in",
        complainant=ren,
    )
    mediation = MediationRecord.objects.create(case=case, other_parties="楼上", outcome="agreed", recorded_by=wu)
    return {
        Household: ren.household,
        Resident: ren,
        Shop: shop1,
        Visit: visit,
        FollowUp: visit.follow_ups.get(),
        Case: case,
        MediationRecord: mediation,
    }


KEPT = [Household, Resident, Shop, Visit, FollowUp, Case, MediationRecord]


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_no_page_of_the_site_deletes_anything():
    names = [pattern.name or "" for pattern in get_resolver().url_patterns if hasattr(pattern, "name")]
    assert not [name for name in names if "delete" in name or "remove" in name]


@pytest.mark.parametrize("model", KEPT, ids=lambda m: m._meta.label)
def test_an_admin_cannot_delete_them(client, admin_user, records, model):
    obj = records[model]
    client.force_login(admin_user)
    assert client.get(_admin_url(model, "delete", obj.pk)).status_code == 403
    assert client.post(_admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    # No bulk delete either: the action is not offered, and posting it deletes nothing.
    action_form = client.get(_admin_url(model, "changelist")).context["action_form"]  # None: no actions at all
    assert not action_form or "delete_selected" not in dict(action_form.fields["action"].choices)
    client.post(
        _admin_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert model.objects.filter(pk=obj.pk).exists()


def test_a_superuser_cannot_delete_them_either(client, records):
    from ..factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    for model in KEPT:
        assert client.post(_admin_url(model, "delete", records[model].pk), {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=records[model].pk).exists()


def test_inlines_of_visits_and_cases_have_no_delete_box(client, admin_user, records):
    client.force_login(admin_user)
    for model in (Visit, Case, Household):
        response = client.get(_admin_url(model, "change", records[model].pk))
        assert response.status_code == 200
        for inline in response.context["inline_admin_formsets"]:
            if inline.opts.model in (CaseEvent, Resident) or inline.opts.model._meta.app_label == "visits":
                assert not inline.formset.can_delete, inline.opts.model


@pytest.mark.parametrize("model", [Household, Resident, Shop], ids=lambda m: m._meta.label)
def test_admins_archive_and_restore_from_the_list(client, admin_user, records, model):
    obj = records[model]
    client.force_login(admin_user)
    url = _admin_url(model, "changelist")
    actions = dict(client.get(url).context["action_form"].fields["action"].choices)
    assert {"archive_selected", "restore_selected"} <= set(actions)
    client.post(url, {"action": "archive_selected", "_selected_action": [obj.pk]})
    archived = model.objects.get(pk=obj.pk)
    assert archived.archived_at is not None
    assert archived.history.first().archived_at is not None  # the history records it
    client.post(url, {"action": "restore_selected", "_selected_action": [obj.pk]})
    assert model.objects.get(pk=obj.pk).archived_at is None


@pytest.mark.parametrize(
    ("name", "model"),
    [("household_archive", Household), ("resident_archive", Resident), ("shop_archive", Shop)],
)
def test_staff_archive_and_restore_on_the_page(client, staff, records, name, model):
    obj = records[model]
    client.force_login(staff)
    client.post(reverse(name, args=[obj.pk]))
    assert model.objects.get(pk=obj.pk).archived_at is not None
    assert client.get(obj.get_absolute_url()).status_code == 200  # staff still open it
    client.post(reverse(name, args=[obj.pk]), {"restore": "1"})
    assert model.objects.get(pk=obj.pk).archived_at is None


def test_the_admin_offers_no_delete_for_the_register_visits_or_cases(rf, db):
    from ..factories import UserFactory

    request = rf.get("/admin/")
    request.user = UserFactory(username="root", is_staff=True, is_superuser=True)
    for model in KEPT:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_delete_permission(request), model
        assert "delete_selected" not in model_admin.get_actions(request), model
