"""Case pages: intake, the case page and its actions, mediation, the queues."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from gridapp import scope
from gridapp.accounts import privacy, security
from gridapp.core import drafts
from gridapp.core.forms import id_param, posted
from gridapp.core.views import edit_settings_row

from . import intake, services, workflow
from . import scope as case_scope
from .filters import CaseFilter, active_filter, saved_filters
from .forms import ActionForm, BulkAssignForm, CaseIntakeForm, CategoryForm, MediationFollowUpForm, MediationForm
from .models import OPEN_STATES, CasePhoto, Category, MediationRecord, State

PAGE_SIZE = 30


def _files(request):
    return request.FILES if request.method == "POST" else None


def case_create(request):
    """Intake at the office, or "report a case" from a household's, shop's or building's page or
    a saved visit, prefilled with what it tells (``intake.origin``). A user with no grid (a
    department member, a helper without a role) is told whom to ask instead of an empty form."""
    if not scope.for_user(request.user).has_any_role:
        return render(
            request, "cases/cannot_report.html", {"in_department": bool(case_scope.department_ids(request.user))}
        )
    origin = intake.origin(request.user, request.GET)
    form = CaseIntakeForm(posted(request), _files(request), user=request.user, initial=origin.initial)
    form.helper.attrs = drafts.attrs(form, f"case:{origin.key}")
    if request.method == "POST" and form.is_valid():
        case = services.case_report(
            by=request.user, visit_id=origin.visit_id, hazard_id=origin.hazard_id, **form.cleaned_data
        )
        drafts.saved(request, f"case:{origin.key}")
        messages.success(request, _("Case %(number)s recorded.") % {"number": case.number})
        return redirect(case)
    context = {"form": form, "title": _("Record a case"), "context_object": origin.place}
    return render(request, "gridapp/form.html", context)


@require_safe
def case_detail(request, pk):
    """The case: who is responsible now, deadline, timeline, mediation, and the actions this user may take."""
    return _case_page(request, pk)


def _case_page(request, pk, *, forms=None, conflict=None, status=200):
    """The case page; after a refused or stale action (a POST), with the user's form and what changed."""
    case = case_scope.get_case(request.user, pk)
    actions = workflow.available_actions(request.user, case)
    forms = forms or {}
    action_forms = [
        (action, forms.get(action.name) or ActionForm(action=action, case=case, user=request.user))
        for action in actions
    ]
    # After a conflict, a form whose action the change made impossible is still shown, read-only.
    unsent = [(workflow.ACTIONS[name], form) for name, form in forms.items() if name not in {a.name for a in actions}]
    # The office answers an extension request beside it, not among the case's own actions.
    answer_forms = [(a, f) for a, f in action_forms if a.name in workflow.EXTENSION_ANSWERS]
    action_forms = [(a, f) for a, f in action_forms if a.name not in workflow.EXTENSION_ANSWERS]
    grid_side = _grid_side(request.user, case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "responsible": workflow.responsible(case),
            "action_forms": action_forms,
            "pending_extension": case.pending_extension,
            "answer_forms": answer_forms,
            "now": timezone.now(),
            "events": case.events.select_related("actor"),
            "mediations": case.mediations.prefetch_related("parties", "mediators"),
            "photos": case.photos.all(),
            "conflict": conflict,
            "unsent": unsent if conflict else [],
            "can_mediate": grid_side,
            "sees_register": grid_side,
        },
        status=status,
    )


@require_POST
def case_sheet(request, pk):
    """The case on one A4 sheet to print, sign and file. Asking for it (a POST, like the typhoon
    roster: no link preview, prefetch or restored tab makes one) is a print, written to the
    personal-data access log with the sheet, or not at all."""
    case = case_scope.get_case(request.user, pk)
    with transaction.atomic():
        context = _sheet(case, request.user)
        privacy.log_print(
            by=request.user,
            community_id=case.community_id,
            resident=context["complainant"],
            subject=f"{case.number} {case.title}",
            ip=security.client_ip(request),
        )
    return render(request, "cases/case_sheet.html", context)


