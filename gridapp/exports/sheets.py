"""What each export contains. Every queryset starts from ``gridapp.scope`` and is narrowed to
the chosen grid or community; each export costs a fixed number of queries however many rows
(select_related for the one-to-one columns, prefetch_related for the lists, iterated in chunks).

Register exports leave health notes out (they are for the visitor and the typhoon roster, not
for a spreadsheet); ID numbers are always masked, phones unless the user asked for them.
"""

import datetime

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases import scope as case_scope
from cases.models import OPEN_STATES, Case
from gridapp import scope
from gridapp.core.display import mask_id, mask_phone, person
from gridapp.models import Grid, Household, HouseholdTag, PersonCategory, Resident
from visits import scope as visit_scope
from visits.models import Condition, Visit
from visits.selectors import last_visit_at

from .xlsx import Sheet

CHUNK = 2000


def stream(queryset):
    """The rows of ``queryset``, read ``CHUNK`` at a time, each let go once it has been written.

    A prefetched row refers to its related rows and they refer back to it: a reference cycle
    that only Python's garbage collector frees, which lets memory grow with the rows until it
    runs. Dropping the row's prefetch cache after use breaks the cycle, so each chunk is freed as
    soon as the next one is read."""
    for obj in queryset.iterator(chunk_size=CHUNK):
        yield obj
        obj.__dict__.pop("_prefetched_objects_cache", None)


def header(model, name):
    """A column's header: the field's own label, in the user's language."""
    return capfirst(model._meta.get_field(name).verbose_name)


def narrow(queryset, where, grid_path):
    """``queryset`` limited to ``where`` (a grid or a community); ``grid_path`` leads to the Grid."""
    if isinstance(where, Grid):
        return queryset.filter(**{grid_path: where})
    return queryset.filter(**{f"{grid_path}__community": where})


def _phone(value, full):
    return value if full else mask_phone(value)


def _joined(labels):
    return "、".join(str(label) for label in labels)


def register(workbook, title, *, user, where, full_phones, search=None):
    """Two sheets: the households, and their residents; with ``search`` (a valid
    ``HouseholdSearch``), the households it finds and their residents. Returns the number of
    data rows."""
    households = narrow(scope.households(user), where, "grid")
    residents = narrow(scope.residents(user), where, "household__grid")
    if search is not None:
        households = search.filter_queryset(households.alias(last_visited=last_visit_at("household")))
        residents = residents.filter(household__in=households.values("pk"))
    households = (
        households.select_related("grid", "building").prefetch_related("tags").order_by("grid__number", "address", "pk")
    )
    sheet = Sheet(
        workbook,
        _("Households"),
        title=title,
        columns=[
            (header(Household, "grid"), 10),
            (header(Household, "address"), 28),
            (header(Household, "head_name"), 12),
            (header(Household, "phone"), 15),
            (header(Household, "tenure"), 10),
            (header(Household, "landlord_name"), 10),
            (header(Household, "landlord_phone"), 15),
            (_("Tags"), 20),
        ],
    )
    for h in stream(households):
        sheet.add(
            [
                h.grid.name,
                h.address,
                h.head_name,
                _phone(h.phone, full_phones),
                h.get_tenure_display(),
                h.landlord_name,
                _phone(h.landlord_phone, full_phones),
                _joined(HouseholdTag(t.tag).label for t in h.tags.all()),
            ]
        )
    residents = (
        residents.select_related("household__grid")
        .prefetch_related("categories")
        .order_by("household__grid__number", "household__address", "household_id", "-is_head", "date_of_birth")
    )
    people = Sheet(
        workbook,
        _("Residents"),
        title=title,
        columns=[
            (header(Household, "grid"), 10),
            (header(Household, "address"), 28),
            (header(Resident, "name"), 10),
            (header(Resident, "sex"), 6),
            (header(Resident, "date_of_birth"), 12),
            (_("Age"), 6),
            (header(Resident, "id_number"), 22),
            (header(Resident, "mobile"), 15),
            (header(Resident, "relation_to_head"), 10),
            (_("Person categories"), 24),
            (header(Resident, "emergency_contact_name"), 12),
            (header(Resident, "emergency_contact_relation"), 8),
            (header(Resident, "emergency_contact_phone"), 15),
        ],
    )
    today = timezone.localdate()
    for r in stream(residents):
        people.add(
            [
                r.household.grid.name,
                r.household.address,
                r.name,
                r.get_sex_display(),
                r.date_of_birth,
                r.age_on(today),
                mask_id(r.id_number),  # always masked: 3301**********1234
                _phone(r.mobile, full_phones),
                header(Resident, "is_head") if r.is_head else r.relation_to_head,
                _joined(PersonCategory(c.category).label for c in r.categories.all()),
                r.emergency_contact_name,
                r.emergency_contact_relation,
                _phone(r.emergency_contact_phone, full_phones),
            ]
        )
    return sheet.rows + people.rows


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def visits(workbook, title, *, user, where, start, end):
    """The visits of [start, end] (days in Asia/Shanghai), oldest first."""
    qs = (
        narrow(visit_scope.visits(user), where, "grid")
        .filter(visited_at__gte=_day_start(start), visited_at__lt=_day_start(end + datetime.timedelta(days=1)))
        .prefetch_related("purposes", "residents_seen__resident", "follow_ups")
        .order_by("visited_at", "pk")
    )
    sheet = Sheet(
        workbook,
        _("Visits"),
        title=title,
        columns=[
            (_("Visited at"), 17),
            (header(Visit, "grid"), 10),
            (_("Visited by"), 10),
            (f"{header(Visit, 'household')} / {header(Visit, 'shop')}", 28),
            (_("Purposes"), 22),
            (_("Campaign"), 18),
            (_("Residents seen"), 24),
            (_("What was noticed"), 40),
            (_("Follow-up"), 28),
        ],
    )
    for v in stream(qs):
        seen = _joined(f"{s.resident.name}（{Condition(s.condition).label}）" for s in v.residents_seen.all())
        follow_ups = _joined(
            f"{f.what}（{f.due_on:%Y-%m-%d}{'，' + _('done') if f.done_at else ''}）" for f in v.follow_ups.all()
        )
        sheet.add(
            [
                v.visited_at,
                v.grid.name,
                person(v.worker),
                v.household.address if v.household_id else f"{v.shop.name} {v.shop.address}",
                _joined(v.purpose_labels()),
                v.campaign.name if v.campaign_id else "",
                seen,
                v.notes,
                follow_ups,
            ],
            wrap=True,
        )
    return sheet.rows


