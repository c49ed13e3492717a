"""Vietnamese presentation of numbers, shares and dates (pure: no Django imports).

Vietnamese text writes `20.917.436`, `98,6%` and `03/11/2020`. Templates get the same
through Django's localisation (see `tinhso/formats/vi/formats.py`); this module serves code
that writes text outside a template: reports, exports, messages.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def format_number(value: int | Decimal, *, decimals: int = 0) -> str:
    """`20917436` → `20.917.436`; `Decimal("1234.5")`, decimals=1 → `1.234,5`."""
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while whole:
        groups.append(whole[-3:])
        whole = whole[:-3]
    text = ".".join(reversed(groups))
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


def format_percent(numerator: int, denominator: int, *, decimals: int = 1) -> str:
    """The share numerator/denominator as a Vietnamese percentage: (986, 1000) → `98,6%`.

    Raises ZeroDivisionError when the denominator is 0: a share of nothing has no value,
    and the caller must say so rather than print 0%.
    """
    if denominator == 0:
        raise ZeroDivisionError("a percentage of zero items is undefined")
    share = Decimal(numerator) * 100 / Decimal(denominator)
    return f"{format_number(share, decimals=decimals)}%"


def format_date(value: date) -> str:
    """`date(2020, 11, 3)` → `03/11/2020`."""
    return value.strftime("%d/%m/%Y")


def format_long_date(value: date, *, place: str | None = None) -> str:
    """The date line of an official document: `Kiên Giang, ngày 03 tháng 11 năm 2020`.

    Decree 30/2020 writes a leading zero for days below 10 and for months 1 and 2.
    """
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    text = f"ngày {value.day:02d} tháng {month} năm {value.year}"
    return f"{place}, {text}" if place else text
