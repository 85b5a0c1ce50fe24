"""THE answer to "what may this user see or change".

Every view, form choice field and admin changelist asks the scope; none filters by hand. Lists
start from ``households(user)`` etc.; single objects come from ``get_household(user, pk)``,
which raises Http404 for anything outside the user's scope (another grid's worker cannot even
learn that the object exists) and PermissionDenied when the user may see but not change it.

This module decides the rights: which grids and communities a user sees (``for_user``,
``grid_q``) and manages (``manages``, ``managed_grids``), and applies them to the register and
the platform (households, residents, shops, buildings, notifications, the access log, imports).
The apps above apply the same rights to their own models in a scope module of their own, built
only from the functions here: ``visits.scope`` (visits, follow-ups, campaigns) and
``cases.scope`` (cases, and department membership, the one role only cases know). The register
sits below those apps and never imports them (docs/architecture.md).

Rules (see docs/security.md):
- admin: everything;
- community staff: every grid of their community (read and write);
- department staff: only the cases referred to their department (``cases.scope``);
- grid worker: their grid(s); reads the register, edits residents' contact details and
  health notes, adds the households, residents and shops they meet (pending until the
  community's staff confirm them, ``awaiting_confirmation``) and marks residents moved out or
  deceased (``can_record``), never edits, archives or restores households, residents or shops
  otherwise; logs visits to households and shops of their grid(s) and edits their own visits
  for 24 hours.

Each role applies to its own grid or community (``manages``, ``managed_grids``): staff of one
community who also work a grid of another are only a grid worker there.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .models import (
    PENDING,
    STAFF_GRANTABLE,
    Building,
    Community,
    DataAccessLog,
    Delivery,
    Grid,
    Household,
    ImportBatch,
    Notification,
    Resident,
    Role,
    RoleKind,
    Shop,
)

_CACHE_ATTR = "_gridapp_scope"


@dataclass(frozen=True)
class UserScope:
    is_admin: bool = False
    worker_grid_ids: frozenset = field(default_factory=frozenset)
    staff_community_ids: frozenset = field(default_factory=frozenset)
    # Grids the user helps as a resident mediator (RoleKind.HELPER): no register, no grid page;
    # only the cases they are named on as a mediator (``cases.scope``) and their own inbox.
    helper_grid_ids: frozenset = field(default_factory=frozenset)

    @property
    def is_staff(self):
        return bool(self.staff_community_ids)

    @property
    def is_worker(self):
        return bool(self.worker_grid_ids)

    @property
    def has_any_role(self):
        return self.is_admin or self.is_staff or self.is_worker

    @property
    def can_manage_register(self):
        """Create, edit and archive households, residents and shops."""
        return self.is_admin or self.is_staff


def for_user(user):
    """The user's roles, loaded with one query and cached on the user object for the request."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        scope = UserScope()
    else:
        roles = list(Role.objects.filter(user=user).values_list("kind", "grid_id", "community_id"))
        scope = UserScope(
            is_admin=user.is_superuser or any(kind == RoleKind.ADMIN for kind, _, _ in roles),
            worker_grid_ids=frozenset(g for kind, g, _ in roles if kind == RoleKind.GRID_WORKER),
            staff_community_ids=frozenset(c for kind, _, c in roles if kind == RoleKind.COMMUNITY_STAFF),
            helper_grid_ids=frozenset(g for kind, g, _ in roles if kind == RoleKind.HELPER),
        )
    setattr(user, _CACHE_ATTR, scope)
    return scope


EXPORT_PERMISSION = "gridapp.export_personal_data"

# The Django permissions each role holds by default (gridapp.backends.RolePermissionBackend
# grants them; an admin may give one to anyone else through the user's permissions or a group).
# What the permission applies to is still the user's scope: staff reveal IDs in their community.
ROLE_PERMISSIONS = {
    RoleKind.ADMIN: frozenset(
        {"gridapp.reveal_id_number", "gridapp.view_dataaccesslog", "gridapp.export_personal_data"}
    ),
    RoleKind.COMMUNITY_STAFF: frozenset(
        {"gridapp.reveal_id_number", "gridapp.view_dataaccesslog", "gridapp.export_personal_data"}
    ),
    RoleKind.GRID_WORKER: frozenset(),
    RoleKind.HELPER: frozenset(),
}


