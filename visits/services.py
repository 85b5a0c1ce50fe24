"""The writes of visits: log a visit, correct it (if nobody did since the user loaded it), close a
follow-up. Each is atomic."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from gridapp.core import versions

from . import alerts
from .checkins import refresh_last_seen
from .models import (
    HELP_CONDITIONS,
    FollowUp,
    HelpAlert,
    HelpHandled,
    Purpose,
    ResidentSeen,
    Visit,
    VisitPhoto,
    VisitPurpose,
)


class ClientIdTaken(Exception):
    """The client id of a submission is that of another user's visit (a tampered or colliding
    id): that visit is never returned nor changed."""


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
    follow-ups it settled. A resident recorded needing help or unwell raises an alert to the
    community's staff (``visits.alerts``). Returns (visit, created).

    The form's ``client_id`` makes a repeated submission (a double tap, a resubmission after a
    timeout, two requests racing) return the visit already saved instead of a second one. An id
    already used by another worker's visit raises ``ClientIdTaken``.
    """
    existing = Visit.objects.filter(client_id=client_id).first()
    if existing:
        return _same_worker(existing, worker), False
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
            alerts.settle_seen_again(visit=visit, conditions=conditions or {}, by=worker)
            alerts.raise_alerts(visit=visit, conditions=conditions or {}, by=worker, follow_up=follow_up)
            if follow_up:
                alerts.settle_by_follow_up(visit=visit, by=worker)
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
        return _same_worker(existing, worker), False
    return visit, True


def _same_worker(visit, worker):
    if visit.worker_id != worker.pk:
        raise ClientIdTaken(visit.client_id)
    return visit


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
    _correct_alerts(visit, conditions, by)
    return visit


def _correct_alerts(visit, conditions, by):
    """A correction that records a resident needing help alerts staff as logging it would; one
    that takes it back closes the alert ("corrected")."""
    alerted = set(visit.help_alerts.values_list("resident_id", flat=True))
    alerts.raise_alerts(visit=visit, conditions={r: c for r, c in conditions.items() if r.pk not in alerted}, by=by)
    still = {resident.pk: condition for resident, condition in conditions.items() if condition in HELP_CONDITIONS}
    alerts.settle(visit.help_alerts.exclude(resident__in=still), by=by, how=HelpHandled.CORRECTED)
    for resident_id, condition in still.items():  # "unwell" corrected to "needs help", or back
        visit.help_alerts.filter(resident_id=resident_id, handled_at__isnull=True).update(condition=condition)


def _remove(row, by):
    row._history_user = by  # the history names who, in a request or not
    row.delete()


def add_follow_up(*, visit, by, what, due_on):
    """A follow-up arranged after the visit was saved (the needs-help confirmation offers it),
    assigned to whoever arranges it. The same follow-up sent twice (a double tap) is saved once."""
    with transaction.atomic():
        Visit.objects.select_for_update().filter(pk=visit.pk).first()  # one arrangement at a time
        follow_up = FollowUp.objects.filter(visit=visit, what=what, due_on=due_on, done_at__isnull=True).first()
        if follow_up is None:
            follow_up = FollowUp(visit=visit, grid_id=visit.grid_id, what=what, due_on=due_on, assignee=by)
            follow_up._history_user = by
            follow_up.save(force_insert=True)
        alerts.settle_by_follow_up(visit=visit, by=by)
    return follow_up


def acknowledge_help_alert(*, alert, by):
    """Staff mark an alert handled; one already handled (by anyone, any way) stays as it was.
    Returns whether this call closed it."""
    return alerts.settle(HelpAlert.objects.filter(pk=alert.pk), by=by, how=HelpHandled.ACKNOWLEDGED) == 1


def settle_help_alerts_for_case(*, by, visit_id=None, household_ids=(), resident_ids=()):
    """Called by ``cases.services.case_report``: a case raised on the visit, about the household or
    by the resident answers their open alerts."""
    return alerts.settle_by_case(by=by, visit_id=visit_id, household_ids=household_ids, resident_ids=resident_ids)


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
