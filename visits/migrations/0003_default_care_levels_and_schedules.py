"""Default care levels (DOMAIN.md) and the daily check-in sweep at 07:30 Asia/Shanghai.

Both are data staff may edit afterwards: levels on the care-levels page, the schedule in the
admin (django-celery-beat)."""

from django.db import migrations

LEVELS = [
    # name, cadence, grace, suggested for
    ("每周探访", 7, 2, "alone_80_or_equipment"),
    ("每两周探访", 14, 3, "alone"),
    ("每月探访", 30, 7, "empty_nest"),
]


def forwards(apps, schema_editor):
    CareLevel = apps.get_model("visits", "CareLevel")
    for name, cadence, grace, rule in LEVELS:
        CareLevel.objects.get_or_create(
            name=name, defaults={"cadence_days": cadence, "grace_days": grace, "suggest_for": rule}
        )
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="7", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="visits: daily check-in reminders",
        defaults={"task": "visits.tasks.sweep_checkins", "crontab": morning},
    )
    every_five, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="gridapp: requeue lost deliveries",
        defaults={"task": "gridapp.tasks.requeue_deliveries", "interval": every_five},
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=["visits: daily check-in reminders", "gridapp: requeue lost deliveries"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0002_followup_reminded_at_carelevel_and_more"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
