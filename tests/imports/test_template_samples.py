"""The import template's example row never touches the register: uploaded as downloaded, the
template changes nothing (it once previewed an update of Ren Aixiang's real household); an
example left among real rows is skipped and said so. And a name or phone with a character
nobody can see is an error on its row and column."""

import io

import openpyxl
import pytest
from django.urls import reverse

from gridapp.models import Household, ImportStatus, Resident, Shop

from ..factories import ShopFactory
from .conftest import commit, csv_bytes, rows, xlsx_bytes


def template(client, kind, fmt):
    response = client.get(reverse("import_template", args=[kind, fmt]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def register_as_it_is():
    return (
        list(Household.objects.values_list("pk", "version", "head_name", "phone")),
        list(Resident.objects.values_list("pk", "version", "name", "mobile")),
        list(Shop.objects.values_list("pk", "version", "name", "phone")),
    )


@pytest.fixture
def ren_and_her_shop(ren, grid1):
    """Ren Aixiang's household at 临江路4幢1单元302室, and the shop the old template named."""
    ShopFactory(grid=grid1, name="东炉池便利店", address="临江路8号")
    return ren


@pytest.mark.parametrize("kind", ["households", "shops"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_as_downloaded_changes_nothing(staff_client, upload, ren_and_her_shop, kind, fmt):
    before = register_as_it_is()
    response, batch = upload(template(staff_client, kind, fmt), name=f"template.{fmt}", kind=kind)
    assert batch.status == ImportStatus.HAS_ERRORS
    assert "only the template's example" in batch.message
    assert "Import now" not in response.content.decode()
    assert register_as_it_is() == before


def test_the_example_row_is_made_up_and_marked(staff_client):
    content = template(staff_client, "households", "csv").decode("utf-8-sig")
    example = content.splitlines()[1]
    assert example.startswith("【示例】") and "示例路" in example
    assert "任爱香" not in content and "临江路" not in content


def test_an_example_left_among_real_rows_is_skipped_and_said_so(staff_client, upload, ren_and_her_shop):
    workbook = openpyxl.load_workbook(io.BytesIO(template(staff_client, "households", "xlsx")))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    real = rows(1)[0]
    sheet.append([real.get(h.rstrip("*"), "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response, batch = upload(buffer.getvalue())
    assert batch.status == ImportStatus.READY, batch.errors
    assert batch.counts["residents"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert "Row 2 is an example (marked 【示例】) and is not imported." in response.content.decode()
    commit(staff_client, batch)
    assert not Household.objects.filter(address__startswith="示例路").exists()
    assert Resident.objects.filter(name=real["姓名"]).exists()


def test_a_marked_cell_anywhere_in_the_row_skips_it(staff_client, upload):
    sample = rows(2)
    sample[1]["户主姓名"] = "【示例】" + sample[1]["户主姓名"]
    _response, batch = upload(csv_bytes(sample), name="register.csv")
    assert batch.status == ImportStatus.READY, batch.errors
    assert batch.counts["residents"]["created"] == 1


# --- characters nobody can see --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("姓名", "任\u200b爱香"),  # zero-width space
        ("户主姓名", "\u202e香爱任"),  # right-to-left override
        ("手机", "139\u200d00001111"),  # zero-width joiner
        ("紧急联系人", "周\ufeff建明"),  # byte order mark
        ("联系电话", "0571-\u20668234567"),  # left-to-right isolate
    ],
)
def test_an_invisible_character_is_an_error_on_its_row_and_column(staff_client, upload, column, value):
    sample = rows(2)
    sample[1][column] = value
    _response, batch = upload(xlsx_bytes(sample))
    assert batch.status == ImportStatus.HAS_ERRORS
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, column)]
    assert "invisible or changes the direction of the text" in batch.errors[0]["message"]
    assert not Resident.objects.exists()
