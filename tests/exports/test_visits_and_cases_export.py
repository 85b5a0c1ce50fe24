"""The visit log for a period and the case list with the queue's filters."""

import datetime
import uuid

import pytest
from django.utils import timezone

from cases.models import Category, State
from cases.services import case_report
from gridapp.models import DataAccessLog
from visits.services import NewFollowUp, log_visit

from ..factories import HouseholdFactory
from .conftest import post_export, rows, text, workbook


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def visits(wu, chen, register, grid2):
    ren = register["ren"]
    today = timezone.localdate()

    def visit(worker, household, day, notes, **extra):
        return log_visit(
            worker=worker, client_id=uuid.uuid4(), visited_at=_at(day), household=household, notes=notes, **extra
        )[0]

    visit(
        wu,
        ren.household,
        today - datetime.timedelta(days=3),
        "呼吸机坏了",
        conditions={ren: "needs_help"},
        follow_up=NewFollowUp(what="回访呼吸机维修", due_on=today + datetime.timedelta(days=7), assignee=wu),
    )
    visit(wu, ren.household, today - datetime.timedelta(days=40), "四十天前")
    visit(chen, register["grid2_household"], today - datetime.timedelta(days=2), "第二网格走访")
    return today


def test_the_visit_log_of_a_period(client, staff, visits, grid1):
    client.force_login(staff)
    start, end = visits - datetime.timedelta(days=7), visits
    wb = workbook(post_export(client, what="visits", grid=grid1.pk, start=start, end=end))
    assert wb.sheetnames == ["走访"]
    data = rows(wb.active)[2:]
    assert len(data) == 1
    visited_at, grid, worker, place, purposes, campaign, seen, notes, follow_up = data[0]
    assert visited_at == datetime.datetime.combine(visits - datetime.timedelta(days=3), datetime.time(10))
    assert (grid, worker, place, notes) == ("第一网格", "吴佳栋", "临江路4幢1单元302室", "呼吸机坏了")
    assert seen.startswith("任爱香（")
    assert follow_up.startswith("回访呼吸机维修（")
    entry = DataAccessLog.objects.get()
    assert entry.row_count == 1
    assert f"{start:%Y-%m-%d}–{end:%Y-%m-%d}" in entry.subject


def test_a_community_visit_log_has_both_grids(client, staff, visits, dongluchi):
    client.force_login(staff)
    content = text(
        workbook(
            post_export(
                client, what="visits", community=dongluchi.pk, start=visits - datetime.timedelta(days=7), end=visits
            )
        )
    )
    assert "呼吸机坏了" in content and "第二网格走访" in content and "四十天前" not in content


@pytest.fixture
def cases(wu, chen, register, grid1, grid2):
    category = Category.objects.order_by("pk").first()

    def report(by, grid, title, **fields):
        return case_report(
            by=by,
            grid=grid,
            title=title,
            description="…",
            category=category,
            priority="normal",
            channel="walk_in",
            **fields,
        )

    overdue = report(wu, grid1, "楼上漏水", complainant=register["ren"])
    overdue.due_at = timezone.now() - datetime.timedelta(days=1)
    overdue.save(update_fields=["due_at"])
    closed = report(wu, grid1, "路灯不亮", complainant_name="李先生", complainant_phone="13700001234")
    closed.state = State.CLOSED
    closed.save(update_fields=["state"])
    report(chen, grid2, "第二网格噪音", anonymous=True)
    return {"overdue": overdue, "closed": closed, "category": category}


def test_the_case_list_with_states_and_deadlines(client, staff, cases, dongluchi):
    client.force_login(staff)
    wb = workbook(post_export(client, what="cases", community=dongluchi.pk))
    header, *data = rows(wb.active)[1:]
    assert header[:4] == ["编号", "标题", "网格", "类别"]
    titles = {row[1]: row for row in data}
    assert set(titles) == {"楼上漏水", "路灯不亮", "第二网格噪音"}
    assert titles["楼上漏水"][8] is not None  # the deadline, as an Excel date
    assert titles["楼上漏水"][9]  # overdue
    assert titles["路灯不亮"][15] == "137****1234"
    assert titles["第二网格噪音"][14] == "匿名" and titles["第二网格噪音"][15] is None


def test_the_case_list_takes_the_queues_filters(client, staff, cases, grid1):
    client.force_login(staff)
    open_only = rows(workbook(post_export(client, what="cases", grid=grid1.pk, state="open")).active)[2:]
    assert [r[1] for r in open_only] == ["楼上漏水"]
    overdue = rows(workbook(post_export(client, what="cases", grid=grid1.pk, overdue="on")).active)[2:]
    assert [r[1] for r in overdue] == ["楼上漏水"]
    closed = rows(workbook(post_export(client, what="cases", grid=grid1.pk, state="closed")).active)[2:]
    assert [r[1] for r in closed] == ["路灯不亮"]
    other = Category.objects.exclude(pk=cases["category"].pk).first()
    none = rows(workbook(post_export(client, what="cases", grid=grid1.pk, category=other.pk)).active)[2:]
    assert none == []


def test_full_phones_in_the_case_list_only_when_asked(client, staff, cases, grid1):
    client.force_login(staff)
    assert "13700001234" not in text(workbook(post_export(client, what="cases", grid=grid1.pk)))
    assert "13700001234" in text(workbook(post_export(client, what="cases", grid=grid1.pk, full_phones="on")))


def test_an_admin_exports_any_community(client, admin_user, register, other_community):
    client.force_login(admin_user)
    content = text(workbook(post_export(client, what="register", community=other_community.pk)))
    assert "沈阿大" in content and "任爱香" not in content


def test_archived_households_are_not_exported(client, staff, register, grid1):
    HouseholdFactory(grid=grid1, address="临江路6号", head_name="已搬走", archived_at=timezone.now())
    client.force_login(staff)
    assert "已搬走" not in text(workbook(post_export(client, what="register", grid=grid1.pk)))
