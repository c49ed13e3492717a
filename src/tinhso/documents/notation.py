"""Number and notation of official documents (số, ký hiệu), Decree 30/2020 (pure: no Django).

- A document with a type name: `123/BC-UBND` (number / type abbreviation - organ).
- A công văn (no type abbreviation): `45/UBND-VP` (number / organ - drafting unit).
- A legal normative document carries its year: `42/2022/NĐ-CP`, `12/2021/QĐ-UBND`.

Numbers start at 01 on 1 January, so numbers below 10 are written with a leading zero. The
place-and-date line ("Kiên Giang, ngày 03 tháng 11 năm 2020") is `core.formats.format_long_date`;
`place_date_line` adds the place name derived from the administrative unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tinhso.core.formats import format_long_date
from tinhso.documents.types import BY_ABBREVIATION

# An organ or unit abbreviation: capitals (Đ included) and digits, e.g. UBND, SNV, HĐND, VP.
ABBREVIATION = r"[A-ZĐ0-9]+"
_ABBREVIATION_RE = re.compile(rf"^{ABBREVIATION}$")
# A type abbreviation as Appendix III writes it: letters, mixed case allowed (QyĐ, CTr, TTr).
_TYPE_RE = re.compile(r"^[A-ZĐ][A-Za-zĐđ]*$")
_NOTATION_RE = re.compile(
    rf"^(?P<number>\d{{1,6}})(?:/(?P<year>\d{{4}}))?/(?P<rest>[A-Za-zĐđ0-9]+(?:-{ABBREVIATION})+"
    rf"|{ABBREVIATION})$"
)
_PLACE_PREFIXES = (
    "Thành phố ",
    "Tỉnh ",
    "Thị xã ",
    "Huyện ",
    "Quận ",
    "Thị trấn ",
    "Phường ",
    "Xã ",
    "Đặc khu ",
)


@dataclass(frozen=True)
class Notation:
    """A document's number and notation.

    `type_abbreviation` is "" for a công văn, which names the drafting `unit` instead (may be
    "" too: `45/UBND`). `organ` may join several abbreviations with hyphens (`BTC-BNV` for a
    joint document). `year` only for legal normative documents.
    """

    number: int
    organ: str
    type_abbreviation: str = ""
    unit: str = ""
    year: int | None = None

    def __post_init__(self) -> None:
        if self.number < 1:
            raise ValueError(f"number {self.number} must be at least 1")
        for part in self.organ.split("-"):
            if not _ABBREVIATION_RE.match(part):
                raise ValueError(f"bad organ abbreviation {self.organ!r}")
        if self.unit and not all(_ABBREVIATION_RE.match(p) for p in self.unit.split("-")):
            raise ValueError(f"bad unit abbreviation {self.unit!r}")
        if self.type_abbreviation:
            if not _TYPE_RE.match(self.type_abbreviation):
                raise ValueError(f"bad type abbreviation {self.type_abbreviation!r}")
            if self.unit:
                raise ValueError("a document with a type name carries no drafting unit")
        elif self.year is not None:
            raise ValueError("only a legal normative document (with a type) carries the year")
        if self.year is not None and not 1900 <= self.year <= 9999:
            raise ValueError(f"year {self.year} out of range")

    @property
    def symbol(self) -> str:
        """The notation without the number: `BC-UBND`, `UBND-VP`, `2022/NĐ-CP`."""
        if self.type_abbreviation:
            tail = f"{self.type_abbreviation}-{self.organ}"
            return f"{self.year}/{tail}" if self.year is not None else tail
        return f"{self.organ}-{self.unit}" if self.unit else self.organ

    def __str__(self) -> str:
        return f"{format_number(self.number)}/{self.symbol}"


def format_number(number: int) -> str:
    """`1` → `01`, `123` → `123`: numbering starts at 01 (Decree 30, art. 15)."""
    if number < 1:
        raise ValueError(f"number {number} must be at least 1")
    return f"{number:02d}"


def format_notation(
    *,
    number: int,
    organ: str,
    type_abbreviation: str = "",
    unit: str = "",
    year: int | None = None,
) -> str:
    """`123/BC-UBND`, `45/UBND-VP`, `42/2022/NĐ-CP`. Raises ValueError on a bad part."""
    return str(Notation(number, organ, type_abbreviation, unit, year))


def parse_notation(text: str) -> Notation:
    """The parts of a notation, with or without the leading "Số:". Raises ValueError.

    `45/CT-TTHT` could be a directive (CT) of TTHT or a công văn of the organ CT: a first
    part that is a known type abbreviation is read as the type, and a notation with a year
    always has a type.
    """
    cleaned = "".join(text.split())
    cleaned = cleaned.removeprefix("Số:").removeprefix("số:")
    match = _NOTATION_RE.match(cleaned)
    if match is None:
        raise ValueError(f"not a document notation: {text!r}")
    number = int(match["number"])
    year = int(match["year"]) if match["year"] else None
    first, _sep, rest = match["rest"].partition("-")
    if year is not None or first in BY_ABBREVIATION:
        if not rest:
            raise ValueError(f"no issuing organ in {text!r}")
        return Notation(number, rest, first, "", year)
    return Notation(number, first, "", rest, None)


def number_line(notation: Notation | None, *, symbol: str = "") -> str:
    """The "Số:" line of the layout: `Số: 123/BC-UBND`; before issue the number is left blank
    for the clerk (`Số:      /BC-UBND`), given the `symbol`."""
    if notation is not None:
        return f"Số: {notation}"
    return f"Số:{' ' * 6}/{symbol}"


def place_name(unit_name: str) -> str:
    """The place of the date line from an administrative unit's name: `Tỉnh Kiên Giang` →
    `Kiên Giang`, `Thành phố Rạch Giá` → `Rạch Giá` (Decree 30: the proper name only)."""
    name = unit_name.strip()
    for prefix in _PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :].strip()
    return name


def place_date_line(place: str, day: date) -> str:
    """`Kiên Giang, ngày 03 tháng 11 năm 2020`: a leading zero for days below 10 and for
    months 1 and 2 (Decree 30, appendix I)."""
    return format_long_date(day, place=place)


def blank_date_line(place: str, year: int) -> str:
    """The date line of a draft, left for the clerk to fill at issue."""
    gap = " " * 5
    return f"{place}, ngày{gap}tháng{gap}năm {year}"
