"""Exports (.xlsx) and the typhoon roster (print page and .xlsx).

Both need the ``export_personal_data`` permission (403 without it); what they cover is the
user's scope (a ``?grid=`` or ``?community=`` outside it is 404, a posted one a form error).
Each export writes its access-log entries in the same transaction that produces the rows.
"""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import worker_month as cases_month
from gridapp import scope
from gridapp.accounts import privacy, security
from gridapp.core.display import person
from gridapp.core.forms import id_param, posted
from gridapp.models import Grid
from gridapp.register.filters import EXPORT_PREFIX, HouseholdSearch

from . import roster, sheets, worker_month, xlsx
from .forms import ExportForm, RosterForm


def _require_permission(user):
    if not privacy.can_export(user):
        raise PermissionDenied("Exporting personal data needs the export_personal_data permission.")


def _initial_where(request):
    """``?grid=`` / ``?community=`` from a link (the grid page, the home page): 404 outside the scope."""
    if (grid_id := id_param(request.GET.get("grid"))) is not None:
        grid = scope.get_grid(request.user, grid_id)  # 404 outside what the user sees
        if not scope.export_grids(request.user).filter(pk=grid.pk).exists():
            raise PermissionDenied("This grid's data is not the user's to export.")
        return {"grid": grid.pk, "community": grid.community_id}
    if (community_id := id_param(request.GET.get("community"))) is not None:
        return {"community": scope.get_community(request.user, community_id).pk}
    return {}


def _place_name(where):
    return f"{where.community.name}{where.name}" if isinstance(where, Grid) else where.name


def _title(request, what, where):
    now = timezone.localtime()
    return _("%(place)s · %(what)s — exported by %(user)s at %(time)s") % {
        "place": _place_name(where),
        "what": what,
        "user": person(request.user),
        "time": f"{now:%Y-%m-%d %H:%M}",
    }


def _download(request, form, *, what, ascii_what, write, subject):
    """Write the workbook and its access-log entries in one transaction, then hand it out."""
    where = form.where
    workbook = xlsx.new_workbook()
    with transaction.atomic():
        rows = write(workbook, _title(request, what, where))
        privacy.log_export(
            by=request.user,
            community_ids=[form.cleaned_data["community"].pk],
            subject=subject,
            row_count=rows,
            reason=form.cleaned_data["reason"],
            ip=security.client_ip(request),
        )
    day = f"{timezone.localdate():%Y-%m-%d}"
    return xlsx.response(
        workbook, f"{_place_name(where)}-{what}-{day}.xlsx", f"gridapp-{ascii_what}-{where.pk}-{day}.xlsx"
    )


def _form(request, form_class):
    """The export's or the roster's form: bound to a POST; on GET, set to the grid or community
    of the link that led here."""
    _require_permission(request.user)
    initial = _initial_where(request) if request.method != "POST" else {}
    return form_class(posted(request), user=request.user, initial=initial)


def _form_page(request, template, context):
    """The form again: with its errors (400) after a POST, else to fill in."""
    return render(request, template, context, status=400 if request.method == "POST" else 200)


def _households_search(request):
    """The grid page's households search (``gridapp.register.filters``): posted with the form, or
    given by the grid page's link."""
    return HouseholdSearch(request.POST if request.method == "POST" else request.GET, prefix=EXPORT_PREFIX)


def _searched(search):
    """What the households search asked for, for the access log: "人员类别：独居老人", or ""."""
    form, asked = search.form, []
    for name, value in form.cleaned_data.items():
        if value:
            field = form.fields[name]
            asked.append(f"{field.label}：{dict(getattr(field, 'choices', ())).get(value, value)}")
    return "；".join(asked)


def _register(data, search, common, place):
    searched = _searched(search)
    write = partial(sheets.register, **common, full_phones=data["full_phones"], search=search if searched else None)
    subject = f"{place} · {_('Households')}、{_('Residents')}" + (f" · {searched}" if searched else "")
    return _("Households"), "register", write, subject


