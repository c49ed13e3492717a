"""Fixed SQL statements for the hottest paths, prepared on the PostgreSQL server.

The ORM compiles every query anew in Python, and with Django's client-side binding PostgreSQL
parses and plans every statement anew. Where that is most of a request's cost (the public
status lookup, a gateway's payment notification: bench/README.md 3a and 7a), the statements
are written out once and run here:

- on PostgreSQL, as statements prepared on the server, through one psycopg cursor kept per
  connection (in the connection's transaction, like any Django cursor);
- on SQLite, and whenever Django logs queries (DEBUG, the tests' query counting), through
  Django's own cursor: the same statement text, seen and counted.

Statements use `%s` placeholders on both databases. Behind a pooler in transaction mode,
prepared statements need PgBouncer 1.21 or later.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.fields import AutoFieldMixin

M = TypeVar("M", bound=Model)


def _db() -> Any:
    """The default database's wrapper, looked up once per call (each attribute read through
    `django.db.connection` goes through its proxy)."""
    return connections[DEFAULT_DB_ALIAS]


# Statements longer than this many parameters are run unprepared: a batch's text differs with
# its size, and preparing each size would only fill psycopg's cache of prepared statements.
PREPARED_PARAMS = 64

# One psycopg cursor per database connection, kept across requests: a new cursor builds its
# row loaders again. Weak keys: a closed connection takes its cursor with it.
_cursors: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _prepared_cursor(db: Any) -> Any:
    import psycopg
    from psycopg.types.datetime import TimestamptzLoader

    db.ensure_connection()
    raw = db.connection
    cursor = _cursors.get(raw)
    if cursor is None:
        if raw.prepare_threshold is None:
            # Django turns psycopg's preparation off (`prepare_threshold` None), under which
            # even `prepare=True` runs unprepared; a threshold no query reaches by repetition
            # lets the explicit request through and prepares nothing else.
            raw.prepare_threshold = 2**31 - 1
        cursor = _cursors[raw] = psycopg.Cursor(raw)
        # psycopg's own timestamptz loader (its C version) instead of Django's subclass, which
        # parses in Python: the same aware UTC values, since Django sets the connection's time
        # zone to UTC (USE_TZ).
        cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
    return cursor


def _run(sql: str, params: Sequence[Any], fetch: str) -> Any:
    """Execute `sql`; return its first row, all its rows or its row count (`fetch`)."""
    db = _db()
    if db.vendor != "postgresql" or db.queries_logged:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return _result(cursor, fetch)
    db.validate_no_broken_transaction()
    cursor = _prepared_cursor(db)
    with db.wrap_database_errors:
        cursor.execute(sql, params, prepare=len(params) <= PREPARED_PARAMS)
        return _result(cursor, fetch)


def _result(cursor: Any, fetch: str) -> Any:
    if fetch == "one":
        return cursor.fetchone()
    if fetch == "all":
        return cursor.fetchall()
    return cursor.rowcount


def fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """The first row of a fixed query, or None."""
    return _run(sql, params, "one")  # type: ignore[no-any-return]


def fetch_all(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Every row of a fixed query."""
    return _run(sql, params, "all")  # type: ignore[no-any-return]


def execute(sql: str, params: Sequence[Any]) -> int:
    """Run a fixed statement; its row count."""
    return _run(sql, params, "count")  # type: ignore[no-any-return]


def table(model: type[Model]) -> str:
    return _db().ops.quote_name(model._meta.db_table)  # type: ignore[no-any-return]


def in_list(column: str, values: Sequence[Any], db: Any = None) -> tuple[str, list[Any]]:
    """`column` among `values` as a condition and its parameters, on `db` (the default
    database's by default): one array parameter on PostgreSQL (the statement's text is the
    same whatever the count, so it is prepared once), a list of placeholders elsewhere.
    Also the SQL of the ORM's lookup `any_of` (core/lookups.py)."""
    values = list(values)
    if not values:
        return "1 = 0", []
    if (db or _db()).vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


