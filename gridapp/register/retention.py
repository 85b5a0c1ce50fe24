"""The retention job promised in docs/security.md ("3. Retention"): what has been archived for
longer than the retention periods is erased or anonymised, the statistics are kept.

Two stages, each a period after archiving (a resident's own archiving, or her household's):

- ``GRIDAPP_RETENTION_SENSITIVE_DAYS`` (6 months): a resident's health notes and emergency
  contact are erased: no care task is left for them.
- ``GRIDAPP_RETENTION_IDENTITY_DAYS`` (3 years): the resident is anonymised — name replaced by
  "已注销居民 #id", ID number and mobile erased, date of birth reduced to its year — and so is an
  archived household: head's name "已注销住户 #id", phones, landlord details and notes erased.

The records stay (their visits, check-ins and cases point to them, so every count per grid,
period, kind or age group is what it was); only the people in them go. Their history rows are
rewritten the same way (the old versions held the same names), a new version says the retention
job did it, and their search keys are rewritten. Run daily by beat
(``gridapp.register.tasks.anonymise_archived``); each run does only what is due and not done, a
thousand records a transaction, so a second run, or one run again after its worker died, changes
nothing twice.
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat, TruncYear
from django.utils import timezone

from gridapp.core import history
from gridapp.models import Household, Resident

from . import search_index

logger = logging.getLogger(__name__)

REASON = "retention"
RESIDENT_PLACEHOLDER = "已注销居民 #"
HOUSEHOLD_PLACEHOLDER = "已注销住户 #"
SENSITIVE = {
    "health_notes": "",
    "emergency_contact_name": "",
    "emergency_contact_phone": "",
    "emergency_contact_relation": "",
}


def _resident_identity(pk_field):
    return {
        **SENSITIVE,
        "name": Concat(Value(RESIDENT_PLACEHOLDER), Cast(pk_field, CharField())),
        "id_number": "",
        "mobile": "",
        "date_of_birth": TruncYear("date_of_birth"),
    }


def _household_identity(pk_field):
    return {
        "head_name": Concat(Value(HOUSEHOLD_PLACEHOLDER), Cast(pk_field, CharField())),
        "phone": "",
        "landlord_name": "",
        "landlord_phone": "",
        "landlord_address": "",
        "notes": "",
    }


@dataclasses.dataclass
class RetentionResult:
    sensitive_erased: int = 0  # residents whose health notes and emergency contact were erased
    residents_anonymised: int = 0
    households_anonymised: int = 0


def _archived_before(cutoff):
    """Residents archived (themselves, or with their household) on or before ``cutoff``."""
    return Q(archived_at__lte=cutoff) | Q(archived_at__isnull=True, household__archived_at__lte=cutoff)


# Records erased per transaction: a first run over years of archives commits as it goes, and a
# run stopped by its time limit or a dead worker keeps what it finished (the next night goes on).
BATCH = 1000


def _next_ids(queryset):
    return list(queryset.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True)[:BATCH])


def anonymise_archived(now=None):
    """Erase and anonymise what is due; returns the counts (all zero when nothing was due)."""
    now = now or timezone.now()
    sensitive_cutoff = now - datetime.timedelta(days=settings.GRIDAPP_RETENTION_SENSITIVE_DAYS)
    identity_cutoff = now - datetime.timedelta(days=settings.GRIDAPP_RETENTION_IDENTITY_DAYS)
    residents = Resident._base_manager.filter(anonymised_at__isnull=True)
    has_sensitive = (
        Q(health_notes__gt="")
        | Q(emergency_contact_name__gt="")
        | Q(emergency_contact_phone__gt="")
        | Q(emergency_contact_relation__gt="")
    )
    households = Household._base_manager.filter(anonymised_at__isnull=True, archived_at__lte=identity_cutoff)
    # (what is counted, the records due — each stage's UPDATE takes them out of it —, what is
    # written, whether they are anonymised, their search keys to rewrite)
    stages = (
        ("residents_anonymised", residents.filter(_archived_before(identity_cutoff)), _resident_identity, "residents"),
        ("sensitive_erased", residents.filter(_archived_before(sensitive_cutoff), has_sensitive), SENSITIVE, None),
        ("households_anonymised", households, _household_identity, "households"),
    )
    result = RetentionResult()
    for counted, due, values, keys in stages:
        while True:
            with transaction.atomic():
                ids = _next_ids(due)
                if not ids:
                    break
                _erase(due.model, ids, values, now if keys else None)
                if keys:
                    search_index.refresh(**{keys: ids})
            setattr(result, counted, getattr(result, counted) + len(ids))
    if result != RetentionResult():
        logger.info("retention: %s", dataclasses.asdict(result))
    return result


def _erase(model, ids, values, anonymised_at):
    """Blank the fields of these records and of every one of their history rows, then record a
    version saying the retention job did it."""
    if not ids:
        return
    current = values("pk") if callable(values) else values
    past = values("id") if callable(values) else values
    extra = {"anonymised_at": anonymised_at} if anonymised_at else {}
    model._base_manager.filter(pk__in=ids).update(
        **current, **extra, version=F("version") + 1, updated_at=timezone.now()
    )
    model.history.model.objects.filter(id__in=ids).update(**past)
    history.record_changes(model._base_manager.filter(pk__in=ids), by=None, reason=REASON)
