"""``seed()``: the whole demo world in one transaction, and nothing twice."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from cases.models import Case
from gridapp.models import Community, Resident
from gridapp.register import search_index
from visits.checkins import refresh_last_seen, suggested_rule
from visits.models import CareAssignment, CareLevel

from .accounts import ensure_accounts, ensure_departments
from .cases import CaseHistoryBuilder
from .hazards import HazardBuilder, build_facilities
from .places import COMMUNITY_CODE
from .visit_data import VISIT_HOURS
from .visits import VisitHistoryBuilder, date_help_alerts
from .world import WorldBuilder


def seed(*, reset_passwords=False, today=None):
    """Build the demo world and its visit history unless Dongluchi already exists; always
    ensure the departments and the accounts; add the case history if Dongluchi has no cases
    yet (so a database seeded before cases existed gets them on the next run).

    Returns (created, community, account rows, whether cases were added).
    """
    today = today or timezone.localdate()
    # Visits are never in the future; on a day other than today, that day ends at 18:00.
    end_of_day = timezone.make_aware(datetime.datetime.combine(today, VISIT_HOURS[-1][1]))
    now = min(timezone.now(), end_of_day)
    with transaction.atomic():
        community = Community.objects.filter(code=COMMUNITY_CODE).first()
        created = community is None
        if created:
            community = WorldBuilder(today).build()
            # The world is written with the ORM in bulk: its search keys in bulk too.
            search_index.refresh_grids(community.grids.all())
        departments = ensure_departments(community)
        rows = ensure_accounts(community, reset_passwords=reset_passwords, departments=departments)
        if created:
            VisitHistoryBuilder(community, today, now).build()
            assign_care_levels(community, today)
        cases_added = not Case.objects.filter(community=community).exists()
        if cases_added:
            # The services write translated notes ("Assigned to …") into the timeline.
            with translation.override(settings.LANGUAGE_CODE):
                CaseHistoryBuilder(community, departments, today, now).build()
        if created or cases_added:
            date_help_alerts(community, now)
        # A database seeded before hazards existed gets them on the next run.
        with translation.override(settings.LANGUAGE_CODE):
            HazardBuilder(community, today, now).build()
        build_facilities(community)
    return created, community, rows, cases_added


def assign_care_levels(community, today):
    """Give every resident the care level DOMAIN.md suggests for them (weekly, fortnightly,
    monthly check-ins), as a community would when it starts using gridapp."""
    levels = {level.suggest_for: level for level in CareLevel.objects.exclude(suggest_for="")}
    residents = Resident.objects.filter(household__grid__community=community, archived_at__isnull=True)
    assignments = []
    for resident in residents.prefetch_related("categories"):
        rule = suggested_rule(resident, resident.category_values(), today)
        if rule in levels:
            assignments.append(CareAssignment(resident=resident, level=levels[rule], assigned_on=today))
    CareAssignment.objects.bulk_create(assignments)
    refresh_last_seen([a.resident_id for a in assignments])
