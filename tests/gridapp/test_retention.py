"""The retention job (docs/security.md, "3. Retention"): residents and households archived long
ago lose their names, ID numbers, phones and health notes — in the record, in every version of
its history and in the search — while those archived recently are untouched and every count of
visits and cases per period is what it was."""

import datetime

import pytest
from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from gridapp.models import Household, Resident, SearchKey
from gridapp.register import retention, services
from gridapp.register.tasks import anonymise_archived
from visits.models import Condition, ResidentSeen, Visit

from ..factories import HouseholdFactory, ResidentFactory, make_id_number, make_mobile
from ..visits.conftest import log

DAY = datetime.timedelta(days=1)


def _archive(record, by, days_ago):
    services.archive(record=record, by=by)
    type(record).objects.filter(pk=record.pk).update(archived_at=timezone.now() - days_ago * DAY)
    record.refresh_from_db()


def _statistics():
    """What the measures count: visits per month and grid, residents seen per condition."""
    visits = list(
        Visit.objects.annotate(month=TruncMonth("visited_at"))
        .values("month", "grid_id")
        .annotate(n=Count("pk"))
        .order_by("month", "grid_id")
    )
    seen = list(ResidentSeen.objects.values("condition").annotate(n=Count("pk")).order_by("condition"))
    residents = list(
        Resident.objects.values("household__grid_id", "sex", "date_of_birth__year").annotate(n=Count("pk")).order_by()
    )
    return visits, seen, sorted(residents, key=repr)


@pytest.fixture
def people(wu, staff, ren, ren_household, grid1):
    """Ren's family moved away 4 years ago; a neighbour moved out a year ago, another last month;
    Zhang still lives here. Wu visited all of them over the years."""
    ren.id_number = make_id_number(ren.date_of_birth)
    ren.mobile = make_mobile()
    ren.emergency_contact_name, ren.emergency_contact_phone = "任小明", "13900001111"
    ren.save()
    Household.objects.filter(pk=ren_household.pk).update(
        phone="057188880000", landlord_name="房东甲", landlord_phone="13811112222", notes="独居老人"
    )
    a_year = HouseholdFactory(grid=grid1, address="临江路6号", head_name="李四")
    li = ResidentFactory(
        household=a_year, name="李四", health_notes="糖尿病", emergency_contact_name="李五", mobile=make_mobile()
    )
    a_month = HouseholdFactory(grid=grid1, address="临江路8号", head_name="王六")
    wang = ResidentFactory(household=a_month, name="王六", health_notes="高血压", mobile=make_mobile())
    here = HouseholdFactory(grid=grid1, address="临江路10号", head_name="张三")
    zhang = ResidentFactory(household=here, name="张三", health_notes="腿脚不便", mobile=make_mobile())
    for years_ago in (5, 4.5, 2, 0.5):
        for household, resident in ((ren_household, ren), (a_year, li), (a_month, wang), (here, zhang)):
            log(
                wu,
                household=household,
                visited_at=timezone.now() - int(365 * years_ago) * DAY,
                conditions={resident: Condition.WELL},
            )
    _archive(ren, staff, 4 * 365)
    _archive(ren_household, staff, 4 * 365)
    _archive(li, staff, 365)
    _archive(wang, staff, 30)
    return {"ren": ren, "ren_household": ren_household, "li": li, "wang": wang, "zhang": zhang}


