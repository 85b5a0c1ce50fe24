"""The register's forms. They validate only: the views hand ``changes()`` to ``services``. Choice
fields take their querysets from ``gridapp.scope``; an edit form carries the version it was
loaded with."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridapp import scope
from gridapp.core.forms import BaseModelForm, VersionField
from gridapp.models import Building, Household, HouseholdTag, PersonCategory, Resident, Shop

from .id_numbers import IdNumberFormMixin
from .services import CONTACT_FIELDS


class RegisterForm(BaseModelForm):
    """A register record's form: an edit carries the version it was loaded with."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"] = VersionField(initial=self.instance.version)

    def changes(self):
        """What the service is given: every field the form has, but the version."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class GridChoiceForm(RegisterForm):
    """A building, household or shop: its grid, and building if it has one, chosen among the
    user's; the building must be in the grid chosen."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = scope.managed_grids(user)
        if "building" in self.fields:
            self.fields["building"].queryset = scope.managed_buildings(user)

    def clean(self):
        data = super().clean()
        building, grid = data.get("building"), data.get("grid")
        if building and grid and building.grid_id != grid.id:
            self.add_error(
                "building", _("This building belongs to %(grid)s, not the grid chosen.") % {"grid": building.grid}
            )
        return data


class HouseholdForm(GridChoiceForm):
    tags = forms.MultipleChoiceField(
        label=_("Tags"), choices=HouseholdTag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Household
        fields = [
            "grid",
            "building",
            "unit",
            "room",
            "address",
            "head_name",
            "phone",
            "tenure",
            "landlord_name",
            "landlord_phone",
            "landlord_address",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].required = False
        if self.instance.pk:
            self.initial["tags"] = self.instance.tag_values()

    def clean(self):
        data = super().clean()
        building = data.get("building")
        if building:
            # The address of a flat is derived from its building, unit and room.
            self.instance.building = building
            self.instance.unit, self.instance.room = data.get("unit", ""), data.get("room", "")
            data["address"] = self.instance.compose_address()
        elif not data.get("address"):
            self.add_error("address", _("Choose a building or write out the address."))
        if data.get("tenure") == "rented" and not data.get("landlord_name"):
            self.add_error("landlord_name", _("A rented household needs its landlord's name."))
        return data


class ResidentForm(IdNumberFormMixin, RegisterForm):
    """The full resident form, for community staff and admins."""

    categories = forms.MultipleChoiceField(
        label=_("Person categories"),
        choices=PersonCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Resident
        fields = [
            "name",
            "sex",
            "date_of_birth",
            "id_number",
            "mobile",
            "is_head",
            "relation_to_head",
            "health_notes",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relation",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "health_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, household, show_health_notes=True, **kwargs):
        self.household = household
        super().__init__(*args, **kwargs)
        self.instance.household = household
        if self.instance.pk:
            self.initial["categories"] = self.instance.category_values()
        if not show_health_notes:
            del self.fields["health_notes"]  # see scope.can_see_health_notes

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born and born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth is in the future."))
        if born and born.year < 1880:
            raise forms.ValidationError(_("Enter a date of birth after 1880."))
        return born


class ResidentContactForm(RegisterForm):
    """What a grid worker may change: contact details and health notes."""

    class Meta:
        model = Resident
        fields = list(CONTACT_FIELDS)
        widgets = {"health_notes": forms.Textarea(attrs={"rows": 3})}


class ShopForm(GridChoiceForm):
    class Meta:
        model = Shop
        fields = [
            "grid",
            "building",
            "name",
            "address",
            "business_type",
            "street_front",
            "operator_name",
            "phone",
            "licence_number",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class BuildingForm(GridChoiceForm):
    class Meta:
        model = Building
        fields = ["grid", "road", "number", "name", "year_built", "floors", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        grid = data.get("grid")
        if grid:
            self.instance.community = grid.community
            duplicate = (
                Building.objects.filter(community=grid.community, road=data.get("road"), number=data.get("number"))
                .exclude(pk=self.instance.pk)
                .exists()
            )
            if duplicate:
                self.add_error(
                    "number",
                    _("%(road)s%(number)s幢 is already registered in this community.")
                    % {"road": data.get("road"), "number": data.get("number")},
                )
        return data

    def clean_year_built(self):
        year = self.cleaned_data.get("year_built")
        if year is not None and not 1800 <= year <= 2100:
            raise forms.ValidationError(_("Enter a year between 1800 and 2100."))
        return year


class RevealIdForm(forms.Form):
    """Why the full ID number is needed; kept in the access log (gridapp.privacy)."""

    reason = forms.CharField(
        label=_("Why do you need the full ID number?"),
        max_length=300,
        min_length=2,
        help_text=_("For example: applying for the old-age allowance at the town office. Kept in the access log."),
    )
