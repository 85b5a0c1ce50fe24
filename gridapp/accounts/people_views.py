"""The staff's people area (人员管理): the community's accounts and their roles; add a grid worker
or helper, give, move and take a role, deactivate an account, set a temporary password.

Who sees and changes which account is decided by ``gridapp.scope`` (``people``,
``get_managed_person``, ``require_grant``): another community's account is a 404, a colleague on
the staff or an admin a 403 (only admins manage those, in the admin)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gridapp import scope
from gridapp.core.display import person as person_name
from gridapp.core.forms import posted
from gridapp.models import PasswordChangeRequired, Role, RoleKind

from . import people
from .people_forms import PersonAddForm, RoleGrantForm, RoleMoveForm, TemporaryPasswordForm


def _require_people_area(user):
    if not scope.grantable_kinds(user):
        raise PermissionDenied("Only community staff and admins manage people.")


def _roles():
    return Role.objects.select_related("grid__community", "community").order_by("kind", "grid__number")


@require_safe
def people_list(request):
    """The accounts of the staff member's community with their roles, by name."""
    _require_people_area(request.user)
    accounts = (
        scope.people(request.user)
        .prefetch_related(Prefetch("gridapp_roles", queryset=_roles()))
        .select_related("password_change_required")
        .order_by("-is_active", "last_name", "first_name", "username")
    )
    page = Paginator(accounts, settings.GRIDAPP_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "gridapp/people_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def person_add(request):
    _require_people_area(request.user)
    form = PersonAddForm(posted(request), user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            added = people.add_person(
                by=request.user,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                grid=data["grid"],
                kind=data["kind"],
                part_time=data["part_time"],
                password=data["password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s can log in now.") % {"name": person_name(added)})
            return redirect("person_detail", pk=added.pk)
    return render(request, "gridapp/form.html", {"form": form, "title": _("Add a grid worker or helper")})


def _history(account):
    """The roles given, moved and taken of ``account``, newest first: who, when, what."""
    rows = list(
        Role.history.filter(user_id=account.pk)
        .select_related("history_user", "grid__community", "community")
        .order_by("history_date", "history_id")
    )
    previous, entries = {}, []
    for row in rows:
        where = row.grid or row.community or ""
        if row.history_type == "+":
            what = _("Given: %(role)s %(where)s") % {"role": row.get_kind_display(), "where": where}
        elif row.history_type == "-":
            what = _("Taken away: %(role)s %(where)s") % {"role": row.get_kind_display(), "where": where}
        elif previous.get(row.id) is not None and previous[row.id] != row.grid_id:
            what = _("Moved: %(role)s to %(where)s") % {"role": row.get_kind_display(), "where": where}
        else:
            what = _("Changed: %(role)s %(where)s") % {"role": row.get_kind_display(), "where": where}
        previous[row.id] = row.grid_id
        who = person_name(row.history_user) if row.history_user else _("system")
        entries.append({"when": row.history_date, "who": who, "what": what})
    return entries[::-1]


@require_safe
def person_detail(request, pk):
    _require_people_area(request.user)
    account = scope.get_person(request.user, pk)
    roles = list(_roles().filter(user=account))
    return render(
        request,
        "gridapp/person_detail.html",
        {
            "account": account,
            "roles": roles,
            "is_worker": any(role.kind == RoleKind.GRID_WORKER for role in roles),
            "can_manage": scope.can_manage_person(request.user, account),
            "must_change_password": PasswordChangeRequired.objects.filter(user=account).exists(),
            "history": _history(account),
        },
    )


def _managed(request, pk):
    _require_people_area(request.user)
    return scope.get_managed_person(request.user, pk)


def _role_of(account, role_pk):
    return scope.get_or_404(Role.objects.select_related("grid__community").filter(user=account), role_pk)


def _form_page(request, form, account, title):
    return render(request, "gridapp/form.html", {"form": form, "title": f"{title} · {person_name(account)}"})


@require_http_methods(["GET", "POST"])
def role_grant(request, pk):
    account = _managed(request, pk)
    form = RoleGrantForm(posted(request), user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        people.grant(by=request.user, user=account, kind=data["kind"], grid=data["grid"], part_time=data["part_time"])
        messages.success(request, _("Role given."))
        return redirect("person_detail", pk=account.pk)
    return _form_page(request, form, account, _("Give a role"))


@require_http_methods(["GET", "POST"])
def role_move(request, pk, role_pk):
    account = _managed(request, pk)
    role = _role_of(account, role_pk)
    form = RoleMoveForm(posted(request), user=request.user, initial={"grid": role.grid_id})
    if form.is_valid():
        try:
            people.move(by=request.user, role=role, grid=form.cleaned_data["grid"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Moved to %(grid)s.") % {"grid": form.cleaned_data["grid"]})
            return redirect("person_detail", pk=account.pk)
    return _form_page(request, form, account, _("Move to another grid"))


@require_POST
def role_revoke(request, pk, role_pk):
    account = _managed(request, pk)
    try:
        people.revoke(by=request.user, role=_role_of(account, role_pk))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Role taken away."))
    return redirect("person_detail", pk=account.pk)


@require_POST
def person_deactivate(request, pk):
    account = _managed(request, pk)
    people.deactivate(by=request.user, user=account)
    messages.success(
        request, _("%(name)s can no longer log in; their sessions have ended.") % {"name": person_name(account)}
    )
    return redirect("person_detail", pk=account.pk)


@require_POST
def person_reactivate(request, pk):
    account = _managed(request, pk)
    people.reactivate(by=request.user, user=account)
    messages.success(request, _("%(name)s can log in again.") % {"name": person_name(account)})
    return redirect("person_detail", pk=account.pk)


@require_http_methods(["GET", "POST"])
def person_password(request, pk):
    account = _managed(request, pk)
    form = TemporaryPasswordForm(account, posted(request))
    if form.is_valid():
        people.set_temporary_password(by=request.user, user=account, password=form.cleaned_data["new_password1"])
        messages.success(
            request,
            _("Temporary password set. %(name)s must choose their own at their next log-in.")
            % {"name": person_name(account)},
        )
        return redirect(reverse("person_detail", kwargs={"pk": account.pk}))
    return _form_page(request, form, account, _("Set a temporary password"))
