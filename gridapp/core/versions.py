"""Optimistic version checks for records people edit from forms (the register, visits).

Such a record carries a ``version`` (``gridapp.models.Versioned``). An edit form carries the
version it was loaded with; the service writes with a conditional UPDATE (``… WHERE version =
seen``) that also bumps it, so of two people saving the same copy only the first wins. The second
gets ``Changed``: nothing was saved, and the history rows written since the version they loaded
say who changed which fields, for the page that gives them back what they typed (status 409).

Every write goes through ``update_where`` and leaves a history row (``record_changes``); the
register's imports bump the version in their bulk updates too.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .history import record_changes

# The row's key and the bookkeeping every write touches: nobody "changed" them.
BOOKKEEPING = {"id", "version", "created_at", "updated_at"}


@dataclass
class Edit:
    """One save made since the version the user loaded: when, by whom (None: the system), and
    the labels of the fields it changed."""

    when: datetime.datetime
    who: object
    fields: list = field(default_factory=list)


class Changed(Exception):
    """The record was saved by someone else since version ``seen``; nothing was saved."""

    def __init__(self, obj, *, seen, related=()):
        super().__init__(f"{obj._meta.label} {obj.pk} changed since version {seen}")
        self.obj = obj
        self.version = obj.version
        self.edits = edits_since(obj, seen, related=related)


def update_where(obj, *, by, where, reason="", **values):
    """``UPDATE`` the record's row with ``values`` and a new version, only if it still matches
    ``where``; then its history row, naming ``by``. Returns whether the row matched.

    ``obj`` is read again afterwards, so it holds what the database holds."""
    model = type(obj)
    if hasattr(obj, "updated_at"):
        values.setdefault("updated_at", timezone.now())  # auto_now is a save() feature
    with transaction.atomic():
        if model._default_manager.filter(pk=obj.pk, **where).update(**values, version=F("version") + 1) != 1:
            return False
        obj.refresh_from_db()
        obj.__dict__.pop("_history_user", None)  # left by an earlier save, it would win over ``by``
        record_changes([obj], by=by, reason=reason)
    return True


def save_if_unchanged(obj, *, by, version, related=(), reason="", **values):
    """``update_where`` on the version the user loaded; raises Changed if it is not the current one.

    ``related`` are (model, foreign key attname) pairs of history-tracked rows that belong to the
    record (its tags, a visit's purposes): their changes count as the record's."""
    if not update_where(obj, by=by, where={"version": version}, reason=reason, **values):
        raise Changed(type(obj)._default_manager.get(pk=obj.pk), seen=version, related=related)


def keep_typed(form, changed):
    """The form as the user sent it, now carrying the current version: saving it again after
    reading what changed is a deliberate overwrite, not another conflict."""
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = changed.version


def edits_since(obj, seen, *, related=()):
    """The saves made after version ``seen``, oldest first, from the history."""
    rows = list(obj.history.filter(version__gt=seen).select_related("history_user").order_by("history_date"))
    if not rows:
        return []
    previous = obj.history.filter(version__lte=seen).order_by("-history_date").first()
    edits = []
    for row in rows:
        edits.append(Edit(when=row.history_date, who=row.history_user, fields=_changed_fields(previous, row)))
        previous = row
    for model, owner in related:
        # A tag or a purpose is written just after its record's row, in the same save.
        links = model.history.filter(**{owner: obj.pk, "history_date__gte": rows[0].history_date})
        for link in links.order_by("history_date"):
            edit = [e for e in edits if e.when <= link.history_date][-1]
            if model._meta.verbose_name not in edit.fields:
                edit.fields.append(model._meta.verbose_name)
    return edits


def _changed_fields(previous, row):
    if previous is None:
        return []  # written before the history began: who and when is all there is
    return [
        f.verbose_name
        for f in type(row).tracked_fields
        if f.name not in BOOKKEEPING and getattr(previous, f.attname) != getattr(row, f.attname)
    ]
