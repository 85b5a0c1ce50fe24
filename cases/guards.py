"""The rules of the lifecycle table beyond the roles (``cases.workflow.Action.guard``): each is
``guard(user, case)`` and says whether this user may take the row's action on this case now."""

from . import effects as fx
from . import scope as case_scope


def anyone(user, case):
    return True


def not_their_own_resolution(user, case):
    """Nobody verifies their own resolution (and a department never verifies: it holds no role then)."""
    return case.resolved_by_id != user.pk


def no_extension_pending(user, case):
    """One extension request at a time: the office answers it before the handler asks again."""
    return case.pending_extension is None


def answers_someone_elses_extension(user, case):
    """An extension request is answered by the office, and never by whoever asked for it."""
    pending = case.pending_extension
    return pending is not None and pending.asked_by_id != user.pk


def officer_may_take(user, case):
    """一格一警: the case's category is one staff let the grid's officer take, the grid has an
    officer, and the case is not with them already (nor referred by the officer themself)."""
    if not (case.category_id and case.category.officer_may_take):
        return False  # without a query: the grid's officers are looked up only when it matters
    officers = {officer.pk for officer in fx.grid_officers(case)}
    return bool(officers) and not officers & {user.pk, case.assignee_id}


def with_the_officer(user, case):
    """The case is with one of the grid's officers (referred, or assigned to them)."""
    return case.assignee_id is not None and case.assignee_id in {officer.pk for officer in fx.grid_officers(case)}


def has_assisting_parts(user, case):
    return bool(case.assist_list)


def has_a_department_to_add(user, case):
    """A department of the case's town neither leading nor assisting is left to ask: else the
    form would offer nothing to choose."""
    taken = {case.department_id, *(part.department_id for part in case.assist_list)}
    return case_scope.departments(user).filter(town=case.community.town_id).exclude(pk__in=taken).exists()


def has_an_open_part(user, case):
    """One of the user's departments assists on the case and has not marked its part done."""
    return bool({part.department_id for part in case.open_assists} & case_scope.department_ids(user))


def approves_a_later_deadline(user, case):
    """Approving moves the deadline on, never back (a reopened case has a fresh deadline that
    may already be later than the date asked before): such a request can only be refused."""
    return answers_someone_elses_extension(user, case) and case.pending_extension.proposed_due > case.due_at
