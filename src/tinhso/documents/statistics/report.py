"""The statistics of official documents, aggregated by organ, by organ with its subtree, or by
administrative level.

Counting is by organ in the database, in a constant number of queries whatever the number of
documents or organs: one aggregate over outgoing documents (conditional `Count(filter=...)`
for every plain figure), one per figure that needs a semi-join over recipient lines, one over
incoming documents, and one reading the organs in scope. The rows of a report are then sums of
those per-organ counts (each organ belongs to exactly one row of any grouping, so the total is
the sum of the rows). Shares stay numerator/denominator pairs until displayed.
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
from tinhso.directory.models import Organ, OrganScheme
from tinhso.directory.permissions import Action, can, organs_in_scope
from tinhso.documents.models import Document, IncomingDocument
from tinhso.documents.statistics.definitions import (
    FIGURES,
    LEVEL_OF_KIND,
    LEVELS,
    RATES,
    incoming_universe,
    outgoing_universe,
)

GROUPINGS: dict[str, Promise] = {
    "organ": gettext_lazy("Cơ quan"),
    "unit": gettext_lazy("Cơ quan, gồm đơn vị trực thuộc"),
    "level": gettext_lazy("Cấp"),
}
Counts = dict[str, int]


@dataclass
class Row:
    """One group ("organ:12" an organ's own documents, "tree:12" an organ and its subtree,
    "level:commune"; "" for the total)."""

    group: str
    label: str
    counts: Counts = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    def add(self, counts: Counts) -> None:
        for key, value in counts.items():
            self.counts[key] += value

    def rate(self, key: str) -> Rate:
        definition = RATES[key]
        return Rate(
            sum(self.counts[k] for k in definition.numerator),
            sum(self.counts[k] for k in definition.denominator),
        )

    @property
    def rates(self) -> dict[str, Rate]:
        return {key: self.rate(key) for key in RATES}


@dataclass
class Report:
    period: Period
    grouping: str
    rows: list[Row]
    total: Row
    organ: Organ | None = None
    level: str = ""

    @property
    def grouping_label(self) -> str:
        return str(GROUPINGS[self.grouping])


def reporting_organs(user: Any) -> QuerySet[Organ]:
    """The organs whose figures `user` may see. Raises PermissionDenied without VIEW_REPORTS."""
    if not can(user, Action.VIEW_REPORTS):
        raise PermissionDenied(_("Tài khoản này không có quyền xem báo cáo, thống kê."))
    scope: QuerySet[Organ] = organs_in_scope(user, Action.VIEW_REPORTS)
    return scope


def narrow(
    organs: QuerySet[Organ], *, organ: str = "", level: str = "", by_identifier: bool = False
) -> tuple[QuerySet[Organ], Organ | None]:
    """`organs` narrowed to `organ` and its subtree (an id, or a QCVN 102 identifier when
    `by_identifier`) and to the organs of `level`. Raises ValidationError by field ("organ":
    unknown or outside `organs`; "level": not a level)."""
    chosen = None
    if organ:
        if by_identifier:
            found = organs.filter(identifiers__scheme=OrganScheme.QCVN102, identifiers__value=organ)
        else:
            found = organs.filter(pk=organ) if organ.isdigit() else organs.none()
        chosen = found.first()
        if chosen is None:
            raise ValidationError(
                {
                    "organ": _("Không có cơ quan «%(organ)s» trong phạm vi của bạn.")
                    % {"organ": organ}
                }
            )
        organs = organs.filter(tree_path__startswith=chosen.tree_path)
    if level:
        if level not in LEVELS:
            raise ValidationError(
                {"level": _("Cấp phải là một trong: %(choices)s.") % {"choices": ", ".join(LEVELS)}}
            )
        organs = organs.filter(kind__in=LEVELS[level][1])
    return organs, chosen


def _grouping(key: str) -> str:
    if key not in GROUPINGS:
        raise ValidationError(
            {
                "group": _("Cách nhóm phải là một trong: %(choices)s.")
                % {"choices": ", ".join(GROUPINGS)}
            }
        )
    return key


def counts_by_organ(*, organs: QuerySet[Organ], period: Period) -> dict[int, Counts]:
    """Every figure of `period` for each organ of `organs` that has any (organ id → counts)."""
    by_organ: dict[int, Counts] = {}

    def put(organ_id: int, key: str, value: int) -> None:
        by_organ.setdefault(organ_id, dict.fromkeys(FIGURES, 0))[key] = value

    for model, subject, universe in (
        (Document, "outgoing", outgoing_universe(period)),
        (IncomingDocument, "incoming", incoming_universe(period)),
    ):
        rows = model.objects.filter(universe, organ__in=organs).values("organ_id").order_by()
        plain = [k for k, f in FIGURES.items() if f.subject == subject and not f.semijoin]
        aggregates = {k: Count("pk", filter=FIGURES[k].q(period)) for k in plain}
        for values in rows.annotate(**aggregates):
            for key in plain:
                put(values["organ_id"], key, values[key])
        for key in (k for k, f in FIGURES.items() if f.subject == subject and f.semijoin):
            for values in rows.filter(FIGURES[key].q(period)).annotate(n=Count("pk")):
                put(values["organ_id"], key, values["n"])
    return {organ: counts for organ, counts in by_organ.items() if any(counts.values())}


def _tops(organs: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """The organs of the scope whose parent is outside it, deepest paths first."""
    tops = [o for o in organs.values() if o["parent_id"] not in organs]
    return sorted(tops, key=lambda o: len(o["tree_path"]), reverse=True)


def _unit_row(organ: dict[str, Any], tops: list[dict[str, Any]], organs: dict[int, Any]) -> Any:
    """The row of `organ` in the "unit" grouping: its top's own documents, or the subtree of
    the top's child it lies under. (sort key, group, label)."""
    path = organ["tree_path"]
    top = next(t for t in tops if path.startswith(t["tree_path"]))
    if organ["pk"] == top["pk"]:
        return (top["tree_path"], 0, ""), f"organ:{top['pk']}", top["name"]
    child = organs[int(path[len(top["tree_path"]) :].split("/", 1)[0])]
    return (top["tree_path"], 1, child["name"].casefold()), f"tree:{child['pk']}", child["name"]


