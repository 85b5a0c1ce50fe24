"""Every hand-off reaches the next person: for each action that passes a case on, the people the
lifecycle table names get exactly one message each, linking to the case and saying what
happened; the one who acted gets none, and nobody else does either (Chen of Grid 2, Zhao of
another community, Fang of a department the case is not with, Grid 1's part-time officer for
cases that are not referred to him). The group robot posts each hand-off once.

Lin is Dongluchi's second staff member; Xu is Shen's colleague at the police station."""

import datetime
from collections import Counter

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case
from gridapp import notify
from gridapp.models import Channel, Delivery, Notification, Role, RoleKind, Webhook

from ..checkins.conftest import robot_server  # noqa: F401 (the fake group robot)
from ..factories import UserFactory, give_role
from .conftest import act, member_of, post_action, report


@pytest.fixture
def lin(dongluchi):
    return give_role(UserFactory(username="lin", email="lin@example.cn"), RoleKind.COMMUNITY_STAFF, community=dongluchi)


@pytest.fixture
def xu(police):
    return member_of(police, "xu", first_name="敏", last_name="徐")


@pytest.fixture
def everyone(wu, chen, staff, lin, zhao, officer, xu, planner, grid1):
    """Everybody of the story, Shen also Grid 1's part-time grid worker (一格一警)."""
    Role.objects.create(user=officer, kind=RoleKind.GRID_WORKER, grid=grid1, part_time=True)


