"""协办: several departments on one case. The police station leads a Grid 1 case (Shen, officer);
the construction & planning office (Fang, planner) and the agriculture & rural office (Tang)
are asked to assist; the renovation contractor (Qian) is a department of the town that does
neither until added. Each assisting department sees the case, writes on its timeline and marks
its part done; the lead resolves. Who is told, who may do what, and what a refused step says."""

from collections import Counter

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import CaseAssist, CaseEvent, DepartmentKind
from gridapp.models import Notification

from .conftest import act, fresh, make_department, member_of, post_action


@pytest.fixture
def agriculture(dongluchi):
    return make_department(dongluchi, "临浦镇农业农村办", DepartmentKind.AGRICULTURE)


@pytest.fixture
def tang(agriculture):
    return member_of(agriculture, "tang", first_name="伟", last_name="唐")


@pytest.fixture
def contractor(dongluchi):
    return make_department(dongluchi, "临浦建筑修缮公司", DepartmentKind.CONTRACTOR)


@pytest.fixture
def qian(contractor):
    return member_of(contractor, "qian", first_name="师傅", last_name="钱")


@pytest.fixture
def joint(case_in, staff, police, construction, agriculture, officer, planner, tang, qian):
    """A Grid 1 case dispatched to the police station with both offices assisting."""
    case = act(case_in("registered"), "dispatch", staff, department=police, assisting=[construction, agriculture])
    return fresh(case)


