"""Fill the grid and next due date of the care assignments already there (visits.checkins.refresh_due)."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    from visits.checkins import AddDays

    CareAssignment = apps.get_model("visits", "CareAssignment")
    CareLevel = apps.get_model("visits", "CareLevel")
    Resident = apps.get_model("gridapp", "Resident")
    current = Resident.objects.filter(
        pk=OuterRef("resident_id"), archived_at__isnull=True, household__archived_at__isnull=True
    ).values("household__grid_id")[:1]
    cadence = CareLevel.objects.filter(pk=OuterRef("level_id")).values("cadence_days")[:1]
    CareAssignment.objects.update(
        grid=Subquery(current),
        next_due_on=Coalesce(AddDays(F("last_seen_on"), Subquery(cadence)), F("assigned_on")),
    )


class Migration(migrations.Migration):
    dependencies = [("visits", "0011_care_assignment_grid_and_next_due")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
