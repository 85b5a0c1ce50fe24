"""Personal data pages: revealing a resident's full ID number (a POST with a reason, logged) and
the access log that staff read for their community and admins for all."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from . import privacy, scope, security
from .forms import RevealIdForm, id_param
from .views import resident_page


@never_cache
@require_POST
def resident_reveal_id(request, pk):
    """Show the full ID number once: scope first (404 outside it), then the permission (403),
    then the reason (400 without one); the access-log entry is written before the number is shown."""
    resident = scope.get_resident(request.user, pk)
    if not privacy.can_reveal_id(request.user, resident):
        raise PermissionDenied("Revealing a full ID number needs the reveal_id_number permission.")
    form = RevealIdForm(request.POST)
    if not form.is_valid():
        return resident_page(request, resident, reveal_form=form, status=400)
    full = privacy.reveal_id_number(
        resident=resident, by=request.user, reason=form.cleaned_data["reason"], ip=security.client_ip(request)
    )
    return resident_page(request, resident, revealed_id=full)


@require_safe
def access_log(request):
    """Who revealed or exported residents' personal data, newest first; ``?resident=`` narrows
    it to one resident (linked from the resident's page)."""
    if not request.user.has_perm(privacy.VIEW_LOG_PERMISSION):
        raise PermissionDenied("Only community staff and admins read the access log.")
    entries = scope.access_logs(request.user)
    resident = None
    if (resident_id := id_param(request.GET.get("resident"))) is not None:
        resident = scope.get_resident(request.user, resident_id)
        entries = entries.filter(resident=resident)
    page = Paginator(entries.order_by("-created_at"), settings.GRIDAPP_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "gridapp/access_log.html", {"page": page, "resident": resident})
