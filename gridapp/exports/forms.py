"""The export and roster forms. What may be chosen comes from ``gridapp.scope``: a grid the user
sees, or a whole community whose every grid they see (its staff, admins); a posted id outside
that is a form error."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Category, State
from gridapp import scope

FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)

OTHER = "other"
# The usual reasons (PIPL: why the data leaves the system); "other" needs words of its own.
REASONS = [
    ("typhoon", _("Typhoon and flood preparation")),
    ("visits", _("Planning visits and check-ins")),
    ("report", _("Report requested by the town or a department")),
    ("allowance", _("Checking allowances and subsidies")),
    (OTHER, _("Other (say why below)")),
]


class _ExportBase(forms.Form):
    """Where (a grid, or a whole community) and why."""

    community = forms.ModelChoiceField(label=_("Community"), queryset=None, required=False)
    grid = forms.ModelChoiceField(
        label=_("Grid"), queryset=None, required=False, empty_label=_("All grids of the community")
    )
    reason_choice = forms.ChoiceField(label=_("Why"), choices=[("", "---------"), *REASONS])
    reason_text = forms.CharField(
        label=_("In your own words"),
        max_length=200,
        required=False,
        help_text=_("Kept in the personal data access log with your name, the time and your address."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["grid"].queryset = scope.export_grids(user).order_by("community__name", "number")
        self.fields["community"].queryset = scope.export_communities(user).order_by("name")
        if not self.is_bound and "community" not in self.initial:
            # Staff of one community: it is the only choice, so it is chosen.
            communities = list(self.fields["community"].queryset[:2])
            if len(communities) == 1:
                self.initial["community"] = communities[0].pk

    def clean(self):
        data = super().clean()
        grid, community = data.get("grid"), data.get("community")
        if grid is not None:
            if community is not None and grid.community_id != community.pk:
                self.add_error("grid", _("This grid is not in the chosen community."))
            data["community"] = grid.community
        elif community is None and "community" not in self.errors and "grid" not in self.errors:
            self.add_error("grid", _("Choose a grid, or a community for all its grids."))
        choice, text = data.get("reason_choice"), (data.get("reason_text") or "").strip()
        if choice == OTHER and len(text) < 2:
            self.add_error("reason_text", _("Say in a few words why you need this data."))
        elif choice:
            label = str(dict(REASONS)[choice])
            data["reason"] = text if choice == OTHER else (f"{label}：{text}" if text else label)
        return data

    @property
    def where(self):
        """The grid, or the community, the export covers (after ``is_valid``)."""
        return self.cleaned_data.get("grid") or self.cleaned_data["community"]


class ExportForm(_ExportBase):
    REGISTER, VISITS, CASES = "register", "visits", "cases"
    what = forms.ChoiceField(
        label=_("What"),
        # exports.js shows only the fields that apply to the choice (data-export-fields).
        choices=[
            (REGISTER, _("Households and residents")),
            (VISITS, _("Visit log for a period")),
            (CASES, _("Case list")),
        ],
        widget=forms.RadioSelect,
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        help_text=_("Both days are included. The visit log needs both; for cases they narrow the day reported."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), ("open", _("All open")), *State.choices],
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.order_by("name"), required=False, empty_label=_("All categories")
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    full_phones = forms.BooleanField(
        label=_("Include full phone numbers"),
        required=False,
        help_text=_("Otherwise phones are masked (138****5678). ID numbers are always masked."),
    )

    field_order = ["what", "community", "grid", "start", "end", "state", "category", "overdue", "full_phones"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        for name, day in (("start", start), ("end", end)):
            if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                bounds = {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
                self.add_error(name, _("Choose a day from %(first)s to %(last)s.") % bounds)
        if data.get("what") == self.VISITS:
            if start is None and "start" not in self.errors:
                self.add_error("start", _("Give the first day."))
            if end is None and "end" not in self.errors:
                self.add_error("end", _("Give the last day."))
        if start and end and end < start and "end" not in self.errors:
            self.add_error("end", _("The last day cannot be before the first."))
        return data


class RosterForm(_ExportBase):
    """The typhoon roster: where, and why (typhoon preparation is chosen already: one tap)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason_choice"].initial = "typhoon"
