"""Needs help raises a hand (issue 13, item 7).

A resident recorded needing help or unwell on a visit becomes a ``HelpAlert``: the community's
staff are told at once (inbox, e-mail, the group robot), and the alert stays open on their home
page until someone acts — a follow-up or a case is raised for the household, a later visit sees
the resident again, or a staff member marks it handled. Each is closed with one conditional
UPDATE, so two people acting at once close it once, and the first one is recorded.

The writes here run inside the services' transactions (``visits.services``); nothing here
starts one of its own.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from gridapp import notify
from gridapp.core.display import mask_phone, person
from gridapp.models import Notification, Role, RoleKind

from .models import HELP_CONDITIONS, Condition, HelpAlert, HelpHandled

MESSAGE_KIND = "help_alert"
NOTES_IN_MESSAGE = 200  # the rest is one tap away, on the visit's page


def raise_alerts(*, visit, conditions, by, follow_up=None):
    """An alert for each resident ``conditions`` records needing help or unwell, and one message
    to each staff member of the visit's community (never to the worker who logged the visit,
    nor to ``by``, who recorded it)."""
    helped = [(resident, condition) for resident, condition in conditions.items() if condition in HELP_CONDITIONS]
    if not helped:
        return []
    now = timezone.now()
    alerts = HelpAlert.objects.bulk_create(
        HelpAlert(visit=visit, resident=resident, grid_id=visit.grid_id, condition=condition, created_at=now)
        for resident, condition in helped
    )
    _tell_staff(visit, helped, follow_up, not_to={visit.worker_id, by.pk})
    return alerts


def settle(alerts, *, by, how):
    """Close the open ones of ``alerts`` (a queryset), recording who acted, how and when."""
    return alerts.filter(handled_at__isnull=True).update(handled_at=timezone.now(), handled_by=by, handled_how=how)


def settle_seen_again(*, visit, conditions, by):
    """A resident seen on this visit (any condition but "not at home") is no longer waiting on an
    earlier visit's alert: whatever they need now, this visit records (and alerts) it."""
    seen = [resident.pk for resident, condition in conditions.items() if condition != Condition.NOT_HOME]
    earlier = HelpAlert.objects.filter(resident__in=seen, visit__visited_at__lte=visit.visited_at).exclude(visit=visit)
    return settle(earlier, by=by, how=HelpHandled.SEEN_AGAIN)


def settle_by_follow_up(*, visit, by):
    """A follow-up arranged on a visit to a household answers its residents' alerts up to then."""
    if visit.household_id is None:
        return 0
    alerts = HelpAlert.objects.filter(
        resident__household_id=visit.household_id, visit__visited_at__lte=visit.visited_at
    )
    return settle(alerts, by=by, how=HelpHandled.FOLLOW_UP)


def settle_by_case(*, by, visit_id=None, household_ids=(), resident_ids=()):
    """A case reported on the visit, about the residents' households or by the resident."""
    concerned = Q(resident__household_id__in=list(household_ids)) | Q(resident_id__in=list(resident_ids))
    if visit_id is not None:
        concerned |= Q(visit_id=visit_id)
    return settle(HelpAlert.objects.filter(concerned), by=by, how=HelpHandled.CASE)


def told(visit):
    """The names of those the visit's alerts were sent to, for the worker's confirmation."""
    sent = Notification.objects.filter(kind=MESSAGE_KIND, link=reverse("visit_detail", args=[visit.pk]))
    users = get_user_model().objects.filter(pk__in=sent.values("recipient")).order_by("last_name", "first_name")
    return [person(user) for user in users]


def follow_up_text(alerts):
    """What the follow-up offered after a needs-help visit starts with: who, and why."""
    if not alerts:
        return ""
    return _("Look in on %(names)s (%(condition)s)") % {
        "names": "、".join(alert.resident.name for alert in alerts),
        "condition": Condition(_worst(alert.condition for alert in alerts)).label,
    }


def _worst(conditions):
    return min(conditions, key=HELP_CONDITIONS.index)


def _staff_of(community_id, not_to):
    return list(
        Role.objects.filter(kind=RoleKind.COMMUNITY_STAFF, community_id=community_id, user__is_active=True)
        .exclude(user__in=not_to)
        .values_list("user_id", flat=True)
        .distinct()
    )


def _tell_staff(visit, helped, follow_up, not_to):
    community_id = visit.grid.community_id
    recipients = _staff_of(community_id, not_to)
    if not recipients:
        return
    # Messages are written in the product's language: e-mails and the group robot have no
    # request to take one from (as the check-in digests).
    with override("zh-hans"):
        subject, body = _message(visit, helped, follow_up)
    notify.send_many(
        [
            notify.Message(
                recipient_id=user_id,
                kind=MESSAGE_KIND,
                subject=subject[:200],
                body=body,
                link=reverse("visit_detail", args=[visit.pk]),
                community_id=community_id,
                event=f"{MESSAGE_KIND}:{visit.pk}",  # the group robot posts it once
            )
            for user_id in recipients
        ]
    )


def _message(visit, helped, follow_up):
    worst = _worst(condition for _resident, condition in helped)
    subject = _("[%(condition)s] %(names)s · %(grid)s") % {
        "condition": Condition(worst).label,
        "names": "、".join(resident.name for resident, _condition in helped),
        "grid": visit.grid.name,
    }
    lines = []
    for resident, condition in helped:
        lines.append(
            _("%(name)s, %(age)d: %(condition)s · %(address)s")
            % {
                "name": resident.name,
                "age": resident.age,
                "condition": Condition(condition).label,
                "address": resident.household.address,
            }
        )
        lines.append(_emergency_contact(resident))
    when = timezone.localtime(visit.visited_at)
    lines.append(
        _("Visited by %(worker)s at %(when)s") % {"worker": person(visit.worker), "when": f"{when:%m-%d %H:%M}"}
    )
    if visit.notes:
        notes = visit.notes if len(visit.notes) <= NOTES_IN_MESSAGE else visit.notes[:NOTES_IN_MESSAGE] + "…"
        lines.append(_("Noted: %(notes)s") % {"notes": notes})
    if follow_up:
        lines.append(
            _("Follow-up: %(what)s, due %(due)s") % {"what": follow_up.what, "due": f"{follow_up.due_on:%m-%d}"}
        )
    return subject, "\n".join(lines)


def _emergency_contact(resident):
    """Masked: the message also leaves the app (e-mail, the group robot); the full number is one
    tap away on the resident's page, as in the overdue check-ins' escalation."""
    if not resident.emergency_contact_name and not resident.emergency_contact_phone:
        return _("Emergency contact: none on record")
    relation = f"（{resident.emergency_contact_relation}）" if resident.emergency_contact_relation else ""
    return _("Emergency contact: %(name)s %(phone)s") % {
        "name": f"{resident.emergency_contact_name}{relation}",
        "phone": mask_phone(resident.emergency_contact_phone),
    }
