"""The visit form: one screen at the door, defaults for the common case."""

import datetime
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridapp import scope
from gridapp.core.forms import MultipleImageField, VersionField, id_param
from gridapp.core.validators import validate_visible_lines

from . import scope as visit_scope
from .checkins import with_due_dates
from .models import Campaign, CampaignTarget, CareAssignment, CareLevel, Condition, Purpose
from .selectors import campaigns_for

VISIT_MAX_AGE = datetime.timedelta(days=30)
# Phones' clocks drift; a visit "a few minutes in the future" is the clock, not the worker.
CLOCK_SKEW = datetime.timedelta(minutes=10)
FOLLOW_UP_PRESETS = (3, 7, 10, 30)
# Someone who needs help is looked in on again within days, not weeks.
NEEDS_HELP_FOLLOW_UP_DAYS = 3
NOT_RECORDED = ""
# A resident's next check-in, for the form's "due" badge (None: no check-ins).
_due_on = with_due_dates(CareAssignment.objects.filter(resident=OuterRef("pk")))


def _same_minute(a, b):
    return abs(a - b) < datetime.timedelta(minutes=1) and a.replace(second=0, microsecond=0) == b.replace(
        second=0, microsecond=0
    )


def _local_input(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


class FollowUpFields(forms.Form):
    """What must happen next and when: on the visit form, and on its own after a visit (the
    needs-help confirmation). The presets are one tap; a date is for anything else."""

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


class VisitForm(FollowUpFields):
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    campaign = forms.TypedChoiceField(
        label=_("Campaign"),
        required=False,
        empty_value=None,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This place is not a target of that campaign, or it is not running.")},
    )
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
    field_order = ["client_id", "campaign", "visited_at", "purposes", "notes", "photos"]

    def __init__(self, *args, user, household=None, shop=None, campaign=None, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.household, self.shop, self.visit = user, household, shop, visit
        now = timezone.now()
        self.fields["client_id"].initial = uuid.uuid4()
        self.fields["visited_at"].initial = _local_input(visit.visited_at if visit else now)
        self.campaigns = {} if visit else {c.pk: c for c in campaigns_for(user, household or shop)}
        chosen = self._preselected(campaign)
        self._set_up_campaigns(chosen)
        self.fields["purposes"].initial = [self._default_purpose(chosen)]
        self.resident_fields = []
        self._add_residents()
        self.open_follow_ups = []
        if visit is None:
            self._add_open_follow_ups()
        else:
            for name in ("photos", "follow_up_what", "follow_up_in_days", "follow_up_due_on", "client_id", "campaign"):
                del self.fields[name]
            self.fields["purposes"].initial = [p.purpose for p in visit.purposes.all()]
            self.fields["notes"].initial = visit.notes
            self.fields["version"] = VersionField(initial=visit.version)
        self.helper = FormHelper()
        self.helper.form_tag = False

    # --- building the form ---------------------------------------------------------------

    def _preselected(self, campaign):
        """The campaign of the link the worker followed; for a shop, the one campaign it is a
        target of now (a worker at a shop's counter is there for the campaign or a safety check)."""
        if campaign is not None:
            return self.campaigns.get(campaign.pk)
        if self.shop is not None and len(self.campaigns) == 1:
            return next(iter(self.campaigns.values()))
        return None

    def _set_up_campaigns(self, chosen):
        field = self.fields["campaign"]
        field.coerce = lambda pk: self.campaigns[int(pk)]
        field.choices = [("", _("None")), *((str(pk), c.name) for pk, c in self.campaigns.items())]
        if self.campaigns:
            field.widget = forms.RadioSelect(choices=field.choices)
        if chosen:
            field.initial = chosen.pk

    def _default_purpose(self, campaign):
        if campaign:
            return campaign.visit_purpose
        return Purpose.SAFETY if self.shop is not None else Purpose.ROUTINE

    def _add_residents(self):
        if self.household is None:
            return
        residents = (
            scope.residents(self.user)
            .filter(household=self.household)
            .annotate(checkin_due_on=Subquery(_due_on.values("due_on")[:1]))
            .order_by("-is_head", "date_of_birth")
        )
        seen = {s.resident_id: s.condition for s in self.visit.residents_seen.all()} if self.visit else {}
        for resident in residents:
            self.fields[f"resident_{resident.pk}"] = self._condition_field(resident, seen.get(resident.pk))
            self.resident_fields.append((resident, f"resident_{resident.pk}"))

    def _condition_field(self, resident, recorded):
        # A resident with check-ins must be recorded on a new visit: one tap on how she was, or on
        # "not at home". Defaulting her to "well" would count a visit in which nobody saw her, and
        # leaving her unrecorded kept her due without a word (issue 13): the form asks instead,
        # which adds no tap to a check-in done right (tap her, tap "well", save).
        must_record = self.visit is None and resident.checkin_due_on is not None
        return forms.ChoiceField(
            label=resident.name,
            required=must_record,
            choices=Condition.choices if must_record else [(NOT_RECORDED, _("Not recorded")), *Condition.choices],
            widget=forms.RadioSelect,
            initial=recorded or NOT_RECORDED,
            error_messages={
                "required": _("How was %(name)s? Tap how they were, or “Not at home” if you did not see them.")
                % {"name": resident.name}
            },
        )

    def _add_open_follow_ups(self):
        target = {"visit__household": self.household} if self.household else {"visit__shop": self.shop}
        for follow_up in visit_scope.follow_ups(self.user).filter(**target, done_at__isnull=True):
            name = f"close_follow_up_{follow_up.pk}"
            self.fields[name] = forms.BooleanField(label=follow_up.what, required=False)
            self.open_follow_ups.append((follow_up, name))

    # --- reading it ------------------------------------------------------------------------

    def resident_rows(self):
        return [(resident, self[name]) for resident, name in self.resident_fields]

    def follow_up_rows(self):
        return [(follow_up, self[name]) for follow_up, name in self.open_follow_ups]

    def campaign_rows(self):
        """(campaign, radio) per choice offered; None for "none"."""
        return [(self.campaigns.get(id_param(choice.data["value"])), choice) for choice in self["campaign"]]

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

    def clean(self):
        data = super().clean()
        campaign, visited_at = data.get("campaign"), data.get("visited_at")
        if campaign and visited_at and not campaign.starts_on <= timezone.localdate(visited_at) <= campaign.ends_on:
            self.add_error(
                "campaign",
                _("%(campaign)s runs from %(start)s to %(end)s; this visit is outside those dates.")
                % {"campaign": campaign.name, "start": campaign.starts_on, "end": campaign.ends_on},
            )
        elif campaign and data.get("purposes") and campaign.visit_purpose not in data["purposes"]:
            # A visit logged for a campaign has the campaign's purpose: that is what counts.
            data["purposes"] = [*data["purposes"], campaign.visit_purpose]
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


class NewFollowUpForm(FollowUpFields):
    """A follow-up arranged after the visit, prefilled from what the visit recorded."""

    def __init__(self, *args, what="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_up_what"].required = True
        self.fields["follow_up_what"].initial = what
        self.fields["follow_up_in_days"].initial = NEEDS_HELP_FOLLOW_UP_DAYS


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
        fields = ["name", "purpose", "starts_on", "ends_on", "grids", "target", "visit_purpose"]
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
