"""Reading an import file: its header (which column holds which field) and each data row's cells,
checked for length and requiredness as they are read, with errors named by the file's own header."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gridapp.core.validators import normalize_phone, validate_visible_lines, validate_visible_text

from . import columns as cols
from .reader import FileRejected, open_rows
from .records import RESIDENT_COLUMNS

PROGRESS_EVERY = 1000  # rows between progress reports and cancel checks
# Free text keeps its line breaks; every other cell (names, phones, addresses …) is one line.
# Either refuses characters nobody can see, as the register's forms do.
_FREE_TEXT = frozenset({"health_notes", "notes"})
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(text):
    match = _DATE_RE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    elif len(text) == 8 and text.isdigit():
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    else:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


class Header:
    """Which column of the file holds which field; the header text names the column in errors."""

    def __init__(self, kind, header_cells):
        lookup = cols.header_lookup(kind)
        self.index = {}
        self.label = {}
        for i, cell in enumerate(header_cells):
            column = lookup.get(cols.header_key(cell_text(cell)))
            if column and column.key not in self.index:
                self.index[column.key] = i
                self.label[column.key] = cell_text(cell)
        missing = [c.header for c in cols.COLUMNS[kind] if c.required and c.key not in self.index]
        if missing:
            raise FileRejected(
                _("Required columns are missing: %(columns)s. Download the template to see the columns.")
                % {"columns": "、".join(missing)}
            )
        self.columns = [(c, self.index[c.key]) for c in cols.COLUMNS[kind] if c.key in self.index]

    def __contains__(self, key):
        return key in self.index


class RowReader:
    """One data row's cells, each checked for length and requiredness as it is read."""

    def __init__(self, plan, header, number, cells):
        self.plan, self.header, self.number = plan, header, number
        self.text = {}
        self.ok = True
        for column, i in header.columns:
            value = cell_text(cells[i]) if i < len(cells) else ""
            if column.max_length and len(value) > column.max_length:
                self.fail(
                    column.key,
                    _("Too long: at most %(max)d characters, this has %(count)d.")
                    % {"max": column.max_length, "count": len(value)},
                )
                value = ""
            elif column.required and not value:
                self.fail(column.key, _("Empty, but this column is required."))
            elif not self._visible(column.key, value):
                value = ""  # reported once: not again as a phone or a choice
            self.text[column.key] = value

    def _visible(self, key, value):
        try:
            (validate_visible_lines if key in _FREE_TEXT else validate_visible_text)(value)
        except ValidationError as e:
            self.fail(key, " ".join(e.messages))
            return False
        return True

    def get(self, key):
        return self.text.get(key, "")

    def fail(self, key, message):
        self.ok = False
        self.plan.error(self.number, self.header.label.get(key, key), message)

    def fail_with(self, error):
        """A ValidationError whose dict names its fields as the columns are keyed."""
        for key, messages in error.message_dict.items():
            self.fail(key, " ".join(messages))

    def choice(self, key, words):
        value = self.get(key)
        if not value:
            return None
        found = words.get(value.lower())
        if found is None:
            self.fail(key, _("Unknown value “%(value)s”.") % {"value": value})
        return found

    def choices(self, key, words):
        if key not in self.header:
            return None
        found = set()
        for word in cols.LIST_SEPARATORS.split(self.get(key)):
            if not (word := word.strip()):
                continue
            value = words.get(word.lower())
            if value is None:
                self.fail(key, _("Unknown value “%(value)s”.") % {"value": word})
            else:
                found.add(value)
        return frozenset(found)

    def checked(self, key, validator, normalize=normalize_phone):
        value = self.get(key)
        if not value:
            return ""
        value = normalize(value)
        try:
            validator(value)
        except ValidationError as e:
            self.fail(key, " ".join(e.messages))
        return value


def is_sample(cells):
    """The template's example row (``columns.SAMPLE_MARK``), which a file may still carry."""
    return any(isinstance(c, str) and c.strip().startswith(cols.SAMPLE_MARK) for c in cells)


def read_file(plan, path, file_format, encoding, read_row, report, expected_rows):
    """Stream the file: the header, then ``read_row(reader)`` for each non-empty data row but
    the template's examples, reporting progress against the rows expected (estimated when the
    file was uploaded)."""
    max_rows = settings.GRIDAPP_IMPORT_MAX_ROWS
    with open_rows(path, file_format, encoding) as rows:
        header = None
        for number, cells in enumerate(rows, start=1):
            if header is None:
                if not any(cell_text(c) for c in cells):
                    continue  # blank lines above the header
                header = Header(plan.kind, cells)
                plan.labels = header.label
                plan.resident_fields = tuple(f for key, f in RESIDENT_COLUMNS if key in header.index)
                header_row = number
                continue
            if not any(cell_text(c) for c in cells):
                continue
            if is_sample(cells):
                plan.sample_rows.append(number - header_row + 1)
                continue
            plan.total_rows += 1
            if plan.total_rows > max_rows:
                raise FileRejected(
                    _("The file has more than %(max)s rows; split it into smaller files.") % {"max": f"{max_rows:,}"}
                )
            read_row(RowReader(plan, header, number - header_row + 1, cells))
            if plan.total_rows % PROGRESS_EVERY == 0:
                report("checking", plan.total_rows, max(expected_rows, plan.total_rows))
    if header is None:
        raise FileRejected(_("The file is empty."))
    if plan.total_rows == 0 and plan.sample_rows:
        raise FileRejected(
            _(
                "The file holds only the template's example (the row marked %(mark)s), which is never "
                "imported. Write your rows below it or in its place, and upload the file again."
            )
            % {"mark": cols.SAMPLE_MARK}
        )
    if plan.total_rows == 0:
        raise FileRejected(_("The file has a header but no rows to import."))
