"""Visit pages: log a visit at the door, see and correct it, follow-ups, campaigns, weekly counts."""

import mimetypes

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gridapp import scope
from gridapp.core import drafts, versions
from gridapp.core.forms import id_param, posted

from . import alerts, confirmations, selectors, services
from . import scope as visit_scope
from .forms import CampaignForm, FollowUpCloseForm, NewFollowUpForm, VisitForm
from .models import VisitPhoto


def _linked_campaign(request, target):
    """The campaign of the link the worker followed (the campaign page's "not yet visited")."""
    if (campaign_id := id_param(request.GET.get("campaign"))) is None:
        return None
    return visit_scope.campaigns(request.user).filter(pk=campaign_id, grids=target.grid_id).first()


def _log_visit(request, *, household=None, shop=None):
    target = household or shop
    draft_key = f"visit:{'household' if household else 'shop'}:{target.pk}"
    linked = _linked_campaign(request, target)
    form = VisitForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        user=request.user,
        household=household,
        shop=shop,
        campaign=linked,
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit, created = save_visit(form, worker=request.user, household=household, shop=shop)
        except services.ClientIdTaken:
            form.add_error(None, _("This form's id belongs to another visit; nothing was saved. Please log it again."))
        else:
            drafts.saved(request, draft_key)
            return _saved(request, visit, created, linked)
    return render(
        request,
        "visits/visit_form.html",
        {
            "form": form,
            "draft_key": draft_key,
            "target": target,
            "campaign": linked if linked and linked.pk in form.campaigns else None,
            "title": _("Log a visit"),
            "sees_health_notes": scope.can_see_health_notes(request.user, target.grid),
            "today": timezone.localdate(),
        },
    )


def save_visit(form, *, worker, household=None, shop=None):
    """Log the visit a valid ``VisitForm`` holds: the one path of the visit form and of the visits
    queued on a phone (``visits.offline_views``). Returns (visit, created)."""
    data = form.cleaned_data
    follow_up = None
    if data.get("follow_up_what"):
        follow_up = services.NewFollowUp(what=data["follow_up_what"], due_on=data["follow_up_due_on"], assignee=worker)
    return services.log_visit(
        worker=worker,
        client_id=data["client_id"],
        visited_at=data["visited_at"],
        household=household,
        shop=shop,
        purposes=data["purposes"],
        conditions=form.conditions(),
        notes=data["notes"],
        photos=data["photos"],
        campaign=data.get("campaign"),
        follow_up=follow_up,
        close_follow_ups=form.follow_ups_to_close(),
    )


def _saved(request, visit, created, linked):
    """Say what the visit changed, and go on: to the visit's page when someone needs help (it
    offers a follow-up and a case), back to the campaign the worker came from, else to the place."""
    if not created:
        messages.info(request, _("This visit was already saved; it was not saved twice."))
    else:
        level, text = confirmations.after_visit(request.user, visit)
        messages.add_message(request, level, text)
    if visit.help_alerts.exists():
        return redirect(visit)
    if linked is not None and visit.campaign_id == linked.pk:
        return redirect(linked)
    return redirect(visit.target)


def visit_household(request, household_pk):
    """Log a visit to a household: its residents listed with a condition each."""
    return _log_visit(request, household=scope.get_household(request.user, household_pk))


def visit_shop(request, shop_pk):
    """Log a visit to a shop."""
    return _log_visit(request, shop=scope.get_shop(request.user, shop_pk))


@require_safe
def visit_detail(request, pk):
    """A visit; when it found someone needing help, who was told and, one tap each, a follow-up
    or a case (the worker lands here after saving such a visit)."""
    visit = visit_scope.get_visit(request.user, pk)
    follow_ups = list(visit.follow_ups.select_related("assignee"))
    raised = list(visit.help_alerts.select_related("resident", "handled_by"))
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "residents_seen": visit.residents_seen.select_related("resident"),
            "follow_ups": follow_ups,
            "photos": visit.photos.all(),
            "can_edit": visit_scope.can_edit_visit(request.user, visit),
            "history": visit.history.select_related("history_user")[:20],
            "help_alerts": raised,
            "told": alerts.told(visit) if raised else [],
            "can_acknowledge": scope.manages(request.user, visit.grid.community_id),
            "follow_up_form": NewFollowUpForm(what=alerts.follow_up_text(raised))
            if raised and not any(f.is_open for f in follow_ups)
            else None,
        },
    )