def role_permissions(user):
    """The permissions the user's roles give (none to a user without a role or an inactive one)."""
    user_scope = for_user(user)
    kinds = [
        kind
        for kind, held in (
            (RoleKind.ADMIN, user_scope.is_admin),
            (RoleKind.COMMUNITY_STAFF, user_scope.is_staff),
            (RoleKind.GRID_WORKER, user_scope.is_worker),
        )
        if held
    ]
    return frozenset().union(*(ROLE_PERMISSIONS[kind] for kind in kinds))


def require_admin(user):
    """Raise PermissionDenied unless the user is a gridapp admin (the same answer for every object)."""
    if not for_user(user).is_admin:
        raise PermissionDenied("Only admins read the change history.")


def forget(user):
    """Drop the cached scope (after roles change within a request or a test)."""
    for attr in [name for name in vars(user) if name.startswith("_gridapp_")]:
        delattr(user, attr)


def grid_q(scope, path):
    """A Q limiting a queryset to the scope's grids; ``path`` leads from the model to its Grid.
    The apps' scope modules apply it to their models (``visits.scope``, ``cases.scope``)."""
    if scope.is_admin:
        return Q()
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}id__in": scope.worker_grid_ids}) | Q(
        **{f"{prefix}community_id__in": scope.staff_community_ids}
    )


# --- lists ----------------------------------------------------------------------------


def communities(user):
    scope = for_user(user)
    qs = Community.objects.select_related("town")
    if scope.is_admin:
        return qs
    return qs.filter(Q(id__in=scope.staff_community_ids) | Q(grids__id__in=scope.worker_grid_ids)).distinct()


def get_community(user, pk):
    return get_or_404(communities(user), pk)


def grids(user):
    return Grid.objects.select_related("community__town").filter(grid_q(for_user(user), ""))


def buildings(user):
    return Building.objects.select_related("grid", "community").filter(grid_q(for_user(user), "grid"))


def households(user, *, include_archived=False):
    qs = Household.objects.select_related("grid__community", "building").filter(grid_q(for_user(user), "grid"))
    return qs if include_archived else qs.filter(archived_at__isnull=True)


def residents(user, *, include_archived=False):
    qs = Resident.objects.select_related("household__grid__community").filter(grid_q(for_user(user), "household__grid"))
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True, household__archived_at__isnull=True)
    return qs


def shops(user, *, include_archived=False):
    qs = Shop.objects.select_related("grid__community", "building").filter(grid_q(for_user(user), "grid"))
    return qs if include_archived else qs.filter(archived_at__isnull=True)


# --- single objects -------------------------------------------------------------------


def get_or_404(queryset, pk):
    """The object ``pk`` of a scoped queryset, or Http404 (also for an id that is no id at all)."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.model_name} {pk!r} in scope") from None


def manages(user, community_id):
    """Whether the user creates, edits and archives the register of this community: its staff and
    admins. Per community, not per user: staff of one community who also work a grid of another
    are a grid worker there."""
    scope = for_user(user)
    return scope.is_admin or community_id in scope.staff_community_ids


def require_manage(user, community_id=None):
    """Raise PermissionDenied unless the user may create, edit and archive register records (of
    ``community_id`` when given)."""
    if not for_user(user).can_manage_register or (community_id is not None and not manages(user, community_id)):
        raise PermissionDenied("Only community staff and admins change the register.")


def managed_grids(user):
    """The grids whose register the user changes: the choices of the register's forms."""
    scope = for_user(user)
    qs = Grid.objects.select_related("community__town")
    return qs if scope.is_admin else qs.filter(community_id__in=scope.staff_community_ids)


def _given_by_hand(user, permission):
    """Whether an admin gave ``user`` the permission itself (user permissions, groups), rather
    than it coming with a role (``ROLE_PERMISSIONS``, which applies where the role does)."""
    return ModelBackend().has_perm(user, permission)


def holds(user, permission, community_id):
    """Whether ``user`` holds ``permission`` for a record of this community. A permission that
    comes with a role applies where the role does (``manages``: staff of one community who also
    work a grid of another hold it in their community only); one given by hand applies to
    everything the user sees."""
    if not user.has_perm(permission):
        return False
    return _given_by_hand(user, permission) or manages(user, community_id)


def export_grids(user):
    """The grids whose personal data the user may export, the export permission held (``holds``)."""
    return grids(user) if _given_by_hand(user, EXPORT_PERMISSION) else managed_grids(user)