def _visits(data, common, place):
    what = _("Visits")
    write = partial(sheets.visits, **common, start=data["start"], end=data["end"])
    return what, "visits", write, f"{place} · {what} {data['start']:%Y-%m-%d}–{data['end']:%Y-%m-%d}"


def _cases(data, common, place):
    what = _("Cases")
    filters = {name: data[name] for name in ("start", "end", "state", "category", "overdue", "full_phones")}
    return what, "cases", partial(sheets.cases, **common, **filters), f"{place} · {what}"


@require_http_methods(["GET", "HEAD", "POST"])
def export(request):
    """GET: choose what and where, and say why. POST: the .xlsx (400 with the form's errors). The
    register can be narrowed by the grid page's households search."""
    form = _form(request, ExportForm)
    search = _households_search(request)
    if (
        request.method != "POST"
        or not form.is_valid()
        or (form.cleaned_data["what"] == ExportForm.REGISTER and not search.is_valid())
    ):
        return _form_page(request, "exports/export_form.html", {"form": form, "search": search})
    data = form.cleaned_data
    common = {"user": request.user, "where": form.where}
    place = _place_name(form.where)
    if data["what"] == ExportForm.REGISTER:
        what, ascii_what, write, subject = _register(data, search, common, place)
    elif data["what"] == ExportForm.VISITS:
        what, ascii_what, write, subject = _visits(data, common, place)
    else:
        what, ascii_what, write, subject = _cases(data, common, place)
    if data["full_phones"] and data["what"] != ExportForm.VISITS:
        subject += _(" (with full phone numbers)")
    return _download(request, form, what=what, ascii_what=ascii_what, write=write, subject=subject)


@require_http_methods(["GET", "HEAD", "POST"])
def typhoon_roster(request):
    """Story 6. GET: where and why (typhoon preparation already chosen). POST: the print-ready
    roster page, or with ``format=xlsx`` the same as a workbook; each writes an access-log entry."""
    form = _form(request, RosterForm)
    if request.method != "POST" or not form.is_valid():
        return _form_page(request, "exports/roster_form.html", {"form": form})
    place = _place_name(form.where)
    what = _("Typhoon roster")
    if request.POST.get("format") == "xlsx":

        def write(workbook, title):
            return roster.write(workbook, title, roster.sections(request.user, form.where))

        subject = f"{place} · {what} (.xlsx)"
        return _download(request, form, what=what, ascii_what="typhoon-roster", write=write, subject=subject)
    with transaction.atomic():
        sections = roster.sections(request.user, form.where)
        count = sum(len(s.rows) for s in sections)
        privacy.log_export(
            by=request.user,
            community_ids=[form.cleaned_data["community"].pk],
            subject=f"{place} · {what}",
            row_count=count,
            reason=form.cleaned_data["reason"],
            ip=security.client_ip(request),
        )
    return render(
        request,
        "exports/roster.html",
        {
            "form": form,
            "place": place,
            "sections": sections,
            "count": count,
            "households": sum(s.households for s in sections),
            "printed_at": timezone.localtime(),
            "printed_by": person(request.user),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def month_export(request):
    """GET: which month, where and why. POST: the .xlsx (400 with the form's errors)."""
    form = _form(request, worker_month.MonthExportForm)
    if request.method == "GET" and request.GET.get("month"):
        form.initial["month"] = request.GET["month"][:7]
    if request.method != "POST" or not form.is_valid():
        return _form_page(request, "exports/month_form.html", {"form": form})
    month = form.cleaned_data["month"]
    community = form.cleaned_data["community"]
    workers = cases_month.community_workers(request.user, community, form.cleaned_data.get("grid"))
    cases_month.compute(workers, month)
    what = f"{_('Work record')} {month.key}"
    place = _place_name(form.where)
    return _download(
        request,
        form,
        what=what,
        ascii_what=f"work-record-{month.key}",
        write=lambda workbook, title: worker_month.write(workbook, title, workers),
        subject=f"{place} · {what}",
    )
