"""`core.sql`: fixed statements for the hot paths, prepared on PostgreSQL, run through Django's
cursor on SQLite and whenever queries are logged; the same rows either way."""

# ruff: noqa: S608 (the statements name our own tables)

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from tinhso.core import sql
from tinhso.core.models import AuditEntry, DataStamp

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="server-side prepared statements are PostgreSQL's"
)


def entry(n: int, **extra: object) -> AuditEntry:
    return AuditEntry(action=f"test.{n}", object_type="core.test", object_id=str(n), **extra)


def test_insert_writes_every_field_and_sets_auto_now_add():
    user = get_user_model().objects.create_user("sql-actor", password="x")
    rows = [entry(1, actor=user, data={"số": 1, "list": [1, 2]}), entry(2)]
    sql.insert(rows)
    assert all(row.at is not None for row in rows)  # pre_save ran: auto_now_add
    first, second = AuditEntry.objects.filter(object_type="core.test").order_by("object_id")
    assert (first.actor_id, first.at) == (user.pk, rows[0].at)
    assert first.data == {"số": 1, "list": [1, 2]}
    assert (second.actor_id, second.data, second.action) == (None, {}, "test.2")


def test_insert_is_one_statement_for_a_few_rows_and_bulk_create_for_a_batch():
    with CaptureQueriesContext(connection) as few:
        sql.insert([entry(n) for n in range(3)])
    (statement,) = few.captured_queries
    assert statement["sql"].startswith(f"INSERT INTO {sql.table(AuditEntry)} (")
    batch = [entry(n) for n in range(sql.PREPARED_PARAMS)]  # more values than the limit
    with CaptureQueriesContext(connection) as many:
        sql.insert(batch)
    assert len(many.captured_queries) == 1  # the ORM's bulk insert
    assert all(row.at is not None for row in batch)
    assert AuditEntry.objects.filter(object_type="core.test").count() == 3 + len(batch)


def test_insert_of_nothing_runs_nothing():
    with CaptureQueriesContext(connection) as queries:
        sql.insert([])
    assert queries.captured_queries == []


def test_select_gives_instances_with_values_converted_as_the_orm_does():
    at = datetime(2026, 1, 2, 3, 4, 5, 600000, tzinfo=UTC)
    sql.insert([entry(7, data={"k": ["v"]})])
    AuditEntry.objects.filter(action="test.7").update(at=at)
    condition, params = sql.in_list("action", ["test.7", "test.none"])
    (found,) = sql.select(AuditEntry, f"WHERE {condition}", params)
    orm = AuditEntry.objects.get(action="test.7")
    assert isinstance(found, AuditEntry) and found.pk == orm.pk
    assert found.data == orm.data == {"k": ["v"]}
    assert found.at == orm.at == at and found.at.tzinfo is not None
    assert found._state.adding is False and found._state.db == "default"


def test_update_writes_the_named_fields_of_one_row():
    stamp = DataStamp.objects.create(name="sql-test", version=1)
    stamp.version, stamp.name = 5, "not written"
    assert sql.update(stamp, ["version"]) == 1
    stamp.refresh_from_db()
    assert (stamp.name, stamp.version) == ("sql-test", 5)


def test_fetch_one_and_execute():
    DataStamp.objects.create(name="sql-a", version=3)
    table = sql.table(DataStamp)
    assert sql.fetch_one(f"SELECT version FROM {table} WHERE name = %s", ["sql-a"]) == (3,)
    assert sql.fetch_one(f"SELECT version FROM {table} WHERE name = %s", ["sql-b"]) is None
    bump = f"UPDATE {table} SET version = version + 1 WHERE name = %s"
    assert sql.execute(bump, ["sql-a"]) == 1


def test_in_list_is_one_array_parameter_on_postgresql_and_placeholders_elsewhere():
    condition, params = sql.in_list("id", [3, 1, 2])
    if connection.vendor == "postgresql":
        assert (condition, params) == ("id = ANY(%s)", [[3, 1, 2]])
    else:
        assert (condition, params) == ("id IN (%s, %s, %s)", [3, 1, 2])
    assert sql.in_list("id", []) == ("1 = 0", [])  # valid SQL, nothing matches


@postgres_only
def test_on_postgresql_the_statements_are_prepared_on_one_kept_cursor():
    DataStamp.objects.create(name="sql-prepared", version=1)
    statement = f"SELECT version FROM {sql.table(DataStamp)} WHERE name = %s AND version >= 0"
    sql.fetch_one(statement, ["sql-prepared"])
    kept = sql._cursors[connection.connection]
    sql.fetch_one(statement, ["sql-prepared"])
    assert sql._cursors[connection.connection] is kept
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ["SELECT version FROM % AND version >= 0"],
        )
        assert cursor.fetchone() == (2,)


