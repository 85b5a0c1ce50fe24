"""Stories 3, 4 and 5 of DOMAIN.md, end to end through the pages the people of the story use.

3. Neighbours' leak: a resident of 临江路4幢 comes in upset about a leak from the flat above; Wu
   and Old Li visit both households and settle it in half an hour — closed at grid level with a
   mediation record, both parties satisfied, and the agreement found kept when Wu goes back.
4. A dozen cats and dogs: a tenant in a bungalow behind 峙山北路 keeps a dozen cats and dogs; the
   landlord won't help; Wu refers it on, the police station's part-time grid worker finds the
   tenant; closed within a week. (The lifecycle table leaves dispatching to the office: Wu's
   referral is his escalation with the reason, and staff send it to the police station.)
5. The corridor leak: the public corridor of 峙山北路4幢 (1980s) floods from a pipe under the
   roof tiles; nobody owns the public area, the landlords won't act; Wu escalates, the town's
   construction & planning office leads a joint site visit, a lift truck lifts the tiles and
   the pipe is repaired: resolved at town level, checked by Wu, closed.
"""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, MediationRecord
from cases.tasks import flag_overdue_cases
from gridapp.models import Notification

from ..factories import BuildingFactory, HouseholdFactory, ResidentFactory
from ..visits.conftest import log, png
from .conftest import post_action

START = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) - datetime.timedelta(days=10)


def at(**offset):
    """The clock of the story: START (09:00, ten days ago) plus the offset."""
    return time_machine.travel(START + datetime.timedelta(**offset), tick=False)


