"""The service facilities the issue names; admins rename, add or retire them."""

from django.db import migrations

KINDS = [
    ("canteen", "老年食堂"),
    ("day_care", "日间照料中心"),
    ("clinic", "社区卫生服务站"),
    ("hydrant", "消防栓"),
    ("extinguisher", "灭火器点"),
    ("aed", "AED"),
    ("shelter", "避灾安置点"),
    ("toilet", "公共厕所"),
    ("activity_room", "活动室"),
    ("other", "其他"),
]


def seed(apps, schema_editor):
    FacilityKind = apps.get_model("visits", "FacilityKind")
    for position, (code, name) in enumerate(KINDS):
        FacilityKind.objects.get_or_create(code=code, defaults={"name": name, "position": position})


def unseed(apps, schema_editor):
    apps.get_model("visits", "FacilityKind").objects.filter(code__in=[c for c, _ in KINDS], facilities=None).delete()


class Migration(migrations.Migration):
    dependencies = [("visits", "0009_service_facilities")]

    operations = [migrations.RunPython(seed, unseed)]
