"""What a grid worker adds at the door: a household, a resident, a shop, in a grid they work; and
a resident who moved out or died. The same checks as the staff's forms (``forms``: GB 11643 ID
numbers, mobiles and landlines, nothing invisible in names), with the fields a worker knows on
the doorstep and the grid fixed by the page. Someone already in the register is shown where
they live, if the worker may see them, instead of being added twice."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridapp import scope
from gridapp.core.validators import birth_date_from_id, normalize_id_number, validate_id_number
from gridapp.models import Arrival, Departure, Resident

from .forms import HouseholdForm, ResidentForm, ShopForm

# A newborn is registered within their first year; an older child "moved in".
NEWBORN_AGE = datetime.timedelta(days=366)


class _InGrid:
    """A household's or shop's form without the grid (the page's) and with the grid's buildings."""

    def __init__(self, *args, grid, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.grid, self.user = grid, user
        self.instance.grid = grid
        del self.fields["grid"]
        self.fields["building"].queryset = scope.buildings(user).filter(grid=grid)
        self.existing = None  # the same place, registered already: the page links to it

    def refuse_duplicate(self, queryset, field, message):
        self.existing = queryset.first()
        if self.existing is not None:
            self.add_error(field, message % {"place": self.existing})


class HouseholdAddForm(_InGrid, HouseholdForm):
    class Meta(HouseholdForm.Meta):
        fields = [f for f in HouseholdForm.Meta.fields if f != "landlord_address"]

    def clean(self):
        data = super().clean()
        if data.get("address"):
            # Households are told apart by their address (the import matches on it too); a
            # family moving into a flat whose household was archived is a new household.
            self.refuse_duplicate(
                scope.households(self.user).filter(grid=self.grid, address=data["address"]),
                "address" if not data.get("building") else "room",
                _("%(place)s is registered already: add the new residents to that household."),
            )
        return data


class ShopAddForm(_InGrid, ShopForm):
    def clean(self):
        data = super().clean()
        if data.get("name") and data.get("address"):
            self.refuse_duplicate(
                scope.shops(self.user).filter(grid=self.grid, name=data["name"], address=data["address"]),
                "name",
                _("%(place)s is registered at this address already."),
            )
        return data


class ResidentAddForm(ResidentForm):
    """A resident who moved in, was born or rents a room. The sex and date of birth may be left to
    the ID number, which holds both."""

    arrival = forms.ChoiceField(label=_("Why are you adding them?"), choices=Arrival.choices, widget=forms.RadioSelect)

    field_order = ["arrival", "name", "id_number", "sex", "date_of_birth", "mobile"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.registered = None  # the resident already holding the ID number, if the user sees them
        self.fields["sex"].required = self.fields["date_of_birth"].required = False
        self.fields["sex"].widget = forms.RadioSelect(choices=self.fields["sex"].choices[1:])
        self.fields["date_of_birth"].help_text = _("Left empty, it is read from the ID number.")

    def clean_id_number(self):
        number = normalize_id_number(self.cleaned_data.get("id_number"))
        if number and (found := Resident.objects.filter(id_number=number).first()):
            self._already_registered(found)
        return number

    def _already_registered(self, found):
        listing = scope.residents(self.user, include_archived=scope.can_manage_register(self.user))
        self.registered = listing.filter(pk=found.pk).select_related("household").first()
        if self.registered is not None:
            raise ValidationError(
                _("%(name)s is registered already, at %(address)s."),
                code="id_registered",
                params={"name": self.registered.name, "address": self.registered.household.address},
            )
        # Registered where the user may not look: say so, never where (another grid's worker
        # must not learn who lives there).
        raise ValidationError(
            _(
                "This ID number is registered already, outside the households you can see. "
                "Community staff can move the record here."
            ),
            code="id_registered",
        )

    def _from_id(self):
        number = self.cleaned_data.get("id_number")
        try:
            validate_id_number(number)
        except ValidationError:
            return None
        return number

    def clean_sex(self):
        sex = self.cleaned_data.get("sex")
        if not sex and (number := self._from_id()):
            return "M" if int(number[16]) % 2 else "F"  # GB 11643: odd for men
        if not sex:
            raise ValidationError(_("Choose the sex, or give the ID number."))
        return sex

    def clean_date_of_birth(self):
        born = super().clean_date_of_birth()
        if born is None and (number := self._from_id()):
            born = birth_date_from_id(number)
        if born is None:
            raise ValidationError(_("Give the date of birth or a valid ID number."))
        return born

    def clean(self):
        data = super().clean()
        born = data.get("date_of_birth")
        if data.get("arrival") == Arrival.NEWBORN and born and timezone.localdate() - born > NEWBORN_AGE:
            self.add_error("arrival", _("A newborn was born in the last year; choose “Moved in” for an older child."))
        return data


class DepartureForm(forms.Form):
    """Why and when a resident left: the record is archived, never deleted."""

    departure = forms.ChoiceField(label=_("What happened?"), choices=Departure.choices, widget=forms.RadioSelect)
    departed_on = forms.DateField(
        label=_("On"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), initial=timezone.localdate
    )

    def __init__(self, *args, resident, **kwargs):
        super().__init__(*args, **kwargs)
        self.resident = resident

    def clean_departed_on(self):
        day = self.cleaned_data["departed_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date is in the future."))
        if day < self.resident.date_of_birth:
            raise ValidationError(_("The date is before %(name)s was born.") % {"name": self.resident.name})
        return day
