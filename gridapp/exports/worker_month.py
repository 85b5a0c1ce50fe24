"""The workers' months as .xlsx (工作台账): one row per worker of a community (or of one grid) with
every figure of ``cases.worker_month.MEASURES``, and a second sheet saying how each is counted.

Like the other exports: the ``export_personal_data`` permission (403 without it), where and why
asked by the same form (a grid or community outside the user's scope is 404 from a link, a form
error when posted), and the access-log entry written in the transaction that makes the rows."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import worker_month
from gridapp.core.display import person

from . import xlsx
from .forms import _ExportBase


class MonthExportForm(_ExportBase):
    month = forms.RegexField(
        label=gettext_lazy("Month"),
        regex=worker_month.MONTH_RE,
        error_messages={"invalid": gettext_lazy("Give the month as YYYY-MM, e.g. 2026-11.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "2026-11"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].required = False
        if not self.is_bound and "month" not in self.initial:
            self.initial["month"] = f"{timezone.localdate():%Y-%m}"

    def clean_month(self):
        value = self.cleaned_data["month"]
        today = timezone.localdate()
        first = worker_month.parse_month(value, today)
        if f"{first:%Y-%m}" != value:
            raise forms.ValidationError(_("Give the month as YYYY-MM, e.g. 2026-11."))
        return worker_month.Month(first, today)


def _columns():
    columns = [(_("Worker"), 14), (_("Grids"), 18)]
    for measure in worker_month.MEASURES:
        columns.append((str(measure.label), 12))
        if measure.of:
            columns.append((_("%(measure)s (%%)") % {"measure": measure.label}, 12))
    return columns


def write(workbook, title, workers):
    """The month's sheet (one row per worker) and the definitions; returns the rows written."""
    sheet = xlsx.Sheet(workbook, _("Work record"), title=title, columns=_columns())
    for worker in workers:
        values = [person(worker.user), "、".join(f"{g.community.name}{g.name}" for g in worker.grids)]
        for figure in worker.figures():
            values.append(figure["value"])
            if figure["measure"].of:
                total = figure["total"]
                values.append(round(100 * figure["value"] / total, 1) if total else None)
        sheet.add(values)
    notes = xlsx.Sheet(
        workbook,
        _("How it is counted"),
        title=title,
        columns=[(_("Figure"), 20), (_("How it is counted"), 90)],
        landscape=False,
    )
    for measure in worker_month.MEASURES:
        notes.add([str(measure.label), str(measure.definition)], wrap=True)
    notes.add(
        [
            _("Not recorded yet"),
            _("Patrols and building coverage are not recorded yet; hazards are not counted here yet."),
        ],
        wrap=True,
    )
    return sheet.rows
