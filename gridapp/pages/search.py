"""The register's search box: the page of results (a plain form, so it works without
JavaScript), the same results alone as the user types (htmx asks for them), and the choices of
a picker of the case intake (``?pick=resident``: buttons that make a chip, ``static/js/search.js``).
The search itself is ``gridapp.register.search``."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from gridapp import scope
from gridapp.core.forms import id_param
from gridapp.register import search as register_search

PAGE_PER_KIND = 20
# ?pick= → the kind a picker chooses from
PICKS = {"resident": "residents", "household": "households", "shop": "shops", "building": "buildings"}


@require_safe
def search(request):
    typed = request.GET.get("q", "")
    if request.GET.get("pick") in PICKS:
        return _pick(request, typed, PICKS[request.GET["pick"]])
    partial = request.headers.get("HX-Request") == "true"
    limit = register_search.PER_KIND if partial else PAGE_PER_KIND
    results = register_search.search(request.user, typed, limit=limit)
    template = "includes/search_results.html" if partial else "gridapp/search.html"
    user_scope = scope.for_user(request.user)
    context = {
        "results": results,
        "query": results.query,
        "limit": limit,
        "partial": partial,
        # Which grid a record is in matters to those who see more than one.
        "show_grid": user_scope.is_admin or user_scope.is_staff or len(user_scope.worker_grid_ids) > 1,
    }
    response = render(request, template, context)
    # The page and its partial share the address: a browser's cache must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _pick(request, typed, kind):
    """A picker's choices: one kind, in the case's grid when one is chosen."""
    grid = id_param(request.GET.get("grid"))
    results = register_search.search(request.user, typed, kinds=(kind,), grid=grid)
    choices = [(record, register_search.label(record)) for record in getattr(results, kind)]
    return render(
        request,
        "includes/search_pick.html",
        {"choices": choices, "query": results.query, "more": kind in results.more, "kind": kind},
    )