def cases(workbook, title, *, user, where, start=None, end=None, state="", category=None, overdue=False, full_phones):
    """The case list with the queue's filters: state, category, overdue, day reported."""
    qs = narrow(case_scope.cases(user), where, "grid").select_related("complainant")
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    if category is not None:
        qs = qs.filter(category=category)
    now = timezone.now()
    if overdue:
        qs = qs.filter(state__in=OPEN_STATES, due_at__lt=now)
    if start:
        qs = qs.filter(reported_at__gte=_day_start(start))
    if end:
        qs = qs.filter(reported_at__lt=_day_start(end + datetime.timedelta(days=1)))
    sheet = Sheet(
        workbook,
        _("Cases"),
        title=title,
        columns=[
            *(
                (header(Case, name), width)
                for name, width in (
                    ("number", 17),
                    ("title", 30),
                    ("grid", 10),
                    ("category", 14),
                    ("priority", 8),
                    ("state", 16),
                    ("level", 8),
                    ("reported_at", 17),
                    ("due_at", 17),
                )
            ),
            (_("Overdue"), 8),
            *(
                (header(Case, name), width)
                for name, width in (
                    ("assignee", 10),
                    ("department", 16),
                    ("closed_at", 17),
                    ("satisfaction", 10),
                    ("complainant", 10),
                    ("complainant_phone", 15),
                )
            ),
        ],
    )
    for c in stream(qs.order_by("reported_at", "pk")):
        complainant_phone = "" if c.anonymous else (c.complainant.mobile if c.complainant_id else c.complainant_phone)
        sheet.add(
            [
                c.number,
                c.title,
                c.grid.name,
                c.category.name,
                c.get_priority_display(),
                c.get_state_display(),
                c.get_level_display(),
                c.reported_at,
                c.due_at,
                _("yes") if c.state in OPEN_STATES and c.due_at and c.due_at < now else "",
                person(c.assignee) if c.assignee_id else "",
                c.department.name if c.department_id else "",
                c.closed_at,
                c.get_satisfaction_display(),
                c.complainant_label(),
                _phone(complainant_phone, full_phones),
            ]
        )
    return sheet.rows
