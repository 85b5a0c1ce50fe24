"""Service facility pages (服务设施): the grid's list by kind, and a facility with its contact,
hours and condition, and "report a hazard" prefilled in one tap. Admins keep the register in
the admin."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .. import scope as visit_scope
from ..facility_models import FacilityCondition

PAGE_SIZE = 50


@require_safe
def facility_list(request):
    """The facilities of the user's grids, by kind; those needing repair or broken marked."""
    facilities = visit_scope.facilities(request.user).order_by("grid__number", "kind__position", "name", "pk")
    page = Paginator(facilities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "visits/facility_list.html", {"page": page, "good": FacilityCondition.GOOD})


@require_safe
def facility_detail(request, pk):
    facility = visit_scope.get_facility(request.user, pk)
    return render(request, "visits/facility_detail.html", {"facility": facility, "good": FacilityCondition.GOOD})
