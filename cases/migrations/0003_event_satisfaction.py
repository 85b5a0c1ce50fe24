from django.db import migrations, models


def backfill(apps, schema_editor):
    """Feedback recorded before this migration: its answer is the case's (if not reopened since)."""
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Case = apps.get_model("cases", "Case")
    answer = Case.objects.filter(pk=models.OuterRef("case_id")).values("satisfaction")[:1]
    CaseEvent.objects.filter(action="feedback", satisfaction="").update(satisfaction=models.Subquery(answer))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_default_categories_and_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="satisfaction",
            field=models.CharField(
                blank=True,
                choices=[("satisfied", "Satisfied"), ("basically", "Basically satisfied"), ("unsatisfied", "Unsatisfied")],
                max_length=12,
                verbose_name="satisfaction",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
