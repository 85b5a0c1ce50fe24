"""Form fields that pick records of the register by search, never from a list of the whole grid:
each picked record is a chip holding its id in a hidden input (``includes/picker.html``); the
register's search (``?pick=resident``) offers the records as the user types, and
``static/js/search.js`` turns a choice into a chip and removes a chip. Without JavaScript the
chips the form was given (prefilled, or sent back with an error) are still sent.

A posted id the user cannot see is a forged one: the request is refused as a URL naming it
would be (404), and nothing is saved. A value that is no id at all is a form error.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.template import loader
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from gridapp import scope
from gridapp.core.forms import id_param

from .search import label

MAX_PICKED = 20
NOT_PICKED = _("Pick from the search results.")


def _ids(values):
    """The ids among ``values`` (a value or a list of them, as posted or as initial data)."""
    values = values if isinstance(values, list | tuple) else [values]
    ids = [id_param(v) if isinstance(v, str) else getattr(v, "pk", v) for v in values if v not in (None, "")]
    return [pk for pk in dict.fromkeys(ids) if isinstance(pk, int)]


class Picker(forms.Widget):
    """The chips of the picked records, a search box for more (shown by the script) and the
    records suggested before anything is typed (``suggestions``: pairs of record and label)."""

    template_name = "includes/picker.html"

    def __init__(self, *, kind, multiple, attrs=None):
        super().__init__(attrs)
        self.kind, self.multiple = kind, multiple
        self.queryset = None
        self.suggestions = []

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if self.multiple else data.get(name)

    def _render(self, template_name, context, renderer=None):
        # The project's templates (and their tags), not the form renderer's own directories.
        return mark_safe(loader.render_to_string(template_name, context))  # noqa: S308 (a rendered template)

    def value_omitted_from_data(self, data, files, name):
        return False  # no chip left is a choice too: none

    def format_value(self, value):
        return _ids(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = context["widget"]["value"]
        found = self.queryset.in_bulk(ids) if ids and self.queryset is not None else {}
        picked = [found[pk] for pk in ids if pk in found]
        context["widget"].update(
            kind=self.kind,
            multiple=self.multiple,
            chips=[(record.pk, label(record)) for record in picked],
            suggestions=[(record, text) for record, text in self.suggestions if record.pk not in found],
        )
        return context


class _Picked:
    """What both fields share: the widget shows the field's records."""

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    def suggest(self, records):
        self.widget.suggestions = [(record, label(record)) for record in records]


class PickOne(_Picked, forms.ModelChoiceField):
    queryset = property(forms.ModelChoiceField._get_queryset, _Picked._set_queryset)

    def __init__(self, *, kind, **kwargs):
        super().__init__(queryset=None, widget=Picker(kind=kind, multiple=False), **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if (pk := id_param(value if isinstance(value, str) else str(value))) is None:
            raise ValidationError(NOT_PICKED, code="invalid_choice")
        return scope.get_or_404(self.queryset, pk)


class PickMany(_Picked, forms.ModelMultipleChoiceField):
    queryset = property(forms.ModelMultipleChoiceField._get_queryset, _Picked._set_queryset)

    def __init__(self, *, kind, **kwargs):
        super().__init__(queryset=None, widget=Picker(kind=kind, multiple=True), **kwargs)

    def _check_values(self, value):
        ids = [id_param(v if isinstance(v, str) else str(v)) for v in value]
        if None in ids:
            raise ValidationError(NOT_PICKED, code="invalid_choice")
        ids = list(dict.fromkeys(ids))
        if len(ids) > MAX_PICKED:
            raise ValidationError(_("Pick at most %(n)d.") % {"n": MAX_PICKED}, code="too_many")
        found = self.queryset.in_bulk(ids)
        if len(found) != len(ids):
            raise Http404(f"No {self.queryset.model._meta.model_name} of {ids!r} in scope")
        return [found[pk] for pk in ids]