def _place(
    grouping: str, info: dict[str, Any], tops: list[dict[str, Any]], known: dict[int, Any]
) -> tuple[Any, str, str]:
    """(sort key, group, label) of the row an organ's figures go to."""
    if grouping == "organ":
        return (info["name"].casefold(), info["pk"]), f"organ:{info['pk']}", info["name"]
    if grouping == "level":
        key = LEVEL_OF_KIND.get(info["kind"], "other")
        return list(LEVELS).index(key), f"level:{key}", str(LEVELS[key][0])
    return _unit_row(info, tops, known)


def build_report(
    *,
    organs: QuerySet[Organ],
    period: Period,
    grouping: str = "organ",
    organ: Organ | None = None,
    level: str = "",
) -> Report:
    """Every figure of `period` for the documents of `organs` (already narrowed to `organ`'s
    subtree and `level`, which the report only names), one row per group of `grouping`
    ("organ", "unit": the top organ's own documents and each of its direct units with its
    subtree, "level") that has any figure, and the total. Raises ValidationError for an
    unknown grouping."""
    grouping = _grouping(grouping)
    counts = counts_by_organ(organs=organs, period=period)
    known = {o["pk"]: o for o in organs.values("pk", "name", "kind", "tree_path", "parent_id")}
    tops = _tops(known)
    rows: dict[str, tuple[Any, Row]] = {}
    total = Row("", _("Tổng cộng"))
    for organ_id, values in counts.items():
        sort, group, label = _place(grouping, known[organ_id], tops, known)
        if group not in rows:
            rows[group] = (sort, Row(group, label))
        rows[group][1].add(values)
        total.add(values)
    ordered = [row for _sort, row in sorted(rows.values(), key=lambda item: item[0])]
    return Report(period, grouping, ordered, total, organ, level)


def _group_filter(group: str, organs: QuerySet[Organ]) -> Q:
    """The documents of one group: "" (all), "organ:<id>", "tree:<id>" or "level:<key>"."""
    if not group:
        return Q()
    kind, _sep, value = group.partition(":")
    if kind in ("organ", "tree") and value.isdigit():
        if kind == "organ":
            return Q(organ_id=int(value))
        top = organs.filter(pk=int(value)).values_list("tree_path", flat=True).first()
        return Q(organ__tree_path__startswith=top) if top else Q(pk__in=[])
    if kind == "level" and value in LEVELS:
        return Q(organ__kind__in=LEVELS[value][1])
    raise ValidationError({"group": _("Nhóm không hợp lệ: «%(group)s».") % {"group": group}})


def counted(
    *, organs: QuerySet[Organ], period: Period, figure: str, group: str = ""
) -> tuple[str, QuerySet[Any]]:
    """What one figure of the report counted, with the same condition: ("outgoing", the
    documents) or ("incoming", the incoming documents), in the order they entered the books.
    Raises ValidationError for an unknown figure or group."""
    definition = FIGURES.get(figure)
    if definition is None:
        raise ValidationError({"figure": _("Không có chỉ tiêu «%(key)s».") % {"key": figure}})
    where = _group_filter(group, organs) & definition.q(period)
    if definition.subject == "outgoing":
        outgoing = (
            Document.objects.filter(outgoing_universe(period), where, organ__in=organs)
            .select_related("organ", "signer__user")
            .order_by("issued_at", "pk")
        )
        return "outgoing", outgoing
    incoming = (
        IncomingDocument.objects.filter(incoming_universe(period), where, organ__in=organs)
        .select_related("organ", "assignee__user")
        .order_by("arrived_at", "pk")
    )
    return "incoming", incoming
