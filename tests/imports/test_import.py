"""Staff import households, residents and shops from files made here: the preview, the import,
bad rows and bad files, re-imports, the history. Pages are read in English."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from gridapp.core.validators import id_check_char
from gridapp.imports import sample, services
from gridapp.models import (
    Building,
    Household,
    HouseholdTagLink,
    ImportBatch,
    ImportStatus,
    Resident,
    ResidentCategoryLink,
    Shop,
)

from ..factories import HouseholdFactory, ResidentFactory, make_id_number
from .conftest import commit, csv_bytes, rows, xlsx_bytes


def _counts(batch, what):
    return batch.counts[what]


def _errors(response):
    return response.content.decode()


# --- a valid file ---------------------------------------------------------------------------------------


def test_preview_shows_what_will_change_and_writes_nothing(upload, grid1):
    response, batch = upload(xlsx_bytes(rows(6)))
    assert batch.status == ImportStatus.READY
    assert _counts(batch, "households") == {"created": 3, "updated": 0, "unchanged": 0}
    assert _counts(batch, "residents") == {"created": 6, "updated": 0, "unchanged": 0}
    page = response.content.decode()
    assert 'data-count="residents-created">6<' in page
    assert "Import now" in page
    assert not Household.objects.exists() and not Resident.objects.exists()


def test_import_creates_households_residents_buildings_and_categories(upload, staff_client, staff, grid1):
    _response, batch = upload(xlsx_bytes(rows(6)))
    response = commit(staff_client, batch)
    assert batch.status == ImportStatus.DONE
    assert batch.committed_by == staff
    assert "Imported" in response.content.decode()
    assert Household.objects.filter(grid=grid1).count() == 3
    household = Household.objects.get(address="基准路1幢1单元101室")
    assert household.building == Building.objects.get(road="基准路", number="1", grid=grid1)
    assert household.compose_address() == household.address
    residents = list(household.residents.order_by("-is_head"))
    assert [r.is_head for r in residents] == [True, False]
    assert household.head_name == residents[0].name
    assert residents[1].relation_to_head == "配偶"
    assert HouseholdTagLink.objects.filter(household=household, tag="empty_nest").exists()
    categories = set(ResidentCategoryLink.objects.values_list("category", flat=True))
    assert categories == {"elderly_alone", "empty_nest", "party_member", "tenant"}


def test_a_csv_file_imports_like_a_workbook(upload, staff_client):
    _response, batch = upload(csv_bytes(rows(4)), name="register.csv")
    assert batch.file_format == "csv"
    commit(staff_client, batch)
    assert Resident.objects.count() == 4


def test_a_gbk_csv_with_chinese_is_read(upload, staff_client):
    _response, batch = upload(csv_bytes(rows(2), encoding="gbk"), name="登记表.csv")
    assert batch.status == ImportStatus.READY, batch.errors
    commit(staff_client, batch)
    assert set(Resident.objects.values_list("relation_to_head", flat=True)) == {"本人", "配偶"}
    assert Household.objects.get().address.startswith("基准路")


def test_english_headers_and_labels_are_accepted(upload, staff_client):
    headers = ["address", "building", "room", "name", "sex", "id_number", "relation", "categories", "tenure"]
    born = datetime.date(1950, 1, 2)
    row = ["临江路", "4", "302", "任爱香", "F", sample.id_number(7, born), "self", "Elderly living alone", "Rented"]
    _response, batch = upload(xlsx_bytes([row], headers=headers))
    assert batch.status == ImportStatus.READY, batch.errors
    commit(staff_client, batch)
    resident = Resident.objects.get()
    assert (resident.sex, resident.date_of_birth, resident.is_head) == ("F", born, True)  # birth date from the ID
    assert resident.household.tenure == "rented"
    assert resident.category_values() == ["elderly_alone"]


def test_shops_import(upload, staff_client, grid1):
    headers = ["店名", "地址", "经营类别", "沿街", "经营者", "联系电话"]
    content = xlsx_bytes([["东炉池便利店", "临江路8号", "零售", "是", "赵老板", "13900004444"]], headers=headers)
    _response, batch = upload(content, kind="shops")
    assert batch.counts == {"shops": {"created": 1, "updated": 0, "unchanged": 0}}
    commit(staff_client, batch)
    shop = Shop.objects.get()
    assert (shop.grid, shop.address, shop.business_type, shop.phone) == (grid1, "临江路8号", "retail", "13900004444")
    _response, again = upload(content, kind="shops")
    assert again.counts == {"shops": {"created": 0, "updated": 0, "unchanged": 1}}


# --- matching and re-import ----------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(upload, staff_client):
    content = xlsx_bytes(rows(6))
    _response, first = upload(content)
    commit(staff_client, first)
    history = (Household.history.count(), Resident.history.count(), ResidentCategoryLink.history.count())
    _response, again = upload(content)
    assert _counts(again, "households") == {"created": 0, "updated": 0, "unchanged": 3}
    assert _counts(again, "residents") == {"created": 0, "updated": 0, "unchanged": 6}
    commit(staff_client, again)
    assert again.status == ImportStatus.DONE
    assert (Household.objects.count(), Resident.objects.count()) == (3, 6)
    assert (Household.history.count(), Resident.history.count(), ResidentCategoryLink.history.count()) == history


def test_residents_are_matched_on_id_number_and_updated(upload, staff_client, ren_household):
    born = datetime.date(1940, 5, 12)
    ren = ResidentFactory(household=ren_household, name="任爱香", date_of_birth=born, is_head=True, mobile="")
    row = {**rows(1)[0], "地址": "临江路", "幢": "4", "单元": "1", "室": "302", "姓名": "任爱香", "户主姓名": "任爱香"}
    row.update({"身份证号": ren.id_number, "出生日期": born.isoformat(), "性别": "女", "手机": "13911112222"})
    _response, batch = upload(xlsx_bytes([row]))
    assert _counts(batch, "households")["updated"] + _counts(batch, "households")["unchanged"] == 1
    assert _counts(batch, "residents") == {"created": 0, "updated": 1, "unchanged": 0}
    commit(staff_client, batch)
    ren.refresh_from_db()
    assert ren.mobile == "13911112222"
    assert Resident.objects.count() == 1 and Household.objects.count() == 1


def test_the_history_shows_the_import_with_the_user(upload, staff_client, staff, admin_user, client):
    _response, batch = upload(xlsx_bytes(rows(2)))
    commit(staff_client, batch)
    resident = Resident.objects.first()
    version = resident.history.get()
    assert (version.history_user, version.history_change_reason) == (staff, f"import:{batch.pk}")
    household_version = resident.household.history.get()
    assert household_version.history_user == staff
    client.force_login(admin_user)
    page = client.get(reverse("record_history", kwargs={"model": "resident", "pk": resident.pk}))
    assert page.status_code == 200
    assert f"Register import #{batch.pk}" in page.content.decode()


# --- bad rows -----------------------------------------------------------------------------------------------


def _bad(**cells):
    return {**rows(1, start=500)[0], **cells}


def _wrong_check_char(body):
    return body + ("0" if id_check_char(body) != "0" else "1")


BAD_ROWS = [
    ("身份证号", {"身份证号": _wrong_check_char("33010919400512123"), "出生日期": "1940-05-12"}, "should be"),
    ("出生日期", {"出生日期": "1940-13-45", "身份证号": ""}, "is not a date of birth"),
    ("性别", {"性别": "未知"}, "Unknown value “未知”"),
    ("手机", {"手机": "1390000"}, "A mobile number has 11 digits"),
    ("人员类别", {"人员类别": "独居老人、外星人"}, "Unknown value “外星人”"),
    ("姓名", {"姓名": ""}, "Empty, but this column is required."),
    ("姓名", {"姓名": "张" * 51}, "Too long: at most 50 characters, this has 51."),
    ("紧急联系电话", {"紧急联系电话": "12345"}, "A mobile number has 11 digits"),
]


@pytest.mark.parametrize(("column", "cells", "message"), BAD_ROWS, ids=[f"{c}-{m[:20]}" for c, _x, m in BAD_ROWS])
def test_each_bad_row_is_an_error_by_row_and_column(upload, column, cells, message):
    good = rows(2)
    response, batch = upload(xlsx_bytes([*good, _bad(**cells)]))
    assert batch.status == ImportStatus.HAS_ERRORS
    assert batch.errors[0]["row"] == 4 and batch.errors[0]["column"] == column
    assert message in batch.errors[0]["message"]
    page = response.content.decode()
    assert f"Row 4, {column}: " in page
    assert "Import now" not in page
    assert reverse("import_commit", args=[batch.pk]) not in page


def test_an_id_number_giving_another_birth_date_says_so_as_the_resident_form_does(upload):
    row = _bad(身份证号=make_id_number(datetime.date(1940, 5, 12)), 出生日期="1941-05-12")
    _response, batch = upload(xlsx_bytes([row]))
    assert [(e["column"], e["message"]) for e in batch.errors] == [
        ("出生日期", "The ID number gives a date of birth of 1940-05-12, but the date of birth entered is 1941-05-12.")
    ]


def test_commit_is_refused_while_there_are_errors(upload, staff_client):
    _response, batch = upload(xlsx_bytes([*rows(2), _bad(性别="?")]))
    commit(staff_client, batch)
    assert batch.status == ImportStatus.HAS_ERRORS
    assert not Resident.objects.exists()


def test_a_duplicated_id_names_both_rows(upload):
    duplicate = rows(3)
    duplicate[2] = {**duplicate[2], "身份证号": duplicate[0]["身份证号"], "出生日期": duplicate[0]["出生日期"]}
    _response, batch = upload(xlsx_bytes(duplicate))
    messages = {(e["row"], e["message"]) for e in batch.errors}
    assert (4, "The same ID number as row 2.") in messages
    assert (2, "The same ID number as row 4.") in messages


def test_a_duplicated_row_is_refused(upload):
    content = rows(2)
    _response, batch = upload(xlsx_bytes([*content, content[1]]))
    assert batch.status == ImportStatus.HAS_ERRORS
    assert {e["row"] for e in batch.errors} == {3, 4}


def test_an_id_of_another_community_is_an_error_without_saying_whose(upload, other_grid):
    stranger = ResidentFactory(household=HouseholdFactory(grid=other_grid), name="外社区居民")
    row = _bad(身份证号=stranger.id_number, 出生日期=stranger.date_of_birth.isoformat())
    response, batch = upload(xlsx_bytes([row]))
    assert batch.status == ImportStatus.HAS_ERRORS
    assert batch.errors[0]["column"] == "身份证号"
    assert "registered in another community" in batch.errors[0]["message"]
    page = response.content.decode()
    assert "外社区居民" not in page and str(other_grid.community) not in page


def test_an_invalid_id_on_row_4312_is_named_and_nothing_is_imported(upload, staff_client, settings):
    settings.GRIDAPP_IMPORT_INLINE_ROWS = 10_000
    content = rows(4320)
    bad = content[4310]["身份证号"]
    content[4310] = {**content[4310], "身份证号": bad[:17] + ("0" if bad[17] != "0" else "1")}
    response, batch = upload(csv_bytes(content), name="big.csv")
    assert batch.status == ImportStatus.HAS_ERRORS
    assert batch.error_count == 1
    assert "Row 4312, 身份证号: The last character of the ID number should be" in response.content.decode()
    commit(staff_client, batch)
    assert not Resident.objects.exists() and not Household.objects.exists()


# --- bad files ---------------------------------------------------------------------------------------------


def test_a_file_that_is_no_spreadsheet_is_refused_whatever_its_name(upload):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    response, batch = upload(png, name="register.xlsx")
    assert batch is None
    assert "This is not an Excel (.xlsx) or CSV file." in response.content.decode()
    zipped = xlsx_bytes([])[:200]  # a damaged workbook
    response, batch = upload(zipped, name="register.xlsx")
    assert batch is None
    assert "This is not an Excel (.xlsx) or CSV file." in response.content.decode()


def test_an_empty_file_is_refused(upload):
    response, batch = upload(b"", name="empty.csv")
    assert batch is None
    assert "empty" in response.content.decode().lower()


def test_a_header_without_rows_is_refused(upload):
    response, batch = upload(xlsx_bytes([]))
    assert batch.status == ImportStatus.HAS_ERRORS
    assert "The file has a header but no rows to import." in response.content.decode()


def test_missing_required_columns_are_named_in_chinese(upload):
    response, batch = upload(csv_bytes([{"户主姓名": "王"}], headers=["户主姓名", "幢"]), name="x.csv")
    assert batch.status == ImportStatus.HAS_ERRORS
    assert "Required columns are missing: 地址、姓名." in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(upload, settings):
    settings.GRIDAPP_IMPORT_MAX_BYTES = 1000
    response, batch = upload(csv_bytes(rows(40)), name="big.csv")
    assert batch is None
    assert (
        "at most 0 MB can be imported" in response.content.decode()
        or "can be imported at once" in response.content.decode()
    )
    assert not list(services.import_dir().iterdir())


# --- cancel ---------------------------------------------------------------------------------------------------


def test_a_cancelled_import_imports_nothing(upload, staff_client):
    _response, batch = upload(xlsx_bytes(rows(4)))
    response = staff_client.post(reverse("import_cancel", args=[batch.pk]), follow=True)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CANCELLED
    assert "Cancelled: nothing of this file is imported." in response.content.decode()
    commit(staff_client, batch)
    assert batch.status == ImportStatus.CANCELLED
    assert not Resident.objects.exists()


def test_a_cancel_during_the_import_rolls_everything_back(upload, staff_client, settings):
    """The cancel flag is seen between two batches of rows: the transaction is rolled back."""
    _response, batch = upload(xlsx_bytes(rows(6)))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.COMMITTING)
    batch.refresh_from_db()
    services.cancel(batch)  # pressed while the worker is busy
    batch.refresh_from_db()
    # PostgreSQL: cancelled at once (the import, finding its batch cancelled, keeps nothing);
    # SQLite: only the flag is set, as the UPDATE would wait for the import's write lock.
    assert batch.status == (ImportStatus.COMMITTING if connection.vendor == "sqlite" else ImportStatus.CANCELLED)
    services.commit(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CANCELLED
    assert not Household.objects.exists() and not Resident.objects.exists() and not Building.objects.exists()
    assert not Resident.history.exists()


# --- the template ---------------------------------------------------------------------------------------------


def test_the_template_has_chinese_headers_and_its_example_row_imports_once_unmarked(staff_client, upload):
    """The template's columns and example are read as any file's; its example row is marked and
    never imported as downloaded (tests/imports/test_template_samples.py), but with the mark
    deleted it is a valid row."""
    import io

    import openpyxl

    response = staff_client.get(reverse("import_template", args=["households", "xlsx"]))
    content = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["户主姓名", "地址*", "幢", "单元", "室"]
    assert "身份证号" in headers and "人员类别" in headers
    assert len(workbook.worksheets) == 2
    sheet["A2"] = sheet["A2"].value.removeprefix("【示例】")
    buffer = io.BytesIO()
    workbook.save(buffer)
    _response, batch = upload(buffer.getvalue())
    assert batch.status == ImportStatus.READY, batch.errors
    csv_template = staff_client.get(reverse("import_template", args=["shops", "csv"]))
    assert b"".join(csv_template.streaming_content).decode("utf-8-sig").startswith("店名*,地址*")


# --- pages ----------------------------------------------------------------------------------------------------


def test_a_file_name_with_markup_is_shown_as_text(upload, staff_client):
    _response, batch = upload(xlsx_bytes(rows(2)), name='"><img src=x onerror=alert(1)>.xlsx')
    for url in (reverse("import_list"), batch.get_absolute_url()):
        page = staff_client.get(url).content.decode()
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;.xlsx" in page


def test_the_imports_page_lists_only_the_users_communities(upload, zhao, other_grid, staff_client):
    _response, ours = upload(xlsx_bytes(rows(2)), name="东麓池.xlsx")
    client = Client()
    client.force_login(zhao)
    page = client.get(reverse("import_list")).content.decode()
    assert "东麓池.xlsx" not in page
    assert client.get(ours.get_absolute_url()).status_code == 404
    assert staff_client.get(reverse("import_list")).content.decode().count("东麓池.xlsx") == 1


def test_another_communitys_grid_cannot_be_chosen(upload, other_grid):
    response, batch = upload(xlsx_bytes(rows(2)), grid=other_grid)
    assert batch is None
    assert "Select a valid choice" in response.content.decode()


def test_the_list_and_detail_pages_take_a_fixed_number_of_queries(upload, staff_client, django_assert_max_num_queries):
    for i in range(3):
        upload(xlsx_bytes(rows(2, start=i * 10)), name=f"f{i}.xlsx")
    with django_assert_max_num_queries(12):
        assert staff_client.get(reverse("import_list")).status_code == 200
    batch = ImportBatch.objects.first()
    with django_assert_max_num_queries(12):
        assert staff_client.get(batch.get_absolute_url()).status_code == 200


def test_a_file_over_the_row_limit_is_refused(upload, settings):
    settings.GRIDAPP_IMPORT_MAX_ROWS = 5
    response, batch = upload(csv_bytes(rows(8)), name="long.csv")
    assert batch.status == ImportStatus.HAS_ERRORS
    assert "The file has more than 5 rows" in response.content.decode()


def test_two_rows_of_one_household_that_disagree_are_an_error(upload):
    content = rows(2)
    content[1] = {**content[1], "联系电话": "0571-88888888"}
    _response, batch = upload(xlsx_bytes(content))
    assert batch.errors == [{"row": 3, "column": "联系电话", "message": "Differs from row 2 of the same household."}]


def test_the_uploaded_file_is_kept_only_until_it_is_imported(upload, staff_client):
    _response, batch = upload(xlsx_bytes(rows(2)))
    assert services.stored_file(batch).exists()  # ready: it may still be imported
    commit(staff_client, batch)
    assert not services.stored_file(batch).exists()
    _response, bad = upload(xlsx_bytes([_bad(性别="?")]))
    assert not services.stored_file(bad).exists()  # has errors: a corrected file comes next
