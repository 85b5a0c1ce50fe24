"""The queue's filter panel (django-filter, drawn by crispy forms) and its saved filters; every
choice is scoped, every control labelled, and people are named, never shown by login name."""

from dataclasses import dataclass

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridapp import scope
from gridapp.core.display import person

from . import scope as case_scope
from .models import OPEN_STATES, Case, Category, Level, State

ALL = _("All")  # the empty choice of every select: no narrowing by it
OPEN, TO_VERIFY = "open", "to_verify"  # the two "states" that are a set of states
# Sort keys: the query string says "due" and "age" (links to the queue use them).
DUE, AGE = "due", "age"


class CaseFilterForm(forms.Form):
    """The panel: each control labelled above it and as wide as its column (one column on a
    phone, four at a desk)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].label_from_instance = person
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template's form adds the buttons
        self.helper.disable_csrf = True  # a GET form
        self.helper.layout = Layout(
            Div(*(Div(name, css_class="col-12 col-sm-6 col-lg-3") for name in self.fields), css_class="row g-2")
        )


class CaseFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[(OPEN, _("All open")), (TO_VERIFY, _("For me to verify")), *State.choices],
        empty_label=ALL,
        method="filter_state",
    )
    grid = django_filters.ModelChoiceFilter(label=_("Grid"), queryset=None, empty_label=ALL)
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=Category.objects.all(), empty_label=ALL)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=ALL)
    department = django_filters.ModelChoiceFilter(label=_("Department"), queryset=None, empty_label=ALL)
    assignee = django_filters.ModelChoiceFilter(label=_("Assignee"), queryset=None, empty_label=ALL)
    # 全部/是/否; "unknown", what the old select sent for "all", still means all.
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", ALL), ("true", _("Yes")), ("false", _("No"))]),
    )
    # As long as the grid page's search; a far longer one was a server error on SQLite (a LIKE
    # pattern has a length limit there).
    q = django_filters.CharFilter(label=_("Number or title"), method="filter_text", max_length=100)
    # No empty choice: with none chosen the queue is sorted by the nearest deadline, the first one.
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("due_at", DUE), ("reported_at", AGE)),
        # Keyed by the model field for ascending, by the query's "-key" for descending
        # (django-filter's rule): keyed otherwise, the labels never show.
        field_labels={
            "due_at": _("Deadline, nearest first"),
            f"-{DUE}": _("Deadline, latest first"),
            "reported_at": _("Age, oldest case first"),
            f"-{AGE}": _("Age, newest case first"),
        },
        empty_label=None,
    )

    class Meta:
        model = Case
        fields = []
        form = CaseFilterForm

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["grid"].queryset = scope.grids(user)
        self.filters["department"].queryset = case_scope.departments(user)
        self.filters["assignee"].queryset = case_scope.assignable_users(user).order_by("last_name", "first_name")

    def filter_state(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(state__in=OPEN_STATES)
        if value == TO_VERIFY:
            # Resolved and waiting for a check that is not the user's own (nobody verifies
            # their own resolution: cases.workflow.not_their_own_resolution).
            return queryset.filter(state=State.RESOLVED).exclude(resolved_by=self.user)
        return queryset.filter(state=value)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state__in=OPEN_STATES, due_at__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))


@dataclass(frozen=True)
class SavedFilter:
    key: str
    label: str
    params: dict  # the query string it stands for, in the panel's own names

    @property
    def query(self):
        return "&".join(f"{name}={value}" for name, value in self.params.items())


def saved_filters(user):
    """The chips above the queue. "Assigned to me" is for the grid's workers and the community's
    staff (whom cases are assigned to), "to verify" for the grid side and admins (a department
    never verifies)."""
    user_scope = scope.for_user(user)
    chips = [SavedFilter(OPEN, _("All open"), {"state": OPEN})]
    if user_scope.is_staff or user_scope.is_worker:
        chips.append(SavedFilter("mine", _("Assigned to me"), {"state": OPEN, "assignee": user.pk}))
    chips.append(SavedFilter("overdue", _("Overdue"), {"state": OPEN, "overdue": "true"}))
    if user_scope.has_any_role:
        chips.append(SavedFilter("verify", _("For me to verify"), {"state": TO_VERIFY}))
    return chips


def active_filter(query, chips):
    """The chip the query is, if any: the same filters, whatever the sort, page or empty fields
    (the panel sends every field). No state at all means all open, as the queue reads it."""
    asked = {
        name: value for name, value in query.items() if name not in ("order", "page") and value not in ("", "unknown")
    }
    if "state" not in query:
        asked["state"] = OPEN
    for chip in chips:
        if asked == {name: str(value) for name, value in chip.params.items()}:
            return chip.key
    return None
