"""The forms of the staff's people area. The grids offered are those the staff member runs
(``scope.managed_grids``); a grid from anywhere else is refused by the form with a message, and
the service would refuse it again."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm, UsernameField
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from gridapp import scope
from gridapp.core.validators import validate_visible_text
from gridapp.models import RoleKind

KIND_CHOICES = [
    (RoleKind.GRID_WORKER.value, RoleKind.GRID_WORKER.label),
    (RoleKind.HELPER.value, RoleKind.HELPER.label),
]


def _helper(label):
    helper = FormHelper()
    helper.add_input(Submit("submit", label, css_class="btn-lg w-100"))
    return helper


class GridChoiceField(forms.ModelChoiceField):
    def __init__(self, user, **kwargs):
        super().__init__(
            queryset=scope.managed_grids(user).order_by("community__name", "number"),
            label=_("Grid"),
            empty_label=_("Choose a grid"),
            error_messages={"invalid_choice": _("This grid is not in your community. Choose one of your grids.")},
            **kwargs,
        )

    def label_from_instance(self, obj):
        return f"{obj.community.name} · {obj.name}"


class _NewPasswordMixin:
    """A temporary password typed twice and held to the site's password rules."""

    def _clean_new_password(self, user=None):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        elif first:
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)


class PersonAddForm(_NewPasswordMixin, forms.Form):
    last_name = forms.CharField(label=_("Family name"), max_length=150, validators=[validate_visible_text])
    first_name = forms.CharField(label=_("Given name"), max_length=150, validators=[validate_visible_text])
    username = UsernameField(
        label=_("Login name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("What they type to log in, e.g. wujiadong. Letters, digits and @ . + - _ only."),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Needed to reset a forgotten password by e-mail."),
    )
    kind = forms.ChoiceField(label=_("Role"), choices=KIND_CHOICES, initial=RoleKind.GRID_WORKER.value)
    part_time = forms.BooleanField(label=_("Part-time grid worker (e.g. the police station's officer)"), required=False)
    password1 = forms.CharField(
        label=_("Temporary password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Tell it to them in person; they must choose their own at their first log-in."),
    )
    password2 = forms.CharField(
        label=_("Temporary password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"] = GridChoiceField(user)
        self.order_fields(
            ["last_name", "first_name", "username", "email", "kind", "grid", "part_time", "password1", "password2"]
        )
        self.helper = _helper(_("Add"))

    def clean(self):
        cleaned = super().clean()
        self._clean_new_password()
        return cleaned


class RoleGrantForm(forms.Form):
    kind = forms.ChoiceField(label=_("Role"), choices=KIND_CHOICES)
    part_time = forms.BooleanField(label=_("Part-time grid worker (e.g. the police station's officer)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"] = GridChoiceField(user)
        self.order_fields(["kind", "grid", "part_time"])
        self.helper = _helper(_("Give the role"))


class RoleMoveForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"] = GridChoiceField(user)
        self.helper = _helper(_("Move"))


class TemporaryPasswordForm(SetPasswordForm):
    """Django's form for setting a password, with our labels; the service saves it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Temporary password")
        self.fields["new_password1"].help_text = _(
            "Tell it to them in person; they must choose their own at their next log-in."
        )
        self.fields["new_password2"].label = _("Temporary password again")
        self.helper = _helper(_("Set the temporary password"))
