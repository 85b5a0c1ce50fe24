"""The writes of the hazard register: each keyword-only and atomic, with its history."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..hazard_models import OPEN_STATES, Hazard, HazardPhoto, HazardRecheck, HazardState, RecheckResult, RiskLevel

# "Worse" raises the risk one level (so the next recheck comes sooner).
RAISED = {RiskLevel.LOW: RiskLevel.MEDIUM, RiskLevel.MEDIUM: RiskLevel.HIGH, RiskLevel.HIGH: RiskLevel.HIGH}


class HazardClosed(Exception):
    """The hazard is rectified or closed: no recheck, no second close. Nothing was saved."""

    message = _("This hazard is already rectified or closed; nothing was saved.")


def cadence_days(risk):
    """Days between rechecks at this risk level (settings.HAZARD_RECHECK_DAYS)."""
    return settings.HAZARD_RECHECK_DAYS[risk]


def next_recheck(risk, day):
    return day + datetime.timedelta(days=cadence_days(risk))


@transaction.atomic
def record_hazard(
    *,
    by,
    grid,
    kind,
    risk,
    description,
    building=None,
    household=None,
    shop=None,
    place="",
    responsible_resident=None,
    responsible_shop=None,
    deadline=None,
    photos=(),
    found_at=None,
):
    """Record a hazard found in ``grid``; its first recheck falls a cadence after it was found."""
    found_at = found_at or timezone.now()
    hazard = Hazard(
        grid=grid,
        building=building,
        household=household,
        shop=shop,
        place=place,
        kind=kind,
        risk=risk,
        description=description,
        found_by=by,
        found_at=found_at,
        responsible_resident=responsible_resident,
        responsible_shop=responsible_shop,
        deadline=deadline,
        recheck_due_on=next_recheck(risk, timezone.localdate(found_at)),
    )
    hazard._history_user = by
    hazard.save(force_insert=True)
    for photo in photos:
        HazardPhoto.objects.create(hazard=hazard, image=photo)
    return hazard


def _locked_open(hazard):
    """The hazard's row, locked; HazardClosed if it is no longer open."""
    locked = Hazard.objects.select_for_update().get(pk=hazard.pk)
    if locked.state not in OPEN_STATES:
        raise HazardClosed(HazardClosed.message)
    return locked


@transaction.atomic
def recheck(*, hazard, by, result, note="", photos=(), checked_at=None):
    """A recheck: rectified ends the rechecks; not yet (or worse, which raises the risk) sets the
    next one a cadence from today. Refused (HazardClosed) once the hazard is rectified or closed."""
    checked_at = checked_at or timezone.now()
    locked = _locked_open(hazard)
    done = HazardRecheck.objects.create(hazard=locked, result=result, note=note, checked_at=checked_at, checked_by=by)
    for photo in photos:
        HazardPhoto.objects.create(hazard=locked, recheck=done, image=photo)
    if result == RecheckResult.RECTIFIED:
        locked.state = HazardState.RECTIFIED
        locked.recheck_due_on = None
        locked.closed_at, locked.closed_by = checked_at, by
    else:
        if result == RecheckResult.WORSE:
            locked.risk = RAISED[locked.risk]
        if locked.state == HazardState.OPEN:
            locked.state = HazardState.RECTIFYING
        locked.recheck_due_on = next_recheck(locked.risk, timezone.localdate(checked_at))
    locked._history_user = by
    locked.save()
    return done


@transaction.atomic
def close(*, hazard, by, note):
    """Close a hazard without a rectification (no longer there, a false report), saying why."""
    locked = _locked_open(hazard)
    locked.state = HazardState.CLOSED
    locked.recheck_due_on = None
    locked.closed_at, locked.closed_by, locked.closing_note = timezone.now(), by, note
    locked._history_user = by
    locked.save()
    return locked


@transaction.atomic
def mark_escalated(*, hazard, by):
    """A case was reported for the hazard (cases.services.case_report): it is escalated, and
    still rechecked until the case closes."""
    locked = Hazard.objects.select_for_update().filter(pk=hazard.pk, state__in=OPEN_STATES).first()
    if locked is not None:
        locked.state = HazardState.ESCALATED
        locked._history_user = by
        locked.save()


def closed_with_case(*, hazard_id, by, note, now=None):
    """The hazard's case closed as fixed (cases.effects.close_hazard): the hazard is closed."""
    hazard = Hazard.objects.select_for_update().filter(pk=hazard_id, state__in=OPEN_STATES).first()
    if hazard is None:
        return None
    hazard.state = HazardState.CLOSED
    hazard.recheck_due_on = None
    hazard.closed_at, hazard.closed_by, hazard.closing_note = now or timezone.now(), by, note
    hazard._history_user = by
    hazard.save()
    return hazard
