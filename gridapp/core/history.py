"""Change history for writes that send no signal (django-simple-history).

Households, residents, shops, visits and cases keep their history through ``HistoricalRecords``,
which listens to ``save()``. A ``QuerySet.update()`` — the optimistic lock of a case, a bulk
assignment, the overdue sweep — sends no signal, so those writes call ``record_changes`` with
the rows as they are after the update; the history page (``gridapp.history_views``) then shows
them like any other change: who, when, which field, from what to what.

A test (tests/gridapp/test_audit_trail.py) fails when app code calls ``.update(`` on one of these
models' querysets without this module.
"""

from django.db import transaction

# history_change_reason of the writes below; the history page names each in words.
REASON_ASSIGN = "assign"
REASON_MEDIATION = "mediation"
REASON_OVERDUE = "overdue"
REASON_BULK = "bulk"
REASON_CONFIRMED = "confirmed"  # community staff confirmed what a grid worker added


def action_reason(action_name):
    """The change reason of a case action taken through the lifecycle table."""
    return f"action:{action_name}"


def record_changes(objs, *, by, reason=""):
    """Write one historical row ("~", changed) per object, holding its current field values.

    ``objs`` must have been read after the update (``refresh_from_db`` or a fresh query); ``by``
    is the acting user (None for the scheduled jobs). One INSERT however many objects.
    """
    objs = list(objs)
    if not objs:
        return []
    manager = type(objs[0]).history
    return manager.bulk_history_create(objs, update=True, default_user=by, default_change_reason=reason)


def update_with_history(queryset, *, by, reason=REASON_BULK, **values):
    """``queryset.update(**values)`` that also writes each changed row's history; returns the count.

    The matching rows are locked and their ids read first, so the history is written for exactly
    the rows the UPDATE changed, even while others write to the same table.
    """
    model = queryset.model
    with transaction.atomic():
        ids = list(queryset.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        count = model._default_manager.filter(pk__in=ids).update(**values)
        record_changes(model._default_manager.filter(pk__in=ids), by=by, reason=reason)
    return count
