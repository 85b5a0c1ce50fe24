"""Build the demo world of DOMAIN.md: Dongluchi Community with Grid 1 (307 households, 92 shops)
and Grid 2, the stories' people and places, one demo account per role, the last weeks of
visits (Wu's and Chen's check-ins, Ren Aixiang's ventilator follow-up and the shop campaign),
the town's departments, and the last three months of cases (stories 3, 4 and 5 among them).

Idempotent: if Dongluchi already exists, only the departments, the demo accounts and their roles
are ensured — and the cases added if Dongluchi has none yet.

Development only: with DEBUG off it refuses unless given --allow-without-debug, and then gives
the demo accounts unusable passwords instead of the published one (gridapp.devtools.demo.accounts).
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Min, Q
from django.utils import timezone

from cases.models import OPEN_STATES, Case, Department, MediationRecord, Satisfaction, State
from gridapp.devtools.demo import accounts
from gridapp.devtools.demo.seed import seed
from gridapp.models import Resident
from visits.models import Campaign, CareAssignment, Condition, FollowUp, ResidentSeen, Visit, VisitPurpose
from visits.selectors import campaign_coverage


class Command(BaseCommand):
    help = "Create the Dongluchi demo register and the demo accounts (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help=f"Set every demo account's password back to {accounts.DEMO_PASSWORD!r} (development only).",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Build the demo world with DEBUG off (a staging server, say). The demo accounts then get "
            "unusable passwords, never the published one: set one with manage.py changepassword.",
        )

    def handle(self, *args, reset_passwords=False, allow_without_debug=False, **options):
        refuse_outside_development(reset_passwords=reset_passwords, allow_without_debug=allow_without_debug)
        started = time.monotonic()
        created, community, rows, cases_added = seed(reset_passwords=reset_passwords)
        elapsed = time.monotonic() - started

        if created:
            self.stdout.write(self.style.SUCCESS(f"Seeded {community} ({community.code}) in {elapsed:.1f}s."))
        elif cases_added:
            message = f"{community} ({community.code}) already seeded; demo accounts ensured; cases added"
            self.stdout.write(self.style.SUCCESS(f"{message} in {elapsed:.1f}s."))
        else:
            self.stdout.write(f"{community} ({community.code}) already seeded; demo accounts ensured.")
        self.write_counts(community)
        self.write_visits(community)
        self.write_care(community)
        self.write_cases(community)
        self.write_accounts(rows)

    def write_cases(self, community):
        cases = Case.objects.filter(community=community)
        first = cases.aggregate(first=Min("reported_at"))["first"]
        if first is None:
            self.stdout.write("  Cases: none")
            return
        by_state = dict(cases.values_list("state").annotate(n=Count("pk")).order_by())
        now = timezone.now()
        overdue = cases.filter(state__in=OPEN_STATES, due_at__lt=now).count()
        reworked = cases.filter(rework_count__gt=0).count()
        self.stdout.write(
            f"  Cases: {cases.count()} since {timezone.localtime(first):%Y-%m-%d} ("
            + ", ".join(f"{state} {by_state[state]}" for state in State.values if state in by_state)
            + f"); {overdue} overdue now, {reworked} reworked"
        )
        by_level = dict(cases.filter(closed_at__isnull=False).values_list("level").annotate(n=Count("pk")).order_by())
        feedback = dict(cases.exclude(satisfaction="").values_list("satisfaction").annotate(n=Count("pk")).order_by())
        mediations = MediationRecord.objects.filter(case__community=community)
        self.stdout.write(
            "  Closed by level: "
            + ", ".join(f"{level} {n}" for level, n in sorted(by_level.items()))
            + "; feedback: "
            + ", ".join(f"{s} {feedback.get(s, 0)}" for s in Satisfaction.values)
            + f"; mediation records {mediations.count()} ({mediations.filter(kept=True).count()} kept)"
        )
        departments = Department.objects.filter(town=community.town).annotate(
            total=Count("cases", filter=Q(cases__community=community)),
            open=Count("cases", filter=Q(cases__community=community, cases__state__in=OPEN_STATES)),
        )
        self.stdout.write(
            "  Departments: " + ", ".join(f"{d.name} {d.total} ({d.open} open)" for d in departments.order_by("pk"))
        )

    def write_care(self, community):
        levels = (
            CareAssignment.objects.filter(resident__household__grid__community=community)
            .values_list("level__name")
            .annotate(n=Count("pk"))
            .order_by("level__cadence_days")
        )
        self.stdout.write("  care levels: " + ", ".join(f"{name} {n}" for name, n in levels))

    def write_counts(self, community):
        live = Q(households__archived_at__isnull=True)
        grids = community.grids.annotate(
            n_households=Count("households", filter=live, distinct=True),
            n_shops=Count("shops", filter=Q(shops__archived_at__isnull=True), distinct=True),
        )
        for grid in grids:
            residents = Resident.objects.filter(household__grid=grid, archived_at__isnull=True)
            elderly = sum(1 for r in residents.only("date_of_birth") if r.age >= 60)
            total = residents.count()
            self.stdout.write(
                f"  {grid.name} (Grid {grid.number}): {grid.n_households} households, {total} residents "
                f"({elderly} aged 60+), {grid.n_shops} shops"
            )

    def write_visits(self, community):
        visits = Visit.objects.filter(grid__community=community)
        first = visits.aggregate(first=Min("visited_at"))["first"]
        if first is None:
            self.stdout.write("  Visits: none")
            return
        by_worker = ", ".join(
            f"{row['worker__last_name']}{row['worker__first_name']} {row['n']}"
            for row in visits.values("worker__last_name", "worker__first_name").annotate(n=Count("pk")).order_by("-n")
        )
        purposes = ", ".join(
            f"{row['purpose']} {row['n']}"
            for row in VisitPurpose.objects.filter(visit__in=visits)
            .values("purpose")
            .annotate(n=Count("pk"))
            .order_by("-n", "purpose")
        )
        self.stdout.write(
            f"  Visits: {visits.count()} since {timezone.localtime(first):%Y-%m-%d} ({by_worker}; {purposes})"
        )
        seen = dict(
            ResidentSeen.objects.filter(visit__in=visits).values_list("condition").annotate(n=Count("pk")).order_by()
        )
        self.stdout.write("  Residents seen: " + ", ".join(f"{c} {seen.get(c, 0)}" for c in Condition.values))
        today = timezone.localdate()
        follow_ups = FollowUp.objects.filter(grid__community=community)
        open_ = follow_ups.filter(done_at__isnull=True)
        self.stdout.write(
            f"  Follow-ups: {open_.count()} open ({open_.filter(due_on__lt=today).count()} overdue, "
            f"{open_.filter(due_on=today).count()} due today, {open_.filter(due_on__gt=today).count()} later), "
            f"{follow_ups.filter(done_at__isnull=False).count()} done"
        )
        for campaign in Campaign.objects.filter(grids__community=community).distinct().select_related("created_by"):
            visited, total = campaign_coverage(campaign.created_by, campaign)
            self.stdout.write(
                f"  Campaign {campaign.name} ({campaign.starts_on} – {campaign.ends_on}): "
                f"visited {visited} of {total} {campaign.get_target_display().lower()}, {total - visited} left"
            )

    def write_accounts(self, rows):
        self.stdout.write("")
        # The name goes last: its Chinese characters are double width and would skew the columns.
        header = ("username", "password", "role", "name")
        table = [header]
        for username, name, label, password_state, note in rows:
            password = self.password_cell(password_state)
            table.append((username, password, f"{label} [{note}]" if note else label, name))
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        for index, row in enumerate(table):
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))

    @staticmethod
    def password_cell(state):
        if state == accounts.PUBLISHED:
            return accounts.DEMO_PASSWORD
        if state == accounts.UNUSABLE:
            return "(unusable; manage.py changepassword)"
        return "(unchanged; --reset-passwords)" if settings.DEBUG else "(unchanged)"


def refuse_outside_development(*, reset_passwords, allow_without_debug):
    """With DEBUG off, refuse before anything is written unless asked explicitly; and never set
    the published password there."""
    if settings.DEBUG:
        return
    if not allow_without_debug:
        raise CommandError(
            "seed_demo refuses to run with DEBUG off: it builds a demo world of invented residents and "
            "accounts for every role, for development. Run it with DEBUG=true, or pass "
            "--allow-without-debug to build it anyway (the demo accounts then get unusable passwords)."
        )
    if reset_passwords:
        raise CommandError(
            "--reset-passwords sets the published demo password, which is never given with DEBUG off; "
            "set a demo account's password with manage.py changepassword instead."
        )
