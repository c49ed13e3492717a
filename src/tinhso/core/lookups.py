"""`field__any_of=[…]`: membership in a list of values as ONE array parameter on PostgreSQL.

`field__in=[…]` writes one placeholder per value. For a list of hundreds of ids (the organs a
province-wide official may see: 511 in the demo province, several lists per statement) that
costs on every statement: Django prepares and renders each value, and psycopg, which only
caches the conversion of short statements, splits a long one again at each execution (about a
third of a province-wide search's CPU, bench/README.md 5a). PostgreSQL itself turns
`x IN (1, 2, 3)` into `x = ANY('{1,2,3}')`, so the plan is the same; with Django's client-side
binding the array still reaches the planner as a constant. Elsewhere (SQLite) the lookup is
the plain `IN` list. Registered on integer and foreign-key fields by `CoreConfig.ready`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup

from tinhso.core import sql


class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[Any]:
        return [getattr(value, "pk", value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not self.rhs:
            raise EmptyResultSet  # as `in` does: nothing matches, everything is excluded
        lhs, lhs_params = self.process_lhs(compiler, connection)
        condition, params = sql.in_list(lhs, self.rhs, connection)
        return condition, [*lhs_params, *params]
