"""Requests from the 12345 hotline and other Open311 clients (issue 18): where the address puts
them, the case each becomes (through ``services.case_report``, the intake's one service), and the
town-level intake list for those whose address resolves to no grid.

A client acts as its bound user: an address resolves only among the buildings, roads and
communities that user sees (``gridapp.scope``), so a client bound to one community never files
into another; an intake entry is placed only in a grid both the client's user and the person
placing it see."""

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from gridapp import scope
from gridapp.models import ApiClient

from . import services
from .hotline_models import HotlineRequest
from .models import Channel, Priority


@dataclass
class Received:
    request: HotlineRequest
    created: bool  # False: a repeat of an earlier POST (same client, same idempotency key)


def resolve_grid(user, address):
    """The grid ``address`` names, among those ``user`` sees, or None when it names none or more
    than one: a building (road + number + 幢/号, or its name) first, then a road all of whose
    buildings are in one grid, then a community with a single grid."""
    address = "".join((address or "").split())
    if not address:
        return None
    buildings = list(scope.buildings(user).values_list("road", "number", "name", "grid_id"))
    named = {
        grid
        for road, number, name, grid in buildings
        if f"{road}{number}幢" in address or f"{road}{number}号" in address or (name and name in address)
    }
    if len(named) == 1:
        return scope.grids(user).get(pk=named.pop())
    if named:
        return None
    by_road = {grid for road, _n, _name, grid in buildings if road and road in address}
    if len(by_road) == 1:
        return scope.grids(user).get(pk=by_road.pop())
    if by_road:
        return None
    communities = [c.pk for c in scope.communities(user) if c.name and c.name in address]
    if len(communities) != 1:
        return None
    grids = list(scope.grids(user).filter(community_id=communities[0])[:2])
    return grids[0] if len(grids) == 1 else None


def _details(request):
    """The case's description: what the caller said, then where and the photo link."""
    lines = [request.description]
    if request.address_string:
        lines.append(_("Address: %(address)s") % {"address": request.address_string})
    if request.lat is not None and request.long is not None:
        lines.append(_("Location: %(lat)s, %(long)s") % {"lat": request.lat, "long": request.long})
    if request.media_url:
        lines.append(_("Photo: %(url)s") % {"url": request.media_url})
    return "\n".join(lines)[:4000]


def _report(request, grid, by):
    return services.case_report(
        by=by,
        grid=grid,
        title=Truncator(" ".join(request.description.split())).chars(60),
        description=_details(request),
        category=request.category,
        priority=Priority.NORMAL,
        channel=Channel.HOTLINE,
        complainant_name=request.reporter[:50],
        complainant_phone=request.phone,
        anonymous=not request.reporter and not request.phone,
    )


def receive(client, *, idempotency_key="", **fields):
    """Record a request from ``client``: a reported case in the grid its address resolves to, or
    an entry of the intake list. A repeat of an earlier POST (same key) returns that one."""
    if idempotency_key and (earlier := _earlier(client, idempotency_key)):
        return Received(earlier, created=False)
    try:
        with transaction.atomic():
            request = HotlineRequest.objects.create(
                client=client, token=secrets.token_hex(8), idempotency_key=idempotency_key, **fields
            )
            grid = resolve_grid(client.user, request.address_string)
            if grid is not None:
                request.case = _report(request, grid, client.user)
                request.save(update_fields=["case"])
    except IntegrityError:
        if idempotency_key and (earlier := _earlier(client, idempotency_key)):
            return Received(earlier, created=False)  # the same POST, sent twice at once
        raise
    return Received(request, created=True)


def _earlier(client, key):
    return HotlineRequest.objects.select_related("case").filter(client=client, idempotency_key=key).first()


# --- the town-level intake list ---------------------------------------------------------


def waiting(user):
    """The requests waiting for their grid that ``user`` places: admins all; a community's staff
    those of clients whose user sees their community; nobody else any."""
    user_scope = scope.for_user(user)
    qs = HotlineRequest.objects.filter(case__isnull=True).select_related("category", "client")
    if user_scope.is_admin:
        return qs
    if not user_scope.is_staff:
        return qs.none()
    clients = [
        client.pk
        for client in ApiClient.objects.select_related("user")
        if scope.communities(client.user).filter(pk__in=user_scope.staff_community_ids).exists()
    ]
    return qs.filter(client_id__in=clients)


def placeable_grids(user, request):
    """Where ``user`` may place the request: grids both they and the client's user see."""
    return scope.grids(user).filter(pk__in=scope.grids(request.client.user).values("pk"))


class AlreadyPlaced(Exception):
    """Someone placed the request first."""


def place(request, grid, *, by):
    """Make the waiting request a reported case in ``grid``; its token now resolves to it."""
    with transaction.atomic():
        locked = HotlineRequest.objects.select_for_update().get(pk=request.pk)
        if locked.case_id is not None:
            raise AlreadyPlaced(locked)
        locked.case = _report(locked, grid, by)
        locked.placed_by = by
        locked.save(update_fields=["case", "placed_by"])
    return locked
