"""SQL fragments over the search entries' table (fixed text; every value is a parameter)."""

from __future__ import annotations

from typing import Any

from django.db.models import Expression


class EntrySQL(Expression):
    """A fixed SQL fragment over the entries' table, `{t}` standing for that table's alias in
    whatever query the fragment lands in (the entries are also queried as a subquery, where
    Django renames the table). Values are parameters, never spliced in."""

    def __init__(self, sql: str, params: list[str], output_field: Any) -> None:
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, params

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[str]]:
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return self.sql.replace("{t}", alias), list(self.params)


TSQUERY = "websearch_to_tsquery('simple'::regconfig, %s)"
PG_RANK = "ts_rank_cd({t}.vector, " + TSQUERY + ")"
FTS5_MATCH = (
    "{t}.id IN (SELECT rowid FROM documents_searchentry_fts "
    "WHERE documents_searchentry_fts MATCH %s)"
)
FTS5_RANK = (  # bm25 is lower for better matches; weights: metadata, signer, text
    "(SELECT -bm25(documents_searchentry_fts, 10.0, 2.0, 1.0) FROM documents_searchentry_fts "
    "WHERE documents_searchentry_fts MATCH %s AND rowid = {t}.id)"
)
