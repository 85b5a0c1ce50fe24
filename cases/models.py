"""Cases (事件): complaints, disputes and hazards, from intake to a verified close.

The states and who may move a case between them live in ``cases.workflow``; only
``cases.services`` changes ``Case.state``, and every change writes a CaseEvent.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from gridapp.models import Building, Community, Grid, Household, Resident, Shop, Town
from visits.models import Hazard, Visit


class DepartmentKind(models.TextChoices):
    POLICE = "police", _("Police station")
    CONSTRUCTION = "construction", _("Construction & planning office")
    AGRICULTURE = "agriculture", _("Agriculture & rural office")
    CONTRACTOR = "contractor", _("Contractor")
    OTHER = "other", _("Other")


class Department(models.Model):
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="departments", verbose_name=_("town"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="departments", blank=True, verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["town", "name"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="department_unique_name_per_town")]

    def __str__(self):
        return self.name


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class Category(models.Model):
    """Staff-managed case categories with the deadline each priority gets."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    hours_urgent = models.PositiveIntegerField(_("deadline when urgent (hours)"), default=24)
    hours_high = models.PositiveIntegerField(_("deadline when high (hours)"), default=72)
    hours_normal = models.PositiveIntegerField(_("deadline when normal (hours)"), default=168)
    hours_low = models.PositiveIntegerField(_("deadline when low (hours)"), default=336)
    promise = models.CharField(
        _("promise to the complainant"), max_length=200, blank=True, help_text=_("e.g. we will reply within 3 days")
    )
    active = models.BooleanField(_("active"), default=True)
    # 一格一警: the community decides which matters a grid worker may hand straight to the grid's
    # part-time officer from the police station (cases.workflow "refer_officer").
    officer_may_take = models.BooleanField(
        _("the grid's officer may take it"),
        default=False,
        help_text=_("A grid worker may refer cases of this category straight to the grid's police officer (一格一警)."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def deadline_hours(self, priority):
        return getattr(self, f"hours_{priority}")


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in at the office")
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Found on a visit")
    PATROL = "patrol", _("Found on patrol")
    HOTLINE = "hotline", _("12345 hotline")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    TOWN = "town", _("Town")


class State(models.TextChoices):
    REPORTED = "reported", _("Reported")
    REJECTED = "rejected", _("Rejected")
    REGISTERED = "registered", _("Registered")
    HANDLING = "handling", _("Handling (grid)")
    ESCALATED = "escalated", _("Escalated (community)")
    DISPATCHED = "dispatched", _("Dispatched (department)")
    RESOLVED = "resolved", _("Resolved, awaiting verification")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")
    FEEDBACK = "feedback", _("Feedback given")


OPEN_STATES = (
    State.REPORTED,
    State.REGISTERED,
    State.HANDLING,
    State.ESCALATED,
    State.DISPATCHED,
    State.RESOLVED,
    State.VERIFIED,
)


class CloseReason(models.TextChoices):
    FIXED = "fixed", _("Fixed")
    DUPLICATE = "duplicate", _("Duplicate of another case")
    REFERRED = "referred", _("Referred elsewhere")
    UNABLE = "unable", _("Unable to fix")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class CaseCounter(models.Model):
    """The last public number used per community and year (DLC-2026-000123)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "year"], name="case_counter_unique")]

    def __str__(self):
        return f"{self.community.code}-{self.year}: {self.last}"


class Case(models.Model):
    number = models.CharField(_("number"), max_length=30, unique=True)
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="cases", verbose_name=_("community")
    )
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="cases", verbose_name=_("grid"))
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=4000)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category"))
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WALK_IN)
    complainant = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("complainant"),
    )
    complainant_name = models.CharField(_("complainant's name"), max_length=50, blank=True)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    households = models.ManyToManyField(Household, blank=True, related_name="cases", verbose_name=_("households"))
    shops = models.ManyToManyField(Shop, blank=True, related_name="cases", verbose_name=_("shops"))
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("building")
    )
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases", verbose_name=_("raised on visit")
    )
    # The hazard escalated to this case (visits' register of hazards); closing the case as fixed
    # closes it (``effects.close_hazard``).
    hazard = models.ForeignKey(
        Hazard, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases", verbose_name=_("hazard")
    )
    level = models.CharField(pgettext_lazy("case", "level"), max_length=10, choices=Level.choices, default=Level.GRID)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.REPORTED)
    # The state a resolution came from, where a failed verification sends the case back.
    resolved_from = models.CharField(max_length=12, choices=State.choices, blank=True, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("department")
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # The deadline 按期结案率 counts against when it is not ``due_at``: an extension approved after
    # the case fell due moves ``due_at`` but not this (``cases.effects.grant_extension``).
    counted_due_at = models.DateTimeField(_("deadline counted for the on-time rate"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)
    close_reason = models.CharField(_("close reason"), max_length=10, choices=CloseReason.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("duplicate of")
    )
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("rework count"), default=0)
    overdue_flagged_at = models.DateTimeField(_("overdue flagged at"), null=True, blank=True, editable=False)
    # Optimistic locking: every change bumps it; a change based on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at"]
        indexes = [
            # A community's cases in one state (the desk's groups, the queue filtered by state).
            models.Index(fields=["community", "state", "due_at"], name="case_queue_idx"),
            # The staff queue's default list (cases.views.case_queue: state in OPEN_STATES, by
            # due_at) and the desk's "due within 24 hours": open cases of a community already in
            # deadline order, so the first page is read off the index instead of sorting every
            # open case of the community (the index above holds them in seven runs, one a state).
            models.Index(fields=["community", "due_at"], condition=Q(state__in=OPEN_STATES), name="case_open_due_idx"),
            # The same for an admin's queue, which spans the town: open cases by deadline.
            models.Index(fields=["due_at"], condition=Q(state__in=OPEN_STATES), name="case_open_town_due_idx"),
            models.Index(fields=["grid", "state"], name="case_grid_state_idx"),
            # cases.measures._in_period: a grid's cases due, closed or resolved in a period.
            models.Index(fields=["grid", "due_at"], name="case_grid_due_idx"),
            models.Index(fields=["grid", "counted_due_at"], name="case_grid_counted_due_idx"),
            models.Index(fields=["grid", "closed_at"], name="case_grid_closed_idx"),
            models.Index(fields=["grid", "resolved_at"], name="case_grid_resolved_idx"),
            models.Index(fields=["department", "state"], name="case_department_idx"),
            models.Index(fields=["assignee", "state"], name="case_assignee_idx"),
            # The overdue sweep: open, past due, not yet flagged.
            models.Index(fields=["due_at"], condition=Q(overdue_flagged_at__isnull=True), name="case_overdue_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("case_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def is_overdue(self):
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()

    @property
    def time_left(self):
        return self.due_at - timezone.now() if self.due_at else None

    @cached_property
    def pending_extension(self):
        """The extension request waiting for the community office, if any (one at most)."""
        return self.extension_requests.filter(state=ExtensionState.PENDING).select_related("asked_by").first()

    @cached_property
    def assist_list(self):
        """The assisting departments' parts (协办), in the order they were added (read once per
        case object; a write that adds or changes one forgets it). A case never dispatched has
        none, and costs no query."""
        if self.dispatched_at is None:
            return []
        return list(self.assists.select_related("department", "done_by").order_by("added_at", "pk"))

    @property
    def open_assists(self):
        return [part for part in self.assist_list if part.done_at is None]

    @property
    def counted_deadline(self):
        """The deadline 按期结案率 counts against (``cases.measures``)."""
        return self.counted_due_at or self.due_at

    def complainant_label(self):
        if self.anonymous:
            return _("Anonymous")
        if self.complainant_id:
            return self.complainant.name
        return self.complainant_name


class CaseEvent(models.Model):
    """The append-only timeline: every transition and note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_state = models.CharField(_("from"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=State.choices)
    level = models.CharField(pgettext_lazy("case", "level"), max_length=10, choices=Level.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    public = models.BooleanField(_("public"), default=False, help_text=_("Shown to the complainant."))
    note = models.TextField(_("note"), blank=True, max_length=4000)
    # What the complainant said, on "feedback" entries: kept here because a reopen clears the
    # case's own satisfaction, and the measures count every answer given (an "unsatisfied" that
    # led to a reopen included).
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "pk"]
        indexes = [
            # cases.measures: the rework, resolve and feedback entries of a period, read off the
            # index with their case and answer (covering on PostgreSQL): the timeline of the
            # period, not every case's whole timeline.
            models.Index(
                fields=["action", "created_at"], include=["case", "satisfaction"], name="case_event_action_time_idx"
            ),
        ]

    def __str__(self):
        return f"{self.case.number} {self.action} → {self.to_state}"

    def get_action_display(self):
        from .workflow import entry_label  # the lifecycle table imports this module

        return entry_label(self.action)


class CaseAssist(models.Model):
    """An assisting department's part of a dispatched case (协办): its members see the case, add
    to its timeline and mark their part done; the lead department (``Case.department``) resolves
    it (``cases.workflow``: dispatch, add_assist, remove_assist, add_note, assist_done)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assists", verbose_name=_("case"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="assists", verbose_name=_("assisting department")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    done_at = models.DateTimeField(_("part done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("part done by"),
    )
    note = models.TextField(_("what was done"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("assisting department")
        verbose_name_plural = _("assisting departments")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "department"], name="case_assist_one_part_per_department"),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="case_assist_done_has_who_and_when",
            ),
        ]

    def __str__(self):
        return f"{self.case.number} · {self.department}"

    @property
    def is_done(self):
        return self.done_at is not None


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(models.Model):
    """A handler's request for more time (延期申请). The case's deadline moves only when the
    community office approves it (``cases.workflow``: extend, approve_extension, refuse_extension)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extension_requests")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    reason = models.TextField(_("reason"), max_length=4000)
    proposed_due = models.DateTimeField(_("proposed deadline"))
    deadline_when_asked = models.DateTimeField(_("deadline when asked"))
    state = models.CharField(_("state"), max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["asked_at", "pk"]
        constraints = [
            # ``Case.pending_extension``: a handler asks again only once the office has answered.
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="pending"), name="extension_one_pending_per_case"
            ),
            models.CheckConstraint(
                condition=Q(proposed_due__gt=models.F("deadline_when_asked")), name="extension_moves_the_deadline_on"
            ),
            models.CheckConstraint(
                condition=Q(state="pending", decided_at__isnull=True, decided_by__isnull=True)
                | (~Q(state="pending") & Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="extension_answered_has_who_and_when",
            ),
        ]

    def __str__(self):
        return f"{self.case.number} → {self.proposed_due:%Y-%m-%d %H:%M} ({self.get_state_display()})"


def case_photo_path(instance, filename):
    return f"cases/{timezone.localdate():%Y/%m}/{instance.case_id}-{filename[-60:]}"


class CasePhoto(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=case_photo_path)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.image.name


def default_due_at(category, priority, start=None):
    return (start or timezone.now()) + datetime.timedelta(hours=category.deadline_hours(priority))


from .hotline_models import HotlineRequest  # noqa: E402,F401 (models of this app, in modules of their own)
from .mediation_models import MediationOutcome, MediationRecord  # noqa: E402,F401
