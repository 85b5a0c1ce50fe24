"""What an import writes is found by the register's search at once (issue 13, item 3): the rows
it creates get their keys from the rows in hand, the rows it changes get theirs rewritten."""

import datetime

from django.urls import reverse

from gridapp.models import Resident, SearchKey

from ..factories import ResidentFactory
from .conftest import commit, xlsx_bytes


def found(client, q, kind="residents"):
    response = client.get(reverse("search"), {"q": q}, HTTP_HX_REQUEST="true")
    return [str(record) for record in getattr(response.context["results"], kind)]


def test_imported_households_residents_and_buildings_are_found(upload, staff_client, client, wu):
    row = {"户主姓名": "曾小贤", "地址": "新塘路", "幢": "3", "单元": "1", "室": "101", "联系电话": "0571-82340001",
           "姓名": "曾小贤", "性别": "男", "出生日期": "1950-03-08", "手机": "13912340002"}  # fmt: skip
    _response, batch = upload(xlsx_bytes([row]))
    commit(staff_client, batch)
    client.force_login(wu)
    assert found(client, "zxx") == ["曾小贤"]  # 曾 read as a surname
    assert found(client, "0002") == ["曾小贤"]
    assert found(client, "0001", "households") == ["新塘路3幢1单元101室 曾小贤"]
    assert found(client, "3幢1单元", "households") == ["新塘路3幢1单元101室 曾小贤"]
    assert found(client, "新塘路3", "buildings") == ["新塘路3幢"]


def test_a_resident_changed_by_an_import_is_found_by_the_new_mobile(upload, staff_client, client, wu, ren_household):
    born = datetime.date(1940, 5, 12)
    ren = ResidentFactory(household=ren_household, name="任爱香", date_of_birth=born, is_head=True, mobile="")
    row = {"户主姓名": "任爱香", "地址": "临江路", "幢": "4", "单元": "1", "室": "302", "姓名": "任爱香", "性别": "女",
           "出生日期": born.isoformat(), "身份证号": ren.id_number, "手机": "13911112222"}  # fmt: skip
    _response, batch = upload(xlsx_bytes([row]))
    commit(staff_client, batch)
    client.force_login(wu)
    assert found(client, "2222") == ["任爱香"]
    keys = set(SearchKey.objects.filter(record_id=ren.pk, kind=1).values_list("key", flat=True))
    assert "#2222" in keys
    assert Resident.objects.count() == 1
