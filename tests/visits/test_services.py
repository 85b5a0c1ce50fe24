"""The writes: log_visit is idempotent on the form's submission id, update_visit keeps
history, complete_follow_up closes once."""

import datetime
import uuid

from django.utils import timezone

from visits import services
from visits.models import FollowUp, ResidentSeen, Visit

from .conftest import log, png


def test_log_visit_twice_with_one_submission_id_returns_the_first_visit(wu, ren):
    client_id = uuid.uuid4()
    kwargs = {
        "worker": wu,
        "client_id": client_id,
        "visited_at": timezone.now(),
        "household": ren.household,
        "conditions": {ren: "well"},
        "follow_up": services.NewFollowUp(what="回访", due_on=timezone.localdate(), assignee=wu),
    }
    first, created = services.log_visit(**kwargs)
    assert created
    again, created_again = services.log_visit(**kwargs)
    assert (again, created_again) == (first, False)
    assert (Visit.objects.count(), ResidentSeen.objects.count(), FollowUp.objects.count()) == (1, 1, 1)


def test_log_visit_keeps_the_grid_of_the_target(wu, shop1):
    visit = log(wu, shop=shop1)
    assert visit.grid == shop1.grid


def test_log_visit_saves_each_purpose_once(wu, ren):
    visit = log(wu, household=ren.household, purposes=["routine", "routine", "flood"])
    assert sorted(p.purpose for p in visit.purposes.all()) == ["flood", "routine"]


def test_log_visit_saves_photos(wu, ren):
    visit = log(wu, household=ren.household, photos=[png()])
    assert visit.photos.get().image.name.startswith("visits/")


def test_closing_a_follow_up_in_a_visit_without_notes_still_records_an_outcome(wu, ren):
    first = log(
        wu,
        household=ren.household,
        follow_up=services.NewFollowUp(what="回访", due_on=timezone.localdate(), assignee=wu),
    )
    follow_up = first.follow_ups.get()
    second = log(wu, household=ren.household, close_follow_ups=[follow_up])
    follow_up.refresh_from_db()
    assert follow_up.done_in_visit == second
    assert follow_up.outcome


def test_complete_follow_up_twice_changes_nothing_the_second_time(wu, zhou, ren):
    visit = log(
        wu,
        household=ren.household,
        follow_up=services.NewFollowUp(what="回访", due_on=timezone.localdate(), assignee=wu),
    )
    follow_up = visit.follow_ups.get()
    assert services.complete_follow_up(follow_up=follow_up, by=wu, outcome="修好了")
    done_at = follow_up.done_at
    stale = FollowUp.objects.get(pk=follow_up.pk)
    stale.done_at = None  # a second tab still shows it open
    assert not services.complete_follow_up(follow_up=stale, by=zhou, outcome="又修了一次")
    follow_up.refresh_from_db()
    assert (follow_up.done_by, follow_up.outcome, follow_up.done_at) == (wu, "修好了", done_at)


def test_update_visit_changes_purposes_conditions_and_keeps_the_old_notes(wu, ren):
    visit = log(wu, household=ren.household, notes="呼吸机坏了", conditions={ren: "well"}, purposes=["routine"])
    services.update_visit(
        visit=visit,
        by=wu,
        version=visit.version,
        visited_at=visit.visited_at - datetime.timedelta(hours=1),
        purposes=["routine", "safety"],
        conditions={ren: "needs_help"},
        notes="呼吸机坏了，已联系厂家",
    )
    visit.refresh_from_db()
    assert visit.notes == "呼吸机坏了，已联系厂家"
    assert sorted(p.purpose for p in visit.purposes.all()) == ["routine", "safety"]
    assert visit.residents_seen.get().condition == "needs_help"
    assert [h.notes for h in visit.history.order_by("history_date")] == ["呼吸机坏了", "呼吸机坏了，已联系厂家"]


def test_update_visit_drops_a_resident_no_longer_recorded(wu, ren):
    visit = log(wu, household=ren.household, conditions={ren: "well"})
    services.update_visit(
        visit=visit,
        by=wu,
        version=visit.version,
        visited_at=visit.visited_at,
        purposes=["routine"],
        conditions={},
        notes="",
    )
    assert not visit.residents_seen.exists()
