"""The staff's people area, its writes: add a grid worker, give, move and take a grid role,
deactivate an account, set a temporary password. Each checks the scope itself (the pages ask
first, but any caller gets the same answer), runs in one transaction and leaves a trace: roles
in their history (django-simple-history, who and when), account changes on the security log.

Community staff manage grid workers and helpers of their own community only; staff and admin
roles, and departments, are the admins' (``gridapp.scope.can_manage_person``, ``require_grant``).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridapp import scope
from gridapp.models import PasswordChangeRequired, Role, RoleKind

from .security import _username, log
from .sessions import end_sessions


def _require_manage(by, person):
    if not scope.can_manage_person(by, person):
        raise PermissionDenied("Only admins manage staff, admins and accounts of several communities.")


def _save_role(role, *, by, reason):
    role._history_user = by  # the history names who gave, moved or took it, also outside a request
    role._change_reason = reason
    role.save()


def _require_temporary_password(*, by, user):
    PasswordChangeRequired.objects.update_or_create(user=user, defaults={"set_by": by})


@transaction.atomic
def add_person(
    *, by, username, first_name, last_name, email, grid, password, kind=RoleKind.GRID_WORKER, part_time=False
):
    """A new account working (or helping in) ``grid``, logging in first with ``password``
    (temporary: they choose their own at the first log-in)."""
    scope.require_grant(by, kind, grid)
    user_model = get_user_model()
    if user_model._default_manager.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This login name is taken. Choose another.")})
    user = user_model(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same name added by someone else a moment ago
        raise ValidationError({"username": _("This login name is taken. Choose another.")}) from None
    _require_temporary_password(by=by, user=user)
    role = Role(user=user, kind=kind, grid=grid, part_time=part_time and kind == RoleKind.GRID_WORKER)
    _save_role(role, by=by, reason="people:add")
    log.info("account added: user=%s by=%s", _username(user.get_username()), _username(by.get_username()))
    return user


@transaction.atomic
def grant(*, by, user, kind, grid, part_time=False):
    """Give ``user`` a grid worker's or helper's role in ``grid``; the role they already hold
    there is returned unchanged."""
    scope.require_grant(by, kind, grid)
    _require_manage(by, user)
    existing = Role.objects.filter(user=user, kind=kind, grid=grid).first()
    if existing is not None:
        return existing
    role = Role(user=user, kind=kind, grid=grid, part_time=part_time and kind == RoleKind.GRID_WORKER)
    _save_role(role, by=by, reason="people:grant")
    scope.forget(user)
    return role


@transaction.atomic
def move(*, by, role, grid):
    """Move a grid worker's or helper's role to another grid of the community (of a community the
    giver runs); nothing changes when they already hold that role there."""
    role = Role.objects.select_for_update(of=("self",)).select_related("grid").get(pk=role.pk)
    scope.require_grant(by, role.kind, role.grid)
    scope.require_grant(by, role.kind, grid)
    _require_manage(by, role.user)
    if role.grid_id == grid.pk:
        return role
    if Role.objects.filter(user=role.user_id, kind=role.kind, grid=grid).exists():
        raise ValidationError({"grid": _("They already hold this role in that grid.")})
    role.grid = grid
    _save_role(role, by=by, reason="people:move")
    return role


@transaction.atomic
def revoke(*, by, role):
    """Take a grid worker's or helper's role away (the history keeps it); never their last one."""
    role = Role.objects.select_for_update(of=("self",)).select_related("grid", "user").get(pk=role.pk)
    scope.require_grant(by, role.kind, role.grid)
    _require_manage(by, role.user)
    if not Role.objects.filter(user=role.user_id).exclude(pk=role.pk).exists():
        # Without a role the account would leave the staff's people area, still able to log in.
        raise ValidationError(_("This is their only role: move them to another grid, or deactivate the account."))
    role._history_user = by
    role._change_reason = "people:revoke"
    role.delete()


@transaction.atomic
def deactivate(*, by, user):
    """The account can no longer log in, and every session it has ends now
    (``gridapp.accounts.security.on_user_saved``); its roles and history stay."""
    _require_manage(by, user)
    if not user.is_active:
        return
    user.is_active = False
    user.save(update_fields=["is_active"])  # its sessions end with it (security.on_user_saved)
    log.info("account deactivated: user=%s by=%s", _username(user.get_username()), _username(by.get_username()))


@transaction.atomic
def reactivate(*, by, user):
    _require_manage(by, user)
    if user.is_active:
        return
    user.is_active = True
    user.save(update_fields=["is_active"])
    log.info("account reactivated: user=%s by=%s", _username(user.get_username()), _username(by.get_username()))


@transaction.atomic
def set_temporary_password(*, by, user, password):
    """The account logs in with ``password`` from now on and must choose its own at once; the
    sessions it had end (the old password no longer holds)."""
    _require_manage(by, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _require_temporary_password(by=by, user=user)
    end_sessions([user], by=by, reason="temporary password")
    log.info("temporary password set: user=%s by=%s", _username(user.get_username()), _username(by.get_username()))


def password_changed(user):
    """The user chose their own password: nothing more is owed."""
    PasswordChangeRequired.objects.filter(user=user).delete()
