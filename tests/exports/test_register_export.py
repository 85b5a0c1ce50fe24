"""Staff export the households and residents of a grid or their community: masked, scoped, logged."""

import re

from django.urls import reverse
from django.utils import translation

from gridapp.models import DataAccess, DataAccessLog, PersonCategory

from ..factories import HouseholdFactory
from .conftest import REN_ID, REN_MOBILE, post_export, rows, text, workbook


def test_staff_export_grid1_households_and_residents(client, staff, register, grid1):
    client.force_login(staff)
    wb = workbook(post_export(client, what="register", grid=grid1.pk))
    assert wb.sheetnames == ["住户", "居民"]
    households, residents = (rows(ws) for ws in wb.worksheets)
    assert households[0][0].startswith("东麓池社区第一网格 · 住户") and "staff" in households[0][0]
    assert households[1][:4] == ["网格", "地址", "户主", "电话"]
    assert residents[1][2:5] == ["姓名", "性别", "出生日期"]
    assert [r[1] for r in households[2:]] == ["临江路4幢1单元302室"]
    ren = residents[2]
    assert ren[2] == "任爱香" and ren[3] == "女"
    assert ren[6] == REN_ID[:4] + "*" * 10 + REN_ID[-4:]
    assert ren[7] == "138****5678"
    assert ren[12] == "139****1111"
    assert "依赖家用呼吸机" not in text(wb)  # health notes stay out of register exports


def test_ids_never_in_the_file_phones_only_when_asked(client, staff, register, grid1):
    client.force_login(staff)
    masked = text(workbook(post_export(client, what="register", grid=grid1.pk)))
    full = text(workbook(post_export(client, what="register", grid=grid1.pk, full_phones="on")))
    assert REN_MOBILE not in masked and REN_MOBILE in full
    assert REN_ID not in masked and REN_ID not in full
    subjects = list(DataAccessLog.objects.order_by("pk").values_list("subject", flat=True))
    assert subjects[1].startswith(subjects[0]) and len(subjects[1]) > len(subjects[0])  # "(with full phone numbers)"


def test_community_export_has_both_grids_and_nothing_of_another_community(client, staff, register, dongluchi):
    client.force_login(staff)
    content = text(workbook(post_export(client, what="register", community=dongluchi.pk)))
    assert "任爱香" in content and "王建国" in content
    assert "沈阿大" not in content and "浦南" not in content


def test_an_export_writes_one_access_log_entry(client, staff, register, grid1):
    client.force_login(staff)
    post_export(client, what="register", grid=grid1.pk, reason_choice="other", reason_text="民政局核对独居老人名单")
    entry = DataAccessLog.objects.get()
    assert entry.user == staff
    assert entry.action == DataAccess.EXPORT
    assert entry.resident is None
    assert entry.community == grid1.community
    assert entry.ip_address == "10.1.2.3"
    assert entry.reason == "民政局核对独居老人名单"
    assert entry.subject == "东麓池社区第一网格 · 住户、居民"
    assert entry.row_count == 2  # one household, one resident


def test_the_access_log_page_shows_what_and_how_many_rows(client, staff, register, grid1):
    client.force_login(staff)
    post_export(client, what="register", grid=grid1.pk)
    page = client.get(reverse("access_log")).content.decode()
    assert "东麓池社区第一网格 · 住户、居民" in page
    with translation.override("zh-hans"):
        assert translation.ngettext("%(counter)s row", "%(counter)s rows", 2) % {"counter": 2} in page


def test_download_headers(client, staff, register, grid1):
    client.force_login(staff)
    response = post_export(client, what="register", community=grid1.community_id)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="gridapp-register-')
    assert "filename*=UTF-8''%E4%B8%9C%E9%BA%93%E6%B1%A0%E7%A4%BE%E5%8C%BA-" in disposition  # 东麓池社区-
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_header_row_is_frozen_and_repeats_when_printed(client, staff, register, grid1):
    client.force_login(staff)
    wb = workbook(post_export(client, what="register", grid=grid1.pk))
    ws = wb["居民"]
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$2:$2"
    assert int(ws.page_setup.paperSize) == 9  # A4


# --- the grid page's search, reused (gridapp.register.filters.HouseholdSearch) -------------------


def _export_link(page):
    return re.search(r'href="(/exports/\?[^"]*)"', page).group(1).replace("&amp;", "&")


def test_the_grid_pages_export_link_carries_its_households_search(client, staff, register, grid1):
    client.force_login(staff)
    page = client.get(reverse("grid_detail", args=[grid1.pk]), {"q": "任", "category": "elderly_alone"}).text
    link = _export_link(page)
    assert link == f"/exports/?grid={grid1.pk}&register-q=%E4%BB%BB&register-category=elderly_alone"
    search = client.get(link).context["search"].form
    assert (search["q"].value(), search["category"].value()) == ("任", "elderly_alone")


def test_an_unfiltered_grid_page_links_to_the_whole_grid(client, staff, register, grid1):
    client.force_login(staff)
    page = client.get(reverse("grid_detail", args=[grid1.pk]), {"category": "astronaut"}).text
    assert _export_link(page) == f"/exports/?grid={grid1.pk}"


def test_a_search_narrows_the_export_to_the_households_it_finds_and_says_so(client, staff, register, dongluchi):
    HouseholdFactory(grid=register["ren"].household.grid, address="临江路4幢1单元401室", head_name="任家邻居")
    client.force_login(staff)
    search = {"register-category": "elderly_alone", "register-not_visited_days": "30"}
    wb = workbook(post_export(client, what="register", community=dongluchi.pk, **search))
    households, residents = (rows(ws) for ws in wb.worksheets)
    assert [r[1] for r in households[2:]] == ["临江路4幢1单元302室"]
    assert [r[2] for r in residents[2:]] == ["任爱香"]
    entry = DataAccessLog.objects.get()
    assert entry.row_count == 2
    with translation.override("zh-hans"):
        asked = [
            f"{translation.gettext('Person category')}：{PersonCategory.ELDERLY_ALONE.label}",
            f"{translation.gettext('Not visited in')}：{translation.gettext('%(d)d days') % {'d': 30}}",
        ]
    assert entry.subject == f"东麓池社区 · 住户、居民 · {'；'.join(asked)}"


def test_an_unknown_search_value_refuses_the_register_export(client, staff, register, grid1):
    client.force_login(staff)
    response = post_export(client, what="register", grid=grid1.pk, **{"register-tag": "astronaut"})
    assert response.status_code == 400
    assert response.context["search"].form.has_error("tag", "invalid_choice")
    assert not DataAccessLog.objects.exists()
