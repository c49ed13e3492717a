"""The one-stop report and the Decision 766 indicators, aggregated by organ, field or level.

One aggregate query counts every dossier figure of every group (conditional
`Count(filter=...)`), and two per offering figure count the procedure offerings by group and in
total: eleven queries (1 + 2 × 5 offering figures) whatever the number of groups. Dossier
totals are the sums of the rows (each dossier falls in exactly one group); procedure totals are
counted apart, since one procedure may be offered by several organs. Shares stay
numerator/denominator pairs until displayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.core.reporting import Period, Rate
from tinhso.core.reporting import parse_period as parse_period
from tinhso.directory.permissions import Action, can, organs_in_scope
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.statistics.definitions import (
    DOSSIER_KEYS,
    IDENTITIES,
    INDICATORS,
    OFFERING_KEYS,
    PARTS,
    RATES,
    dossier_universe,
    offering_universe,
)
from tinhso.procedures.models import CompetentLevel, Procedure

Offering = Procedure.organs.through


@dataclass(frozen=True)
class Grouping:
    """How rows are formed: the grouping field on dossiers and on offerings, and its name."""

    key: str
    label: Promise | str
    dossier_field: str
    offering_field: str
    name_field: str | None


GROUPINGS: dict[str, Grouping] = {
    g.key: g
    for g in (
        Grouping("organ", gettext_lazy("Cơ quan"), "organ", "organ", "organ__name"),
        Grouping(
            "field",
            gettext_lazy("Lĩnh vực"),
            "procedure__field",
            "procedure__field",
            "procedure__field__name",
        ),
        Grouping(
            "level",
            gettext_lazy("Cấp thực hiện"),
            "procedure__competent_level",
            "procedure__competent_level",
            None,
        ),
    )
}


@dataclass
class Row:
    """One group (`group` = "organ:12", "field:3", "level:province"; "" for the total)."""

    group: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)

    def rate(self, key: str) -> Rate:
        definition = RATES[key]
        numerator = sum(self.counts[k] for k in definition.numerator)
        return Rate(numerator, self.counts[definition.denominator])

    @property
    def rates(self) -> dict[str, Rate]:
        return {key: self.rate(key) for key in RATES}

    def discrepancies(self) -> list[str]:
        """The identities this row breaks (none, unless the records are inconsistent)."""
        broken = []
        for left, right in IDENTITIES:
            if sum(self.counts[k] for k in left) != sum(self.counts[k] for k in right):
                broken.append(f"{' + '.join(left)} = {' + '.join(right)}")
        for part, whole in PARTS:
            if self.counts[part] > self.counts[whole]:
                broken.append(f"{part} ≤ {whole}")
        return broken


@dataclass
class Report:
    period: Period
    grouping: Grouping
    rows: list[Row]
    total: Row


def reporting_organs(user: Any) -> QuerySet[Any]:
    """The organs whose figures `user` may see. Raises PermissionDenied without VIEW_REPORTS."""
    if not can(user, Action.VIEW_REPORTS):
        raise PermissionDenied(_("Tài khoản này không có quyền xem báo cáo, thống kê."))
    return organs_in_scope(user, Action.VIEW_REPORTS)


def _grouping(key: str) -> Grouping:
    try:
        return GROUPINGS[key]
    except KeyError:
        raise ValidationError(
            {
                "group": _("Cách nhóm phải là một trong: %(choices)s.")
                % {"choices": "organ, field, level"}
            }
        ) from None


def _label(grouping: Grouping, value: Any, name: str | None) -> str:
    if grouping.key == "level":
        return str(CompetentLevel(value).label) if value in CompetentLevel.values else str(value)
    return name or "—"


def build_report(*, organs: QuerySet[Any], period: Period, grouping: str) -> Report:
    """Every figure of `period` for the dossiers received by `organs` and the procedures they
    offer, one row per group of `grouping` ("organ", "field", "level") that has any figure,
    and the total. Raises ValidationError for an unknown grouping."""
    g = _grouping(grouping)
    names = [g.dossier_field] + ([g.name_field] if g.name_field else [])
    dossier_counts = {k: Count("pk", filter=INDICATORS[k].q(period)) for k in DOSSIER_KEYS}
    dossiers = (
        Dossier.objects.filter(dossier_universe(period), organ__in=organs)
        .values(*names)
        .annotate(**dossier_counts)
        .order_by()
    )
    rows: dict[Any, Row] = {}

    def row_of(values: dict[str, Any]) -> Row:
        value = values[g.dossier_field]
        row = rows.get(value)
        if row is None:
            label = _label(g, value, values.get(g.name_field) if g.name_field else None)
            row = rows[value] = Row(f"{g.key}:{value}", label, dict.fromkeys(INDICATORS, 0))
        return row

    for values in dossiers:
        row_of(values).counts.update({k: values[k] for k in DOSSIER_KEYS})
    total = Row("", _("Tổng cộng"), dict.fromkeys(INDICATORS, 0))
    # One query per offering figure with its condition in WHERE, where the database turns the
    # EXISTS of 3.1, 3.2 and 3.5 into semi-joins (inside a FILTER clause they would run once per
    # offering); the total apart, since one procedure may be offered by several organs.
    offerings = Offering.objects.filter(offering_universe(period), organ__in=organs)
    for key in OFFERING_KEYS:
        chosen = offerings.filter(INDICATORS[key].q(period))
        for values in (
            chosen.values(*names).annotate(n=Count("procedure", distinct=True)).order_by()
        ):
            row_of(values).counts[key] = values["n"]
        total.counts[key] = chosen.aggregate(n=Count("procedure", distinct=True))["n"]
    ordered = sorted(rows.values(), key=lambda r: (r.label.casefold(), r.group))
    for key in DOSSIER_KEYS:
        total.counts[key] = sum(r.counts[key] for r in ordered)
    return Report(period, g, ordered, total)


def _group_filter(group: str, subject: str) -> Q:
    """The rows of one group: "" (all), "organ:<id>", "field:<id>" or "level:<code>"."""
    if not group:
        return Q()
    kind, _sep, value = group.partition(":")
    g = GROUPINGS.get(kind)
    valid = g is not None and (
        value.isdigit() if kind != "level" else value in CompetentLevel.values
    )
    if g is None or not valid:
        raise ValidationError({"group": _("Nhóm không hợp lệ: «%(group)s».") % {"group": group}})
    return Q(**{g.dossier_field if subject == "dossier" else g.offering_field: value})


def counted(
    *, organs: QuerySet[Any], period: Period, indicator: str, group: str
) -> tuple[str, QuerySet[Any]]:
    """What one figure of the report counted, with the same condition: ("dossier", the
    dossiers) or ("offering", the procedures). Raises ValidationError for an unknown
    indicator or group."""
    definition = INDICATORS.get(indicator)
    if definition is None:
        raise ValidationError({"indicator": _("Không có chỉ tiêu «%(key)s».") % {"key": indicator}})
    where = _group_filter(group, definition.subject) & definition.q(period)
    if definition.subject == "dossier":
        dossiers = (
            Dossier.objects.filter(dossier_universe(period), where, organ__in=organs)
            .select_related("procedure", "organ", "applicant")
            .order_by("received_at", "pk")
        )
        return "dossier", dossiers
    chosen = Offering.objects.filter(offering_universe(period), where, organ__in=organs)
    procedures = Procedure.objects.filter(pk__in=chosen.values("procedure_id")).select_related(
        "field"
    )
    return "offering", procedures.order_by("code")
