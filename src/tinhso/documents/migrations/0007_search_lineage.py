"""The organs above a document's organ and drafting unit in its search entry (`organ_path`,
`unit_path`: copies of their `tree_path`), and on PostgreSQL as facets of the vector: `xp5`
for every organ on the organ's path, `xq5` on the drafting unit's. A searcher whose grant
covers a subtree is then one facet ("xp5": Rạch Giá and its 36 offices and communes) instead
of one per organ, which the GIN index answers through its rarest facet (`search/postgres.py`).

The entries already written take their organs' paths. PostgreSQL: the generated column is
made again (as 0004 did), a rewrite of the table and a new GIN index (the paths are filled
in between, with no vector to compute), the rows put back in order of date and the table
analyzed: 13 minutes at 3.1 million entries on two cores (bench/README 5a, session 8), the
table locked meanwhile. SQLite: adding a NOT NULL column makes the schema
editor rebuild the table, which drops the FTS5 triggers of 0003: they are put back.
"""

import importlib

from django.db import migrations, models

_index = importlib.import_module("tinhso.documents.migrations.0003_search_index")
_facets = importlib.import_module("tinhso.documents.migrations.0004_search_facets")


def _path(column: str, prefix: str) -> str:
    """'/1/5/12/' as ' xp1 xp5 xp12' (immutable functions only)."""
    return (
        f" || CASE WHEN {column} = '' THEN '' ELSE ' {prefix}' || "
        f"replace(trim(both '/' from {column}), '/', ' {prefix}') END"
    )


FACETS = _facets.FACETS + _path("organ_path", "xp") + _path("unit_path", "xq")
# The entries written before this migration take their organs' paths (a correlated subquery:
# SQLite and PostgreSQL alike).
BACKFILL = """UPDATE documents_searchentry SET
    organ_path = COALESCE(
        (SELECT o.tree_path FROM directory_organ o WHERE o.id = documents_searchentry.organ_id),
        ''),
    unit_path = COALESCE(
        (SELECT o.tree_path FROM directory_organ o
         WHERE o.id = documents_searchentry.drafting_unit_id), '')"""
# On PostgreSQL the old vector is dropped before the paths are filled in, so that the update
# does not compute it again for every row, and the new one is generated once after it.
_new = _facets._vector(
    f"{_facets.TEXTS}\n        || setweight(to_tsvector('simple'::regconfig, {FACETS}), 'D')",
    "MAIN",
)
# A column made anew has no statistics until ANALYZE, and the search reads the words' shares
# from them (`postgres.word_shares`): without them every word looks rare.
ANALYZE = "ANALYZE documents_searchentry"
# The update leaves the rows out of the order of date the search relies on (bench/README 5a,
# session 8: the correlation of `dated` fell to 0.73 and the p95 rose from 99 to 165 ms on
# 3.1 million entries): they are put back in that order before the GIN index is built
# (CLUSTER rebuilds the other indexes; 216 s at that size).
CLUSTER = "CLUSTER documents_searchentry USING documents_search_dated"
FORWARD = [*_new[:2], BACKFILL, *_new[2:4], CLUSTER, *_new[4:], ANALYZE]
BACKWARD = [*_facets.FORWARD, ANALYZE]
TRIGGERS = [s for s in _index.SQLITE if s.startswith("CREATE TRIGGER")]
DROP_TRIGGERS = [s for s in _index.SQLITE_DROP if s.startswith("DROP TRIGGER")]


def _vector(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


def _backfill_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(BACKFILL, params=None)


def _restore_triggers(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite" or not _index._sqlite_has_fts5(connection):
        return
    for statement in DROP_TRIGGERS + TRIGGERS:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("documents", "0006_take_back")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, _restore_triggers),
        migrations.AddField(
            model_name="searchentry",
            name="organ_path",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="unit_path",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.RunPython(_restore_triggers, migrations.RunPython.noop),
        migrations.RunPython(_backfill_sqlite, migrations.RunPython.noop),
        migrations.RunPython(_vector(FORWARD), _vector(BACKWARD)),
    ]
