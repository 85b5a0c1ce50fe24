"""The hazard kinds DOMAIN.md names; staff rename, add or retire them in the admin."""

from django.db import migrations

KINDS = [
    ("fire", "消防安全"),
    ("ebike", "电动车"),
    ("gas", "燃气"),
    ("structure", "房屋结构"),
    ("flood", "防汛"),
    ("facility", "公共设施"),
    ("other", "其他"),
]


def seed(apps, schema_editor):
    HazardKind = apps.get_model("visits", "HazardKind")
    for position, (code, name) in enumerate(KINDS):
        HazardKind.objects.get_or_create(code=code, defaults={"name": name, "position": position})


def unseed(apps, schema_editor):
    apps.get_model("visits", "HazardKind").objects.filter(code__in=[code for code, _ in KINDS], hazards=None).delete()


class Migration(migrations.Migration):
    dependencies = [("visits", "0007_hazards")]

    operations = [migrations.RunPython(seed, unseed)]
