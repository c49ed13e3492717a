"""Reads of the directory: units on a date, organs by identifier, applicants."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core import sql
from tinhso.core.stamps import StampedCache
from tinhso.directory.imports import DIRECTORY_STAMP
from tinhso.directory.models import (
    AdministrativeUnit,
    Applicant,
    Official,
    Organ,
    OrganIdentifier,
    OrganKind,
    Role,
)


def unit_get(*, code: str, on: date) -> AdministrativeUnit:
    """The unit with `code` valid on `on`, with parent, children valid that day and successors.

    Raises Http404 when no version of the code is valid on that date.
    """
    unit = (
        AdministrativeUnit.objects.valid_on(on)
        .filter(code=code)
        .select_related("parent")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=AdministrativeUnit.objects.valid_on(on).order_by("code"),
                to_attr="children_on",
            ),
            Prefetch("successors", queryset=AdministrativeUnit.objects.order_by("code")),
            Prefetch("predecessors", queryset=AdministrativeUnit.objects.order_by("code")),
        )
        .first()
    )
    if unit is None:
        raise Http404(
            _("Không có đơn vị hành chính mã «%(code)s» có hiệu lực ngày %(on)s.")
            % {"code": code, "on": on.strftime("%d/%m/%Y")}
        )
    return unit


def unit_current_for(*, unit: AdministrativeUnit, on: date) -> list[AdministrativeUnit]:
    """The units valid on `on` that `unit` became, following successor links (for regrouping
    historical records by today's units)."""
    frontier, result, seen = [unit], [], set()
    while frontier:
        current = frontier.pop()
        if current.pk in seen:
            continue
        seen.add(current.pk)
        if current.is_valid_on(on):
            result.append(current)
        else:
            frontier.extend(current.successors.all())
    return sorted(result, key=lambda u: u.code)


def organ_get_by_identifier(*, identifier: str, on: date) -> Organ:
    """The organ that holds `identifier` (either scheme) on `on`. Raises Http404."""
    ident = (
        OrganIdentifier.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
            value=identifier,
        )
        .select_related("organ__parent", "organ__unit")
        .prefetch_related("organ__identifiers", "organ__parent__identifiers")
        .first()
    )
    if ident is None:
        raise Http404(_("Không có cơ quan mang mã định danh «%(i)s».") % {"i": identifier})
    return ident.organ


_organs = StampedCache(DIRECTORY_STAMP)


def organ_holding(*, identifier: str, on: date) -> Organ | None:
    """`organ_get_by_identifier`, or None, from a per-process cache that the directory's stamp
    empties (for hot paths such as online filing). The instance is shared: read it, never change
    it."""

    def load() -> Organ | None:
        try:
            return organ_get_by_identifier(identifier=identifier, on=on)
        except Http404:
            return None

    return _organs.get((identifier, on), load)


# An identifier `i` in force on a date (two parameters, the date twice).
_IN_FORCE = (
    "(i.valid_from IS NULL OR i.valid_from <= %s) AND (i.valid_to IS NULL OR i.valid_to >= %s)"
)


def identifiers_in_force(*, scheme: str, values: Sequence[str], on: date) -> set[str]:
    """Those of `values` that are identifiers of `scheme` valid on `on` of organs still
    working on `on`. One fixed statement (`core.sql`): the exchange inbox asks it of every
    package it receives."""
    if not values:
        return set()
    ident, organ = sql.table(OrganIdentifier), sql.table(Organ)
    among, params = sql.in_list("i.value", values)
    rows = sql.fetch_all(
        f"SELECT DISTINCT i.value FROM {ident} i JOIN {organ} o ON o.id = i.organ_id "  # noqa: S608 (our names)
        f"WHERE i.scheme = %s AND {among} AND {_IN_FORCE} "
        "AND (o.valid_to IS NULL OR o.valid_to >= %s)",
        [scheme, *params, on, on, on],
    )
    return {row[0] for row in rows}


def organ_with_identifier(*, scheme: str, value: str) -> Organ | None:
    """The organ that holds or held the identifier `value` of `scheme` (the first such
    identifier recorded, whatever its dates), or None. One fixed statement: the exchange's
    document handler asks it of every package it applies."""
    found = sql.select(
        Organ,
        f"WHERE id = (SELECT organ_id FROM {sql.table(OrganIdentifier)} "  # noqa: S608 (our names)
        "WHERE scheme = %s AND value = %s ORDER BY id LIMIT 1)",
        [scheme, value],
    )
    return found[0] if found else None


def organ_label(*, organ_id: int, scheme: str, on: date) -> tuple[str, str] | None:
    """The name of organ `organ_id` and its identifier of `scheme` valid on `on` ("" if it
    has none, as `Organ.identifier`), or None: one fixed statement, for hot paths (the
    status package written back for every document received)."""
    return sql.fetch_one(  # type: ignore[return-value]
        f"SELECT o.name, COALESCE((SELECT i.value FROM {sql.table(OrganIdentifier)} i "  # noqa: S608 (our names)
        f"WHERE i.organ_id = o.id AND i.scheme = %s AND {_IN_FORCE} ORDER BY i.id LIMIT 1), '') "
        f"FROM {sql.table(Organ)} o WHERE o.id = %s",
        [scheme, on, on, organ_id],
    )


def organ_children(*, organ: Organ) -> QuerySet[Organ]:
    return organ.children.order_by("tree_path")


def applicant_get(*, identifier: str) -> Applicant:
    """The applicant with this electronic identifier. Raises Http404."""
    applicant = Applicant.objects.filter(identifier=identifier).first()
    if applicant is None:
        raise Http404(_("Không có người nộp hồ sơ mang mã định danh «%(i)s».") % {"i": identifier})
    return applicant


def directory_counts() -> dict[str, int]:
    """Headline counts for the home page and the back office."""
    return {
        "organs": Organ.objects.count(),
        "officials": Official.objects.filter(is_active=True).count(),
        "citizens": Applicant.objects.filter(kind="citizen").count(),
        "with_eid": Applicant.objects.filter(eid_verified_at__isnull=False).count(),
    }


def home_province() -> AdministrativeUnit | None:
    """The province this installation serves: the unit of its provincial People's Committee,
    else the unit with settings.PROVINCE_CODE valid today."""
    organ = (
        Organ.objects.filter(kind=OrganKind.PROVINCE_COMMITTEE, parent__isnull=True)
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    if organ is not None and organ.unit is not None:
        return organ.unit
    return (
        AdministrativeUnit.objects.valid_on(timezone.localdate())
        .filter(code=settings.PROVINCE_CODE)
        .first()
    )


def grant_rows(grants: Iterable[Any]) -> list[dict[str, object]]:
    """Role grants as rows for display: role label, organ, whether the subtree is included."""
    grants = list(grants)
    organs = Organ.objects.in_bulk([g.organ_id for g in grants])
    return [
        {
            "role": Role(g.role).label,
            "organ": organs.get(g.organ_id),
            "include_subtree": g.include_subtree,
        }
        for g in grants
    ]