def told(kind):
    """Who got a message of this kind, and how many each."""
    return Counter(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def the_message(kind, username):
    return Notification.objects.get(kind=kind, recipient__username=username)


@pytest.mark.usefixtures("everyone")
def test_a_new_report_reaches_the_grids_worker_and_the_office_but_not_who_reported_it(wu, staff, grid1):
    by_wu = report(wu, grid1, title="楼上漏水")
    assert told("case_report") == {"staff": 1, "lin": 1}
    Notification.objects.all().delete()

    by_staff = report(staff, grid1, title="楼道堆物", description="三单元楼道堆满纸箱，" * 30)
    assert told("case_report") == {"wu": 1, "lin": 1}
    message = the_message("case_report", "wu")
    assert message.subject == f"新上报事件：{by_staff.number} 楼道堆物"
    assert message.link == by_staff.get_absolute_url() != by_wu.get_absolute_url()
    # Who reported it, then the description's first 200 characters (the rest is on the case).
    reporter, description = message.body.split("\n")
    assert reporter.startswith("staff · 已上报 · 期限 ")
    assert len(description) == 200 and description.endswith("…")


@pytest.mark.usefixtures("everyone")
def test_an_escalation_reaches_the_office(case_in, wu):
    case = act(case_in("handling"), "escalate", wu, note="房东不配合，需社区协调")
    assert told("case_escalate") == {"staff": 1, "lin": 1}
    message = the_message("case_escalate", "lin")
    assert message.subject == f"已上报社区：{case.number} 楼上漏水"
    assert "吴佳栋" in message.body and "房东不配合，需社区协调" in message.body
    assert message.link == case.get_absolute_url()


@pytest.mark.usefixtures("everyone")
def test_a_dispatch_reaches_the_departments_members(case_in, staff, police):
    case = act(case_in("registered"), "dispatch", staff, department=police)
    assert told("case_dispatch") == {"officer": 1, "xu": 1}
    assert the_message("case_dispatch", "xu").subject == f"已派遣至本部门：{case.number} 楼上漏水"


@pytest.mark.usefixtures("everyone")
def test_a_return_reaches_the_office(case_in, officer):
    case = act(case_in("dispatched"), "return", officer, note="不属于派出所职责")
    assert told("case_return") == {"staff": 1, "lin": 1}
    message = the_message("case_return", "staff")
    assert message.subject == f"部门已退回社区：{case.number} 楼上漏水"
    assert "不属于派出所职责" in message.body


@pytest.mark.usefixtures("everyone")
def test_a_departments_resolution_reaches_the_worker_who_verifies_it(case_in, officer):
    case = act(case_in("dispatched"), "resolve", officer, note="已联系房东修好")
    assert told("case_resolve") == {"wu": 1}
    assert the_message("case_resolve", "wu").subject == f"已处置，请核查：{case.number} 楼上漏水"


@pytest.mark.usefixtures("everyone")
def test_a_failed_verification_reaches_the_department_again_with_the_rework_count(case_in, wu, officer):
    case = act(case_in("resolved"), "rework", wu, note="天花板仍在渗水")
    assert told("case_rework") == {"officer": 1, "xu": 1}
    message = the_message("case_rework", "xu")
    assert message.subject == f"核查未通过，第1次返工：{case.number} 楼上漏水"
    assert "天花板仍在渗水" in message.body

    act(act(case, "resolve", officer, note="换了水管"), "rework", wu, note="还是漏")
    assert told("case_rework") == {"officer": 2, "xu": 2}
    latest = Notification.objects.filter(kind="case_rework", recipient__username="xu").latest("pk")
    assert latest.subject.startswith("核查未通过，第2次返工")


@pytest.mark.usefixtures("everyone")
def test_a_workers_resolution_reaches_the_office_which_verifies_it(case_in, wu):
    act(case_in("handling"), "resolve", wu, note="已修好")
    assert told("case_resolve") == {"staff": 1, "lin": 1}


@pytest.mark.usefixtures("everyone")
def test_the_offices_resolution_of_an_escalated_case_reaches_the_grids_worker(case_in, staff):
    act(case_in("escalated"), "resolve", staff, note="社区已协调物业修好")
    assert told("case_resolve") == {"wu": 1}


@pytest.mark.usefixtures("everyone")
def test_a_reopen_reaches_the_worker_and_whoever_handled_it(case_in, staff):
    case = act(case_in("closed"), "reopen", staff, note="居民反映仍然漏水")  # Shen resolved it
    assert told("case_reopen") == {"wu": 1, "officer": 1}
    assert the_message("case_reopen", "officer").subject == f"已重新办理：{case.number} 楼上漏水"


@pytest.mark.usefixtures("everyone")
def test_nobody_is_told_of_a_step_that_hands_nothing_on(case_in, wu, staff):
    """Taking, verifying, closing and recording feedback keep the case with whoever has it."""
    case_in("feedback")
    assert set(Notification.objects.values_list("kind", flat=True)) == {
        "case_report",
        "case_dispatch",
        "case_resolve",
    }


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.usefixtures("everyone")
def test_the_group_robot_posts_a_hand_off_once_and_each_person_gets_one_email(
    robot_server,  # noqa: F811
    case_in,
    wu,
    staff,
    dongluchi,
):
    staff.email = "staff@example.cn"
    staff.save(update_fields=["email"])
    robot = robot_server(200)
    Webhook.objects.create(community=dongluchi, url=robot.url, kind="wecom")
    case = case_in("handling")
    Delivery.objects.all().delete()
    act(case, "escalate", wu, note="房东不配合，需社区协调")

    deliveries = Delivery.objects.filter(notification__kind="case_escalate")
    assert Counter(deliveries.values_list("channel", flat=True)) == {
        Channel.INBOX: 2,
        Channel.EMAIL: 2,
        Channel.WEBHOOK: 1,
    }
    for delivery in deliveries.exclude(channel=Channel.INBOX):
        assert notify.attempt(delivery.pk) is None
        assert notify.attempt(delivery.pk) is None  # a retried task sends nothing twice
    assert sorted(m.to[0] for m in mail.outbox) == ["lin@example.cn", "staff@example.cn"]
    assert all(case.get_absolute_url() in m.body and "房东不配合" in m.body for m in mail.outbox)
    [post] = robot.received
    # The whole group reads the robot: the subject and the link, the note stays behind the log-in.
    content = post["json"]["text"]["content"]
    assert content.startswith(f"已上报社区：{case.number}") and content.endswith(case.get_absolute_url())
    assert "房东" not in content


@pytest.mark.usefixtures("everyone")
def test_staff_find_a_return_under_its_group_and_open_the_case_from_it(client, case_in, officer, staff):
    case = act(case_in("dispatched"), "return", officer, note="不属于派出所职责")
    client.force_login(staff)  # reading Chinese, the site's language
    inbox = client.get(reverse("inbox")).content.decode()
    group = inbox.split("部门退回", 1)[1].split("</section>", 1)[0]
    message = the_message("case_return", "staff")
    assert f"部门已退回社区：{case.number} 楼上漏水" in group
    assert reverse("notification_detail", args=[message.pk]) in group

    page = client.get(reverse("notification_detail", args=[message.pk])).content.decode()
    assert "不属于派出所职责" in page and f'href="{case.get_absolute_url()}"' in page
    message.refresh_from_db()
    assert message.read_at is not None
    assert "部门退回" not in client.get(reverse("inbox")).content.decode()  # read: in the list below


@pytest.mark.usefixtures("everyone")
def test_an_overdue_case_is_posted_on_the_group_robot_once(case_in, dongluchi):
    Webhook.objects.create(community=dongluchi, url="https://robot.example.cn/send?key=test", kind="wecom")
    case = case_in("dispatched")
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.flag_overdue() == 1
    assert told("case_overdue") == {"staff": 1, "lin": 1, "officer": 1, "xu": 1}
    webhook = Delivery.objects.filter(notification__kind="case_overdue", channel=Channel.WEBHOOK)
    assert webhook.count() == 1


@pytest.mark.usefixtures("everyone")
def test_a_hand_off_from_the_page_in_english_is_told_in_the_sites_language(as_user, case_in, wu):
    """Stored messages go out by e-mail and robot too, which have no reader's language to follow."""
    case = case_in("handling")
    response = post_action(as_user(wu), case, "escalate", note="房东不配合，需社区协调")
    assert response.status_code == 302
    assert told("case_escalate") == {"staff": 1, "lin": 1}
    assert the_message("case_escalate", "staff").subject.startswith("已上报社区：")


@pytest.mark.usefixtures("everyone")
def test_a_deactivated_account_is_not_told(wu, lin, grid1):
    lin.is_active = False
    lin.save(update_fields=["is_active"])
    report(wu, grid1)
    assert told("case_report") == {"staff": 1}


@pytest.mark.usefixtures("everyone")
def test_a_departments_resolution_in_a_grid_without_a_worker_reaches_the_office(case_in, officer, wu):
    case = case_in("dispatched")
    wu.is_active = False  # Wu has left; nobody works Grid 1 yet
    wu.save(update_fields=["is_active"])
    act(case, "resolve", officer, note="已联系房东修好")
    assert told("case_resolve") == {"staff": 1, "lin": 1}
