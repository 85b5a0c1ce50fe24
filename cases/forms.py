"""Case forms: intake, the action forms of the case page, mediation, bulk assignment."""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridapp import scope
from gridapp.core.display import person
from gridapp.core.forms import BaseModelForm, MultipleImageField, id_param
from gridapp.core.validators import normalize_phone, validate_phone, validate_visible_lines, validate_visible_text
from gridapp.register.pickers import PickMany, PickOne

from . import scope as case_scope
from .models import (
    Category,
    Channel,
    CloseReason,
    MediationOutcome,
    MediationRecord,
    Priority,
    Satisfaction,
)

SUGGESTED = 8  # residents offered as the complainant before anything is typed


class CaseIntakeForm(forms.Form):
    """A new case. The complainant and the places concerned are picked by search (chips), never
    from a list of the whole grid; an id outside the user's scope is refused with a 404
    (``gridapp.register.pickers``)."""

    title = forms.CharField(label=_("Title"), max_length=100, widget=forms.TextInput(attrs={"autofocus": True}))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.filter(active=True))
    description = forms.CharField(label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    channel = forms.ChoiceField(label=_("Channel"), choices=[], initial=Channel.WALK_IN)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=None)
    complainant = PickOne(kind="resident", label=_("Complainant (registered resident)"), required=False)
    complainant_name = forms.CharField(
        label=_("or complainant's name"), max_length=50, required=False, validators=[validate_visible_text]
    )
    complainant_phone = forms.CharField(label=_("Complainant's phone"), max_length=20, required=False)
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    households = PickMany(kind="household", label=_("Households concerned"), required=False)
    shops = PickMany(kind="shop", label=_("Shops concerned"), required=False)
    building = PickOne(kind="building", label=_("Building concerned"), required=False)
    photos = MultipleImageField(label=_("Photos"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = Channel.choices
        self.fields["grid"].queryset = grids = scope.grids(user)
        if not self.is_bound and "grid" not in self.initial:
            only = list(grids[:2])
            if len(only) == 1:  # a worker with one grid: nothing to choose
                self.initial["grid"] = only[0].pk
        self.fields["complainant"].queryset = residents = scope.residents(user)
        self.fields["households"].queryset = scope.households(user)
        self.fields["shops"].queryset = scope.shops(user)
        self.fields["building"].queryset = scope.buildings(user)
        if households := self.initial.get("households"):
            # Reported from a household or a visit: who lives there is one tap away.
            nearby = residents.filter(household__in=households).order_by("-is_head", "date_of_birth")
            self.fields["complainant"].suggest(nearby[:SUGGESTED])
        self.fields["complainant_phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Record case"), css_class="btn-lg w-100"))

    def clean_complainant_phone(self):
        """A phone as the register takes one: a mobile, or a landline with its area code."""
        phone = self.cleaned_data["complainant_phone"]
        if phone:
            validate_phone(phone)
        return normalize_phone(phone)

    def clean(self):
        data = super().clean()
        grid = data.get("grid")
        if grid:
            for field in ("households", "shops"):
                if any(obj.grid_id != grid.pk for obj in data.get(field) or ()):
                    self.add_error(field, _("Choose places in the case's grid."))
            building = data.get("building")
            if building and building.grid_id != grid.pk:
                self.add_error("building", _("Choose a building in the case's grid."))
        if not data.get("anonymous") and not data.get("complainant") and not data.get("complainant_name"):
            self.add_error("complainant_name", _("Name the complainant, choose a resident, or tick anonymous."))
        return data


def _category(form):
    """Register: left blank, the case keeps what intake recorded (even a category retired since)."""
    case = form.case
    return forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(Q(active=True) | Q(pk=case.category_id)),
        required=False,
        initial=case.category_id,
    )


def _priority(form):
    return forms.ChoiceField(label=_("Priority"), choices=Priority.choices, required=False, initial=form.case.priority)


def _department(form):
    """The departments of the case's town (among those the user may choose)."""
    return forms.ModelChoiceField(
        label=_("Department"),
        queryset=case_scope.departments(form.user).filter(town=form.case.community.town_id),
        error_messages={"required": _("Choose the department.")},
    )


