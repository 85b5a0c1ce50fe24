"""The visit form: one screen at the door, defaults for the common case."""

import datetime
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridapp import scope
from gridapp.core.forms import MultipleImageField, VersionField
from gridapp.core.validators import validate_visible_lines

from . import scope as visit_scope
from .models import Campaign, CampaignTarget, CareLevel, Condition, Purpose
from .selectors import open_campaigns

VISIT_MAX_AGE = datetime.timedelta(days=30)
# Phones' clocks drift; a visit "a few minutes in the future" is the clock, not the worker.
CLOCK_SKEW = datetime.timedelta(minutes=10)
FOLLOW_UP_PRESETS = (3, 7, 10, 30)
NOT_RECORDED = ""


def _same_minute(a, b):
    return abs(a - b) < datetime.timedelta(minutes=1) and a.replace(second=0, microsecond=0) == b.replace(
        second=0, microsecond=0
    )


def _local_input(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


class VisitForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), required=False, widget=forms.HiddenInput)
    visited_at = forms.DateTimeField(
        label=_("Visited at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
    )
    purposes = forms.MultipleChoiceField(
        label=_("Purpose"), choices=Purpose.choices, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("What was noticed"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("e.g. the ventilator is broken; arranged a repair")}),
        validators=[validate_visible_lines],  # names appear in notes: nothing hidden in them
    )
    photos = MultipleImageField(label=_("Photos"), required=False)
    follow_up_what = forms.CharField(
        label=_("Follow-up: what must happen next"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. check the ventilator repair")}),
        validators=[validate_visible_lines],
    )
    follow_up_in_days = forms.TypedChoiceField(
        label=_("Due in"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(d, _("%(d)d days") % {"d": d}) for d in FOLLOW_UP_PRESETS],
        widget=forms.RadioSelect,
    )
    follow_up_due_on = forms.DateField(
        label=_("or on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, user, household=None, shop=None, campaign=None, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.household, self.shop, self.visit = user, household, shop, visit
        target = household or shop
        now = timezone.now()
        self.fields["client_id"].initial = uuid.uuid4()
        self.fields["visited_at"].initial = _local_input(visit.visited_at if visit else now)
        self.fields["purposes"].initial = [Purpose.CAMPAIGN if campaign else Purpose.ROUTINE]
        self.fields["campaign"].queryset = open_campaigns(user, target.grid)
        if campaign:
            self.fields["campaign"].initial = campaign.pk
        self.resident_fields = []
        residents = (
            scope.residents(user).filter(household=household).order_by("-is_head", "date_of_birth") if household else []
        )
        seen = {s.resident_id: s.condition for s in visit.residents_seen.all()} if visit else {}
        for resident in residents:
            name = f"resident_{resident.pk}"
            self.fields[name] = forms.ChoiceField(
                label=resident.name,
                required=False,
                choices=[(NOT_RECORDED, _("Not recorded")), *Condition.choices],
                widget=forms.RadioSelect,
                initial=seen.get(resident.pk, NOT_RECORDED),
            )
            self.resident_fields.append((resident, name))
        self.open_follow_ups = []
        if visit is None:
            for follow_up in visit_scope.follow_ups(user).filter(
                **({"visit__household": household} if household else {"visit__shop": shop}), done_at__isnull=True
            ):
                name = f"close_follow_up_{follow_up.pk}"
                self.fields[name] = forms.BooleanField(label=follow_up.what, required=False)
                self.open_follow_ups.append((follow_up, name))
        else:
            for name in ("photos", "follow_up_what", "follow_up_in_days", "follow_up_due_on", "client_id", "campaign"):
                del self.fields[name]
            self.fields["purposes"].initial = [p.purpose for p in visit.purposes.all()]
            self.fields["notes"].initial = visit.notes
            self.fields["version"] = VersionField(initial=visit.version)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def resident_rows(self):
        return [(resident, self[name]) for resident, name in self.resident_fields]

    def follow_up_rows(self):
        return [(follow_up, self[name]) for follow_up, name in self.open_follow_ups]

    def clean_visited_at(self):
        value = self.cleaned_data["visited_at"]
        if self.visit and _same_minute(value, self.visit.visited_at):
            return self.visit.visited_at  # unchanged: an old visit may still be corrected
        now = timezone.now()
        if value > now + CLOCK_SKEW:
            raise forms.ValidationError(_("The visit time is in the future."), code="future")
        if value < now - VISIT_MAX_AGE:
            raise forms.ValidationError(_("A visit can be logged up to 30 days after it took place."), code="too_old")
        return value

    def clean_follow_up_due_on(self):
        value = self.cleaned_data.get("follow_up_due_on")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The follow-up's due date is in the past."), code="past")
        return value

    def clean(self):
        data = super().clean()
        if "follow_up_what" not in self.fields:
            return data
        what = data.get("follow_up_what", "").strip()
        days, due_on = data.get("follow_up_in_days"), data.get("follow_up_due_on")
        if what and not (days or due_on) and "follow_up_due_on" not in self.errors:
            self.add_error("follow_up_in_days", _("Choose when the follow-up is due."))
        if (days or due_on) and not what:
            self.add_error("follow_up_what", _("Say what must happen next."))
        if due_on is None and days:
            data["follow_up_due_on"] = timezone.localdate() + datetime.timedelta(days=days)
        return data

    def listed_residents(self):
        return [resident for resident, _ in self.resident_fields]

    def conditions(self):
        return {
            resident: self.cleaned_data[name]
            for resident, name in self.resident_fields
            if self.cleaned_data.get(name) != NOT_RECORDED
        }

    def follow_ups_to_close(self):
        return [follow_up for follow_up, name in self.open_follow_ups if self.cleaned_data.get(name)]


class FollowUpCloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        strip=True,
        validators=[validate_visible_lines],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Mark as done"), css_class="btn-lg w-100"))


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "purpose", "starts_on", "ends_on", "grids", "target"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "grids": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grids"].queryset = scope.managed_grids(user)
        self.fields["target"].initial = CampaignTarget.STREET_FRONT_SHOPS
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save"), css_class="btn-lg w-100"))

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The campaign ends before it starts."))
        return data


class CareLevelForm(forms.ModelForm):
    class Meta:
        model = CareLevel
        fields = ["name", "cadence_days", "grace_days", "suggest_for"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadence_days"].min_value = 1
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save"), css_class="btn-lg w-100"))

    def clean_cadence_days(self):
        days = self.cleaned_data["cadence_days"]
        if days is None or days <= 0:
            raise forms.ValidationError(_("A check-in cadence is at least one day."))
        return days

    def clean_grace_days(self):
        days = self.cleaned_data["grace_days"]
        if days is None or days < 0:
            raise forms.ValidationError(_("Grace days cannot be negative."))
        return days


class CareAssignmentForm(forms.Form):
    level = forms.ModelChoiceField(
        label=_("Care level"), queryset=CareLevel.objects.all(), required=False, empty_label=_("No check-ins")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save"), css_class="btn-lg w-100"))
