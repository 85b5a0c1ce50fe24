"""The benchmarks' floor (``manage.py bench_pages``): what any page of the app costs at least."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from gridapp.models import Grid


@require_safe
def floor(request):
    """The base template (with the middleware and context processors every page has) around one
    query by primary key, the cheapest indexed read: the yardstick the pages are measured by."""
    grid = Grid.objects.filter(pk=request.GET.get("grid") or 1).first()
    return render(request, "devtools/floor.html", {"grid": grid})
