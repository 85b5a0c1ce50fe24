"""Form plumbing every app uses: binding to a POST, reading an id parameter, the crispy helper
with one submit button and normalised phones, the hidden version of an edit, several photos in
one input."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .validators import normalize_phone

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6


def posted(request):
    """The POST data to bind a form to, or None on GET; an empty POST is still a submission."""
    return request.POST if request.method == "POST" else None


def id_param(value):
    """A parameter that names a row or a number (``?grid=3``, a hidden ``version``) as an int,
    or None when it is anything else. ``str.isdigit`` is not enough: it also accepts "²" and
    "١٢", and runs of digits that ``int()`` refuses or no database column can hold."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


class VersionField(forms.IntegerField):
    """The version of the record an edit form was loaded with, sent back hidden: a save based on
    an older one is refused (``gridapp.core.versions``)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        outdated = _("This form is out of date: open it again.")
        kwargs.setdefault("error_messages", dict.fromkeys(("required", "invalid", "min_value", "max_value"), outdated))
        # The column's range: a larger number is no version, and SQLite cannot even compare it.
        kwargs.setdefault("label", _("Version"))
        super().__init__(min_value=1, max_value=2**31 - 1, **kwargs)


_PHONE_FIELDS = ("phone", "landlord_phone", "mobile", "emergency_contact_phone")


class BaseModelForm(forms.ModelForm):
    """Common plumbing: a crispy helper with one submit button, phones normalised."""

    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label, css_class="btn-lg w-100"))
        for name in _PHONE_FIELDS:
            if name in self.fields:
                self.fields[name].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def _clean_phone(self, name):
        return normalize_phone(self.cleaned_data.get(name, ""))

    def clean_phone(self):
        return self._clean_phone("phone")

    def clean_landlord_phone(self):
        return self._clean_phone("landlord_phone")

    def clean_mobile(self):
        return self._clean_phone("mobile")

    def clean_emergency_contact_phone(self):
        return self._clean_phone("emergency_contact_phone")


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    """Several photos in one input; each must be an image of at most 10 MB."""

    widget = MultipleImageInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)d photos per visit.") % {"n": MAX_PHOTOS})
        cleaned = []
        for upload in files:
            if upload.size > MAX_PHOTO_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than 10 MB.") % {"name": upload.name}, code="photo_too_large"
                )
            cleaned.append(super().clean(upload, initial))
        return cleaned