def test_archived_long_ago_is_anonymised_recent_untouched_and_statistics_kept(people, staff, client):
    ren, li, wang, zhang = (Resident.objects.get(pk=people[k].pk) for k in ("ren", "li", "wang", "zhang"))
    before = {r.pk: r for r in (li, wang, zhang)}
    statistics = _statistics()

    result = retention.anonymise_archived()

    assert (result.residents_anonymised, result.households_anonymised, result.sensitive_erased) == (1, 1, 1)
    # Ren, archived 4 years ago: no one can tell who she was.
    gone = Resident.objects.get(pk=ren.pk)
    assert gone.name == f"已注销居民 #{ren.pk}"
    assert gone.id_number == gone.mobile == gone.health_notes == ""
    assert gone.emergency_contact_name == gone.emergency_contact_phone == ""
    assert gone.date_of_birth == datetime.date(1940, 1, 1)  # the year stays, for age groups
    assert gone.anonymised_at is not None
    # … not in any version of her history either, and a last version says the retention job did it.
    assert not Resident.history.filter(id=ren.pk, name="任爱香").exists()
    assert not Resident.history.filter(id=ren.pk).exclude(id_number="").exists()
    assert not Resident.history.filter(id=ren.pk).exclude(health_notes="").exists()
    assert Resident.history.filter(id=ren.pk).latest("history_date").history_change_reason == "retention"
    household = Household.objects.get(pk=people["ren_household"].pk)
    assert household.head_name == f"已注销住户 #{household.pk}"
    assert household.phone == household.landlord_name == household.landlord_phone == household.notes == ""
    assert household.address == "临江路4幢1单元302室"  # a dwelling, not a person: the grid's counts need it
    assert not Household.history.filter(id=household.pk, head_name="任爱香").exists()
    # The search no longer finds her by her name, her mobile or her ID number.
    keys = set(SearchKey.objects.filter(record_id=ren.pk, kind=1).values_list("key", flat=True))
    assert not keys & {"任爱香", "爱香", ren.mobile[-4:], ren.id_number[-4:]}

    # Li, archived a year ago: health notes and emergency contact erased, still named.
    li_now = Resident.objects.get(pk=li.pk)
    assert li_now.health_notes == li_now.emergency_contact_name == ""
    assert (li_now.name, li_now.mobile, li_now.date_of_birth) == ("李四", before[li.pk].mobile, li.date_of_birth)
    assert li_now.anonymised_at is None
    # Wang (archived last month) and Zhang (living here) untouched.
    for resident in (wang, zhang):
        now = Resident.objects.get(pk=resident.pk)
        assert (now.name, now.mobile, now.health_notes, now.version) == (
            resident.name,
            resident.mobile,
            resident.health_notes,
            resident.version,
        )

    # Every count is what it was: visits per month and grid, residents seen, residents by age.
    assert _statistics() == statistics
    # Staff still open the record (archived, anonymised), and see no one's name on it.
    client.force_login(staff)
    page = client.get(reverse("resident_detail", args=[ren.pk]))
    assert page.status_code == 200
    assert "任爱香" not in page.content.decode() and f"已注销居民 #{ren.pk}" in page.content.decode()

    # … and cannot bring back a person the job erased: no "Restore", and a restore is refused.
    assert 'id="anonymised"' in page.content.decode() and 'name="restore"' not in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = client.post(reverse("resident_archive", args=[ren.pk]), {"restore": "1"}, follow=True)
    assert "cannot be restored" in refused.content.decode()
    assert Resident.objects.get(pk=ren.pk).archived_at is not None

    # A second run (tomorrow's, or a redelivered task) finds nothing left to do.
    again = anonymise_archived.apply().get()
    assert again == {"sensitive_erased": 0, "residents_anonymised": 0, "households_anonymised": 0}


def test_retention_periods_come_from_settings(people, settings, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 1)  # one record per transaction: the counts add up
    settings.GRIDAPP_RETENTION_SENSITIVE_DAYS = 10
    settings.GRIDAPP_RETENTION_IDENTITY_DAYS = 300
    result = retention.anonymise_archived()
    assert (result.residents_anonymised, result.sensitive_erased) == (2, 1)  # Ren and Li; Wang's notes
    assert Resident.objects.get(pk=people["wang"].pk).health_notes == ""
    assert Resident.objects.get(pk=people["zhang"].pk).health_notes == "腿脚不便"


def test_beat_runs_the_retention_job_nightly(db):
    task = PeriodicTask.objects.get(name="gridapp: data retention")
    assert task.task == "gridapp.anonymise_archived" and task.enabled
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == ("3", "15", "Asia/Shanghai")