@postgres_only
def test_on_postgresql_errors_come_as_djangos_and_the_transaction_rolls_back():
    DataStamp.objects.create(name="sql-unique", version=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        sql.insert([DataStamp(name="sql-other", version=1)])
        sql.insert([DataStamp(name="sql-unique", version=2)])
    assert not DataStamp.objects.filter(name="sql-other").exists()


def test_logged_queries_go_through_djangos_cursor_with_the_same_text():
    DataStamp.objects.create(name="sql-logged", version=1)
    statement = f"SELECT version FROM {sql.table(DataStamp)} WHERE name = %s"
    with CaptureQueriesContext(connection) as queries:
        assert sql.fetch_one(statement, ["sql-logged"]) == (1,)
    (query,) = queries.captured_queries
    assert query["sql"].startswith(f"SELECT version FROM {sql.table(DataStamp)} WHERE name = ")


def test_update_with_a_condition_writes_only_where_it_holds():
    stamp = DataStamp.objects.create(name="sql-if", version=1)
    stamp.version = 9
    assert sql.update(stamp, ["version"], where="version = %s", params=[2]) == 0
    stamp.refresh_from_db()
    assert stamp.version == 1
    stamp.version = 9
    assert sql.update(stamp, ["version"], where="version = %s", params=[1]) == 1
    stamp.refresh_from_db()
    assert stamp.version == 9


def test_locked_reads_the_row_for_update_or_none():
    stamp = DataStamp.objects.create(name="sql-locked", version=4)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        found = sql.locked(DataStamp, stamp.pk)
        assert sql.locked(DataStamp, stamp.pk + 1000) is None
    assert isinstance(found, DataStamp) and (found.pk, found.version) == (stamp.pk, 4)
    if connection.features.has_select_for_update:
        assert any(q["sql"].endswith("FOR UPDATE") for q in queries.captured_queries)


def test_fetch_all_gives_every_row():
    DataStamp.objects.create(name="sql-all-1", version=1)
    DataStamp.objects.create(name="sql-all-2", version=2)
    rows = sql.fetch_all(
        f"SELECT name, version FROM {sql.table(DataStamp)} WHERE name LIKE %s ORDER BY name",
        ["sql-all-%"],
    )
    assert [tuple(r) for r in rows] == [("sql-all-1", 1), ("sql-all-2", 2)]


def test_create_inserts_one_row_and_reads_its_key_back():
    made = sql.create(entry(11, data={"a": 1}))
    assert made.pk is not None and made._state.adding is False and made.at is not None
    stored = AuditEntry.objects.get(pk=made.pk)
    assert (stored.action, stored.data, stored.at) == ("test.11", {"a": 1}, made.at)
    second = sql.create(entry(12))
    assert second.pk != made.pk


def test_upsert_inserts_new_rows_and_updates_the_named_fields_of_conflicting_ones():
    DataStamp.objects.create(name="sql-up-a", version=1)
    with CaptureQueriesContext(connection) as queries:
        sql.upsert(
            [DataStamp(name="sql-up-a", version=7), DataStamp(name="sql-up-b", version=2)],
            unique="name",
            update_fields=["version"],
        )
    assert len(queries.captured_queries) == 1
    assert "ON CONFLICT" in queries.captured_queries[0]["sql"]
    stored = dict(
        DataStamp.objects.filter(name__startswith="sql-up-").values_list("name", "version")
    )
    assert stored == {"sql-up-a": 7, "sql-up-b": 2}
    # A batch beyond the prepared statement's size goes through the ORM, with the same effect.
    many = [DataStamp(name=f"sql-up-{n}", version=n) for n in range(sql.PREPARED_PARAMS)]
    sql.upsert(
        [DataStamp(name="sql-up-a", version=8), *many], unique="name", update_fields=["version"]
    )
    assert DataStamp.objects.get(name="sql-up-a").version == 8
    assert DataStamp.objects.filter(name__startswith="sql-up-").count() == 2 + sql.PREPARED_PARAMS


def test_update_all_sets_shared_values_once_and_others_by_key_in_one_statement():
    sql.insert([entry(n, data={"n": n}) for n in (1, 2, 3)])
    rows = list(AuditEntry.objects.filter(object_type="core.test").order_by("object_id"))
    when = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
    for n, row in enumerate(rows, start=1):
        row.action, row.at, row.data, row.actor_label = "test.done", when, {"n": n * 10}, f"l{n}"
    with CaptureQueriesContext(connection) as queries:
        updated = sql.update_all(rows[:2], ["action", "at", "data", "actor_label"])
    (statement,) = queries.captured_queries
    assert statement["sql"].count("CASE") == 2  # data and actor_label differ; action, at not
    assert sorted(updated) == [rows[0].pk, rows[1].pk]
    after = list(AuditEntry.objects.filter(object_type="core.test").order_by("object_id"))
    assert [(r.action, r.data, r.actor_label) for r in after] == [
        ("test.done", {"n": 10}, "l1"),
        ("test.done", {"n": 20}, "l2"),
        ("test.3", {"n": 3}, ""),
    ]
    assert after[0].at == after[1].at == when


def test_update_all_writes_only_where_the_condition_holds_and_says_which():
    sql.insert([entry(1), entry(2), entry(3, actor_label="kept")])
    rows = list(AuditEntry.objects.filter(object_type="core.test").order_by("object_id"))
    for row in rows:
        row.object_id = f"x{row.object_id}"
    updated = sql.update_all(rows, ["object_id"], where="actor_label = %s", params=[""])
    assert sorted(updated) == [rows[0].pk, rows[1].pk]
    assert sorted(
        AuditEntry.objects.filter(object_type="core.test").values_list("object_id", flat=True)
    ) == ["3", "x1", "x2"]
    assert sql.update_all([], ["object_id"]) == []
