"""The fast .xlsx reader reads what openpyxl reads: strings, numbers, booleans, dates (by their
number format, the Chinese built-in ones too), rich text, empty rows and cells."""

import datetime

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from gridapp.imports import xlsx
from gridapp.imports.cells import cell_text


def _openpyxl_rows(path):
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [[cell_text(v) for v in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _fast_rows(path):
    return [[cell_text(v) for v in row] for row in xlsx.rows(path)]


def _same(a, b):
    """Equal but for trailing empty cells (openpyxl pads every row to the sheet's width)."""

    def trim(rows):
        out = [list(r) for r in rows]
        for r in out:
            while r and r[-1] == "":
                r.pop()
        while out and not out[-1]:
            out.pop()
        return out

    return trim(a) == trim(b)


def test_values_of_every_kind_read_as_openpyxl_reads_them(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "出生日期", "手机", "数量", "是否", "备注"])
    sheet.append(["任爱香", datetime.date(1940, 5, 12), 13900001111, 2.5, True, "依赖家用呼吸机"])
    sheet.append([])  # an empty row between
    sheet.append(["王建国", datetime.datetime(1951, 1, 2, 0, 0), "0571-82345678", None, False, None])
    sheet["B4"].number_format = 'yyyy"年"m"月"d"日"'
    sheet["F2"] = CellRichText([TextBlock(InlineFont(b=True), "依赖"), "家用呼吸机"])
    sheet["H6"] = "远处的格子"
    sheet["B5"] = 20000
    sheet["B5"].number_format = "31"  # not a format code: stays a number in openpyxl too
    path = tmp_path / "kinds.xlsx"
    workbook.save(path)
    assert _same(_fast_rows(path), _openpyxl_rows(path))
    fast = _fast_rows(path)
    assert fast[1][:3] == ["任爱香", "1940-05-12", "13900001111"]
    assert fast[2] == []
    assert fast[3][1] == "1951-01-02"
    assert fast[5][7] == "远处的格子"


def test_a_write_only_workbook_reads_the_same(tmp_path):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("登记")
    sheet.append(["地址", "幢"])
    for i in range(50):
        sheet.append(["临江路", i])
    path = tmp_path / "write-only.xlsx"
    workbook.save(path)
    assert _same(_fast_rows(path), _openpyxl_rows(path))
    assert len(_fast_rows(path)) == 51


def test_the_first_sheet_is_read_when_there_are_several(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["第一张"])
    workbook.create_sheet("说明").append(["第二张"])
    workbook.move_sheet("说明", offset=-1)  # now first in the workbook's order
    path = tmp_path / "sheets.xlsx"
    workbook.save(path)
    assert _fast_rows(path) == [["第二张"]] == _openpyxl_rows(path)


def test_the_row_count_is_read_without_reading_the_cells(tmp_path):
    workbook = openpyxl.Workbook()
    for i in range(120):
        workbook.active.append(["临江路", i])
    path = tmp_path / "count.xlsx"
    workbook.save(path)
    assert xlsx.last_row(path) == 120