def _sheet(case, user):
    """What the sheet shows: what the case page shows this user, masked alike, but only the
    timeline's public entries (the sheet is for the parties to sign)."""
    return {
        "case": case,
        "responsible": workflow.responsible(case),
        "events": list(case.events.filter(public=True).select_related("actor")),
        "mediations": list(case.mediations.prefetch_related("parties", "mediators")),
        "complainant": case.complainant if case.complainant_id and not case.anonymous else None,
        "places": [
            *(h.address for h in case.households.all()),
            *(s.name for s in case.shops.all()),
            *([str(case.building)] if case.building_id else []),
        ],
        "grid_side": _grid_side(user, case),
        "printed_at": timezone.localtime(),
    }


@require_POST
def case_act(request, pk, action):
    """Take one action; a refused or stale action changes nothing and says why."""
    case = case_scope.get_case(request.user, pk)
    if action not in workflow.ACTIONS:
        raise PermissionDenied(_("You cannot do this on this case now."))
    form = ActionForm(request.POST, request.FILES, action=workflow.ACTIONS[action], case=case, user=request.user)
    seen = id_param(request.POST.get("version"))
    if seen is not None and seen != case.version:
        # Before the table: the action may have been possible on the page the user saw.
        return _changed(request, pk, action, form, services.CaseChanged(case, seen))
    if not workflow.allowed(request.user, case, action):
        raise PermissionDenied(workflow.refusal(action))
    if not form.is_valid():
        return _case_page(request, pk, forms={action: form}, status=400)
    change = services.Change(**form.change_fields())
    try:
        services.perform(
            case=case, action_name=action, by=request.user, version=form.cleaned_data["version"], change=change
        )
    except services.CaseChanged as changed:
        return _changed(request, pk, action, form, changed)
    messages.success(request, _("Done: %(action)s.") % {"action": workflow.ACTIONS[action].label})
    if not case_scope.cases(request.user).filter(pk=pk).exists():
        # A department that returned the case no longer sees it: back to its queue, not a 404.
        return redirect("department_queue")
    return redirect("case_detail", pk=pk)


def _changed(request, pk, action, form, changed):
    """Nothing is lost: the form comes back with what the user typed, and the changes made meanwhile."""
    form.data = form.data.copy()
    form.data["version"] = changed.case.version
    return _case_page(request, pk, forms={action: form}, conflict=changed, status=409)


def _grid_side(user, case):
    """The grid's worker or the community's staff (not only a department): they mediate, open
    the register's pages and see residents' masked ID numbers."""
    return bool(workflow.roles(user, case) - {workflow.DEPARTMENT, workflow.ASSISTING})


def _require_mediator(user, case):
    if not _grid_side(user, case):
        raise PermissionDenied(_("Mediation is recorded by the grid worker or community staff."))


def mediation_create(request, pk):
    case = case_scope.get_case(request.user, pk)
    _require_mediator(request.user, case)
    form = MediationForm(posted(request), case=case, user=request.user)
    form.helper.attrs = drafts.attrs(form, f"mediation:case:{case.pk}")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.record_mediation(case=case, by=request.user, **data)
        drafts.saved(request, f"mediation:case:{case.pk}")
        messages.success(request, _("Mediation recorded."))
        return redirect(case)
    return render(
        request, "gridapp/form.html", {"form": form, "title": _("Record a mediation"), "context_object": case}
    )


def mediation_follow_up(request, pk):
    """Going back after a mediation: record whether the agreement was kept."""
    record = get_object_or_404(
        MediationRecord.objects.select_related("case"), pk=pk, case__in=case_scope.cases(request.user)
    )
    _require_mediator(request.user, record.case)
    form = MediationFollowUpForm(posted(request), instance=record)
    if request.method == "POST" and form.is_valid():
        services.record_mediation_follow_up(record=record, by=request.user, **form.cleaned_data)
        messages.success(request, _("Mediation recorded."))
        return redirect(record.case)
    return render(
        request, "gridapp/form.html", {"form": form, "title": _("Record the follow-up"), "context_object": record.case}
    )