def told(kind):
    return Counter(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def snapshot(case):
    return (
        fresh(case).version,
        list(CaseAssist.objects.filter(case=case).values_list("department_id", "done_at")),
        CaseEvent.objects.filter(case=case).count(),
        Notification.objects.count(),
    )


# --- hand-offs ---------------------------------------------------------------------------------


def test_a_dispatch_with_assisting_departments_tells_the_lead_and_each_assisting_member_once(joint, staff):
    assert told("case_dispatch") == {"officer": 1, "planner": 1, "tang": 1}
    assert [part.department.name for part in joint.assist_list] == ["临浦镇建设规划办", "临浦镇农业农村办"]
    entry = joint.events.get(action="dispatch")
    assert "协办部门：临浦镇建设规划办、临浦镇农业农村办。" in entry.note


def test_adding_an_assisting_department_later_tells_only_its_members(joint, staff, contractor):
    Notification.objects.all().delete()
    act(joint, "add_assist", staff, assisting=[contractor])
    assert told("case_add_assist") == {"qian": 1}
    assert Notification.objects.get(kind="case_add_assist").subject.startswith("请贵部门协办：")


def test_removing_an_assisting_department_tells_its_members_and_they_no_longer_see_the_case(
    as_user, joint, staff, agriculture, tang
):
    Notification.objects.all().delete()
    act(joint, "remove_assist", staff, assist=agriculture)
    assert told("case_remove_assist") == {"tang": 1}
    assert as_user(tang).get(joint.get_absolute_url()).status_code == 404


def test_a_part_done_tells_the_lead_and_the_office_but_not_who_marked_it(joint, construction, planner):
    Notification.objects.all().delete()
    act(joint, "assist_done", planner, assist=construction, note="已派人现场勘查，屋面需吊车")
    assert told("case_assist_done") == {"officer": 1, "staff": 1}
    message = Notification.objects.get(kind="case_assist_done", recipient__username="officer")
    assert message.subject.startswith("协办部分已完成：") and "已派人现场勘查" in message.body
    part = CaseAssist.objects.get(case=joint, department=construction)
    assert (part.done_by, part.note) == (planner, "已派人现场勘查，屋面需吊车")


def test_an_assisting_note_tells_nobody(joint, tang):
    Notification.objects.all().delete()
    act(joint, "add_note", tang, note="农业农村办已联系村里")
    assert Notification.objects.count() == 0
    assert fresh(joint).events.filter(action="add_note", actor=tang).exists()


def test_a_return_ends_the_assisting_parts_with_the_leads(as_user, joint, officer, planner, staff, police):
    """The lead sends it back: the assisting offices no longer see it, and a new dispatch starts
    without them unless staff name them again."""
    act(joint, "return", officer, note="不属于派出所职责")
    assert not CaseAssist.objects.filter(case=joint).exists()
    assert as_user(planner).get(joint.get_absolute_url()).status_code == 404
    assert told("case_return") == {"staff": 1}
    assert fresh(act(joint, "dispatch", staff, department=police)).assist_list == []


# --- what each person sees ---------------------------------------------------------------------


def test_the_case_page_shows_the_lead_and_each_assisting_part_with_its_state(as_user, joint, construction, planner):
    act(joint, "assist_done", planner, assist=construction)
    page = as_user(planner).get(joint.get_absolute_url()).content.decode()
    assert 'id="lead-department">临浦派出所<' in page
    parts = page.split('id="assisting-parts"')[1].split("</ul>")[0]
    assert "临浦镇建设规划办 · " in parts and "part done" in parts and "方丽" in parts
    assert "临浦镇农业农村办 · " in parts and "part still open" in parts


def test_staff_are_not_offered_to_add_a_department_when_none_is_left(as_user, joint, staff, contractor):
    client = as_user(staff)
    assert "/act/add_assist/" in client.get(joint.get_absolute_url()).content.decode()  # the contractor
    act(joint, "add_assist", staff, assisting=[contractor])
    assert "/act/add_assist/" not in client.get(joint.get_absolute_url()).content.decode()


def test_an_assisting_member_may_note_and_mark_done_but_not_resolve_or_return(as_user, joint, planner):
    page = as_user(planner).get(joint.get_absolute_url()).content.decode()
    offered = {name for name in ("add_note", "assist_done", "resolve", "return", "extend") if f"/act/{name}/" in page}
    assert offered == {"add_note", "assist_done"}


def test_the_department_queue_lists_an_assisted_case_marked_as_assisting(as_user, joint, planner, officer):
    page = as_user(planner).get(reverse("department_queue")).content.decode()
    assert joint.title in page and "assisting-badge" in page
    lead = as_user(officer).get(reverse("department_queue")).content.decode()
    assert joint.title in lead and "assisting-badge" not in lead


def test_the_case_sheet_lists_the_lead_and_assisting_departments(as_user, joint, construction, planner):
    act(joint, "assist_done", planner, assist=construction)
    sheet = as_user(planner).post(reverse("case_sheet", args=[joint.pk])).content.decode()
    assert 'class="sheet-lead">临浦派出所<' in sheet
    assists = sheet.split('class="sheet-assists"')[1].split("</td>")[0]
    assert "临浦镇建设规划办" in assists and "part done" in assists
    assert "临浦镇农业农村办" in assists and "part still open" in assists


def test_resolving_with_a_part_still_open_warns_and_the_timeline_names_it(
    as_user, joint, construction, planner, officer
):
    act(joint, "assist_done", planner, assist=construction)
    page = as_user(officer).get(joint.get_absolute_url()).content.decode()
    warning = page.split('class="alert alert-warning small py-2 open-parts"')[1].split("</div>")[0]
    assert "临浦镇农业农村办" in warning and "临浦镇建设规划办" not in warning
    with translation.override("zh-hans"):  # as the site writes its notes, whatever the page read
        case = act(joint, "resolve", officer, note="屋面水管已修复")
    assert case.state == "resolved"
    entry = case.events.get(action="resolve")
    assert entry.note == "屋面水管已修复\n办结时以下协办部分尚未完成：临浦镇农业农村办。"


def test_an_assisting_step_leaves_the_leads_referral_as_it_was(as_user, joint, officer, planner, construction):
    """The lead wrote on the case, so it is no longer a new referral on his desk; the assisting
    office's note and done part do not make it one again (nor move the time it was dispatched)."""
    act(joint, "extend", officer)
    dispatched_at = fresh(joint).dispatched_at
    act(joint, "add_note", planner, note="已到现场")
    act(joint, "assist_done", planner, assist=construction)
    assert fresh(joint).dispatched_at == dispatched_at
    home = as_user(officer).get(reverse("home"))
    referrals = {section.key: section for section in home.context["department_desk"]}["referrals"]
    assert referrals.count == 0


# --- refused, with nothing changed ---------------------------------------------------------------


def test_a_department_cannot_add_itself_or_others_as_assisting(as_user, joint, officer, planner, contractor):
    before = snapshot(joint)
    for member, department in ((officer, contractor), (planner, contractor)):
        response = post_action(as_user(member), joint, "add_assist", assisting=[department.pk])
        assert response.status_code == 403
        assert "Only the community office adds or removes assisting departments." in response.content.decode()
    assert snapshot(joint) == before


def test_a_grid_worker_cannot_add_assisting_departments(as_user, joint, wu, contractor):
    before = snapshot(joint)
    response = post_action(as_user(wu), joint, "add_assist", assisting=[contractor.pk])
    assert response.status_code == 403
    assert snapshot(joint) == before


def test_staff_cannot_make_the_lead_assist_nor_add_a_department_twice(as_user, joint, staff, police, construction):
    before = snapshot(joint)
    client = as_user(staff)
    response = post_action(client, joint, "add_assist", assisting=[police.pk])
    assert response.status_code == 400
    assert "临浦派出所 leads this case; it cannot also assist." in response.content.decode()
    response = post_action(client, joint, "add_assist", assisting=[construction.pk])
    assert response.status_code == 400
    assert "Already assisting: 临浦镇建设规划办." in response.content.decode()
    assert snapshot(joint) == before


def test_a_dispatch_naming_the_lead_as_assisting_is_refused(as_user, case_in, staff, police):
    case = case_in("registered")
    response = post_action(as_user(staff), case, "dispatch", department=police.pk, assisting=[police.pk])
    assert response.status_code == 400
    assert fresh(case).state == "registered" and not CaseAssist.objects.exists()


def test_marking_a_part_done_twice_is_refused_and_changes_nothing(as_user, joint, construction, planner):
    client = as_user(planner)
    assert post_action(client, joint, "assist_done", assist=construction.pk, note="已勘查").status_code == 302
    before = snapshot(joint)
    response = post_action(client, joint, "assist_done", assist=construction.pk, note="再次完成")
    assert response.status_code == 403
    assert "Your department has no part of this case left to mark done" in response.content.decode()
    assert snapshot(joint) == before


def test_an_assisting_member_cannot_mark_another_departments_part_done(as_user, joint, planner, agriculture):
    before = snapshot(joint)
    response = post_action(as_user(planner), joint, "assist_done", assist=agriculture.pk, note="替他们完成")
    assert response.status_code == 400
    assert "That department has no open part on this case." in response.content.decode()
    assert snapshot(joint) == before


def test_a_worker_of_another_grid_cannot_learn_the_case_exists(as_user, joint, chen, construction):
    before = snapshot(joint)
    client = as_user(chen)
    assert client.get(joint.get_absolute_url()).status_code == 404
    assert post_action(client, joint, "assist_done", assist=construction.pk, note="x").status_code == 404
    assert snapshot(joint) == before


def test_a_third_department_gets_404_and_assists_end_with_the_dispatch(as_user, joint, qian, construction, planner):
    """The contractor neither leads nor assists: a 404; once the case is resolved, the assisting
    office still sees it but has nothing left to do on it."""
    assert as_user(qian).get(joint.get_absolute_url()).status_code == 404
    act(joint, "resolve", fresh(joint).department.members.first(), note="已修复")
    client = as_user(planner)
    assert client.get(joint.get_absolute_url()).status_code == 200
    assert post_action(client, joint, "assist_done", assist=construction.pk, note="晚了").status_code == 403
