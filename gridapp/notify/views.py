"""The in-app inbox, and the deliveries staff watch for failures."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from gridapp import notify, scope
from gridapp.core.forms import posted
from gridapp.models import Delivery, DeliveryStatus, Webhook

from . import inbox as inbox_groups
from .forms import WebhookForm


@require_safe
def inbox(request):
    """Unread messages grouped by what they ask of the user (``notify.inbox``), then the read ones."""
    mine = scope.notifications(request.user).order_by("-created_at", "-pk")
    unread = list(mine.filter(read_at__isnull=True)[: inbox_groups.UNREAD_SHOWN + 1])
    more = 0
    if len(unread) > inbox_groups.UNREAD_SHOWN:
        more = mine.filter(read_at__isnull=True).count() - inbox_groups.UNREAD_SHOWN
        unread = unread[: inbox_groups.UNREAD_SHOWN]
    page = Paginator(mine.filter(read_at__isnull=False), 30).get_page(request.GET.get("page"))
    context = {
        "groups": inbox_groups.grouped(unread),
        "more": more,
        "page": page,
        "unread_count": len(unread) + more,  # the navbar's badge, known already
    }
    return render(request, "gridapp/inbox.html", context)


@require_safe
def notification_detail(request, pk):
    notification = get_object_or_404(scope.notifications(request.user), pk=pk)
    if notification.read_at is None:
        scope.notifications(request.user).filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "gridapp/notification_detail.html", {"notification": notification})


@require_POST
def inbox_mark_all_read(request):
    scope.notifications(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, _("All messages marked as read."))
    return redirect("inbox")


@require_safe
def failed_deliveries(request):
    """Deliveries that failed for good, for the staff of the communities they concern."""
    scope.require_manage(request.user)
    deliveries = (
        scope.deliveries(request.user)
        .filter(status=DeliveryStatus.FAILED)
        .select_related("notification__recipient", "notification__community", "client")
    )
    page = Paginator(deliveries.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "gridapp/failed_deliveries.html", {"page": page})


@require_POST
def delivery_retry(request, pk):
    """Send a failed delivery again, from a first try: the receiver is back, or its address fixed.
    A delivery the user does not see is a 404 (workers see none), like any record out of scope."""
    delivery = get_object_or_404(scope.deliveries(request.user), pk=pk)
    scope.require_manage(request.user)
    if notify.retry(Delivery.objects.filter(pk=delivery.pk)):
        messages.success(request, _("The delivery is being sent again."))
    else:
        messages.info(request, _("This delivery has not failed; nothing was sent again."))
    return redirect("failed_deliveries")


def community_webhook(request, pk):
    """Staff set their community's group-robot webhook."""
    community = scope.get_community(request.user, pk)
    scope.require_manage(request.user, community.pk)
    hook = Webhook.objects.filter(community=community).first()
    form = WebhookForm(posted(request), instance=hook)
    if request.method == "POST" and form.is_valid():
        hook = form.save(commit=False)
        hook.community = community
        hook.save()
        messages.success(request, _("Webhook saved."))
        return redirect("home")
    return render(request, "gridapp/form.html", {"form": form, "title": _("Group robot for %(c)s") % {"c": community}})
