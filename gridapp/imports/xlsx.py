"""A streaming reader of an .xlsx workbook's first sheet: the cell values of each row.

openpyxl's read-only mode builds a cell object per cell and took ~ 20 s for a 100,000-row
register (1.8 million cells); this reads the same XML with ElementTree's C parser in a
fraction of that, which is what keeps a large import's check and import within a minute.
It reads what the import needs — shared, inline and formula strings, numbers, booleans, and
numbers formatted as dates (as openpyxl does, from the cell's number format) — and raises
``Unsupported`` for a workbook laid out in a way it does not know (then openpyxl reads it).
Rows missing from the XML (empty ones) are yielded as empty, so row numbers stay as Excel shows them.

The XML comes from an uploaded file. ElementTree (as openpyxl without defusedxml) resolves no
external entities, and expat ≥ 2.4 (``pyexpat.EXPAT_VERSION``; 2.5 here) stops entity-expansion
bombs, hence the ``noqa: S314`` below; defusedxml would add nothing the parser does not do.
"""

import posixpath
import re
import zipfile
from xml.etree.ElementTree import ParseError, fromstring, iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
OFFICE_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
ROW, CELL, VALUE, TEXT, RUN, INLINE = (f"{MAIN}{t}" for t in ("row", "c", "v", "t", "r", "is"))
# Built-in number formats that are dates, including those of Chinese, Japanese and Korean Excel
# (27–36, 50–58: e.g. yyyy"年"m"月"d"日"), which openpyxl's table does not name.
_CJK_DATE_FORMATS = frozenset(range(27, 37)) | frozenset(range(50, 59))
_REF = re.compile(r"[A-Z]+")


class Unsupported(Exception):
    """The workbook is laid out in a way this reader does not know."""


def _column(ref):
    letters = _REF.match(ref).group()
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _first_sheet(z):
    try:
        workbook = fromstring(z.read("xl/workbook.xml"))  # noqa: S314
        rels = fromstring(z.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, ParseError):
        raise Unsupported from None
    sheet = workbook.find(f"{MAIN}sheets/{MAIN}sheet")
    if sheet is None:
        raise Unsupported
    rid = sheet.get(f"{OFFICE_REL}id")
    target = next((r.get("Target") for r in rels if r.get("Id") == rid), None)
    if not target:
        raise Unsupported
    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    properties = workbook.find(f"{MAIN}workbookPr")
    date1904 = properties is not None and properties.get("date1904") in ("1", "true")
    return path, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900


def _shared_strings(z):
    if "xl/sharedStrings.xml" not in z.namelist():
        return []
    strings = []
    with z.open("xl/sharedStrings.xml") as f:
        for _event, element in iterparse(f):  # noqa: S314
            if element.tag == f"{MAIN}si":
                text = element.find(TEXT)
                if text is not None:
                    strings.append(text.text or "")
                else:  # rich text: the runs' text, not the phonetic guide's
                    strings.append("".join(run.findtext(TEXT) or "" for run in element.iter(RUN)))
                element.clear()
    return strings


def _date_styles(z):
    """The indexes of the cell formats (``s`` attribute) that show a number as a date."""
    if "xl/styles.xml" not in z.namelist():
        return frozenset()
    styles = fromstring(z.read("xl/styles.xml"))  # noqa: S314
    custom = {
        int(fmt.get("numFmtId")): fmt.get("formatCode", "") for fmt in styles.iterfind(f"{MAIN}numFmts/{MAIN}numFmt")
    }
    dates = set()
    for i, xf in enumerate(styles.iterfind(f"{MAIN}cellXfs/{MAIN}xf")):
        fmt_id = int(xf.get("numFmtId", 0))
        code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id)
        if fmt_id in _CJK_DATE_FORMATS or (code and is_date_format(code)):
            dates.add(i)
    return frozenset(dates)


def _number(text):
    try:
        return int(text)
    except ValueError:
        return float(text)


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')


def last_row(path):
    """The sheet's last row number as its <dimension> element states it (near the top of the
    sheet's XML), or by counting its rows; without reading a cell."""
    with zipfile.ZipFile(path) as z:
        sheet_path, _epoch = _first_sheet(z)
        with z.open(sheet_path) as f:
            head = f.read(4096)
            if match := _DIMENSION.search(head):
                return int(match.group(1))
            count = head.count(b"<row ")
            while chunk := f.read(1 << 20):
                count += chunk.count(b"<row ")
            return count


def rows(path):
    """Each row of the first sheet as a list of values (None for an empty cell)."""
    with zipfile.ZipFile(path) as z:
        sheet_path, epoch = _first_sheet(z)
        if sheet_path not in z.namelist():
            raise Unsupported
        strings = _shared_strings(z)
        date_styles = _date_styles(z)
        with z.open(sheet_path) as f:
            expected = 1
            parent = None
            for event, element in iterparse(f, events=("start", "end")):  # noqa: S314
                if event == "start":
                    if element.tag == f"{MAIN}sheetData":
                        parent = element
                    continue
                if element.tag != ROW:
                    continue
                number = int(element.get("r", expected))
                while expected < number:  # rows without a cell are left out of the XML
                    yield []
                    expected += 1
                expected = number + 1
                yield _values(element, strings, date_styles, epoch)
                element.clear()
                if parent is not None:
                    parent.clear()  # the rows read so far would otherwise stay in the tree


def _values(row, strings, date_styles, epoch):
    values = []
    for cell in row.iter(CELL):
        ref = cell.get("r")
        index = _column(ref) if ref else len(values)
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            value = "".join(t.text or "" for t in cell.iter(TEXT))
        else:
            text = cell.findtext(VALUE)
            if text is None:
                value = None
            elif kind == "s":
                value = strings[int(text)]
            elif kind == "b":
                value = text == "1"
            elif kind in ("str", "e", "d"):
                value = text
            else:
                value = _number(text)
                if int(cell.get("s", 0)) in date_styles:
                    value = from_excel(value, epoch)
        if index >= len(values):
            values.extend([None] * (index - len(values)))
            values.append(value)
        else:
            values[index] = value
    return values