def export_communities(user):
    """The communities the user may export as a whole: those they manage (staff, admins)."""
    user_scope = for_user(user)
    qs = Community.objects.select_related("town")
    return qs if user_scope.is_admin else qs.filter(id__in=user_scope.staff_community_ids)


def managed_buildings(user):
    scope = for_user(user)
    qs = Building.objects.select_related("grid", "community")
    return qs if scope.is_admin else qs.filter(community_id__in=scope.staff_community_ids)


def _get_archivable(user, listing, pk, *, write, grid_of, archived):
    """A household, resident or shop the user may see: an archived one (``archived(obj)``) only
    for those who manage its community, 404 for anyone else; ``write`` needs the right to manage."""
    obj = get_or_404(listing(user, include_archived=for_user(user).can_manage_register), pk)
    community_id = grid_of(obj).community_id
    if archived(obj) and not manages(user, community_id):
        raise Http404(f"No {obj._meta.model_name} {obj.pk!r} in scope (archived)")
    if write:
        require_manage(user, community_id)
    return obj


def get_grid(user, pk, *, record=False):
    """A grid; ``record``: one the user adds to (``require_record``)."""
    grid = get_or_404(grids(user), pk)
    if record:
        require_record(user, grid)
    return grid


def get_building(user, pk, *, write=False):
    obj = get_or_404(buildings(user), pk)
    if write:
        require_manage(user, obj.community_id)
    return obj


def get_household(user, pk, *, write=False, record=False):
    """A household; ``record``: one the user adds residents to (``require_record``)."""
    household = _get_archivable(
        user, households, pk, write=write, grid_of=lambda h: h.grid, archived=lambda h: h.archived_at is not None
    )
    if record:
        require_record(user, household.grid)
    return household


def get_resident(user, pk, *, write=False, contact_only=False, record=False):
    """A resident; ``contact_only`` writes (contact details, health notes) are open to the grid's
    worker, and so is ``record`` (marking them moved out or deceased, ``require_record``)."""
    resident = _get_archivable(
        user,
        residents,
        pk,
        write=write and not contact_only and not record,
        grid_of=lambda r: r.household.grid,
        archived=lambda r: r.archived_at is not None or r.household.archived_at is not None,
    )
    if record:
        require_record(user, resident.household.grid)
    return resident


def get_shop(user, pk, *, write=False):
    return _get_archivable(
        user, shops, pk, write=write, grid_of=lambda s: s.grid, archived=lambda s: s.archived_at is not None
    )


def can_manage_register(user):
    return for_user(user).can_manage_register


def can_record(user, grid):
    """Whether the user records who lives and trades in this grid as they meet them: adds
    households, residents and shops and marks residents moved out or deceased. Its grid
    worker(s) do (what they add waits for the community's staff), and its community's staff
    and admins (what they add is confirmed as it is written). A role that reads a grid without
    working it would not."""
    return grid.pk in for_user(user).worker_grid_ids or manages(user, grid.community_id)


def require_record(user, grid):
    if not can_record(user, grid):
        raise PermissionDenied("Only the grid's worker, its community's staff and admins add to its register.")


# --- what grid workers added, for the community's staff to confirm ----------------------------


@dataclass(frozen=True)
class Awaiting:
    """Records grid workers added that the community's staff have not confirmed yet, by kind."""

    households: Any
    residents: Any
    shops: Any


def awaiting_confirmation(user):
    """What grid workers added in the communities the user runs (staff: theirs; admins: all) and
    nobody has confirmed yet; archived records no longer wait. The staff's list of records to
    confirm, its count on their home page and (issue 14) their desk read it."""
    run = managed_grids(user).values("pk")
    return Awaiting(
        households=households(user).filter(PENDING, grid__in=run),
        residents=residents(user).filter(PENDING, household__grid__in=run),
        shops=shops(user).filter(PENDING, grid__in=run),
    )


def awaiting_confirmation_count(user):
    """How many records wait for the user to confirm them, in one query (0 for anyone who
    confirms nothing, without a query)."""
    if not for_user(user).can_manage_register:
        return 0
    waiting = awaiting_confirmation(user)
    pks = [qs.order_by().values("pk") for qs in (waiting.households, waiting.residents, waiting.shops)]
    return pks[0].union(*pks[1:], all=True).count()