def _assisting(form):
    """协办: departments of the case's town to assist the lead; optional on dispatch."""
    return forms.ModelMultipleChoiceField(
        label=_("Assisting departments"),
        queryset=case_scope.departments(form.user).filter(town=form.case.community.town_id),
        required=form.action.name != "dispatch",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the departments to assist.")},
    )


def _assist(form):
    """The assisting department whose part it is: to remove (the office), or to mark done (one of
    the user's own departments, its part still open)."""
    parts = form.case.assist_list
    if form.action.name == "assist_done":
        mine = case_scope.department_ids(form.user)
        parts = [part for part in parts if part.department_id in mine and not part.is_done]
    field = forms.ModelChoiceField(
        label=_("Assisting department"),
        queryset=case_scope.departments(form.user).filter(pk__in=[part.department_id for part in parts]),
        error_messages={
            "required": _("Choose the assisting department."),
            "invalid_choice": _("That department has no open part on this case."),
        },
    )
    if len(parts) == 1:
        field.initial = parts[0].department_id
    return field


def _proposed_due(form):
    return forms.DateTimeField(
        label=_("Proposed deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
        error_messages={"required": _("Give the deadline you ask for.")},
    )


# A reason the office can judge: at least this many words, each Chinese character counting as
# one (spaces and punctuation do not count), and not one word repeated. "忙", "忙忙忙忙" or
# "busy!!" is refused; "等待配件" (waiting for the parts) or "parts not delivered yet" is enough.
REASON_MIN_WORDS = 4
_REASON_WORDS_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W\u3400-\u9fff\uf900-\ufaff]+")


def validate_reason(value):
    words = _REASON_WORDS_RE.findall(value.lower())
    if len(words) < REASON_MIN_WORDS or len(set(words)) == 1:
        raise forms.ValidationError(
            _("Say why more time is needed, in at least %(n)d words: what is awaited, or what is left to do.")
            % {"n": REASON_MIN_WORDS}
        )


def _reason(form):
    """The reason of an extension request: it is the timeline entry's note, so it takes the note's place."""
    return forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_visible_lines, validate_reason],
        error_messages={"required": _("Say why more time is needed.")},
    )


def _duplicate_of(form):
    return forms.CharField(label=_("Duplicate of case number"), max_length=30, required=False)


def _required_choice(label, choices, missing):
    """A choice the action cannot do without, and what to say when it is missing."""

    def build(form):
        return forms.ChoiceField(label=label, choices=choices, error_messages={"required": missing})

    return build


def _photos(form):
    return MultipleImageField(label=_("Photos"), required=False)


# The fields a row of the lifecycle table may ask for (``Action.asks``), each with its rules;
# ``ActionForm.clean_<name>`` adds those that depend on the case.
ASKED = {
    "category": _category,
    "priority": _priority,
    "department": _department,
    "assisting": _assisting,
    "assist": _assist,
    "proposed_due": _proposed_due,
    "reason": _reason,
    "close_reason": _required_choice(_("Close reason"), CloseReason.choices, _("Choose why the case is closed.")),
    "duplicate_of": _duplicate_of,
    "satisfaction": _required_choice(
        _("Complainant's view"), Satisfaction.choices, _("Record what the complainant said.")
    ),
    "photos": _photos,
}


