"""Bulk rows for the year of demo documents: COPY on PostgreSQL (with the secondary indexes
dropped during the load and built again after it, as a restore does), batched INSERTs on
SQLite (whose triggers keep the FTS5 index)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models

Convert = Callable[[Any], Any]


class Writer:
    """Rows for one table, in its column order, written in batches."""

    def __init__(self, model: type[models.Model], defaults: dict[str, Any] | None = None) -> None:
        fields = model._meta.concrete_fields
        self.table = model._meta.db_table
        self.columns = [f.column for f in fields]
        self.defaults = {f.column: f.get_default() for f in fields} | (defaults or {})
        self.convert = [self._converter(f) for f in fields]
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    @staticmethod
    def _converter(field: models.Field[Any, Any]) -> Convert | None:
        if isinstance(field, models.JSONField):
            return lambda v: v if isinstance(v, str) else json.dumps(v)
        if connection.vendor == "sqlite" and isinstance(field, models.DateField):
            return lambda v: field.get_db_prep_save(v, connection)  # DateTimeField too
        return None

    def add(self, **values: Any) -> None:
        row = self.defaults | values
        self.rows.append(tuple(row[c] for c in self.columns))

    def _prepared(self) -> Iterator[tuple[Any, ...]]:
        converters = [(i, c) for i, c in enumerate(self.convert) if c is not None]
        for row in self.rows:
            if converters:
                values = list(row)
                for i, convert in converters:
                    if values[i] is not None:
                        values[i] = convert(values[i])
                row = tuple(values)
            yield row

    def flush(self) -> int:
        """Write the rows held (inside the caller's transaction); how many."""
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in self._prepared():
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({columns}) VALUES ({marks})",  # noqa: S608 (model's table)
                    list(self._prepared()),
                )
        written, self.rows = len(self.rows), []
        self.written += written
        return written


def set_sequences(tables: Sequence[str]) -> None:
    """PostgreSQL's id sequences past the ids written (SQLite takes the next rowid itself)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )


@contextmanager
def indexes_rebuilt(tables: Sequence[str], figures: dict[str, Any]) -> Iterator[None]:
    """On PostgreSQL, drop the secondary indexes of `tables` (not those behind constraints)
    for the block, build them again after it and ANALYZE the tables; the seconds and count in
    `figures`. Elsewhere, nothing. Use it inside a transaction: when the block fails, the
    rollback brings the dropped indexes back."""
    if connection.vendor != "postgresql":
        yield
        return
    import time

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid "
            "WHERE i.indrelid::regclass::text = ANY(%s) AND c.oid IS NULL",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield  # after the block only: a failed one is rolled back, indexes included
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # The load's deferred foreign-key checks are still pending in the transaction,
        # and PostgreSQL builds no index on a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys, as they were
        cursor.execute(f"ANALYZE {', '.join(tables)}")
    figures["index_seconds"] = time.perf_counter() - started
    figures["indexes"] = len(indexes)