@dataclass(frozen=True)
class _Shape:
    """What the statements of one model need, worked out once per model and database."""

    table: str
    fields: tuple[Any, ...]  # every concrete field (select)
    columns: str
    new_fields: tuple[Any, ...]  # without an automatic primary key (insert)
    new_columns: str
    pk_column: str
    converters: tuple[tuple[int, Any, tuple[Any, ...]], ...]  # (index, col, functions)


@lru_cache(maxsize=128)
def _shape(model: type[Model], vendor: str) -> _Shape:
    db = _db()
    quote = db.ops.quote_name
    opts = model._meta
    fields = tuple(opts.concrete_fields)
    new = tuple(f for f in fields if not (f.primary_key and isinstance(f, AutoFieldMixin)))
    converters = []
    for index, field in enumerate(fields):
        col = field.get_col(opts.db_table)
        found = tuple(db.ops.get_db_converters(col) + col.get_db_converters(db))
        if found:
            converters.append((index, col, found))
    return _Shape(
        table=quote(opts.db_table),
        fields=fields,
        columns=", ".join(quote(f.column) for f in fields),
        new_fields=new,
        new_columns=", ".join(quote(f.column) for f in new),
        pk_column=quote(opts.pk.column),  # type: ignore[union-attr]
        converters=tuple(converters),
    )


def select(model: type[M], where: str, params: Sequence[Any]) -> list[M]:
    """Instances of `model` from `SELECT <its columns> FROM <its table> <where>`, with the
    values converted as the ORM converts them (JSON, dates on SQLite…)."""
    db = _db()
    shape = _shape(model, db.vendor)
    rows = _run(f"SELECT {shape.columns} FROM {shape.table} {where}", params, "all")  # noqa: S608
    names = [f.attname for f in shape.fields]
    instances = []
    for row in rows:
        values = list(row)
        for index, col, found in shape.converters:
            for convert in found:
                values[index] = convert(values[index], col, db)
        instances.append(model.from_db(db.alias, names, values))
    return instances


def locked(model: type[M], pk: Any) -> M | None:
    """The row `pk` of `model`, locked until the transaction ends (`FOR UPDATE` where the
    database has it; SQLite serialises writers anyway), or None."""
    db = _db()
    shape = _shape(model, db.vendor)
    lock = " FOR UPDATE" if db.features.has_select_for_update else ""
    found = select(model, f"WHERE {shape.pk_column} = %s{lock}", [pk])
    return found[0] if found else None


