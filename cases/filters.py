"""The staff queue's filters (django-filter); every choice is scoped."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridapp import scope

from . import scope as case_scope
from .models import OPEN_STATES, Case, Category, Level, State


class CaseFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=[("open", _("All open")), *State.choices], method="filter_state"
    )
    grid = django_filters.ModelChoiceFilter(label=_("Grid"), queryset=None)
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=Category.objects.all())
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices)
    department = django_filters.ModelChoiceFilter(label=_("Department"), queryset=None)
    assignee = django_filters.ModelChoiceFilter(label=_("Assignee"), queryset=None)
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="filter_overdue")
    # As long as the grid page's search; a far longer one was a server error on SQLite (a LIKE
    # pattern has a length limit there).
    q = django_filters.CharFilter(label=_("Number or title"), method="filter_text", max_length=100)
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("due_at", "due"), ("reported_at", "age")),
        field_labels={
            "due": _("Deadline"),
            "-due": _("Deadline (latest first)"),
            "age": _("Oldest first"),
            "-age": _("Newest first"),
        },
    )

    class Meta:
        model = Case
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["grid"].queryset = scope.grids(user)
        self.filters["department"].queryset = case_scope.departments(user)
        self.filters["assignee"].queryset = case_scope.assignable_users(user)

    def filter_state(self, queryset, name, value):
        return queryset.filter(state__in=OPEN_STATES) if value == "open" else queryset.filter(state=value)

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(state__in=OPEN_STATES, due_at__lt=timezone.now())
        return queryset

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))
