"""The benchmarks' floor (``manage.py bench_pages``): what any page of the app costs at least."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from gridapp.models import Role


@require_safe
def floor(request):
    """The base template (with the middleware and context processors every page has) around one
    indexed query, the user's own first role (their own: the floor shows nobody else anything)."""
    role = Role.objects.filter(user=request.user).order_by("pk").first()
    return render(request, "devtools/floor.html", {"role": role})