def record(client, **fields):
    """Fill in the intake form; returns the new case."""
    data = {"priority": "normal", "complainant_name": "", "complainant_phone": ""}
    data.update(fields)
    response = client.post(reverse("case_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    return Case.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))


def act(client, case, action_name, **data):
    response = post_action(client, case, action_name, **data)
    assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    return case


def test_story_3_the_neighbours_leak_is_settled_in_the_grid_in_half_an_hour(as_user, wu, grid1, dispute):
    linjiang4 = BuildingFactory(grid=grid1, road="临江路", number="4", year_built=1992)
    upstairs = HouseholdFactory(grid=grid1, building=linjiang4, room="402", address="临江路4幢402室", head_name="张磊")
    downstairs = HouseholdFactory(
        grid=grid1, building=linjiang4, room="302", address="临江路4幢302室", head_name="周国庆"
    )
    young_couple = [
        ResidentFactory(household=upstairs, name="张磊", sex="M", date_of_birth=datetime.date(1996, 4, 2)),
        ResidentFactory(household=upstairs, name="刘婷", date_of_birth=datetime.date(1997, 9, 18)),
    ]
    retired_pair = [
        ResidentFactory(household=downstairs, name="周国庆", sex="M", date_of_birth=datetime.date(1958, 1, 20)),
        ResidentFactory(household=downstairs, name="陈秀英", date_of_birth=datetime.date(1960, 7, 7)),
    ]
    client = as_user(wu)

    with at(minutes=0):  # 周国庆 comes in, upset
        case = record(
            client,
            grid=grid1.pk,
            title="楼上漏水",
            description="302室卫生间天花板漏水，怀疑402室水管渗漏，双方有争执",
            category=dispute.pk,
            channel="walk_in",
            complainant=retired_pair[0].pk,
            households=[downstairs.pk, upstairs.pk],
            building=linjiang4.pk,
        )
        act(client, case, "register")

    with at(minutes=25):  # Wu and Old Li at both doors
        for household in (downstairs, upstairs):
            log(wu, household=household, purposes=["case_follow_up"], notes="与老李一起上门调解漏水纠纷")
        form = client.get(reverse("mediation_create", args=[case.pk])).context["form"]
        assert set(form.fields["parties"].queryset) == {*young_couple, *retired_pair}
        response = client.post(
            reverse("mediation_create", args=[case.pk]),
            {
                "held_on": timezone.localdate().isoformat(),
                "parties": [r.pk for r in (*young_couple, *retired_pair)],
                "mediators": [wu.pk],
                "other_mediators": "老李（网格党小组长、党建指导员）",
                "outcome": "agreed",
                "agreement": "402室当天请师傅修好卫生间水管，并承担302室天花板修补费用；302室不再追究。",
            },
        )
        assert response.status_code == 302

    with at(minutes=30):
        act(client, case, "settle", note="双方达成调解协议，当场化解", close_reason="fixed")
        act(client, case, "feedback", satisfaction="satisfied", note="双方均表示满意")

    assert (case.state, case.level, case.close_reason, case.satisfaction) == ("feedback", "grid", "fixed", "satisfied")
    assert case.closed_at - case.reported_at <= datetime.timedelta(minutes=30)
    assert case.rework_count == 0 and case.department is None

    with at(days=7):  # a week on, Wu goes back: the pipe is fixed, the ceiling repainted
        client.force_login(wu)  # a week on, her session of that day has long ended
        url = reverse("mediation_follow_up", args=[case.mediations.get().pk])
        response = client.post(url, {"kept": "true", "followed_up_on": timezone.localdate().isoformat()})
        assert response.url == case.get_absolute_url()

    mediation = MediationRecord.objects.get()
    assert set(mediation.parties.all()) == {*young_couple, *retired_pair}
    assert list(mediation.mediators.all()) == [wu]
    assert "老李" in mediation.other_mediators
    assert (mediation.outcome, mediation.kept, mediation.followed_up_on) == (
        "agreed",
        True,
        (START + datetime.timedelta(days=7)).astimezone(timezone.get_current_timezone()).date(),
    )

    client.force_login(wu)  # today, ten days after the story began
    page = client.get(case.get_absolute_url()).content.decode()
    for seen in ("Level: Grid", "Agreement reached", "老李（网格党小组长、党建指导员）", "刘婷", "陈秀英", "Satisfied"):
        assert seen in page
    assert "Agreement kept: yes" in page
    assert list(case.events.values_list("action", flat=True)) == [
        "report",
        "register",
        "mediation",
        "settle",
        "feedback",
        "mediation_follow_up",
    ]


def test_story_4_a_dozen_cats_and_dogs_go_to_the_police_and_close_within_a_week(
    as_user, wu, staff, officer, police, grid1, nuisance
):
    bungalow = HouseholdFactory(
        grid=grid1,
        address="峙山北路后平房3号",
        head_name="吕小军",
        tenure="rented",
        landlord_name="何国平",
        landlord_phone="13905710000",
    )
    ResidentFactory(household=bungalow, name="吕小军", sex="M", date_of_birth=datetime.date(1985, 11, 3))

    with at(hours=0):  # a neighbour rings the office
        case = record(
            as_user(staff),
            grid=grid1.pk,
            title="平房租户饲养十余只猫狗扰民",
            description="峙山北路后平房租户养了十几只猫狗，日夜吵闹、气味大，疑似违规饲养",
            category=nuisance.pk,
            channel="phone",
            complainant_name="邻居王阿姨",
            complainant_phone="13957100001",
            households=[bungalow.pk],
        )
        act(as_user(staff), case, "register", note="")
        assert case.due_at == case.reported_at + datetime.timedelta(hours=nuisance.hours_normal)

    with at(hours=5):  # Wu calls on the landlord, who won't help
        client = as_user(wu)
        act(client, case, "take")
        log(wu, household=bungalow, purposes=["case_follow_up"], notes="房东何国平称管不了租户，拒绝配合")
        act(client, case, "escalate", note="房东不配合，租户拒不开门，疑似违法，请转派出所")

    with at(hours=6):
        act(as_user(staff), case, "dispatch", department=police.pk, note="请派出所兼职网格员协助处理")
    assert Notification.objects.filter(recipient=officer, kind="case_dispatch").exists()

    with at(days=3):  # Shen finds the tenant
        client = as_user(officer)
        assert [c.pk for c in client.get(reverse("department_queue")).context["cases"]] == [case.pk]
        act(client, case, "resolve", note="已找到租户，责令限期将猫狗送养，仅留两只并办理登记")
        assert flag_overdue_cases() == 0

    with at(days=4):  # Wu goes back: quiet
        client = as_user(wu)
        assert case in client.get(reverse("home")).context["to_verify"]
        act(client, case, "verify", note="现场查看，仅剩两只已登记的狗")
        act(client, case, "close", close_reason="fixed")
        act(client, case, "feedback", satisfaction="satisfied")

    assert (case.state, case.level, case.department, case.resolved_by) == ("feedback", "town", police, officer)
    assert case.closed_at - case.reported_at < datetime.timedelta(days=7)
    assert case.closed_at <= case.due_at and case.overdue_flagged_at is None
    assert list(case.events.values_list("action", "actor__username")) == [
        ("report", "staff"),
        ("register", "staff"),
        ("take", "wu"),
        ("escalate", "wu"),
        ("dispatch", "staff"),
        ("resolve", "officer"),
        ("verify", "wu"),
        ("close", "wu"),
        ("feedback", "wu"),
    ]


def test_story_5_the_corridor_leak_is_resolved_at_town_level(as_user, wu, staff, construction, planner, grid1, leak):
    block4 = BuildingFactory(grid=grid1, road="峙山北路", number="4", year_built=1985)
    flats = [
        HouseholdFactory(grid=grid1, building=block4, address=f"峙山北路4幢{n}01室", tenure="rented")
        for n in range(1, 4)
    ]

    with at(hours=0):  # Wu on patrol: water down the stairwell
        client = as_user(wu)
        response = client.post(
            reverse("case_create"),
            {
                "grid": grid1.pk,
                "title": "峙山北路4幢公共楼道漏水",
                "description": "屋顶瓦片下水管破裂，雨后楼道积水，公共区域无人管理",
                "category": leak.pk,
                "priority": "high",
                "channel": "patrol",
                "anonymous": "on",
                "building": block4.pk,
                "households": [flat.pk for flat in flats],
                "photos": [png("stairwell.png")],
            },
        )
        case = Case.objects.get()
        assert response["Location"] == case.get_absolute_url()
        assert case.photos.count() == 1
        act(client, case, "register")
        act(client, case, "take")

    with at(days=1):  # the landlords won't pay for a public area
        act(as_user(wu), case, "escalate", note="公共区域无产权人，多数为出租房，房东均不愿出资维修")
        assert case.level == "community"

    with at(days=1, hours=2):
        act(
            as_user(staff),
            case,
            "dispatch",
            department=construction.pk,
            note="请建设规划办牵头，会同农业农村办和装修公司",
        )
        assert case.level == "town"

    with at(days=2):  # a joint site visit needs a lift truck: more time
        new_due = case.due_at + datetime.timedelta(days=7)
        act(
            as_user(planner),
            case,
            "extend",
            reason="联合现场勘查后需调用升降车，等待施工安排",
            proposed_due=timezone.localtime(new_due).strftime("%Y-%m-%dT%H:%M"),
        )
        assert case.due_at < new_due  # asked: until the office approves, the deadline stands
    with at(days=2, hours=3):  # the community office approves it
        act(as_user(staff), case, "approve_extension")
        assert case.due_at == new_due.replace(second=0, microsecond=0)

    with at(days=6):
        act(
            as_user(planner),
            case,
            "resolve",
            note="升降车掀开屋顶瓦片，更换破裂水管，楼道不再积水",
            photos=[png("repaired.png")],
        )

    with at(days=7):  # after the next rain Wu checks the stairwell
        client = as_user(wu)
        act(client, case, "verify", note="雨后查看，楼道干燥")
    with at(days=7, hours=1):
        act(as_user(staff), case, "close", close_reason="fixed")

    assert (case.state, case.level, case.department, case.resolved_by) == ("closed", "town", construction, planner)
    assert case.closed_at <= case.due_at
    assert case.photos.count() == 2
    timeline = list(case.events.values_list("action", "level"))
    assert timeline == [
        ("report", "grid"),
        ("register", "grid"),
        ("take", "grid"),
        ("escalate", "community"),
        ("dispatch", "town"),
        ("extend", "town"),
        ("approve_extension", "town"),
        ("resolve", "town"),
        ("verify", "town"),
        ("close", "town"),
    ]
    page = as_user(staff).get(case.get_absolute_url()).content.decode()
    assert "Level: Town" in page and "升降车掀开屋顶瓦片" in page and "Anonymous" in page
