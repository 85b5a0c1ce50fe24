"""The visit history of the last weeks, planned by ``VisitPlanner`` with its own seeded generator
(so adding it left the register as it was) and logged through ``visits.services.log_visit`` in
the order the visits happened, then dated back to when they happened."""

import random
import uuid

from django.db.models import F, OuterRef, Subquery

from visits.models import FollowUp, Visit
from visits.services import NewFollowUp, log_visit

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