@require_safe
def case_queue(request):
    """All cases the user may see, filtered and sorted; staff assign in bulk."""
    return _queue_page(request)


def _queue_page(request, *, assign_form=None, conflict=None, status=200):
    """The queue; after a stale assignment, the cases chosen (as they are now, still chosen),
    whom they were to go to, and what changed meanwhile."""
    data = request.GET.copy()
    data.setdefault("state", "open")
    filterset = CaseFilter(data, queryset=case_scope.cases(request.user), user=request.user)
    if conflict:
        cases = assign_form.cleaned_data["cases"]
    elif filterset.is_valid():
        cases = filterset.qs
    else:
        cases = case_scope.cases(request.user).filter(state__in=OPEN_STATES)
    if not request.GET.get("order"):  # also when the filter form is sent without a sort chosen
        cases = cases.order_by("due_at")
    can_assign = scope.can_manage_register(request.user)
    chips = saved_filters(request.user)
    return render(
        request,
        "cases/case_queue.html",
        {
            "filter": filterset,
            "saved_filters": chips,
            "active_filter": active_filter(request.GET, chips),
            "page": Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page")),
            "can_assign": can_assign,
            "assign_form": assign_form or (BulkAssignForm(user=request.user) if can_assign else None),
            "chosen": set(assign_form.cleaned_data["versions"]) if conflict else set(),
            "conflict": conflict,
        },
        status=status,
    )


@require_POST
def case_bulk_assign(request):
    """Assign the cases chosen on the queue; chosen on a queue that is out of date, nothing is
    assigned and the queue comes back with the choice kept and what changed."""
    scope.require_manage(request.user)
    form = BulkAssignForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose the cases and whom to assign them to."))
        return redirect("case_queue")
    cases = list(form.cleaned_data["cases"])
    try:
        services.case_assign(
            cases=cases, assignee=form.cleaned_data["assignee"], by=request.user, versions=form.cleaned_data["versions"]
        )
    except services.CasesChanged as changed:
        return _queue_page(request, assign_form=form, conflict=changed, status=409)
    except services.NotAssignable as refused:
        messages.error(request, str(refused))
        return redirect("case_queue")
    messages.success(request, _("%(n)d cases assigned.") % {"n": len(cases)})
    return redirect("case_queue")


@require_safe
def department_queue(request):
    """The cases referred to the user's departments that are theirs to act on: dispatched to them
    as the lead, or to another department with theirs assisting (协办, marked so); a case they
    resolved waits for verification elsewhere; a returned or reopened one is the community's."""
    mine = case_scope.department_ids(request.user)
    cases = case_scope.cases(request.user).filter(
        Q(department_id__in=mine) | Q(pk__in=case_scope.assisted_case_ids(mine))
    )
    to_act_on = cases.filter(state=State.DISPATCHED).order_by("due_at")
    # A town's police station may hold hundreds: a page at a time, nearest deadline first.
    page = Paginator(to_act_on, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/department_queue.html", {"cases": page, "page": page, "my_departments": mine})


@require_safe
def case_photo(request, pk):
    """A case photo, served only to those who may see the case."""
    photo = get_object_or_404(CasePhoto, pk=pk, case__in=case_scope.cases(request.user))
    response = FileResponse(photo.image.open("rb"), content_type=mimetypes.guess_type(photo.image.name)[0])
    return response


@require_safe
def category_list(request):
    """The case categories and their deadlines; community staff and admins edit them."""
    return render(
        request,
        "cases/category_list.html",
        {"categories": Category.objects.all(), "can_manage": scope.can_manage_register(request.user)},
    )


def category_form(request, pk=None):
    scope.require_manage(request.user)
    title, saved = _("Edit category") if pk else _("New category"), _("Category saved.")
    return edit_settings_row(request, CategoryForm, pk=pk, title=title, saved=saved, done="category_list")
