"""Validators for the identifiers the platform exchanges (pure: no Django imports).

Each validator returns the normalised value or raises `CodeError`, whose `code` names the
rule that failed so that callers can phrase the message for their own field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# Two-digit statistics codes of the 63 provinces in force until 30/06/2025 (Decision
# 124/2004/QĐ-TTg and its amendments). The first three digits of a CCCD are "0" + one of
# these: the province where the birth was registered.
PROVINCE_CODES_2020: frozenset[str] = frozenset(
    [
        "01",
        "02",
        "04",
        "06",
        "08",
        "10",
        "11",
        "12",
        "14",
        "15",
        "17",
        "19",
        "20",
        "22",
        "24",
        "25",
        "26",
        "27",
        "30",
        "31",
        "33",
        "34",
        "35",
        "36",
        "37",
        "38",
        "40",
        "42",
        "44",
        "45",
        "46",
        "48",
        "49",
        "51",
        "52",
        "54",
        "56",
        "58",
        "60",
        "62",
        "64",
        "66",
        "67",
        "68",
        "70",
        "72",
        "74",
        "75",
        "77",
        "79",
        "80",
        "82",
        "83",
        "84",
        "86",
        "87",
        "89",
        "91",
        "92",
        "93",
        "94",
        "95",
        "96",
    ]
)

# Weights of the first nine digits of a tax code; the tenth digit is the check digit.
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)

_QCVN102_RE = re.compile(r"^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z])(\d{2})$")
_DECISION20_RE = re.compile(r"^[0-9A-Z]+(\.[0-9A-Z]+)*$")
_UNIT_CODE_LENGTHS = {2: "province", 3: "district", 5: "commune"}


@dataclass(frozen=True)
class CodeError(ValueError):
    """A value that breaks a named rule (`code`) of an identifier scheme."""

    code: str
    value: str

    def __str__(self) -> str:
        return f"{self.code}: {self.value!r}"


@dataclass(frozen=True)
class CitizenId:
    """A parsed 12-digit citizen identity number (CCCD / personal identification number)."""

    number: str
    province_code: str
    birth_year: int
    sex: str  # "male" | "female"


def validate_cccd(value: str, *, today: date | None = None) -> CitizenId:
    """Parse a CCCD: 3 digits of province, 1 of century and sex, 2 of birth year, 6 random.

    Raises CodeError("length" | "digits" | "province" | "birth_year").
    """
    number = value.strip()
    if not number.isascii() or not number.isdigit():
        raise CodeError("digits", value)
    if len(number) != 12:
        raise CodeError("length", value)
    if number[0] != "0" or number[1:3] not in PROVINCE_CODES_2020:
        raise CodeError("province", value)
    century_sex = int(number[3])
    # 0/1: 20th century male/female, 2/3: 21st, 4/5: 22nd, 6/7: 23rd, 8/9: 19th.
    century = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200}.get(
        century_sex, 1800
    )
    year = century + int(number[4:6])
    if year > (today or date.today()).year:
        raise CodeError("birth_year", value)
    return CitizenId(
        number=number,
        province_code=number[1:3],
        birth_year=year,
        sex="male" if century_sex % 2 == 0 else "female",
    )


def tax_check_digit(first_nine: str) -> int | None:
    """The check digit of a tax code's first nine digits, or None when none can be valid."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, _TAX_WEIGHTS, strict=True)) % 11
    return None if remainder == 0 else 10 - remainder


def validate_tax_code(value: str) -> str:
    """Validate an enterprise tax code: 10 digits with check digit, or 10 + "-" + 3 (branch).

    Raises CodeError("format" | "check_digit" | "branch").
    """
    code = value.strip()
    main, _, branch = code.partition("-")
    if not (main.isascii() and main.isdigit() and len(main) == 10):
        raise CodeError("format", value)
    if "-" in code and not (branch.isascii() and branch.isdigit() and len(branch) == 3):
        raise CodeError("format", value)
    if branch == "000":
        raise CodeError("branch", value)
    if tax_check_digit(main[:9]) != int(main[9]):
        raise CodeError("check_digit", value)
    return code


@dataclass(frozen=True)
class OrganCode:
    """A QCVN 102:2016 organ identifier `V1V2V3.Z1Z2.Y1Y2.MX1X2`, read right to left."""

    value: str
    level4: str
    level3: str
    level2: str
    level1: str

    @property
    def depth(self) -> int:
        """How many levels the identifier uses (1 for a level-1 organ such as `H49`)."""
        if self.level4 != "000":
            return 4
        if self.level3 != "00":
            return 3
        if self.level2 != "00":
            return 2
        return 1


def validate_qcvn102(value: str) -> OrganCode:
    """Parse a QCVN 102 organ identifier. Raises CodeError("format" | "gap")."""
    code = value.strip()
    match = _QCVN102_RE.match(code)
    if match is None:
        raise CodeError("format", value)
    level4, level3, level2, letter, number = match.groups()
    if number == "00":
        raise CodeError("format", value)
    # Positions are filled from the right: a lower level cannot be set under an empty one.
    if (level3 != "00" and level2 == "00") or (level4 != "000" and level3 == "00"):
        raise CodeError("gap", value)
    return OrganCode(code, level4, level3, level2, letter + number)


def validate_decision20(value: str) -> str:
    """Validate a Decision 20/2020/QĐ-TTg identifier: up to 35 of `[0-9A-Z.]`, dot-separated.

    Raises CodeError("format" | "length").
    """
    code = value.strip()
    if len(code) > 35:
        raise CodeError("length", value)
    if not _DECISION20_RE.match(code):
        raise CodeError("format", value)
    return code


def validate_unit_code(value: str) -> str:
    """Validate a statistics code of an administrative unit (2, 3 or 5 digits).

    Returns the level it denotes ("province" | "district" | "commune").
    Raises CodeError("format").
    """
    code = value.strip()
    if not (code.isascii() and code.isdigit()) or len(code) not in _UNIT_CODE_LENGTHS:
        raise CodeError("format", value)
    return _UNIT_CODE_LENGTHS[len(code)]
