"""The case events API clients are sent (docs/api.md, "Outgoing events"): which lifecycle entry is
which event, what its payload holds, and which clients may be told — those whose user sees the
case, through the same scope as the pages (``cases.scope``). ``cases.services`` calls
``publish`` in the transaction that writes the entry; ``gridapp.notify.events`` signs and posts.

The payload holds what the complainant may know and no more: the case's number, title, category,
state and level, its deadline and times, and the entry's note only when it is a public one.
Never the description, the complainant, the households or anyone's phone."""

from gridapp.models import WebhookEvent
from gridapp.notify import events

from . import scope
from .models import State


def event_type(entry):
    """The event an entry of the timeline is, or None for one that changes no state (a note, an
    assignment, a mediation record, an extension asked)."""
    if entry.action == "report":
        return WebhookEvent.CREATED
    if entry.action == "feedback":
        return WebhookEvent.FEEDBACK
    if entry.from_state == entry.to_state:
        return None
    if entry.to_state == State.CLOSED:
        return WebhookEvent.CLOSED
    return WebhookEvent.STATE_CHANGED


def payload(case, entry):
    return {
        "case": {
            "number": case.number,
            "title": case.title,
            "category": case.category.name,
            "priority": case.priority,
            "channel": case.channel,
            "state": case.state,
            "level": case.level,
            "due_at": events.iso(case.due_at),
            "reported_at": events.iso(case.reported_at),
            "closed_at": events.iso(case.closed_at),
            "close_reason": case.close_reason,
            "version": case.version,
        },
        "entry": {
            "action": entry.action,
            "from_state": entry.from_state,
            "to_state": entry.to_state,
            "level": entry.level,
            "note": entry.note if entry.public else "",
            "satisfaction": entry.satisfaction,
        },
    }


def publish(case, entry):
    """Queue the event ``entry`` is, if any, for each client that asked for it and sees ``case``."""
    kind = event_type(entry)
    if kind is None:
        return None
    clients = [c for c in events.subscribers(kind) if scope.cases(c.user).filter(pk=case.pk).exists()]
    if not clients:
        return None
    return events.publish(event_type=kind, occurred_at=entry.created_at, data=payload(case, entry), clients=clients)
