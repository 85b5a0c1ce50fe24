"""Exports: Dongluchi's register with people whose phones and ID numbers are recognisable, and a
reader that opens a downloaded .xlsx the way a user's spreadsheet program would."""

import datetime
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from gridapp.core.validators import id_check_char
from gridapp.models import HouseholdTag, HouseholdTagLink, PersonCategory, ResidentCategoryLink

from ..factories import BuildingFactory, HouseholdFactory, ResidentFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REN_MOBILE = "13812345678"
REN_ID = "33010919400512002" + id_check_char("33010919400512002")


def workbook(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows(sheet):
    """A sheet's rows as lists of values, title row and header row included."""
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def text(wb):
    """Every cell of every sheet as one string (for "is this anywhere in the file")."""
    return "\n".join(
        " ".join("" if v is None else str(v) for v in row) for sheet in wb.worksheets for row in rows(sheet)
    )


def categorise(resident, *categories):
    ResidentCategoryLink.objects.bulk_create(ResidentCategoryLink(resident=resident, category=c) for c in categories)


@pytest.fixture
def register(grid1, grid2, other_grid, linjiang4, ren):
    """Ren (Grid 1, 临江路4幢), a grid-2 household, and one of another community."""
    ren.mobile = REN_MOBILE
    ren.id_number = REN_ID
    ren.emergency_contact_name = "周建明"
    ren.emergency_contact_relation = "儿子"
    ren.emergency_contact_phone = "13900001111"
    ren.save()
    categorise(ren, PersonCategory.MEDICAL_EQUIPMENT, PersonCategory.ELDERLY_ALONE)
    HouseholdTagLink.objects.create(household=ren.household, tag=HouseholdTag.LIVING_ALONE)
    g2 = HouseholdFactory(grid=grid2, address="通一路8号", head_name="王建国")
    ResidentFactory(household=g2, name="王建国", date_of_birth=datetime.date(1950, 1, 1))
    pn = HouseholdFactory(grid=other_grid, address="浦南路1号", head_name="沈阿大")
    ResidentFactory(household=pn, name="沈阿大")
    return {"ren": ren, "grid2_household": g2, "other_household": pn}


@pytest.fixture
def zhishan4(grid1):
    return BuildingFactory(grid=grid1, road="峙山北路", number="4", year_built=1985)


def post_export(client, **data):
    payload = {"reason_choice": "visits", "reason_text": "", **data}
    return client.post("/exports/", payload, REMOTE_ADDR="10.1.2.3")


def zh(msgid):
    """A string as a Chinese user reads it (the catalogue is completed after the code: a string
    not yet translated comes out as written)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)
