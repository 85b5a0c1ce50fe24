"""The case measures page: what community staff watch (closing rates, rework, satisfaction, time
to resolve, where cases are settled, open and overdue cases) for a period of local dates."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe

from gridapp import scope

from . import measures
from . import scope as case_scope
from .models import OPEN_STATES, Category, State

PERIODS = {
    "this_month": gettext_lazy("This month"),
    "last_month": gettext_lazy("Last month"),
    "this_quarter": gettext_lazy("This quarter"),
    "this_year": gettext_lazy("This year"),
}
AGE_LABELS = {
    "under_1": gettext_lazy("Under 1 day"),
    "1_to_3": gettext_lazy("1–3 days"),
    "3_to_7": gettext_lazy("3–7 days"),
    "over_7": gettext_lazy("7 days or more"),
}
# Custom dates must lie in these bounds: the database's datetimes (and end + 1 day) stay in range.
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)
NOTHING = "—"  # a rate with nothing to divide by


def _first_of_month(day, months_later=0):
    index = day.year * 12 + day.month - 1 + months_later
    return datetime.date(index // 12, index % 12 + 1, 1)


def preset_days(period, today):
    """The named period around ``today`` as [first day, day after the last)."""
    month = _first_of_month(today)
    if period == "this_month":
        return month, _first_of_month(month, 1)
    if period == "last_month":
        return _first_of_month(month, -1), month
    if period == "this_quarter":
        quarter = month.replace(month=(month.month - 1) // 3 * 3 + 1)
        return quarter, _first_of_month(quarter, 3)
    year = month.replace(month=1)
    return year, year.replace(year=year.year + 1)


class PeriodForm(forms.Form):
    """A named period (the links above the form), or custom dates, both days included.

    ``cleaned_data`` gains ``first_day`` and ``end_day``: the period is [first_day, end_day).
    """

    period = forms.CharField(required=False)
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        help_text=gettext_lazy("Both days are included."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template's form also carries the category and department
        self.helper.layout = Layout(
            Row(Column("start", css_class="col-12 col-sm-6"), Column("end", css_class="col-12 col-sm-6")),
            # A button without a name: the query string carries the dates only.
            StrictButton(gettext_lazy("Show"), type="submit", css_class="btn-primary w-100"),
        )

    @property
    def is_custom(self):
        """Submitted from the custom dates form (even empty: then it says what is missing)."""
        return any(name in self.data for name in ("start", "end"))

    def clean(self):
        data = super().clean()
        if not self.is_custom:
            period = data.get("period") or "this_month"
            if period not in PERIODS:
                raise forms.ValidationError(_("Choose one of the periods."))
            data["period"] = period
            data["first_day"], data["end_day"] = preset_days(period, timezone.localdate())
            return data
        start, end = data.get("start"), data.get("end")
        for name, day, missing in (
            ("start", start, _("Give the first day.")),
            ("end", end, _("Give the last day.")),
        ):
            if name in self.errors:
                continue
            if day is None:
                self.add_error(name, missing)
            elif not FIRST_DAY <= day <= LAST_DAY:
                bounds = {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
                self.add_error(name, _("Choose a day from %(first)s to %(last)s.") % bounds)
        if start and end and end < start and "end" not in self.errors:
            self.add_error("end", _("The last day cannot be before the first."))
        if not self.errors:
            data["period"] = "custom"
            data["first_day"], data["end_day"] = start, end + datetime.timedelta(days=1)
        return data


class NarrowForm(forms.Form):
    """Count only one category's cases, or only those with one department."""

    category = forms.ModelChoiceField(label=gettext_lazy("Category"), queryset=Category.objects.all(), required=False)
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = case_scope.departments(user)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("category", css_class="col-12 col-sm-6"), Column("department", css_class="col-12 col-sm-6")),
        )

    def query(self):
        """The narrowing as query-string pairs, for the links that keep it."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return [(name, data[name].pk) for name in ("category", "department") if data.get(name)]


def _local_midnight(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def percent(value):
    """0.6667 → "66.7%", 1 → "100%", None → "—"."""
    return NOTHING if value is None else f"{floatformat(value * 100, -1)}%"


def duration(value):
    """A mean time to resolve, in hours under two days, else in days; None → "—"."""
    if value is None:
        return NOTHING
    hours = value.total_seconds() / 3600
    if hours < 48:
        return _("%(hours)s h") % {"hours": floatformat(hours, -1)}
    return _("%(days)s d") % {"days": floatformat(hours / 24, -1)}


@dataclass
class Card:
    label: str
    value: str
    detail: str = ""
    alert: bool = False
    definition: str = ""


# How each figure is counted (DOMAIN.md, "Measures staff watch"), one tap from the figure.
DEFINITIONS = {
    "closing": gettext_lazy(
        "Cases due in the period that are closed, divided by all cases due in the period "
        "(rejected cases are not counted)."
    ),
    "on_time": gettext_lazy(
        "Cases due in the period and closed by their deadline, divided by all cases due in the period. "
        "The deadline counted is the original one, or an extension’s date if the community office "
        "approved it before the deadline then in force fell due. An extension approved after the case "
        "fell due, or refused, or not yet answered, does not count: the case stays due on the earlier date."
    ),
    "rework": gettext_lazy(
        "Failed verifications in the period, divided by the resolutions sent for verification in the period."
    ),
    "satisfaction": gettext_lazy(
        "Answers “satisfied” or “basically satisfied” recorded in the period, "
        "divided by all answers recorded in the period."
    ),
    "time": gettext_lazy("From the report to the resolution, averaged over the cases resolved in the period."),
    "grid": gettext_lazy("Cases closed in the period at grid level, divided by all cases closed in the period."),
    "community": gettext_lazy(
        "Cases closed in the period at grid or community level, divided by all cases closed in the period."
    ),
    "open": gettext_lazy("Cases not yet closed or rejected, as of now."),
    "overdue": gettext_lazy("Open cases past their deadline, as of now."),
}


@dataclass
class Line:
    """One row of a table (a grid or a community), every figure ready to show."""

    name: str
    due: int
    closing_rate: str
    on_time_rate: str
    rework_rate: str
    satisfaction_rate: str
    mean_time_to_resolve: str
    grid_level_share: str
    community_level_share: str
    open: int
    overdue: int


def _share(rate):
    """A rate as a percentage for a chart (None: no bar)."""
    return None if rate is None else round(rate * 100, 1)


def _rate_card(label, rate, part, whole, key):
    """A rate's card: the percentage, the two counts it divides, and how it is counted."""
    return Card(label, percent(rate), f"{part} / {whole}", definition=DEFINITIONS[key])


