"""Who to knock on first: one order for the morning digest, the worker's day and the lists of
check-ins and follow-ups due, so the first rows of each are the same people.

Riskiest first, by the four things the issue names, in this order:

1. the care level: the shortest cadence first (weekly before fortnightly before monthly). Staff
   set it from age, living alone and medical equipment, so it already weighs all three;
2. dependence on medical equipment at home (a ventilator, oxygen, dialysis; the category or
   the health notes): a broken machine cannot wait for the next round;
3. age, by decade (90 and over, 80s, 70s, younger): a birthday a few months apart must not
   outrank a week overdue;
4. days overdue, the longest first;

then the older and the name, so the order is stable. A follow-up takes the risk of the
riskiest current resident of its household (a shop's come after every household's).

Everything is computed in the database, so a page shows its first rows and a count without
loading the grid, and the sweep orders 200,000 reminders without holding them in memory.
"""

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When

from gridapp.models import PersonCategory, Resident, ResidentCategoryLink

from .models import CareAssignment

# Health notes that mean a resident depends on medical equipment at home.
EQUIPMENT_WORDS = ("呼吸机", "制氧机", "吸氧", "透析", "ventilator", "oxygen", "dialysis")
AGE_BANDS = (90, 80, 70)


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _equipment_q(resident):
    """The resident at ``resident`` (a path from the rows, "" for Resident itself) is on equipment."""
    prefix = f"{resident}__" if resident else ""
    category = ResidentCategoryLink.objects.filter(
        resident=OuterRef(resident or "pk"), category=PersonCategory.MEDICAL_EQUIPMENT
    )
    notes = Q()
    for word in EQUIPMENT_WORDS:
        notes |= Q(**{f"{prefix}health_notes__icontains": word})
    return Q(Exists(category)) | notes


def _flag(q):
    return Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField())


def _age_band(born, today):
    whens = [
        When(**{f"{born}__lte": years_before(today, age)}, then=Value(len(AGE_BANDS) - n))
        for n, age in enumerate(AGE_BANDS)
    ]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def with_checkin_risk(rows, today):
    """Annotate rows that have a ``resident`` (care assignments, reminders) with what
    ``checkin_order`` sorts on besides the level and the due date."""
    return rows.annotate(
        risk_equipment=_flag(_equipment_q("resident")),
        risk_age=_age_band("resident__date_of_birth", today),
    )


def checkin_order(level="level"):
    """The order of rows annotated by ``with_checkin_risk`` that have a ``due_on``; ``level`` is
    the path from the rows to the care level."""
    return [
        F(f"{level}__cadence_days").asc(nulls_last=True),
        "-risk_equipment",
        "-risk_age",
        "due_on",
        "resident__date_of_birth",
        "resident__name",
        "resident_id",
    ]


def checkins_by_risk(rows, today, *, level="level"):
    return with_checkin_risk(rows, today).order_by(*checkin_order(level))


def follow_ups_by_risk(follow_ups, today):
    """Order follow-ups by the risk of their household's riskiest resident, then the oldest due."""
    residents = Resident.objects.filter(household=OuterRef("visit__household"), archived_at__isnull=True)
    cadence = (
        CareAssignment.objects.filter(
            resident__household=OuterRef("visit__household"), resident__archived_at__isnull=True
        )
        .order_by("level__cadence_days")
        .values("level__cadence_days")[:1]
    )
    equipment = residents.filter(_equipment_q(""))
    oldest = residents.order_by("date_of_birth").values("date_of_birth")[:1]
    return follow_ups.annotate(
        risk_cadence=Subquery(cadence, output_field=IntegerField()),
        risk_equipment=_flag(Q(Exists(equipment))),
        risk_oldest=Subquery(oldest),
    ).order_by(
        F("risk_cadence").asc(nulls_last=True),
        "-risk_equipment",
        _age_band("risk_oldest", today).desc(),
        "due_on",
        "pk",
    )


def is_on_equipment(resident, categories):
    """The same rule for one resident in memory (``categories``: their category codes)."""
    notes = resident.health_notes.lower()
    return PersonCategory.MEDICAL_EQUIPMENT in categories or any(word in notes for word in EQUIPMENT_WORDS)
