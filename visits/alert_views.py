"""Needs help raises a hand: the follow-up offered after such a visit, the residents waiting for
someone to act, and staff marking one handled (see visits/alerts.py)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from gridapp.core.display import person

from . import alerts, confirmations, selectors, services
from . import scope as visit_scope
from .forms import NewFollowUpForm

# The staff's list of those still waiting; the home page shows the first few (gridapp.pages.home).
LISTED = 100


def visit_follow_up(request, pk):
    """Arrange a follow-up on a saved visit, assigned to whoever arranges it (prefilled after a
    visit that found someone needing help: one tap saves it)."""
    visit = visit_scope.get_visit(request.user, pk)
    raised = list(visit.help_alerts.select_related("resident"))
    form = NewFollowUpForm(request.POST if request.method == "POST" else None, what=alerts.follow_up_text(raised))
    if request.method == "POST" and form.is_valid():
        follow_up = services.add_follow_up(
            visit=visit,
            by=request.user,
            what=form.cleaned_data["follow_up_what"],
            due_on=form.cleaned_data["follow_up_due_on"],
        )
        messages.success(
            request,
            _("Follow-up arranged: %(what)s, due %(date)s.")
            % {"what": follow_up.what, "date": confirmations.day(follow_up.due_on)},
        )
        return redirect(visit)
    return render(request, "visits/follow_up_form.html", {"visit": visit, "form": form})


@require_safe
def help_alert_list(request):
    """Residents recorded needing help or unwell whom nobody has acted on yet, in the user's grids."""
    waiting = selectors.needs_help_open(request.user)
    return render(
        request,
        "visits/help_alert_list.html",
        {"help_alerts": waiting[:LISTED], "help_alerts_count": waiting.count(), "listed": LISTED},
    )


@require_POST
def help_alert_acknowledge(request, pk):
    """Staff mark an alert handled (who and when are recorded); it leaves their list."""
    back = request.POST.get("next", "")  # read first: a body Django refuses must change nothing
    alert = visit_scope.get_help_alert(request.user, pk, write=True)
    if services.acknowledge_help_alert(alert=alert, by=request.user):
        messages.success(request, _("Marked as handled: %(name)s.") % {"name": alert.resident.name})
    else:
        alert.refresh_from_db()
        messages.info(
            request,
            _("%(name)s was already handled by %(who)s: %(how)s.")
            % {"name": alert.resident.name, "who": person(alert.handled_by), "how": alert.get_handled_how_display()},
        )
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("help_alert_list")
