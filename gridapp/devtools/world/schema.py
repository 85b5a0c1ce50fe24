"""Loading as pg_restore does: the secondary indexes, unique and foreign-key constraints of the
tables written are dropped for the load and created again after it, in the same transaction,
so every constraint is checked once over the whole table (a failed load rolls all of it back,
the dropped indexes and constraints with it). Primary keys stay."""

from django.db import connection

CONSTRAINTS = """
SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
FROM pg_constraint
WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')
ORDER BY contype, conname
"""
# Indexes of their own (a unique or primary-key constraint's index goes with the constraint).
INDEXES = """
SELECT indexname, indexdef
FROM pg_indexes i
WHERE schemaname = current_schema() AND tablename = ANY(%s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = to_regclass(quote_ident(i.indexname)))
ORDER BY indexname
"""


def quoted(name):
    return '"' + name.replace('"', '""') + '"'


def drop(tables):
    """Drop what slows a load into ``tables``; returns the statements that create it again."""
    tables = list(dict.fromkeys(tables))
    with connection.cursor() as cursor:
        cursor.execute(CONSTRAINTS, [[quoted(t) for t in tables]])
        constraints = cursor.fetchall()
        cursor.execute(INDEXES, [tables])
        indexes = cursor.fetchall()
        foreign = [c for c in constraints if c[3] == "f"]
        unique = [c for c in constraints if c[3] == "u"]
        for table, name, _definition, _kind in foreign + unique:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quoted(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quoted(name)}")
    return (
        [f"ALTER TABLE {table} ADD CONSTRAINT {quoted(name)} {definition}" for table, name, definition, _k in unique]
        + [definition for _name, definition in indexes]
        + [f"ALTER TABLE {table} ADD CONSTRAINT {quoted(name)} {definition}" for table, name, definition, _k in foreign]
    )


def restore(statements):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in statements:
            cursor.execute(statement)
