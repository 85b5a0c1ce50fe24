"""Run the check-in sweep now, synchronously, and print what it did."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from visits import checkins


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be a date as YYYY-MM-DD, not {value!r}", returncode=2) from None


class Command(BaseCommand):
    help = "Find due and overdue check-ins, create reminders and escalations, and send the digests."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be sent; change nothing")
        parser.add_argument("--date", help="sweep as of this day (YYYY-MM-DD); default today in Asia/Shanghai")

    def handle(self, *args, dry_run=False, date=None, **options):
        today = _date(date) if date else None
        result = checkins.sweep(today=today, dry_run=dry_run)
        prefix = "[dry run] " if dry_run else ""
        if dry_run:
            self.stdout.write(f"{prefix}check-ins due on or before {result.today}: {result.due}")
        else:
            self.stdout.write(f"sweep of {result.today}")
        self.stdout.write(f"{prefix}reminders {'to create' if dry_run else 'created'}: {result.reminders_created}")
        if not dry_run:
            self.stdout.write(f"escalations created: {result.escalations_created}")
        self.stdout.write(f"{prefix}follow-ups falling due: {result.follow_ups_due}")
        if not dry_run:
            self.stdout.write(f"digests sent to workers: {result.digests}")
            self.stdout.write(f"escalation digests sent to community staff: {result.escalation_digests}")
