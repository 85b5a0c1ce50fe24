"""Personal data beyond what pages show (PIPL): revealing a resident's full ID number, and the
access log that every such reveal, export or printed case sheet writes. Who may read the log:
``scope.access_logs``.

Masking itself is in ``gridapp.templatetags.gridapp_tags`` (``mask_id``, ``mask_phone``).
"""

import datetime
import ipaddress
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from gridapp import scope
from gridapp.models import DataAccess, DataAccessLog

log = logging.getLogger("gridapp.security")

REVEAL_ID_PERMISSION = "gridapp.reveal_id_number"
VIEW_LOG_PERMISSION = "gridapp.view_dataaccesslog"
EXPORT_PERMISSION = scope.EXPORT_PERMISSION


def can_export(user):
    """Whether to offer exports and the typhoon roster (what they cover is still the scope)."""
    return user.has_perm(EXPORT_PERMISSION)


def can_reveal_id(user, resident):
    """Whether to offer the reveal on the resident's page (the scope has already let the user in)."""
    return bool(resident.id_number) and scope.holds(user, REVEAL_ID_PERMISSION, resident.household.grid.community_id)


def reveal_id_number(*, resident, by, reason, ip):
    """The resident's full ID number, for one showing; writes the access-log entry first.

    The caller has fetched ``resident`` through the scope (so it is in the user's grids or
    community); this checks the permission and logs who, whose, when, from where and why.
    Neither the number nor the reason goes to the application log.
    """
    if not scope.holds(by, REVEAL_ID_PERMISSION, resident.household.grid.community_id):
        raise PermissionDenied("Revealing a full ID number needs the reveal_id_number permission here.")
    if not resident.id_number:
        raise ValueError("no ID number registered")
    entry = DataAccessLog.objects.create(
        user=by,
        action=DataAccess.REVEAL_ID,
        resident=resident,
        community_id=resident.household.grid.community_id,
        ip_address=_address(ip),
        reason=reason,
    )
    log.info("id number revealed: user=%r resident=%s ip=%s entry=%s", by.get_username(), resident.pk, ip, entry.pk)
    return resident.id_number


def log_export(*, by, community_ids, subject, row_count, reason, ip):
    """Write the access-log entries of one export of personal data: one per community it covers
    (each community's staff read their own entries), naming what was exported and how many rows.

    Call it inside the transaction that produces the rows, after them: an export that fails
    leaves no entry, one that is handed out always has its entries. Checks the permission again,
    for each community, so that no caller can forget it. Neither the reason nor any exported value goes to the
    application log.
    """
    if not all(scope.holds(by, EXPORT_PERMISSION, community_id) for community_id in set(community_ids)):
        raise PermissionDenied("Exporting personal data needs the export_personal_data permission there.")
    entries = DataAccessLog.objects.bulk_create(
        DataAccessLog(
            user=by,
            action=DataAccess.EXPORT,
            resident=None,
            community_id=community_id,
            ip_address=_address(ip),
            reason=reason[: DataAccessLog._meta.get_field("reason").max_length],
            subject=subject[: DataAccessLog._meta.get_field("subject").max_length],
            row_count=row_count,
        )
        for community_id in sorted(set(community_ids))
    )
    log.info(
        "personal data exported: user=%r communities=%s rows=%s ip=%s",
        by.get_username(),
        ",".join(str(c) for c in sorted(set(community_ids))),
        row_count,
        ip,
    )
    return entries


def log_print(*, by, community_id, resident, subject, ip):
    """Write the access-log entry of one printed case sheet: who printed which case (``subject``,
    its number and title), naming its complainant when a registered resident, when and from where.

    No permission beyond the scope and no reason are asked: the caller has fetched the case
    through the scope, and the sheet shows what the case page shows the same user, masked
    alike. What the entry records is that a paper copy naming residents now exists.
    The subject (a case's title may name people) does not go to the application log.
    """
    entry = DataAccessLog.objects.create(
        user=by,
        action=DataAccess.PRINT_CASE,
        resident=resident,
        community_id=community_id,
        ip_address=_address(ip),
        reason="",
        subject=subject[: DataAccessLog._meta.get_field("subject").max_length],
    )
    log.info("case sheet printed: user=%r community=%s ip=%s entry=%s", by.get_username(), community_id, ip, entry.pk)
    return entry


# Views of the same record by the same person within this window are one entry: a worker going back
# and forth between a resident's page and the visit form, or a client paging through a list, says
# nothing new.
REPEAT_WINDOW = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class Seen:
    """One record read: whose community's staff read the entry, and the resident, if one."""

    community_id: int
    resident_id: int | None = None


def log_views(*, by, action, seen, subject, ip, now=None):
    """Write the access-log entries of reading personal data: opening a resident's page in the
    browser (``VIEW_RESIDENT``) or reading residents, households, visits or cases through the API
    (``API_READ``). One entry per resident read, and one per community for what names no single
    resident (a list: ``subject`` says which and ``row_count`` how many), except where the same
    person wrote the same entry within ``REPEAT_WINDOW``. Returns the entries written.

    The caller has read the records through the scope; nothing read goes to the application log.
    """
    now = now or timezone.now()
    subject = subject[: DataAccessLog._meta.get_field("subject").max_length]
    wanted = {}
    for item in seen:
        key = (item.community_id, item.resident_id)
        wanted[key] = wanted.get(key, 0) + 1
    if not wanted:
        return []
    recent = DataAccessLog.objects.filter(user=by, action=action, subject=subject, created_at__gte=now - REPEAT_WINDOW)
    match = Q()
    for community_id, resident_id in wanted:
        match |= Q(community_id=community_id, resident_id=resident_id)
    done = set(recent.filter(match).values_list("community_id", "resident_id"))
    entries = DataAccessLog.objects.bulk_create(
        DataAccessLog(
            user=by,
            action=action,
            resident_id=resident_id,
            community_id=community_id,
            ip_address=_address(ip),
            reason="",
            subject=subject,
            row_count=None if resident_id else count,
            created_at=now,
        )
        for (community_id, resident_id), count in sorted(wanted.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
        if (community_id, resident_id) not in done
    )
    if entries:
        log.info("personal data read: user=%r action=%s entries=%s ip=%s", by.get_username(), action, len(entries), ip)
    return entries


def _address(value):
    # REMOTE_ADDR is empty behind a Unix socket; the column takes an address or nothing.
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