class ActionForm(forms.Form):
    """The form of one action of the case page: a note, whether the complainant sees it, and
    the fields the action's row asks for."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("Note"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    public = forms.BooleanField(label=_("Visible to the complainant"), required=False)

    def __init__(self, *args, action, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.action, self.case, self.user = action, case, user
        self.fields["version"].initial = case.version
        self.fields["note"].required = action.needs_note
        self.fields["public"].initial = action.public
        for name in action.asks:
            self.fields[name] = ASKED[name](self)
        if "reason" in action.asks:
            del self.fields["note"]  # the reason is the entry's note
        # Resolving with assisting parts still open is allowed, but said beside the button.
        self.open_parts = case.open_assists if action.name == "resolve" and case.department_id else []

    def clean_assisting(self):
        """Neither the lead department nor one assisting already."""
        chosen = self.cleaned_data["assisting"]
        lead = self.cleaned_data.get("department") or self.case.department
        if lead in chosen:
            raise forms.ValidationError(_("%(name)s leads this case; it cannot also assist.") % {"name": lead})
        if "department" not in self.fields:  # add_assist: on top of those assisting already
            already = {part.department_id for part in self.case.assist_list}
            if twice := [department for department in chosen if department.pk in already]:
                names = "、".join(str(department) for department in twice)
                raise forms.ValidationError(_("Already assisting: %(names)s.") % {"names": names})
        return chosen

    def clean_proposed_due(self):
        """Later than the deadline in force, and than now (an overdue case may still ask)."""
        due = self.cleaned_data["proposed_due"]
        if due <= timezone.now() or (self.case.due_at and due <= self.case.due_at):
            raise forms.ValidationError(_("The new deadline must be later than the current one."))
        return due

    def clean_duplicate_of(self):
        """Closed as a duplicate: the case it repeats, by number, one this user sees (not itself)."""
        if self.cleaned_data.get("close_reason") != CloseReason.DUPLICATE:
            return None
        number = self.cleaned_data["duplicate_of"].strip()
        original = case_scope.cases(self.user).filter(number__iexact=number).exclude(pk=self.case.pk).first()
        if original is None:
            raise forms.ValidationError(_("No case with this number that you can see."))
        return original

    def change_fields(self):
        """What was given, by the names of ``cases.services.Change``."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class MediationForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    other_parties = forms.CharField(
        label=_("Other parties"), max_length=200, required=False, validators=[validate_visible_text]
    )
    mediators = forms.ModelMultipleChoiceField(
        label=_("Mediators"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    other_mediators = forms.CharField(
        label=_("Other mediators"),
        max_length=200,
        required=False,
        help_text=_("e.g. Old Li, grid party group leader"),
        validators=[validate_visible_text],
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MediationOutcome.choices, widget=forms.RadioSelect)
    agreement = forms.CharField(
        label=_("Agreement"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = scope.residents(user).filter(household__in=case.households.all())
        self.fields["mediators"].queryset = case_scope.mediators(case)
        self.fields["mediators"].label_from_instance = person  # 吴佳栋, not "wu"
        self.fields["mediators"].initial = [user.pk]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save mediation record"), css_class="btn-lg w-100"))

    def clean(self):
        data = super().clean()
        if not data.get("parties") and not data.get("other_parties"):
            self.add_error("other_parties", _("Name the parties."))
        return data


class MediationFollowUpForm(forms.ModelForm):
    """Going back after a mediation: did the agreement hold?"""

    class Meta:
        model = MediationRecord
        fields = ["kept", "followed_up_on"]
        widgets = {"followed_up_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["followed_up_on"].required = True
        self.fields["followed_up_on"].initial = timezone.localdate
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Record the follow-up"), css_class="btn-lg w-100"))

    def clean_kept(self):
        if self.cleaned_data.get("kept") is None:
            raise forms.ValidationError(_("Say whether the agreement was kept."))
        return self.cleaned_data["kept"]


class BulkAssignForm(forms.Form):
    cases = forms.ModelMultipleChoiceField(queryset=None, widget=forms.MultipleHiddenInput)
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = case_scope.managed_cases(user)
        self.fields["assignee"].queryset = case_scope.assignable_users(user)
        self.fields["assignee"].empty_label = _("Assign to…")
        self.fields["assignee"].label_from_instance = person
        self.fields["assignee"].widget.attrs.update({"class": "form-select", "aria-label": _("Assign to")})

    def clean(self):
        """``versions``: each chosen case's version as the queue showed it (``version-<id>``)."""
        data = super().clean()
        versions = {case.pk: id_param(self.data.get(f"version-{case.pk}")) for case in data.get("cases") or ()}
        if None in versions.values():
            raise forms.ValidationError(_("Choose the cases and whom to assign them to."))
        data["versions"] = versions
        return data


# A deadline beyond a year is a typing slip; far larger ones cannot even be put on a calendar.
MAX_DEADLINE_HOURS = 24 * 366


class CategoryForm(BaseModelForm):
    class Meta:
        model = Category
        fields = [
            *("name", "hours_urgent", "hours_high", "hours_normal", "hours_low", "promise"),
            *("officer_may_take", "active"),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for priority in Priority.values:
            field = self.fields[f"hours_{priority}"]
            field.max_value = MAX_DEADLINE_HOURS
            field.validators.append(MaxValueValidator(MAX_DEADLINE_HOURS))
            field.widget.attrs["max"] = MAX_DEADLINE_HOURS
