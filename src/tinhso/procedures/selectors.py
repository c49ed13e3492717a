"""Reads of the catalogue: diacritic-insensitive search, the procedure page, and the procedure
as online filing needs it (cached per process until the catalogue changes)."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tinhso.core.stamps import StampedCache
from tinhso.directory.models import Organ
from tinhso.procedures.models import Procedure, ServiceLevel
from tinhso.procedures.search import fold

# Every writer of the catalogue bumps it in its transaction: the import (and so the seed), the
# offering links of the seed, the admin. A new writer must too.
CATALOGUE_STAMP = "catalogue"
_filing = StampedCache(CATALOGUE_STAMP, maxsize=1024)


def procedure_search(
    *,
    query: str = "",
    field: str = "",
    level: str = "",
    online_on: date | None = None,
) -> QuerySet[Procedure]:
    """Active procedures whose name contains every word of `query`, compared without
    diacritics ("dang ky khai sinh" finds "Đăng ký khai sinh"), or whose code starts with it;
    optionally of one field, one competent level, or offered for online filing on a date."""
    procedures = Procedure.objects.filter(is_active=True).select_related("field")
    words = fold(query).split()
    if words:
        by_name = Q()
        for word in words:
            by_name &= Q(search_name__contains=word)
        procedures = procedures.filter(by_name | Q(code__startswith=query.strip()))
    if field:
        procedures = procedures.filter(field__code=field)
    if level:
        procedures = procedures.filter(competent_level=level)
    if online_on is not None:
        procedures = procedures.filter(
            Q(service_levels__valid_from__isnull=True)
            | Q(service_levels__valid_from__lte=online_on),
            Q(service_levels__valid_to__isnull=True) | Q(service_levels__valid_to__gte=online_on),
            service_levels__kind__in=["3", "4", "partial", "full"],
        ).distinct()
    return procedures.prefetch_related(
        Prefetch(
            "service_levels",
            queryset=ServiceLevel.objects.order_by(F("valid_from").asc(nulls_first=True)),
        )
    ).order_by("name", "code")


def procedure_get(*, code: str) -> Procedure:
    """An active procedure with everything its page shows. Raises Http404."""
    procedure = (
        Procedure.objects.filter(code=code, is_active=True)
        .select_related("field")
        .prefetch_related("service_levels", "required_documents", "fees", "steps__organ", "organs")
        .first()
    )
    if procedure is None:
        raise Http404(_("Không có thủ tục mang mã «%(c)s».") % {"c": code})
    return procedure


def procedure_for_filing(*, code: str) -> Procedure | None:
    """The active procedure `code` with its service levels, fee lines and offering organs
    (ids only) in memory, or None. Served from a per-process cache that the catalogue's stamp
    empties: filing a dossier then costs no catalogue query. The instance is shared: read it,
    never change it."""

    def load() -> Procedure | None:
        return (
            Procedure.objects.filter(code=code, is_active=True)
            .prefetch_related(
                "service_levels",
                "fees",
                Prefetch("organs", queryset=Organ.objects.only("id")),
            )
            .first()
        )

    return _filing.get(code, load)
