"""The writes of visits: log a visit, correct it (if nobody did since the user loaded it), close a
follow-up. Each is atomic."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from gridapp.core import versions

from .checkins import refresh_last_seen
from .models import FollowUp, Purpose, ResidentSeen, Visit, VisitPhoto, VisitPurpose


@dataclass(frozen=True)
class NewFollowUp:
    what: str
    due_on: datetime.date
    assignee: object  # a User


def log_visit(
    *,
    worker,
    client_id,
    visited_at,
    household=None,
    shop=None,
    purposes=(Purpose.ROUTINE,),
    conditions=None,
    notes="",
    photos=(),
    campaign=None,
    follow_up=None,
    close_follow_ups=(),
):
    """Save a visit with the residents seen, photos and a new follow-up, and close the
    follow-ups it settled. Returns (visit, created).

    The form's ``client_id`` makes a repeated submission (a double tap, a resubmission after a
    timeout, two requests racing) return the visit already saved instead of a second one.
    """
    existing = Visit.objects.filter(client_id=client_id).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            visit = Visit(
                worker=worker,
                client_id=client_id,
                visited_at=visited_at,
                household=household,
                shop=shop,
                grid_id=(household or shop).grid_id,
                campaign=campaign,
                notes=notes,
            )
            visit._history_user = worker  # the history names the worker, in a request or not
            visit.save(force_insert=True)
            # bulk_create sends no signal: these write the purposes' and residents' history too.
            bulk_create_with_history(
                [VisitPurpose(visit=visit, purpose=p) for p in dict.fromkeys(purposes)],
                VisitPurpose,
                default_user=worker,
            )
            bulk_create_with_history(
                [
                    ResidentSeen(visit=visit, resident=resident, condition=condition)
                    for resident, condition in (conditions or {}).items()
                ],
                ResidentSeen,
                default_user=worker,
            )
            for photo in photos:
                VisitPhoto.objects.create(visit=visit, image=photo)
            if follow_up:
                FollowUp.objects.create(
                    visit=visit,
                    grid_id=visit.grid_id,
                    what=follow_up.what,
                    due_on=follow_up.due_on,
                    assignee=follow_up.assignee,
                )
            refresh_last_seen([resident.pk for resident in (conditions or {})])
            for open_follow_up in close_follow_ups:
                complete_follow_up(
                    follow_up=open_follow_up,
                    by=worker,
                    outcome=notes or _("Done, confirmed during the visit."),
                    visit=visit,
                )
    except IntegrityError:
        existing = Visit.objects.filter(client_id=client_id).first()
        if existing is None:
            raise
        return existing, False
    return visit, True


# Rows kept in the visit's history: a purpose added or a resident's condition is a change of it.
VISIT_LINKS = ((VisitPurpose, "visit_id"), (ResidentSeen, "visit_id"))


@transaction.atomic
def update_visit(*, visit, by, version, visited_at, purposes, conditions, notes, residents=None):
    """Correct a visit; the previous version stays in its history. Raises ``Changed`` (nothing
    saved) if someone corrected it since ``version``, the one the user loaded.

    ``residents`` are those the edit form listed (default: everyone the visit recorded); a
    resident not listed (say, one archived since) keeps what was recorded about them.
    """
    versions.save_if_unchanged(visit, by=by, version=version, related=VISIT_LINKS, visited_at=visited_at, notes=notes)
    for dropped in visit.purposes.exclude(purpose__in=purposes):
        _remove(dropped, by)
    have = set(visit.purposes.values_list("purpose", flat=True))
    # A purpose ticked twice (a form can post it twice) is saved once, as when the visit was logged.
    wanted = [p for p in dict.fromkeys(purposes) if p not in have]
    bulk_create_with_history([VisitPurpose(visit=visit, purpose=p) for p in wanted], VisitPurpose, default_user=by)
    seen = {s.resident_id: s for s in visit.residents_seen.all()}
    for resident, condition in conditions.items():
        record = seen.pop(resident.pk, None)
        if record is None:
            record = ResidentSeen(visit=visit, resident=resident)
        elif record.condition == condition:
            continue
        record.condition = condition
        record._history_user = by
        record.save()
    listed = set(seen) if residents is None else {resident.pk for resident in residents}
    for resident_id, record in seen.items():
        if resident_id in listed:
            _remove(record, by)  # set back to "not recorded"
    refresh_last_seen({*(resident.pk for resident in conditions), *seen})
    return visit


def _remove(row, by):
    row._history_user = by  # the history names who, in a request or not
    row.delete()


def complete_follow_up(*, follow_up, by, outcome, visit=None):
    """Close an open follow-up with its outcome; closing one already closed changes nothing."""
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if locked.done_at is not None:
            return False
        locked.done_at = timezone.now()
        locked.done_by = by
        locked.done_in_visit = visit
        locked.outcome = outcome
        locked.save(update_fields=["done_at", "done_by", "done_in_visit", "outcome"])
    follow_up.refresh_from_db()
    return True
