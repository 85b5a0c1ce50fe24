"""The hazard register's forms: a new hazard (its place and the person responsible picked from the
grid's register, through the scope: an id of another grid is not a choice), a recheck, a close,
and the staff's filters."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridapp import scope
from gridapp.core.forms import MultipleImageField
from gridapp.core.validators import validate_visible_lines

from ..hazard_models import OPEN_STATES, HazardKind, HazardState, RecheckResult, RiskLevel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NO_PLACE = _("Say where the hazard is: a building, a household, a shop or a place.")


class HazardForm(forms.Form):
    building = forms.ModelChoiceField(label=_("Building"), queryset=None, required=False)
    household = forms.ModelChoiceField(label=_("Household"), queryset=None, required=False)
    shop = forms.ModelChoiceField(label=_("Shop"), queryset=None, required=False)
    place = forms.CharField(
        label=_("Place"), max_length=200, required=False, help_text=_("e.g. the stairwell of unit 2")
    )
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=HazardKind.objects.filter(active=True))
    risk = forms.ChoiceField(
        label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.MEDIUM, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_visible_lines],
    )  # fmt: skip
    responsible_resident = forms.ModelChoiceField(label=_("Person responsible"), queryset=None, required=False)
    responsible_shop = forms.ModelChoiceField(label=_("Shop responsible"), queryset=None, required=False)
    deadline = forms.DateField(label=_("Rectify by"), required=False, widget=DATE)
    photos = MultipleImageField(label=_("Photos"), required=False)

    def __init__(self, *args, user, grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        self.fields["building"].queryset = scope.buildings(user).filter(grid=grid)
        self.fields["household"].queryset = scope.households(user).filter(grid=grid).order_by("address")
        self.fields["shop"].queryset = scope.shops(user).filter(grid=grid).order_by("name")
        residents = scope.residents(user).filter(household__grid=grid)
        # The owner, landlord or tenant of the place, when the form comes from a household or building.
        if household := self.initial.get("household"):
            residents = residents.filter(household=household)
        elif building := self.initial.get("building"):
            residents = residents.filter(household__building=building)
        self.fields["responsible_resident"].queryset = residents.select_related(None).order_by("name")
        self.fields["responsible_shop"].queryset = self.fields["shop"].queryset
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline is in the past."))
        return deadline

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("building", "household", "shop", "place")) and not any(
            name in self.errors for name in ("building", "household", "shop")
        ):
            raise forms.ValidationError(NO_PLACE, code="no_place")
        if data.get("responsible_resident") and data.get("responsible_shop"):
            self.add_error("responsible_shop", _("Pick one person or shop responsible, not both."))
        return data

    def place_fields(self):
        """The place, with the building of the household or shop when none was picked (the
        roster lists hazards by building)."""
        data = self.cleaned_data
        building = data.get("building")
        for record in (data.get("household"), data.get("shop")):
            building = building or (record.building if record else None)
        return {
            "building": building,
            "household": data.get("household"),
            "shop": data.get("shop"),
            "place": data.get("place", ""),
        }


class RecheckForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=RecheckResult.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_visible_lines],
    )  # fmt: skip
    photos = MultipleImageField(label=_("Photos"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "recheck-form"
        self.helper.add_input(Submit("submit", _("Save the recheck"), css_class="btn-lg w-100"))


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Why it is closed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_visible_lines],
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("Close the hazard"), css_class="btn-outline-secondary btn-lg w-100"))


class HazardFilterForm(forms.Form):
    """The staff's filters of the list; anything not a choice is ignored (the form is unbound-safe)."""

    kind = forms.ModelChoiceField(label=_("Kind"), queryset=HazardKind.objects.all(), required=False)
    risk = forms.ChoiceField(label=_("Risk level"), choices=[("", "—"), *RiskLevel.choices], required=False)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("Not done yet")), ("all", _("All")), *HazardState.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Recheck overdue"), required=False)

    def apply(self, hazards, today):
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("kind"):
            hazards = hazards.filter(kind=data["kind"])
        if data.get("risk"):
            hazards = hazards.filter(risk=data["risk"])
        state = data.get("state")
        if not state:
            hazards = hazards.filter(state__in=OPEN_STATES)
        elif state != "all":
            hazards = hazards.filter(state=state)
        if data.get("overdue"):
            hazards = hazards.filter(recheck_due_on__lt=today)
        return hazards
