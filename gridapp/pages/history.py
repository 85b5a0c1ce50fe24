"""The change history of one household, resident, shop, visit or case, for admins: every
historical row (django-simple-history, including those ``gridapp.core.history`` writes after bulk
updates) as who, when, and each field from what to what. ID numbers and phones are masked here
as everywhere; health notes show only that they changed (admins do not read them, see
``scope.can_see_health_notes``)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.http import Http404
from django.shortcuts import render
from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases import scope as case_scope
from cases import workflow
from cases.models import Case
from gridapp import scope
from gridapp.core import history
from gridapp.core.display import mask_id, mask_phone, person
from gridapp.models import Household, HouseholdTagLink, Resident, ResidentCategoryLink, Shop
from visits import scope as visit_scope
from visits.models import ResidentSeen, Visit, VisitPurpose


@dataclass(frozen=True)
class Audited:
    model: type
    get: object  # scope.get_*(user, pk): fetch through the scope like every page
    related: tuple = ()  # (model, foreign key attname): rows that belong to the record's history


AUDITED = {
    "household": Audited(Household, scope.get_household, ((HouseholdTagLink, "household_id"),)),
    "resident": Audited(Resident, scope.get_resident, ((ResidentCategoryLink, "resident_id"),)),
    "shop": Audited(Shop, scope.get_shop),
    "visit": Audited(Visit, visit_scope.get_visit, ((VisitPurpose, "visit_id"), (ResidentSeen, "visit_id"))),
    "case": Audited(Case, case_scope.get_case),
}

MASKED_IDS = {"id_number"}
MASKED_PHONES = {"phone", "landlord_phone", "mobile", "emergency_contact_phone", "complainant_phone"}
NOT_SHOWN = {"health_notes"}
# The row's own key and bookkeeping every change touches: showing them would bury the change.
SKIPPED = {"id", "version", "created_at", "updated_at"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime.datetime
    who: str
    what: str
    why: str
    changes: list = field(default_factory=list)


@require_safe
def record_history(request, model, pk):
    """Admins only (403 for everyone else, whatever the record); the record itself through the
    scope. Also what the admin's "History" button shows (gridapp.admin.HistoryPageAdmin)."""
    scope.require_admin(request.user)
    audited = AUDITED.get(model)
    if audited is None:
        raise Http404(f"No history for {model!r}")
    obj = audited.get(request.user, pk)
    return render(
        request,
        "gridapp/record_history.html",
        {"obj": obj, "entries": _entries(audited, obj), "model_name": audited.model._meta.verbose_name},
    )


def _entries(audited, obj):
    rows = list(audited.model.history.filter(id=obj.pk).select_related("history_user").order_by("history_date"))
    related = [
        list(model.history.filter(**{fk: obj.pk}).select_related("history_user").order_by("history_date"))
        for model, fk in audited.related
    ]
    labels = _Lookups(rows + [row for model_rows in related for row in model_rows])
    entries = []
    previous = None
    for row in rows:
        entries.append(_entry(row, _diff(previous, row, labels)))
        previous = row
    for (model, fk), model_rows in zip(audited.related, related, strict=True):
        entries += _related_entries(model, fk, model_rows, labels)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def _entry(row, changes):
    """One line of the page: a version of the record or of a related one, and what it changed."""
    return Entry(
        when=row.history_date,
        who=person(row.history_user) if row.history_user else _("system"),
        what=_type_label(row.history_type),
        why=_reason(row.history_change_reason),
        changes=changes,
    )


def _tracked(row):
    return [f for f in type(row).tracked_fields if f.name not in SKIPPED]


def _diff(previous, row, labels):
    changes = []
    for f in _tracked(row):
        new = getattr(row, f.attname)
        old = getattr(previous, f.attname) if previous is not None else None
        if previous is not None and old == new:
            continue
        if previous is None and new in (None, ""):
            continue  # a new record: list what it was created with
        changes.append(_change(f, old, new, labels))
    return changes


def _change(f, old, new, labels):
    if f.name in NOT_SHOWN:
        hidden = _("(not shown)")
        return Change(str(f.verbose_name), hidden if old else "—", hidden if new else "—")
    return Change(str(f.verbose_name), labels.show(f, old), labels.show(f, new))


def _related_entries(model, owner, rows, labels):
    """A tag, category, purpose or resident seen: added, removed or changed, one line each."""
    label = str(model._meta.verbose_name)
    entries, last = [], {}
    for row in rows:
        # Not its own id nor the record it belongs to: the page is that record's.
        shown = [f for f in _tracked(row) if f.attname != owner]
        text = " · ".join(labels.show(f, getattr(row, f.attname)) for f in shown)
        if row.history_type == "+":
            change = Change(label, "—", text)
        elif row.history_type == "-":
            change = Change(label, last.get(row.id, text), "—")
        else:
            change = Change(label, last.get(row.id, "—"), text)
        last[row.id] = text
        entries.append(_entry(row, [change]))
    return entries


def _type_label(history_type):
    return {"+": _("created"), "~": _("changed"), "-": _("removed")}.get(history_type, history_type)


def _reason(code):
    if not code:
        return ""
    if code.startswith("action:"):
        return str(workflow.entry_label(code.removeprefix("action:")))
    if code.startswith("import:"):  # ImportBatch.change_reason
        return _("Register import #%(number)s") % {"number": code.removeprefix("import:")}
    return {
        history.REASON_ASSIGN: str(workflow.entry_label("assign")),
        history.REASON_MEDIATION: _("Mediation recorded"),
        history.REASON_OVERDUE: _("Overdue sweep"),
        history.REASON_BULK: _("Bulk change"),
        history.REASON_CONFIRMED: _("Confirmed by community staff"),
    }.get(code, code)


class _Lookups:
    """Labels for the foreign keys in the rows: one query per related model, not one per value."""

    def __init__(self, rows):
        wanted = defaultdict(set)
        for row in rows:
            for f in type(row).tracked_fields:
                if f.is_relation and getattr(row, f.attname) is not None:
                    wanted[f.related_model].add(getattr(row, f.attname))
        self.objects = {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()}

    def show(self, f, value):
        if value is None or value == "":
            return "—"
        if f.name in MASKED_IDS:
            return mask_id(value)
        if f.name in MASKED_PHONES:
            return mask_phone(value)
        if f.is_relation:
            obj = self.objects.get(f.related_model, {}).get(value)
            if obj is None:
                return f"#{value}"
            if hasattr(obj, "get_username"):
                return person(obj)
            return str(obj)
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(f, models.BooleanField):
            return yesno(value)
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)
