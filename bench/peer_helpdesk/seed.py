"""Fill the helpdesk peer's database: staff users, a few queues, 100,000 tickets with about five
follow-ups each, written with COPY. Run with the peer's virtualenv from this directory:

    var/peer/venv/bin/python bench/peer_helpdesk/seed.py [--tickets 100000] [--reset]

Refuses a database whose name does not end in ``_bench`` (helpdesk_site/settings.py) and one
that already has tickets, unless ``--reset``. Deterministic (``--seed``)."""

import argparse
import datetime
import io
import os
import random
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402

STAFF_USERNAME = "staff"
STAFF_PASSWORD = "peer-bench-staff"  # noqa: S105 - a throwaway benchmark account on 127.0.0.1
QUEUES = [("Road and lights", "roads"), ("Noise and neighbours", "noise"), ("Water and drains", "water")]
# (status, share): open and reopened are what the default list shows (status__in=[1, 2]).
STATUSES = [
    (Ticket.OPEN_STATUS, 0.30),
    (Ticket.REOPENED_STATUS, 0.05),
    (Ticket.RESOLVED_STATUS, 0.15),
    (Ticket.CLOSED_STATUS, 0.48),
    (Ticket.DUPLICATE_STATUS, 0.02),
]
WORDS = [
    "street",
    "lamp",
    "broken",
    "water",
    "leak",
    "noise",
    "neighbour",
    "parking",
    "bin",
    "rubbish",
    "pothole",
    "dog",
    "stairs",
    "roof",
    "light",
]
CHUNK = 10_000


def copy_rows(table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(r"\N" if value is None else str(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def sentence(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--followups", type=int, default=5, help="follow-ups per ticket, on average")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--open-share",
        type=float,
        default=0.35,
        help="share of open and reopened tickets, the ones the default list shows (0.35; our town has 0.085)",
    )
    parser.add_argument("--reset", action="store_true", help="delete the tickets there first")
    args = parser.parse_args()
    if not 0 < args.open_share < 1:
        parser.error("--open-share must be between 0 and 1")
    rng = random.Random(args.seed)
    started = time.monotonic()

    if Ticket.objects.exists():
        if not args.reset:
            count = Ticket.objects.count()
            print(f"The database already has {count:,} tickets: kept (--reset to write them again).")
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE helpdesk_ticketchange, helpdesk_followup, helpdesk_ticketcc, helpdesk_ticket "
                "RESTART IDENTITY CASCADE"
            )

    User = get_user_model()
    staff, _ = User.objects.get_or_create(
        username=STAFF_USERNAME, defaults={"is_staff": True, "email": "staff@example.org"}
    )
    staff.is_staff = True
    staff.set_password(STAFF_PASSWORD)
    staff.save()
    agents = [staff]
    for n in range(1, 5):
        agent, _ = User.objects.get_or_create(
            username=f"agent{n}", defaults={"is_staff": True, "email": f"agent{n}@example.org"}
        )
        agents.append(agent)
    queues = []
    for title, slug in QUEUES:
        queue, _ = Queue.objects.get_or_create(slug=slug, defaults={"title": title, "allow_email_submission": False})
        queues.append(queue)

    now = timezone.now()
    statuses = [status for status, _ in STATUSES]
    # Open and reopened keep their proportion to each other, and so do the rest, at --open-share.
    shown = STATUSES[0][1] + STATUSES[1][1]
    weights = [
        share * (args.open_share / shown if n < 2 else (1 - args.open_share) / (1 - shown))
        for n, (_, share) in enumerate(STATUSES)
    ]
    ticket_columns = [
        "id", "title", "created", "modified", "submitter_email", "status", "on_hold", "description",
        "resolution", "priority", "due_date", "assigned_to_id", "queue_id", "secret_key",
    ]  # fmt: skip
    followup_columns = ["id", "date", "title", "comment", "public", "new_status", "ticket_id", "user_id"]
    followup_id = 0
    with transaction.atomic():
        for first in range(1, args.tickets + 1, CHUNK):
            tickets, followups = [], []
            for ticket_id in range(first, min(first + CHUNK, args.tickets + 1)):
                created = now - datetime.timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
                status = rng.choices(statuses, weights)[0]
                assignee = rng.choice(agents).pk if rng.random() < 0.8 else None
                n_followups = rng.randint(max(0, args.followups - 3), args.followups + 3)
                when = created
                for _ in range(n_followups):
                    followup_id += 1
                    when += datetime.timedelta(minutes=rng.randrange(5, 3 * 24 * 60))
                    followups.append(
                        (followup_id, when.isoformat(), "Comment", sentence(rng, 20), rng.random() < 0.5,
                         None, ticket_id, rng.choice(agents).pk)
                    )  # fmt: skip
                closed = status in (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS, Ticket.DUPLICATE_STATUS)
                tickets.append(
                    (ticket_id, sentence(rng, 5).capitalize(), created.isoformat(), when.isoformat(),
                     f"resident{rng.randrange(20_000)}@example.org", status, False, sentence(rng, 40),
                     sentence(rng, 10) if closed else None, rng.randint(1, 5),
                     (created + datetime.timedelta(days=rng.randint(1, 30))).isoformat()
                     if rng.random() < 0.3 else None,
                     assignee, rng.choice(queues).pk, uuid.UUID(int=rng.getrandbits(128)))
                )  # fmt: skip
            copy_rows(Ticket._meta.db_table, ticket_columns, tickets)
            copy_rows(FollowUp._meta.db_table, followup_columns, followups)
            print(f"  {ticket_id:>7,} tickets, {followup_id:>9,} follow-ups, {time.monotonic() - started:6.1f} s")
        with connection.cursor() as cursor:
            for table in (Ticket._meta.db_table, FollowUp._meta.db_table):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{args.tickets:,} tickets, {followup_id:,} follow-ups in {time.monotonic() - started:.1f} s; "
        f"log in as {STAFF_USERNAME!r}."
    )


if __name__ == "__main__":
    main()
