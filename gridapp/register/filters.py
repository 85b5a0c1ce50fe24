"""The register's searches (django-filter, as the case queue's): the grid page's households,
shops and buildings tabs, and the households of the register export. Each filters the queryset
it is given, which the caller takes from ``gridapp.scope``.

"Not visited in N days" filters on a ``last_visited`` annotation the caller adds: visits stand
above the register (``visits.selectors.last_visit_at``), so the pages and the exports, which may
import them, annotate, and the register only names the annotation.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gridapp.models import (
    Building,
    Household,
    HouseholdTag,
    HouseholdTagLink,
    PersonCategory,
    Resident,
    ResidentCategoryLink,
    Shop,
)

NOT_VISITED_DAYS = (7, 14, 30, 90)
# The households search's prefix in the register export's form (?register-q=…), where
# ``category`` is a case category: the grid page links to the export with its search.
EXPORT_PREFIX = "register"


class SearchForm(forms.Form):
    # The order the grid page lists the errors in (a tab's search leaves out what it lacks).
    field_order = ["q", "category", "tag", "archived", "not_visited_days"]


class _Search(django_filters.FilterSet):
    """A search box. A value that is not valid is shown as an error and the whole search is left
    out: half of it would list what nobody asked for."""

    # As long as the case queue's: a LIKE pattern has a length limit on SQLite.
    q = django_filters.CharFilter(label=_("Search"), max_length=100, method="search")

    def filter_queryset(self, queryset):
        if not self.form.is_valid():
            return self.unfiltered(queryset)
        return super().filter_queryset(queryset)

    def unfiltered(self, queryset):
        return queryset

    def search(self, queryset, name, value):
        raise NotImplementedError


class _Archivable(django_filters.FilterSet):
    """Archived records instead of the current ones, for those who manage the community."""

    archived = django_filters.BooleanFilter(label=_("Archived"), widget=forms.CheckboxInput, method="filter_archived")

    def __init__(self, data=None, queryset=None, *, can_manage=False, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.can_manage = can_manage

    def filter_archived(self, queryset, name, value):
        return queryset.filter(archived_at__isnull=not (value and self.can_manage))

    def unfiltered(self, queryset):
        return self.filter_archived(queryset, "archived", False)


# Translated when shown, not once at start-up in the default language.
_days = lazy(lambda d: gettext("%(d)d days") % {"d": d}, str)


class _NotVisited(django_filters.FilterSet):
    not_visited_days = django_filters.TypedChoiceFilter(
        label=_("Not visited in"),
        choices=[("", _("Any time")), *((d, _days(d)) for d in NOT_VISITED_DAYS)],
        coerce=int,
        empty_value=None,
        method="filter_not_visited",
    )

    def filter_not_visited(self, queryset, name, days):
        cutoff = timezone.now() - datetime.timedelta(days=days)
        return queryset.filter(Q(last_visited__isnull=True) | Q(last_visited__lt=cutoff))


class HouseholdSearch(_NotVisited, _Search):
    """Households by the name of the head or of a current resident, the address or a phone; by a
    person category of a current resident; by a household tag; not visited lately."""

    category = django_filters.ChoiceFilter(
        label=_("Person category"),
        choices=PersonCategory.choices,
        empty_label=_("Any person category"),
        method="filter_category",
    )
    tag = django_filters.ChoiceFilter(
        label=_("Household tag"),
        choices=HouseholdTag.choices,
        empty_label=_("Any household tag"),
        method="filter_tag",
    )

    class Meta:
        model = Household
        fields = []
        form = SearchForm

    def search(self, queryset, name, value):
        resident_match = Resident.objects.filter(
            Q(name__icontains=value) | Q(mobile__contains=value), household=OuterRef("pk"), archived_at__isnull=True
        )
        matches = Q(address__icontains=value) | Q(head_name__icontains=value) | Q(phone__contains=value)
        return queryset.filter(matches | Exists(resident_match))

    def filter_category(self, queryset, name, value):
        in_category = ResidentCategoryLink.objects.filter(
            category=value, resident__household=OuterRef("pk"), resident__archived_at__isnull=True
        )
        return queryset.filter(Exists(in_category))

    def filter_tag(self, queryset, name, value):
        return queryset.filter(Exists(HouseholdTagLink.objects.filter(tag=value, household=OuterRef("pk"))))

    def filter_not_visited(self, queryset, name, days):
        # Longest unvisited first: the list a worker plans the day's walk from.
        return (
            super()
            .filter_not_visited(queryset, name, days)
            .order_by(F("last_visited").asc(nulls_first=True), "address")
        )


class HouseholdFilter(_Archivable, HouseholdSearch):
    """The grid page's households."""

    def search(self, queryset, name, value):
        # The grid first: the residents of the page's own households (found by the household
        # index), then their names. Matched as a correlated EXISTS, PostgreSQL matched the name
        # against every resident of the town before keeping the grid's (issue 16).
        residents = Resident.objects.filter(
            Q(name__icontains=value) | Q(mobile__contains=value),
            household_id__in_first=queryset.order_by().values("pk"),
            archived_at__isnull=True,
        )
        matches = Q(address__icontains=value) | Q(head_name__icontains=value) | Q(phone__contains=value)
        return queryset.filter(matches | Q(pk__in=residents.order_by().values("household_id")))


class ShopFilter(_Archivable, _NotVisited, _Search):
    """The grid page's shops: by name, address, phone or operator; not visited lately."""

    class Meta:
        model = Shop
        fields = []
        form = SearchForm

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(address__icontains=value)
            | Q(phone__contains=value)
            | Q(operator_name__icontains=value)
        )


class BuildingFilter(_Search):
    """The grid page's buildings: by road, name or number."""

    class Meta:
        model = Building
        fields = []
        form = SearchForm

    def search(self, queryset, name, value):
        return queryset.filter(Q(road__icontains=value) | Q(name__icontains=value) | Q(number=value))
