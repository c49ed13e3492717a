"""Dossier codes (Circular 01/2018/TT-VPCP, art. 19), pure: `<organ>-<YYMMDD>-<NNNN>`."""

from __future__ import annotations

import re
from datetime import date

_CODE_RE = re.compile(r"^(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(\d{6})-(\d{4})$")
MAX_PER_DAY = 9999


def format_code(organ_code: str, day: date, number: int) -> str:
    """`000.00.53.H48`, 21/09/2022, 99 → `000.00.53.H48-220921-0099`."""
    if not 1 <= number <= MAX_PER_DAY:
        raise ValueError(f"number {number} outside 1..{MAX_PER_DAY}")
    return f"{organ_code}-{day:%y%m%d}-{number:04d}"


def parse_code(code: str) -> tuple[str, date, int]:
    """The organ code, intake date and number of a dossier code. Raises ValueError."""
    match = _CODE_RE.match(code.strip())
    if match is None:
        raise ValueError(code)
    organ, day, number = match.groups()
    return organ, date(2000 + int(day[:2]), int(day[2:4]), int(day[4:])), int(number)
