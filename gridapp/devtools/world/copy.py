"""Writing rows with PostgreSQL's COPY through the real schema: the table and column names come
from the models (``Model._meta``), every NOT NULL column the generator does not fill gets the
model's default (or a blank for a blank text field), and the constraints hold: foreign keys are
checked at the end of each COPY, so the tables are flushed parents first.
"""

import io
import uuid

from django.db import connection, models
from django.utils import timezone

FLUSH_BYTES = 16 * 1024 * 1024


class UnknownColumn(Exception):
    pass


SPECIAL = ("\\", "\n", "\r")  # backslash and line ends: what COPY's text format escapes (tabs: never given)


def _text(value):
    """A value as COPY's text format reads it (the slow path: a line with something to escape)."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return str(value)


class Table:
    """One model's table: ``add(*values)`` takes the values of ``columns`` (attnames) in order."""

    def __init__(self, model, columns, *, now):
        self.model = model
        self.table = model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise UnknownColumn(f"{self.table} has no column {', '.join(unknown)}")
        self.columns = list(columns)
        # An id left out is the database's to give (the search keys: nothing refers to them).
        generated = {model._meta.pk.attname} if isinstance(model._meta.pk, models.AutoField) else set()
        rest = {
            name: self._default(field, now)
            for name, field in fields.items()
            if name not in columns and name not in generated
        }
        self.all_columns = [fields[c].column for c in self.columns] + [fields[c].column for c in rest]
        self.tail = "".join("\t" + _text(v) for v in rest.values())
        self.buffer = io.StringIO()
        self.rows = 0
        self.written = 0

    def _default(self, field, now):
        if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
            return now
        if field.has_default():
            value = field.get_default()
            if isinstance(value, uuid.UUID):
                raise UnknownColumn(f"{self.table}.{field.column} needs a value of its own (a unique default)")
            return value
        if field.null:
            return None
        if isinstance(field, models.CharField | models.TextField) and field.blank:
            return ""
        raise UnknownColumn(
            f"generate_world gives {self.table}.{field.column} no value and it has no default: "
            f"add it to the generator ({__name__})"
        )

    def add(self, *values):
        # The fast path: str() of ints, dates, datetimes, UUIDs and booleans is what COPY reads.
        texts = "".join([v for v in values if type(v) is str])
        if any(special in texts for special in SPECIAL):
            line = "\t".join(map(_text, values))
        else:
            line = "\t".join(["\\N" if v is None else v if type(v) is str else str(v) for v in values])
        self.buffer.write(line + self.tail + "\n")
        self.rows += 1

    def size(self):
        return self.buffer.tell()

    def flush(self, cursor):
        if not self.rows:
            return
        self.buffer.seek(0)
        columns = ", ".join(f'"{c}"' for c in self.all_columns)
        cursor.copy_expert(f'COPY "{self.table}" ({columns}) FROM STDIN', self.buffer)
        self.written += self.rows
        self.buffer = io.StringIO()
        self.rows = 0


class Writer:
    """The tables of a world, flushed in the order they were opened (parents before children)."""

    def __init__(self, now=None):
        self.now = now or timezone.now()
        self.tables = {}

    def open(self, model, *columns, key=None):
        table = Table(model, columns, now=self.now)
        self.tables[key or model] = table
        return table

    def maybe_flush(self):
        if sum(t.size() for t in self.tables.values()) > FLUSH_BYTES:
            self.flush()

    def flush(self):
        with connection.cursor() as cursor:
            for table in self.tables.values():
                table.flush(cursor.cursor)

    def counts(self):
        return {t.table: t.written for t in self.tables.values()}


def next_id(model):
    """The first id free in the model's table (a world added beside another starts after it)."""
    with connection.cursor() as cursor:
        # Names from the model's _meta, never from input.
        cursor.execute(f'SELECT COALESCE(MAX("{model._meta.pk.column}"), 0) + 1 FROM "{model._meta.db_table}"')  # noqa: S608
        return cursor.fetchone()[0]


def reset_sequences(models_):
    """After COPY with explicit ids, the next id the app takes follows them."""
    with connection.cursor() as cursor:
        for model in models_:
            pk = model._meta.pk
            if not isinstance(pk, models.AutoField | models.BigAutoField):
                continue
            table, column = model._meta.db_table, pk.column
            highest = f'SELECT COALESCE(MAX("{column}"), 0) + 1 FROM "{table}"'  # noqa: S608 -- names from _meta
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), ({highest}), false)", [f'"{table}"', column])
