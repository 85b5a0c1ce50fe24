"""Writing .xlsx files that are safe to open and cheap to make.

openpyxl's write-only mode streams rows to a temporary file, so a community of thousands of
residents costs little memory. Every value goes through ``cell()``:

- text a user typed never becomes a formula: openpyxl stores a string starting with "=" as a
  formula, and Excel would run one starting with "+", "-" or "@" once the cell is edited; such
  text is kept as a string cell with Excel's quote prefix (shown as typed, never evaluated);
- characters XML cannot hold (control characters pasted into a note) are dropped instead of
  failing the whole export;
- times are written in Asia/Shanghai as Excel dates (Excel has no time zones).
"""

import datetime
import tempfile
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32767  # Excel's limit for one cell

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_WRAP = Alignment(wrap_text=True, vertical="top")


class Sheet:
    """One write-only worksheet: a title row saying what, when and by whom, a bold header row
    that stays in view (frozen) and repeats on every printed page, then the rows."""

    def __init__(self, workbook, name, *, title, columns, landscape=True):
        """``columns`` is a list of (header, width in characters)."""
        self.ws = workbook.create_sheet(title=_sheet_name(name))
        for index, (_header, width) in enumerate(columns, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.ws.freeze_panes = "A3"
        self.ws.print_title_rows = "2:2"
        self.ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        self.ws.page_setup.orientation = "landscape" if landscape else "portrait"
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.rows = 0  # data rows written (not the title and the header)
        self._next_row = 1
        self._append([self.styled(title, _TITLE)])
        self._append([self.styled(header, _BOLD) for header, _width in columns])

    def styled(self, value, font=None, alignment=None):
        c = cell(self.ws, value)
        if font is not None:
            c.font = font
        if alignment is not None:
            c.alignment = alignment
        return c

    def _append(self, values):
        self.ws.append(values)
        self._next_row += 1

    def add(self, values, *, wrap=False):
        """A data row; each value is made safe by ``cell``."""
        self._append([self.styled(v, alignment=_WRAP if wrap else None) for v in values])
        self.rows += 1

    def heading(self, text):
        """A section heading row (e.g. a building in the roster), not counted as data."""
        self._append([self.styled(text, _BOLD)])

    def page_break(self):
        """Start a new printed page before the next row."""
        self.ws.row_breaks.append(Break(id=self._next_row - 1))


def cell(ws, value):
    """A write-only cell holding ``value`` safely (see the module's docstring)."""
    if isinstance(value, datetime.datetime):
        c = WriteOnlyCell(
            ws, value=timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        )
        c.number_format = "yyyy-mm-dd hh:mm"
        return c
    if isinstance(value, datetime.date):
        c = WriteOnlyCell(ws, value=value)
        c.number_format = "yyyy-mm-dd"
        return c
    if value is None or isinstance(value, bool | int | float):
        return WriteOnlyCell(ws, value=value)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_TEXT]
    c = WriteOnlyCell(ws, value=text)
    if text.startswith(FORMULA_STARTS):
        c.data_type = "s"  # openpyxl made "=…" a formula; keep it text
        c.quotePrefix = True
    return c


def new_workbook():
    return Workbook(write_only=True)


def response(workbook, filename, ascii_filename):
    """The workbook as a download. Saved to a temporary file (on disk past a few megabytes),
    streamed from there; ``filename`` may be Chinese (RFC 5987), ``ascii_filename`` is for
    clients that read only the plain parameter."""
    # Not a context manager: FileResponse closes the file once it has been sent.
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    result = FileResponse(spool, content_type=CONTENT_TYPE)
    result["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_filename}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    return result


def _sheet_name(name):
    # Excel: at most 31 characters, none of []:*?/\
    return "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Sheet"