def headline(m):
    return [
        _rate_card(_("Closing rate"), m.closing_rate, m.closed, m.due, "closing"),
        _rate_card(_("Closed on time"), m.on_time_rate, m.closed_on_time, m.due, "on_time"),
        _rate_card(_("Rework rate"), m.rework_rate, m.reworked, m.resolved, "rework"),
        _rate_card(_("Satisfaction"), m.satisfaction_rate, m.satisfied, m.feedback, "satisfaction"),
        Card(
            _("Mean time to resolve"),
            duration(m.mean_time_to_resolve),
            ngettext("%(count)s case resolved", "%(count)s cases resolved", m.resolved_cases)
            % {"count": m.resolved_cases},
            definition=DEFINITIONS["time"],
        ),
        _rate_card(_("Solved in the grid"), m.grid_level_share, m.closed_at_grid, m.closed_in_period, "grid"),
        _rate_card(
            _("Solved in the community"),
            m.community_level_share,
            m.closed_in_community,
            m.closed_in_period,
            "community",
        ),
        Card(_("Open now"), str(m.open), definition=DEFINITIONS["open"]),
        Card(_("Overdue now"), str(m.overdue), alert=m.overdue > 0, definition=DEFINITIONS["overdue"]),
    ]


def line(row):
    m = row.measures
    return Line(
        name=row.name,
        due=m.due,
        closing_rate=percent(m.closing_rate),
        on_time_rate=percent(m.on_time_rate),
        rework_rate=percent(m.rework_rate),
        satisfaction_rate=percent(m.satisfaction_rate),
        mean_time_to_resolve=duration(m.mean_time_to_resolve),
        grid_level_share=percent(m.grid_level_share),
        community_level_share=percent(m.community_level_share),
        open=m.open,
        overdue=m.overdue,
    )


