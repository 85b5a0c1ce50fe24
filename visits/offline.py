"""What a grid worker's phone keeps to log visits without signal (the "offline pack"): the
households and shops of the worker's own grids, each household's residents as the visit form
shows them, due check-ins and open follow-ups. Only a grid worker gets one, only for the grids
they work (never what they merely see as a helper or staff), and it is bounded in size.
docs/security.md says what is kept on the phone and for how long."""

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from gridapp import scope
from gridapp.accounts import security
from gridapp.core.forms import MAX_PHOTOS
from gridapp.models import Grid, Household, Resident

from . import scope as visit_scope
from .checkins import with_due_dates
from .models import CareAssignment, Condition, Purpose

# A grid has a few hundred households and shops (Grid 1: 307 and 92); a pack larger than this
# says "incomplete" rather than grow without bound on a phone.
MAX_PLACES = 2000
# A queued photo is kept in the phone's storage until sent: smaller than the form's own limit.
OFFLINE_PHOTO_MAX_BYTES = 5 * 1024 * 1024
OFFLINE_MAX_PHOTOS = min(3, MAX_PHOTOS)

_due_on = with_due_dates(CareAssignment.objects.filter(resident=OuterRef("pk")))


def worker_grids(user):
    """The grids the user works as a grid worker: the only ones a phone may keep."""
    return Grid.objects.filter(pk__in=scope.for_user(user).worker_grid_ids).order_by("pk")


def expires_at(session):
    """When the session ends at the latest (its absolute lifetime), in epoch seconds: the pack
    is wiped on the phone then, whatever the network."""
    login_at = session.get(security.LOGIN_AT) or security.now()
    return login_at + settings.GRIDAPP_SESSION_LIFETIME


def _follow_ups(user, grid_ids):
    rows = {}
    for f in visit_scope.follow_ups(user).filter(grid_id__in=grid_ids, done_at__isnull=True).order_by("due_on"):
        key = ("household", f.visit.household_id) if f.visit.household_id else ("shop", f.visit.shop_id)
        rows.setdefault(key, []).append({"id": f.pk, "what": f.what, "due_on": f.due_on.isoformat()})
    return rows


def _resident(resident, sees_notes, today):
    due_on = resident.checkin_due_on
    return {
        "id": resident.pk,
        "name": resident.name,
        "age": resident.age_on(today),
        "care_level": resident.care.level.name if due_on is not None else "",
        "health_notes": resident.health_notes if sees_notes else "",
        "due_on": due_on.isoformat() if due_on else None,
        "due": due_on is not None and due_on <= today,
        # visits/forms.py: a resident with check-ins must be recorded on a new visit.
        "must_record": due_on is not None,
    }


def pack(user, session):
    """The pack as plain data (the view answers it as JSON)."""
    grids = list(worker_grids(user))
    grid_ids = [g.pk for g in grids]
    today = timezone.localdate()
    sees_notes = {g.pk: scope.can_see_health_notes(user, g) for g in grids}
    residents = (
        scope.residents(user)
        .filter(household__grid_id__in=grid_ids)
        .select_related("care__level")
        .annotate(checkin_due_on=Subquery(_due_on.values("due_on")[:1]))
        .order_by("-is_head", "date_of_birth")
    )
    households = list(
        scope.households(user)
        .filter(grid_id__in=grid_ids)
        .prefetch_related(Prefetch("residents", queryset=residents, to_attr="current"))
        .order_by("address")[: MAX_PLACES + 1]
    )
    shops = list(scope.shops(user).filter(grid_id__in=grid_ids).order_by("address")[: MAX_PLACES + 1])
    follow_ups = _follow_ups(user, grid_ids)
    complete = len(households) <= MAX_PLACES and len(shops) <= MAX_PLACES
    return {
        "user": user.pk,
        "expires": expires_at(session),
        "made_at": timezone.now().isoformat(),
        "complete": complete,
        "grids": [{"id": g.pk, "name": g.name} for g in grids],
        "households": [_household(h, sees_notes[h.grid_id], follow_ups, today) for h in households[:MAX_PLACES]],
        "shops": [
            {
                "id": s.pk,
                "grid": s.grid_id,
                "name": s.name,
                "address": s.address,
                "follow_ups": follow_ups.get(("shop", s.pk), []),
            }
            for s in shops[:MAX_PLACES]
        ],
        "purposes": Purpose.choices,
        "conditions": Condition.choices,
        "photo_max_bytes": OFFLINE_PHOTO_MAX_BYTES,
        "max_photos": OFFLINE_MAX_PHOTOS,
    }


def _household(household: Household, sees_notes, follow_ups, today):
    current: list[Resident] = household.current
    return {
        "id": household.pk,
        "grid": household.grid_id,
        "address": household.address,
        "head": household.head_name,
        "residents": [_resident(r, sees_notes, today) for r in current],
        "follow_ups": follow_ups.get(("household", household.pk), []),
    }
