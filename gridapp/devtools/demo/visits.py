"""The visit history of the last weeks, planned by ``VisitPlanner`` with its own seeded generator
(so adding it left the register as it was) and logged through ``visits.services.log_visit`` in
the order the visits happened, then dated back to when they happened."""

import datetime
import random
import uuid

from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse

from cases.models import Case
from gridapp.models import Delivery, DeliveryStatus, Notification
from visits.alerts import MESSAGE_KIND
from visits.models import Condition, FollowUp, HelpAlert, HelpHandled, ResidentSeen, Visit
from visits.services import NewFollowUp, log_visit

from .case_data import READ_AFTER
from .places import CHANGE_REASON
from .visit_data import VISITS_SEED
from .visit_plan import VisitPlanner


class VisitHistoryBuilder:
    """Wu's and Chen's visits of the last HISTORY_DAYS days, with their follow-ups."""

    def __init__(self, community, today, now, rng=None):
        self.planner = VisitPlanner(community, today, now, rng or random.Random(VISITS_SEED))
        # The client ids come from the same generator, after the plan.
        self.rng = self.planner.rng
        self.grid1, self.grid2 = self.planner.grid1, self.planner.grid2

    def build(self):
        """Plan and log every visit. Call inside a transaction, after the accounts exist."""
        planned = self.planner.plan()
        self.log(planned, self.planner.campaign)
        self.backdate()
        return self.planner.campaign

    def log(self, planned_visits, campaign):
        opened = {}
        for planned in sorted(planned_visits, key=lambda v: v.visited_at):
            what, due_on = planned.follow_up or (None, None)
            visit, _ = log_visit(
                worker=planned.worker,
                client_id=uuid.UUID(int=self.rng.getrandbits(128)),
                visited_at=planned.visited_at,
                household=planned.household,
                shop=planned.shop,
                purposes=planned.purposes,
                conditions=planned.conditions,
                notes=planned.notes,
                campaign=campaign if planned.campaign else None,
                follow_up=NewFollowUp(what, due_on, planned.worker) if what else None,
                close_follow_ups=[opened[planned.closes]] if planned.closes else (),
            )
            if planned.opens:
                opened[planned.opens] = FollowUp.objects.get(visit=visit)

    def backdate(self):
        """Make the records read as logged at the door rather than at seeding time: a visit was
        created when it happened (so only the latest are still the worker's to correct), a
        follow-up with its visit, and a follow-up was done in the visit that closed it."""
        grids = (self.grid1.pk, self.grid2.pk)
        Visit.objects.filter(grid__in=grids).update(created_at=F("visited_at"), updated_at=F("visited_at"))
        Visit.history.filter(grid_id__in=grids).update(
            history_date=F("visited_at"), history_change_reason=CHANGE_REASON
        )
        opened_at = Visit.objects.filter(pk=OuterRef("visit_id")).values("visited_at")[:1]
        closed_at = Visit.objects.filter(pk=OuterRef("done_in_visit_id")).values("visited_at")[:1]
        FollowUp.objects.filter(grid__in=grids, done_in_visit__isnull=False).update(done_at=Subquery(closed_at))
        FollowUp.history.filter(grid_id__in=grids, history_type="+").update(
            history_date=Subquery(opened_at), history_change_reason=CHANGE_REASON
        )
        FollowUp.history.filter(grid_id__in=grids, history_type="~").update(
            done_at=Subquery(closed_at), history_date=Subquery(closed_at), history_change_reason=CHANGE_REASON
        )


def date_help_alerts(community, now):
    """Date the residents found needing help or unwell (and the messages that told the staff)
    as if raised at their visits and handled when it happened, once the cases are in: the
    services stamp them with the seeding time. An alert a case settled whose visit came after
    that case (the demo dates cases back, a real case is never older than its alert) is open
    again. Their e-mails count as sent then, so the worker does not send them all at once."""
    alerts = HelpAlert.objects.filter(grid__community=community).select_related("visit", "resident")
    for alert in alerts:
        raised = alert.visit.visited_at
        handled = _handled_at(alert) if alert.handled_how else None
        if alert.handled_how and handled is None:
            HelpAlert.objects.filter(pk=alert.pk).update(
                created_at=raised, handled_at=None, handled_by=None, handled_how=""
            )
        else:
            HelpAlert.objects.filter(pk=alert.pk).update(created_at=raised, handled_at=handled)
        told = Notification.objects.filter(kind=MESSAGE_KIND, link=reverse("visit_detail", args=[alert.visit_id]))
        told.update(created_at=raised)
        told.filter(created_at__lt=now - READ_AFTER).update(read_at=F("created_at") + datetime.timedelta(hours=1))
        Delivery.objects.filter(notification__in=told).update(
            created_at=raised, sent_at=raised, status=DeliveryStatus.SENT, attempts=1
        )


def _handled_at(alert):
    """When the action that settled the alert happened, or None if none can have."""
    raised = alert.visit.visited_at
    if alert.handled_how == HelpHandled.SEEN_AGAIN:
        later = ResidentSeen.objects.filter(resident=alert.resident, visit__visited_at__gt=raised).exclude(
            condition=Condition.NOT_HOME
        )
        return later.order_by("visit__visited_at").values_list("visit__visited_at", flat=True).first()
    if alert.handled_how == HelpHandled.FOLLOW_UP:
        arranged = FollowUp.objects.filter(
            visit__household=alert.resident.household_id, visit__visited_at__gte=raised
        ).order_by("visit__visited_at")
        return arranged.values_list("visit__visited_at", flat=True).first()
    if alert.handled_how == HelpHandled.CASE:
        concerned = Q(visit=alert.visit) | Q(households=alert.resident.household_id) | Q(complainant=alert.resident)
        cases = Case.objects.filter(concerned, reported_at__gte=raised).order_by("reported_at")
        return cases.values_list("reported_at", flat=True).first()
    return alert.handled_at