@require_safe
def visit_photo(request, pk):
    """A visit's photo, served only to those who may see the visit (never from a public folder)."""
    photo = get_object_or_404(VisitPhoto, pk=pk, visit__in=visit_scope.visits(request.user))
    response = FileResponse(photo.image.open("rb"), content_type=mimetypes.guess_type(photo.image.name)[0])
    return response


def visit_edit(request, pk):
    """Correct a visit: the worker within 24 hours, staff at any time; the history keeps both. A
    correction of an older copy than the saved one changes nothing and answers 409."""
    visit = visit_scope.get_visit(request.user, pk, write=True)
    form = VisitForm(posted(request), user=request.user, household=visit.household, shop=visit.shop, visit=visit)
    page = {
        "form": form,
        "target": visit.target,
        "title": _("Edit visit"),
        "sees_health_notes": scope.can_see_health_notes(request.user, visit.grid),
        "today": timezone.localdate(),
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.update_visit(
                visit=visit,
                by=request.user,
                version=form.cleaned_data["version"],
                visited_at=form.cleaned_data["visited_at"],
                purposes=form.cleaned_data["purposes"],
                residents=form.listed_residents(),
                conditions=form.conditions(),
                notes=form.cleaned_data["notes"],
            )
        except versions.Changed as changed:
            versions.keep_typed(form, changed)
            return render(request, "visits/visit_form.html", {**page, "changed": changed}, status=409)
        messages.success(request, _("Visit updated."))
        return redirect(visit)
    return render(request, "visits/visit_form.html", page)


def follow_up_detail(request, pk):
    """A follow-up, and the form to mark it done with its outcome."""
    follow_up = visit_scope.get_follow_up(request.user, pk)
    form = FollowUpCloseForm(posted(request))
    if request.method == "POST" and follow_up.is_open and form.is_valid():
        services.complete_follow_up(follow_up=follow_up, by=request.user, outcome=form.cleaned_data["outcome"])
        messages.success(request, _("Follow-up done."))
        return redirect(follow_up.target)
    return render(request, "visits/follow_up_detail.html", {"follow_up": follow_up, "form": form})


@require_safe
def campaign_list(request):
    campaigns = list(visit_scope.campaigns(request.user).prefetch_related("grids"))
    coverage = selectors.coverage_for(request.user, campaigns)
    for campaign in campaigns:
        campaign.coverage = coverage[campaign.pk]
    return render(
        request,
        "visits/campaign_list.html",
        {"campaigns": campaigns, "can_manage": scope.can_manage_register(request.user)},
    )


def campaign_create(request):
    scope.require_manage(request.user)
    form = CampaignForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        campaign = form.save(commit=False)
        campaign.created_by = request.user
        campaign.save()
        form.save_m2m()
        messages.success(request, _("Campaign created."))
        return redirect(campaign)
    return render(request, "gridapp/form.html", {"form": form, "title": _("New campaign")})


@require_safe
def campaign_detail(request, pk):
    """Coverage with a progress bar, and the targets not yet visited, each one tap from its form."""
    campaign = visit_scope.get_campaign(request.user, pk)
    targets, field = selectors.campaign_targets(request.user, campaign)
    visited, total = selectors.campaign_coverage(request.user, campaign)
    remaining = targets.filter(visited=False).order_by("address")
    return render(
        request,
        "visits/campaign_detail.html",
        {
            "campaign": campaign,
            "visited": visited,
            "total": total,
            "percent": round(100 * visited / total) if total else 0,
            "remaining": remaining,
            "field": field,
        },
    )


@require_safe
def visit_weekly(request):
    """Visits per worker per week across the user's grids (staff watch coverage here)."""
    scope.require_manage(request.user)
    weeks, rows = selectors.weekly_visits(request.user)
    return render(request, "visits/weekly.html", {"weeks": weeks, "rows": rows})
