from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from gridapp import scope
from gridapp.models import ImportKind


class UploadForm(forms.Form):
    grid = forms.ModelChoiceField(queryset=None, label=_("Into grid"), empty_label=None)
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportKind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("File"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file (UTF-8 or GBK), with the template's columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the grids whose register the user changes; another community's grid is "not a valid choice".
        self.fields["grid"].queryset = scope.managed_grids(user)
        self.initial.setdefault("kind", ImportKind.HOUSEHOLDS)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("upload", _("Upload and check"), css_class="w-100"))