def update(
    instance: Model, fields: Sequence[str], *, where: str = "", params: Sequence[Any] = ()
) -> int:
    """`UPDATE … SET <fields> WHERE pk = … [AND <where>]` of one instance, the values taken
    from it; the row count (0 when `where`, a condition on its row, does not hold)."""
    db = _db()
    model = type(instance)
    shape = _shape(model, db.vendor)
    chosen = [model._meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{db.ops.quote_name(f.column)} = %s" for f in chosen)  # type: ignore[union-attr]
    values = [f.get_db_prep_save(getattr(instance, f.attname), connection=db) for f in chosen]  # type: ignore[union-attr]
    condition = f" AND {where}" if where else ""
    return execute(
        f"UPDATE {shape.table} SET {assignments} WHERE {shape.pk_column} = %s{condition}",  # noqa: S608
        [*values, instance.pk, *params],
    )


def update_all(
    instances: Sequence[Model],
    fields: Sequence[str],
    *,
    where: str = "",
    params: Sequence[Any] = (),
) -> list[Any]:
    """`update` of several instances of one model in one statement: a field they all hold
    the same value of is set to it, another by a CASE on the primary key; only the rows
    where `where` holds. The primary keys of the rows updated (`RETURNING`, on PostgreSQL
    and SQLite 3.35 or later)."""
    if not instances:
        return []
    db = _db()
    model = type(instances[0])
    shape = _shape(model, db.vendor)
    assignments: list[str] = []
    values: list[Any] = []
    for name in fields:
        field: Any = model._meta.get_field(name)
        column = db.ops.quote_name(field.column)
        raw = [getattr(obj, field.attname) for obj in instances]
        prepared = [field.get_db_prep_save(value, connection=db) for value in raw]
        if all(value == raw[0] for value in raw[1:]):
            assignments.append(f"{column} = %s")
            values.append(prepared[0])
            continue
        cases = " ".join(["WHEN %s THEN %s"] * len(instances))
        choice = f"CASE {shape.pk_column} {cases} END"
        if db.vendor == "postgresql":  # the parameters' types do not decide the column's
            choice = f"CAST({choice} AS {field.cast_db_type(db)})"
        assignments.append(f"{column} = {choice}")
        values.extend(
            v for obj, value in zip(instances, prepared, strict=True) for v in (obj.pk, value)
        )
    among, keys = in_list(shape.pk_column, [obj.pk for obj in instances], db)
    condition = f" AND {where}" if where else ""
    rows = fetch_all(
        f"UPDATE {shape.table} SET {', '.join(assignments)} WHERE {among}{condition} "  # noqa: S608
        f"RETURNING {shape.pk_column}",
        [*values, *keys, *params],
    )
    return [row[0] for row in rows]


def _insert_statement(instances: Sequence[Model], db: Any) -> tuple[str, list[Any]]:
    """`INSERT INTO <table> (<columns>) VALUES (…), …` of new instances of one model and its
    parameters, the ORM's `pre_save` applied to each (so `auto_now_add` is set on them)."""
    shape = _shape(type(instances[0]), db.vendor)
    fields = shape.new_fields
    params = [
        f.get_db_prep_save(f.pre_save(obj, True), connection=db)
        for obj in instances
        for f in fields
    ]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    statement = f"INSERT INTO {shape.table} ({shape.new_columns}) VALUES "  # noqa: S608
    return statement + ", ".join([row] * len(instances)), params


def _batch(instances: Sequence[Model], db: Any) -> bool:
    """Whether `instances` are more values than a statement prepared once should carry."""
    return len(_shape(type(instances[0]), db.vendor).new_fields) * len(instances) > PREPARED_PARAMS


def insert(instances: Sequence[Model]) -> None:
    """Insert new instances of one model (the ORM's `pre_save` applied, so `auto_now_add` is
    set on them): a few rows in one statement written out, their primary keys not read
    back; a batch larger than `PREPARED_PARAMS` values through the ORM's `bulk_create`,
    which PostgreSQL receives as arrays (one parameter per column) rather than one
    placeholder per value. Either way no `save()` runs and no signal is sent."""
    if not instances:
        return
    db = _db()
    if _batch(instances, db):
        type(instances[0])._default_manager.bulk_create(instances)
        return
    execute(*_insert_statement(instances, db))


def create(instance: M) -> M:
    """Insert one new instance (the ORM's `pre_save` applied) and read its primary key back
    (`RETURNING`, on PostgreSQL and SQLite 3.35 or later), as `Model.objects.create` would,
    but by a statement written out once. No `save()` runs and no signal is sent: only for
    models whose `save()` adds nothing (no checks of their own)."""
    db = _db()
    statement, params = _insert_statement([instance], db)
    pk_column = _shape(type(instance), db.vendor).pk_column
    row = _run(f"{statement} RETURNING {pk_column}", params, "one")
    instance.pk = row[0]
    instance._state.adding, instance._state.db = False, db.alias
    return instance


def upsert(instances: Sequence[Model], *, unique: str, update_fields: Sequence[str]) -> None:
    """Insert new instances of one model; where one conflicts with a row on the unique field
    `unique`, update that row's `update_fields` instead (`INSERT … ON CONFLICT (…) DO
    UPDATE`, on PostgreSQL and SQLite 3.24 or later): the ORM's `bulk_create` with
    `update_conflicts`, by a statement written out once for a few rows, through
    `bulk_create` itself for a batch larger than `PREPARED_PARAMS` values."""
    if not instances:
        return
    model = type(instances[0])
    db = _db()
    if _batch(instances, db):
        model._default_manager.bulk_create(
            instances, update_conflicts=True, unique_fields=[unique], update_fields=update_fields
        )
        return
    quote = db.ops.quote_name
    columns = [model._meta.get_field(name).column for name in update_fields]  # type: ignore[union-attr]
    assignments = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns)
    target = quote(model._meta.get_field(unique).column)  # type: ignore[union-attr]
    statement, params = _insert_statement(instances, db)
    execute(f"{statement} ON CONFLICT ({target}) DO UPDATE SET {assignments}", params)
