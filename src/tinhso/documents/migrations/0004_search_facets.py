"""Facets in the search vector (ADR 0009): the filter columns as lexemes no one types ("xo12"
organ 12, "xd20201231" its day), weight D, so that the GIN index applies the searcher's scope,
the filters and a window of days within one index scan (`search/postgres.py`).

PostgreSQL only: the generated column is made again with the facets (a generated column's
expression cannot be altered in place before PostgreSQL 17) and kept in the row rather than
in TOAST, since a search tests the vector of each candidate row and a TOAST fetch costs about
six times the test. SQLite's FTS5 table is untouched. Only immutable expressions.
"""

from django.db import migrations

DAY = (
    "(extract(year from dated) * 10000 + extract(month from dated) * 100"
    " + extract(day from dated))"
)
MONTH = "(extract(year from dated) * 100 + extract(month from dated))"
FACETS = (
    "'xo' || organ_id::text"
    " || CASE WHEN drafting_unit_id IS NULL THEN '' ELSE ' xw' || drafting_unit_id::text END"
    " || CASE WHEN assignee_id IS NULL THEN '' ELSE ' xa' || assignee_id::text END"
    " || ' xr' || direction || ' xs' || replace(state, '_', '')"
    " || ' xk' || replace(urgency, '_', '')"
    " || CASE WHEN doc_type = '' THEN '' ELSE ' xt' || replace(doc_type, '_', '') END"
    f" || ' xd' || ({DAY})::int::text || ' xm' || ({MONTH})::int::text"
)
TEXTS = """setweight(to_tsvector('simple'::regconfig, meta), 'A')
        || setweight(to_tsvector('simple'::regconfig, signer), 'C')
        || setweight(to_tsvector('simple'::regconfig, content), 'B')"""


def _vector(expression, storage):
    return [
        "DROP INDEX IF EXISTS documents_search_vector",
        "ALTER TABLE documents_searchentry DROP COLUMN IF EXISTS vector",
        f"ALTER TABLE documents_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
        f"{expression}) STORED",
        f"ALTER TABLE documents_searchentry ALTER COLUMN vector SET STORAGE {storage}",
        "CREATE INDEX documents_search_vector ON documents_searchentry USING gin (vector)",
    ]


FORWARD = _vector(f"{TEXTS}\n        || setweight(to_tsvector('simple'::regconfig, {FACETS}), 'D')", "MAIN")
BACKWARD = _vector(TEXTS, "EXTENDED")


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_search_index")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
