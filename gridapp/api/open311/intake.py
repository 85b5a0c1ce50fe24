"""The town-level intake list: hotline requests whose address resolved to no grid, for admins and
the community staff who see them to pick the grid (``cases.hotline``); placing one records the
reported case, and the request's token resolves to its number from then on."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_safe

from cases import hotline
from gridapp import scope
from gridapp.accounts import privacy, security
from gridapp.accounts.privacy import Seen
from gridapp.core.forms import posted

MAX_ROWS = 200


class PlaceForm(forms.Form):
    grid = forms.ModelChoiceField(label=_lazy("Grid"), queryset=None)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids


def _require_placer(user):
    user_scope = scope.for_user(user)
    if not (user_scope.is_admin or user_scope.is_staff):
        raise PermissionDenied("Only admins and community staff place hotline requests.")


@require_safe
def intake_list(request):
    """The requests waiting for their grid, oldest first."""
    _require_placer(request.user)
    waiting = list(hotline.waiting(request.user)[:MAX_ROWS])
    return render(request, "open311/intake_list.html", {"waiting": waiting})


@require_http_methods(["GET", "HEAD", "POST"])
def intake_place(request, pk):
    """One waiting request (the caller's name and phone: written to the access log) and the form
    picking its grid."""
    _require_placer(request.user)
    sent = scope.get_or_404(hotline.waiting(request.user), pk)
    form = PlaceForm(posted(request), grids=hotline.placeable_grids(request.user, sent))
    if request.method == "POST" and form.is_valid():
        try:
            placed = hotline.place(sent, form.cleaned_data["grid"], by=request.user)
        except hotline.AlreadyPlaced:
            messages.warning(request, _("Someone placed this request first."))
            return redirect("open311:intake")
        messages.success(request, _("Case %(number)s recorded.") % {"number": placed.case.number})
        return redirect(placed.case.get_absolute_url())
    grid = form.fields["grid"].queryset.first()
    if grid is not None and sent.phone:
        privacy.log_views(
            by=request.user,
            action=privacy.DataAccess.API_READ,
            seen=[Seen(grid.community_id)],
            subject=f"hotline request {sent.token}",
            ip=security.client_ip(request),
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "open311/intake_place.html", {"sent": sent, "form": form}, status=status)
