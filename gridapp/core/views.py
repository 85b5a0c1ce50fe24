"""View plumbing every app uses and that knows no model of its own."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render

from .forms import posted


def edit_settings_row(request, form_class, *, pk, title, saved, done, then=None):
    """New (``pk`` None) or edit one row of a small table that staff keep (care levels, case
    categories) with ``form_class``: the form, again with its errors after a bad POST; once
    valid, saved (and ``then(row)`` called in the same transaction), ``saved`` said and on to
    ``done``. Who may is the caller's to check first."""
    row = get_object_or_404(form_class._meta.model, pk=pk) if pk else None
    form = form_class(posted(request), instance=row)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved_row = form.save()
            if then is not None:
                then(saved_row)
        messages.success(request, saved)
        return redirect(done)
    return render(request, "gridapp/form.html", {"form": form, "title": title})
