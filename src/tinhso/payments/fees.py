"""Fee computation (pure: no Django imports). Amounts are integers in đồng, never floats.

A procedure's fee lines come from the catalogue (`procedures.Fee`). A line is either a fixed
amount per dossier, or an amount per unit of a quantity the applicant declares in the form
(`quantity_field`), with `tiers` changing the unit price from the n-th unit on and an optional
`maximum`. `exemptions` reduce a line by a percentage for an applicant category (100 = exempt);
when several categories apply, the largest reduction wins (reductions never add up).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tinhso.core.formats import format_number


@dataclass(frozen=True)
class FeeRule:
    name: str
    amount: int
    legal_basis: str = ""
    quantity_field: str = ""
    unit: str = ""
    tiers: Sequence[Mapping[str, int]] = ()
    maximum: int | None = None
    exemptions: Sequence[Mapping[str, Any]] = ()


@dataclass(frozen=True)
class FeeLine:
    name: str
    legal_basis: str
    quantity: int
    unit: str
    gross: int  # before any reduction
    reduction: int  # percent
    category: str  # the category that earned the reduction, "" if none
    amount: int  # due

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "legal_basis": self.legal_basis,
            "quantity": self.quantity,
            "unit": self.unit,
            "gross": self.gross,
            "reduction": self.reduction,
            "category": self.category,
            "amount": self.amount,
        }


@dataclass(frozen=True)
class Assessment:
    lines: tuple[FeeLine, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def legal_basis(self) -> str:
        return "; ".join(dict.fromkeys(line.legal_basis for line in self.lines if line.legal_basis))


def format_vnd(amount: int) -> str:
    """`1234567` → `1.234.567 đ`."""
    return f"{format_number(amount)} đ"


def quantity_of(rule: FeeRule, form_data: Mapping[str, Any]) -> int:
    """The declared quantity for a per-unit line (1 for a fixed line, or when not declared).

    Raises ValueError for a quantity that is not a whole number ≥ 0.
    """
    if not rule.quantity_field:
        return 1
    value = form_data.get(rule.quantity_field)
    if value in (None, ""):
        return 1
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(rule.quantity_field)
    try:
        quantity = int(value)
    except ValueError:
        raise ValueError(rule.quantity_field) from None
    if quantity < 0:
        raise ValueError(rule.quantity_field)
    return quantity


def gross_amount(rule: FeeRule, quantity: int) -> int:
    """The amount of a line before reductions: each unit at the price of its tier, capped."""
    if not rule.quantity_field:
        total = rule.amount
    else:
        tiers = sorted(rule.tiers, key=lambda t: t["from"])
        total = 0
        for n in range(1, quantity + 1):
            price = rule.amount
            for tier in tiers:
                if n >= tier["from"]:
                    price = tier["amount"]
            total += price
    return min(total, rule.maximum) if rule.maximum is not None else total


def reduce(amount: int, percent: int) -> int:
    """`amount` less `percent`%, rounded half up to the đồng."""
    return (amount * (100 - percent) + 50) // 100


def assess(
    rules: Iterable[FeeRule], form_data: Mapping[str, Any], categories: Iterable[str]
) -> Assessment:
    """The lines due for one dossier. Raises ValueError naming a bad quantity field."""
    held = set(categories)
    lines = []
    for rule in rules:
        quantity = quantity_of(rule, form_data)
        gross = gross_amount(rule, quantity)
        best, category = 0, ""
        for item in rule.exemptions:
            if item["category"] in held and int(item["reduction"]) > best:
                best, category = min(int(item["reduction"]), 100), str(item["category"])
        lines.append(
            FeeLine(
                name=rule.name,
                legal_basis=rule.legal_basis,
                quantity=quantity,
                unit=rule.unit,
                gross=gross,
                reduction=best,
                category=category,
                amount=reduce(gross, best),
            )
        )
    return Assessment(tuple(lines))
