"""The personal-data access log that staff read for their community and admins for all."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from gridapp import scope
from gridapp.core.forms import id_param

from . import privacy


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