def _tables(report, *, show_communities):
    """(heading, first column, lines): per community for admins, then per grid for everyone."""
    tables = [(_("Per grid"), _("Grid"), [line(row) for row in report.grids])]
    if show_communities:
        tables.insert(0, (_("Per community"), _("Community"), [line(row) for row in report.communities]))
    return tables


def _days(duration):
    """A mean time to resolve in days, for a chart (None: no bar)."""
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def _charts(report):
    """The charts' data (json_script): open cases by state and by age, rates and time to resolve per grid."""
    total, grids = report.total, report.grids
    return {
        "chart": {
            "label": _("Open cases"),
            "labels": [state.label for state in OPEN_STATES],
            "counts": [total.open_by_state[state.value] for state in OPEN_STATES],
        },
        "age_chart": {
            "label": _("Open cases"),
            "labels": [str(AGE_LABELS[key]) for key in total.open_by_age],
            "counts": list(total.open_by_age.values()),
        },
        "rates_chart": {
            "labels": [row.name for row in grids],
            "series": [
                {"label": label, "values": [_share(getattr(row.measures, rate)) for row in grids]}
                for label, rate in (
                    (_("Closing rate"), "closing_rate"),
                    (_("Closed on time"), "on_time_rate"),
                    (_("Satisfaction"), "satisfaction_rate"),
                )
            ],
        },
        "time_chart": {
            "label": _("Mean time to resolve (days)"),
            "labels": [row.name for row in grids],
            "values": [_days(row.measures.mean_time_to_resolve) for row in grids],
        },
    }


@require_safe
def case_measures(request):
    """The measures of the user's community, per grid; admins see every community and grid."""
    user_scope = scope.for_user(request.user)
    if not (user_scope.is_admin or user_scope.is_staff):
        raise PermissionDenied(_("Only community staff and admins see the case measures."))
    form = PeriodForm(request.GET)
    narrow = NarrowForm(request.GET, user=request.user)
    context = {"form": form, "narrow": narrow, "periods": PERIODS, "narrow_query": urlencode(narrow.query())}
    if not (form.is_valid() and narrow.is_valid()):
        return render(request, "cases/measures.html", context, status=400)
    first_day, end_day = form.cleaned_data["first_day"], form.cleaned_data["end_day"]
    report = measures.compute(
        scope.grids(request.user),
        _local_midnight(first_day),
        _local_midnight(end_day),
        timezone.now(),
        category=narrow.cleaned_data.get("category"),
        department=narrow.cleaned_data.get("department"),
    )
    total = report.total
    context.update(
        period=form.cleaned_data["period"],
        first_day=first_day,
        last_day=end_day - datetime.timedelta(days=1),
        report=report,
        scope_label=_("All communities") if user_scope.is_admin else " · ".join(row.name for row in report.communities),
        cards=headline(total),
        tables=_tables(report, show_communities=user_scope.is_admin),
        open_by_state=[(State(state).label, count) for state, count in total.open_by_state.items()],
        open_by_age=[(AGE_LABELS[key], count) for key, count in total.open_by_age.items()],
        **_charts(report),
    )
    return render(request, "cases/measures.html", context)
