"""The morning's messages of the sweep (``checkins.sweep``): each grid worker's digest and each
community staff member's escalation, as lists of tappable items riskiest first.

A worker's digest has three groups, in this order: the follow-ups falling due (each one the
worker set at a door for a reason, such as a broken ventilator; few a day), then the check-ins
overdue, then those due today, each group ordered by ``risk``. So Ren Aixiang, 86, alone, on a
ventilator and weekly, and her ventilator follow-up come first. Every item opens the visit form
of the household (or shop) it concerns.

Only what the sweep inserted is announced (its ``sweep_id``), so each reminder is in one digest.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from gridapp import notify
from gridapp.core.display import due_in_words, mask_phone
from gridapp.models import Role, RoleKind

from . import risk
from .hazards import reminders as hazard_reminders
from .models import FollowUp, Reminder, ReminderKind

CHUNK = 5000


@dataclass
class _Digest:
    """One worker's items, each group already in risk order."""

    community_id: int | None = None
    follow_ups: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    due_today: list = field(default_factory=list)
    hazards: list = field(default_factory=list)


def send_worker_digests(sweep_id, follow_up_ids, today):
    """One message per worker listing their residents due and their follow-ups due."""
    with override("zh-hans"):
        by_grid = _checkin_items(sweep_id, today)
        hazards = hazard_reminders.items_by_grid(sweep_id, today)
        digests = defaultdict(_Digest)
        for user_id, grid_id, community_id in Role.objects.filter(
            kind=RoleKind.GRID_WORKER, grid_id__in=[*by_grid, *hazards]
        ).values_list("user_id", "grid_id", "grid__community_id"):
            overdue, due_today = by_grid.get(grid_id, ((), ()))
            digests[user_id].community_id = community_id
            digests[user_id].overdue += overdue
            digests[user_id].due_today += due_today
            digests[user_id].hazards += hazards.get(grid_id, ())
        for assignee_id, community_id, item in _follow_up_items(follow_up_ids, today):
            digests[assignee_id].follow_ups.append(item)
            digests[assignee_id].community_id = digests[assignee_id].community_id or community_id
        messages = [_worker_digest(user_id, digest) for user_id, digest in sorted(digests.items())]
    notify.send_many(messages)
    return len(messages)


def _checkin_items(sweep_id, today):
    """{grid id: (overdue items, due-today items)} of the reminders this sweep inserted."""
    rows = risk.with_checkin_risk(Reminder.objects.filter(sweep_id=sweep_id, kind=ReminderKind.REMINDER), today)
    rows = rows.order_by("resident__household__grid_id", *risk.checkin_order("resident__care__level")).values_list(
        "resident__household__grid_id",
        "resident__household_id",
        "resident__name",
        "resident__date_of_birth",
        "resident__household__address",
        "risk_equipment",
        "due_on",
    )
    by_grid = defaultdict(lambda: ([], []))
    for grid_id, household_id, name, born, address, equipment, due_on in rows.iterator(chunk_size=CHUNK):
        cues = [_("%(age)s years") % {"age": _age(born, today)}]
        if equipment:
            cues.append(_("on medical equipment"))
        item = notify.Item(
            label=name,
            url=reverse("visit_household", args=[household_id]),
            detail=" · ".join([*cues, address]),
            when=due_in_words(due_on, today),
            urgent=due_on < today,
        )
        by_grid[grid_id][0 if due_on < today else 1].append(item)
    return by_grid


def _follow_up_items(follow_up_ids, today):
    """(assignee, community, item) of each follow-up falling due, riskiest household first."""
    rows = risk.follow_ups_by_risk(FollowUp.objects.filter(pk__in=follow_up_ids), today).values_list(
        "assignee_id",
        "grid__community_id",
        "what",
        "due_on",
        "visit__household_id",
        "visit__household__address",
        "visit__shop_id",
        "visit__shop__name",
        "visit__shop__address",
    )
    for assignee_id, community_id, what, due_on, household_id, address, shop_id, shop, shop_address in rows:
        if household_id:
            url, detail = reverse("visit_household", args=[household_id]), address
        else:
            url, detail = reverse("visit_shop", args=[shop_id]), f"{shop} · {shop_address}"
        when = due_in_words(due_on, today)
        yield assignee_id, community_id, notify.Item(what, url, detail, when, urgent=due_on < today)


def _worker_digest(user_id, digest):
    checkins = len(digest.overdue) + len(digest.due_today)
    subject = _("Today: %(checkins)d check-ins and %(follow_ups)d follow-ups due") % {
        "checkins": checkins,
        "follow_ups": len(digest.follow_ups),
    }
    sections = (
        notify.Section(_("Follow-ups due"), tuple(digest.follow_ups)),
        notify.Section(_("Check-ins overdue"), tuple(digest.overdue)),
        notify.Section(_("Check-ins due today"), tuple(digest.due_today)),
        hazard_reminders.section(digest.hazards),
    )
    return notify.Message(
        recipient_id=user_id,
        kind="checkin_digest",
        subject=subject,
        body=plain_text(sections),
        link=reverse("checkins"),
        community_id=digest.community_id,
        sections=sections,
    )


def plain_text(sections):
    """The sections as lines of text, for the inbox of old and the e-mail's text part."""
    lines = []
    for section in sections:
        if section.items:
            lines.append(_("%(title)s (%(n)d)") % {"title": section.title, "n": len(section.items)})
            lines += [" ".join(p for p in ("·", item.label, item.detail, item.when) if p) for item in section.items]
    return "\n".join(lines)


def _age(born, today):
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def send_escalations(sweep_id, today):
    """One message per community staff member listing residents overdue past their grace,
    riskiest first, each opening the resident's page (where the emergency contact's number is).

    The emergency contact's phone is masked: the message also goes by e-mail and to the
    community's group-robot chat; the number is one tap away on the resident's page."""
    by_community = defaultdict(list)
    rows = risk.with_checkin_risk(Reminder.objects.filter(sweep_id=sweep_id, kind=ReminderKind.ESCALATION), today)
    rows = rows.order_by(*risk.checkin_order("resident__care__level")).values_list(
        "resident__household__grid__community_id",
        "resident_id",
        "resident__household__grid__name",
        "resident__name",
        "resident__household__address",
        "due_on",
        "resident__emergency_contact_name",
        "resident__emergency_contact_phone",
    )
    with override("zh-hans"):
        for community_id, resident_id, grid, name, address, due_on, contact, phone in rows.iterator(chunk_size=CHUNK):
            detail = [grid, address]
            if contact:
                detail.append(_("emergency contact %(name)s %(phone)s") % {"name": contact, "phone": mask_phone(phone)})
            by_community[community_id].append(
                notify.Item(
                    label=name,
                    url=reverse("resident_detail", args=[resident_id]),
                    detail=" · ".join(detail),
                    when=due_in_words(due_on, today),
                    urgent=True,
                )
            )
        staff = Role.objects.filter(kind=RoleKind.COMMUNITY_STAFF, community_id__in=by_community).values_list(
            "user_id", "community_id"
        )
        messages = []
        for user_id, community_id in staff:
            items = tuple(by_community[community_id])
            sections = (notify.Section(_("Overdue past the grace days"), items),)
            messages.append(
                notify.Message(
                    recipient_id=user_id,
                    kind="checkin_escalation",
                    subject=_("%(n)d residents are overdue for a check-in") % {"n": len(items)},
                    body=plain_text(sections),
                    link=reverse("checkins"),
                    community_id=community_id,
                    sections=sections,
                )
            )
    notify.send_many(messages)
    return len(messages)
