"""Reading an uploaded file: what it is (by its content, never its name) and its rows, streamed.

``sniff`` answers "xlsx", "csv" or raises ``FileRejected``; ``open_rows`` yields the header
once, then each data row as ``(row_number, [cells])`` with the spreadsheet's own row numbers
(the header is row 1), without holding the file in memory.
"""

import codecs
import csv
import zipfile
from contextlib import contextmanager
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _

from . import xlsx

CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB 18030 reads GBK and GB 2312 files too
_CHUNK = 1 << 16


class FileRejected(Exception):
    """The file as a whole cannot be imported; the message says why, in the user's language."""


def not_a_spreadsheet():
    return FileRejected(
        _("This is not an Excel (.xlsx) or CSV file. Save it from Excel as .xlsx, or as CSV, and upload it again.")
    )


def sniff(path):
    """The file's format, decided by its content: an xlsx is a zip holding [Content_Types].xml
    and a workbook; a CSV is text in UTF-8 (with or without BOM) or GBK/GB 18030 without NUL bytes."""
    with open(path, "rb") as f:
        head = f.read(8)
    if not head:
        raise FileRejected(_("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError):
            raise not_a_spreadsheet() from None
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx", None
        raise not_a_spreadsheet()
    encoding = _text_encoding(path)
    if encoding is None:
        raise not_a_spreadsheet()
    return "csv", encoding


def _text_encoding(path):
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as f:
                while chunk := f.read(_CHUNK):
                    if b"\x00" in chunk:
                        return None
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def estimate_rows(path, file_format):
    """Data rows, without reading the cells (to decide whether Celery does the work)."""
    if file_format == "csv":
        with open(path, "rb") as f:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(_CHUNK), b""))
        return max(lines - 1, 0)
    try:
        last = xlsx.last_row(path)
    except xlsx.Unsupported:
        with _workbook(path) as workbook:
            last = workbook.worksheets[0].max_row or 1
    except _DAMAGED:
        raise not_a_spreadsheet() from None
    return max(last - 1, 0)


@contextmanager
def _workbook(path):
    """The workbook, read-only (streamed); any failure to open it means it is no workbook."""
    import openpyxl

    f = open(path, "rb")  # noqa: SIM115  (a file object: openpyxl would otherwise insist on an .xlsx name)
    try:
        try:
            workbook = openpyxl.load_workbook(f, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds (KeyError, XML errors) for a damaged workbook
            raise not_a_spreadsheet() from None
        try:
            yield workbook
        finally:
            workbook.close()
    finally:
        f.close()


@contextmanager
def open_rows(path, file_format, encoding=None):
    """The rows of the file's first sheet: an iterator of lists of cell values (None or "" for
    empty); row 1 is the header."""
    if file_format == "csv":
        with open(path, encoding=encoding, newline="") as f:
            yield csv.reader(f)
        return
    fast = xlsx.rows(path)
    try:
        first = next(fast, None)
    except xlsx.Unsupported:
        with _workbook(path) as workbook:  # openpyxl knows more layouts, slowly
            yield (list(row) for row in workbook.worksheets[0].iter_rows(values_only=True))
        return
    except _DAMAGED:
        raise not_a_spreadsheet() from None
    yield _guarded(first, fast)


_DAMAGED = (zipfile.BadZipFile, ParseError, KeyError, ValueError, IndexError, AttributeError, OSError, EOFError)


def _guarded(first, rest):
    """The rows, with a workbook found damaged half-way through reported as such."""
    if first is None:
        return
    yield first
    try:
        yield from rest
    except _DAMAGED:
        raise not_a_spreadsheet() from None
