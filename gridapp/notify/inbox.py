"""The inbox as a list of what to do: unread messages grouped by their kind, in the order they
are best dealt with, each group with its count; the messages already read below, newest first.

Grouped by kind rather than by case: a staff member scanning thirty messages is looking for what
needs them — three resolutions to verify, two returns from departments, five new reports — and
deals with a kind at a time (verifying is one walk, registering another), as the desk groups its
work. Messages about one case seldom pile up within a kind: each hand-off moves the case on to
someone else. Opening a message marks it read; it then leaves its group for the list below.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Each group: its title and the message kinds it gathers, in the order they are best dealt with:
# people first, then what is late, what came back, what waits for a check, what is new.
# A kind not listed falls into "Other messages" (a new kind of message: one line here).
GROUPS = (
    (_("Residents who need help"), ("help_alert",)),
    (_("Overdue cases"), ("case_overdue",)),
    (_("Not fixed, back with you"), ("case_rework",)),
    # The desk has headings of the same words: these are entries of their own ("inbox").
    (pgettext_lazy("inbox", "Returned by departments"), ("case_return",)),
    (pgettext_lazy("inbox", "Resolved, to verify"), ("case_resolve",)),
    (_("Escalated to the community"), ("case_escalate",)),
    (_("Referred to your department"), ("case_dispatch", "case_add_assist")),  # as the lead, or to assist
    (_("Assisting parts done"), ("case_assist_done",)),
    (_("Reopened"), ("case_reopen",)),
    (_("New reports"), ("case_report",)),
    (_("Assigned to you"), ("case_assigned", "case_refer_officer")),  # the grid's officer: referred to him
    (_("Check-ins"), ("checkin_digest", "checkin_escalation")),
)
OTHER = _("Other messages")
GROUP_OF = {kind: n for n, (_title, kinds) in enumerate(GROUPS) for kind in kinds}

# Unread messages shown at most; past it the page says how many more ("mark all as read" clears
# them). A user who never reads would otherwise load thousands on every visit.
UNREAD_SHOWN = 200


@dataclass
class Group:
    title: str
    rows: list = field(default_factory=list)


def row(notification):
    """One tappable line (``includes/item_row.html``): the subject, the body's first line, when."""
    return {
        "label": notification.subject,
        "url": reverse("notification_detail", args=[notification.pk]),
        "detail": notification.body.split("\n", 1)[0],
        "when": timezone.localtime(notification.created_at).strftime("%m-%d %H:%M"),
        "urgent": notification.kind in ("case_overdue", "help_alert"),
    }


def grouped(unread):
    """The unread messages (newest first) in their groups, in the groups' order; empty groups left out."""
    groups = [Group(title) for title, _kinds in GROUPS] + [Group(OTHER)]
    for notification in unread:
        groups[GROUP_OF.get(notification.kind, len(GROUPS))].rows.append(row(notification))
    return [group for group in groups if group.rows]
