"""A resident's ID number, checked the same way on every way into the register: the staff's
resident form, the admin's and the import."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gridapp.core.display import mask_id
from gridapp.core.validators import normalize_id_number, validate_id_matches_birth_date, validate_id_number
from gridapp.models import Resident


def check_id_number(value, *, date_of_birth=None, resident=None, registered=True):
    """``value`` as it is stored (trimmed, X upper-case; "" for none), or a ValidationError whose
    dict names the field at fault: ``id_number`` for a number that is not a valid GB 11643 one
    or, with ``registered``, is registered to another resident than ``resident``;
    ``date_of_birth`` for a date of birth the number contradicts. The import leaves
    ``registered`` off: a number already registered is how it finds the resident to update."""
    number = normalize_id_number(value)
    if not number:
        return ""
    try:
        validate_id_number(number)
    except ValidationError as e:
        raise ValidationError({"id_number": e.error_list}) from None
    if registered and Resident.objects.filter(id_number=number).exclude(pk=resident.pk if resident else None).exists():
        message = _("A resident with this ID number is already registered.")
        raise ValidationError({"id_number": ValidationError(message, code="id_registered")})
    try:
        validate_id_matches_birth_date(number, date_of_birth)
    except ValidationError as e:
        raise ValidationError({"date_of_birth": e.error_list}) from None
    return number


class IdNumberFormMixin:
    """A resident form's ID number. The page never carries the full number (PIPL): left blank,
    the registered one is kept; typed in full, it replaces it. Either way it is checked by
    ``check_id_number`` against the date of birth on the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("id_number")
        if field is None:  # a read-only page: the admin leaves the form without fields
            return
        field.widget.attrs.update({"autocomplete": "off", "maxlength": 18})
        if self.instance.id_number:
            self.initial["id_number"] = ""
            field.help_text = _(
                "Registered: %(masked)s. Leave blank to keep it; type the full number to replace it."
            ) % {"masked": mask_id(self.instance.id_number)}

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data.get("id_number"))
        if not value and self.instance.pk:
            return self.instance.id_number  # left blank: keep the registered number
        return value

    def clean(self):
        data = super().clean()
        if "id_number" in data:
            try:
                data["id_number"] = check_id_number(
                    data["id_number"], date_of_birth=data.get("date_of_birth"), resident=self.instance
                )
            except ValidationError as e:
                self.add_error(None, e)
        return data
