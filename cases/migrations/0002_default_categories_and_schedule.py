"""Default case categories (staff edit them) and the overdue sweep every 15 minutes."""

from django.db import migrations

CATEGORIES = [
    # name, urgent, high, normal, low (hours), promise
    ("邻里纠纷", 24, 48, 72, 168, "三个工作日内答复"),
    ("漏水渗水", 24, 48, 120, 240, "五个工作日内上门处理"),
    ("噪音与动物扰民", 24, 48, 120, 240, "五个工作日内答复"),
    ("疑似违法行为", 12, 24, 72, 168, "已转交相关部门核查"),
    ("公共设施", 24, 72, 168, 336, "七个工作日内答复"),
    ("环境卫生", 24, 48, 120, 240, "五个工作日内答复"),
    ("安全隐患", 4, 12, 48, 120, "尽快到场排查"),
]


def forwards(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    for name, urgent, high, normal, low, promise in CATEGORIES:
        Category.objects.get_or_create(
            name=name,
            defaults={
                "hours_urgent": urgent,
                "hours_high": high,
                "hours_normal": normal,
                "hours_low": low,
                "promise": promise,
            },
        )
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="cases: flag overdue cases", defaults={"task": "cases.tasks.flag_overdue_cases", "interval": every}
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="cases: flag overdue cases").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
