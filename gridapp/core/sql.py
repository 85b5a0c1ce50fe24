"""SQL the ORM does not write: INSERT … SELECT that skips the rows a unique constraint already
holds, in one statement however many rows (the check-in and hazard-recheck reminders)."""

import uuid

from django.db import connection


def insert_select_skipping_duplicates(table, columns, source, fields, constants):
    """Insert into ``table`` (``columns``) the ``fields`` of each row of the queryset ``source``
    followed by ``constants``, skipping rows that would break a unique constraint (ON CONFLICT
    DO NOTHING; INSERT OR IGNORE on SQLite): concurrent runs insert each row once. Returns the
    number of rows inserted."""
    select_sql, params = source.values(*fields).query.sql_with_params()
    selected = ", ".join(f"s.{field}" for field in fields)
    placeholders = ", ".join(["%s"] * len(constants))
    # Safe: select_sql is Django-compiled SQL whose values are all in params; the names are ours.
    body = f"SELECT {selected}, {placeholders} FROM ({select_sql}) s"  # noqa: S608
    if connection.vendor == "sqlite":
        sql = f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) {body}"
    else:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) {body} ON CONFLICT DO NOTHING"
    # Django stores UUIDs as 32 hex characters on SQLite, as uuid on PostgreSQL.
    values = [
        (value.hex if connection.vendor == "sqlite" else str(value)) if isinstance(value, uuid.UUID) else value
        for value in constants
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, (*values, *params))
        return cursor.rowcount