def can_see_health_notes(user, grid):
    """Health notes (sensitive personal information) are for the grid's worker(s) and the
    community's staff, who visit and care for the resident; not for admins as such (town IT
    keeps the register running and has no care task: an admin who needs them takes a staff
    role, which is visible in the roles table), nor for department staff or other grids."""
    user_scope = for_user(user)
    return grid.pk in user_scope.worker_grid_ids or grid.community_id in user_scope.staff_community_ids


def can_edit_resident_contact(user, resident):
    """Workers may edit contact details and health notes of residents in their grid(s)."""
    scope = for_user(user)
    return manages(user, resident.household.grid.community_id) or resident.household.grid_id in scope.worker_grid_ids


# --- notifications --------------------------------------------------------------------


def notifications(user):
    """A user's own inbox; nobody reads another's."""
    return Notification.objects.filter(recipient=user)


def deliveries(user):
    """Deliveries of messages about the communities a staff member runs (admins: all)."""
    scope = for_user(user)
    qs = Delivery.objects.all()
    if scope.is_admin:
        return qs
    return qs.filter(notification__community_id__in=scope.staff_community_ids)


def access_logs(user):
    """Who revealed or exported residents' personal data: a staff member reads their community's
    entries, an admin all; anyone else nothing (the view answers 403 before asking)."""
    user_scope = for_user(user)
    qs = DataAccessLog.objects.select_related("user", "resident", "community")
    if user_scope.is_admin:
        return qs
    return qs.filter(community_id__in=user_scope.staff_community_ids)


def import_batches(user):
    """Register imports into the grids the user manages (their community's staff, admins)."""
    return ImportBatch.objects.select_related("grid__community", "created_by", "committed_by").filter(
        grid__in=managed_grids(user)
    )


def get_import_batch(user, pk, *, to_rerun=False):
    """403 for anyone who imports nothing; 404 for another community's import. To run it again
    the user must manage its grid's community now (it runs with their name, not the uploader's)."""
    require_manage(user)
    batch = get_or_404(import_batches(user), pk)
    if to_rerun:
        require_manage(user, batch.grid.community_id)
    return batch


# --- people: who manages whose account and roles ----------------------------------------------


def people(user):
    """The accounts in the user's people area: everyone holding a role in a community the user
    runs (a grid's worker or helper, or its staff); admins: every account; anyone else: none."""
    user_scope = for_user(user)
    accounts = get_user_model().objects.all()
    if user_scope.is_admin:
        return accounts
    if not user_scope.is_staff:
        return accounts.none()
    run = user_scope.staff_community_ids
    roles = Role.objects.filter(Q(grid__community_id__in=run) | Q(community_id__in=run))
    return accounts.filter(pk__in=roles.values("user_id"))


def get_person(user, pk):
    """An account of the user's people area, or 404 (another community's worker, for its staff,
    does not exist)."""
    return get_or_404(people(user), pk)


def can_manage_person(user, person):
    """Whether the user changes this account (deactivates it, sets a temporary password, gives and
    takes its roles). Admins: everyone but themselves. Community staff: accounts whose every role
    is a grid worker's or helper's in a community they run; never an admin's or staff member's
    (only admins manage those), nor one with a role in another community too."""
    if person.pk == user.pk:
        return False  # one's own account changes through the password page, not here
    user_scope = for_user(user)
    if user_scope.is_admin:
        return True
    if not user_scope.is_staff or person.is_superuser or person.is_staff:
        return False
    roles = list(Role.objects.filter(user=person).values_list("kind", "grid__community_id"))
    return bool(roles) and all(
        kind in STAFF_GRANTABLE and community_id in user_scope.staff_community_ids for kind, community_id in roles
    )


def get_managed_person(user, pk):
    """An account the user changes: 404 outside their people area, 403 for one they see but do not
    manage (a colleague on the staff, an admin)."""
    person = get_person(user, pk)
    if not can_manage_person(user, person):
        raise PermissionDenied("Only admins manage staff, admins and accounts of several communities.")
    return person


def grantable_kinds(user):
    """The roles the user gives in the people area: a grid worker's and a helper's (admins give
    staff and admin roles in the admin)."""
    user_scope = for_user(user)
    return STAFF_GRANTABLE if (user_scope.is_admin or user_scope.is_staff) else frozenset()


def require_grant(user, kind, grid):
    """Raise PermissionDenied unless the user may give (or take) a role of ``kind`` in ``grid``."""
    if kind not in grantable_kinds(user) or grid is None or not manages(user, grid.community_id):
        raise PermissionDenied("Only admins give staff and admin roles; staff give roles in their own community.")
