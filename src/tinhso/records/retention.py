"""Retention periods of work records (thời hạn bảo quản) (pure: no Django imports).

A record is kept either permanently (Vĩnh viễn) or for a number of years (the retention
schedules give 5, 10, 20, 50 or 70 years; any whole number from 1 to 100 is accepted). The
period runs from the year the work ended (năm công việc kết thúc): a record ended in 2020 and
kept 10 years reaches the end of its period on 31/12/2030, and the appraisal board
(Hội đồng xác định giá trị tài liệu) reviews it from 2031.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

MAX_YEARS = 100
PERMANENT_WORDS = frozenset({"vinh vien", "vv", "permanent"})
_YEARS = re.compile(r"^(\d{1,3})(?:\s*(?:nam|years?))?$")


def _plain(text: str) -> str:
    """Lower case without diacritics (đ → d), single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())


@dataclass(frozen=True)
class Retention:
    """`years` of retention, or None for a permanent record."""

    years: int | None

    def __post_init__(self) -> None:
        if self.years is not None and not 1 <= self.years <= MAX_YEARS:
            raise ValueError(f"retention must be 1 to {MAX_YEARS} years or permanent")

    @property
    def permanent(self) -> bool:
        return self.years is None

    @classmethod
    def parse(cls, text: str) -> Retention:
        """ "Vĩnh viễn" (also "vinh vien", "VV", "permanent") or "10", "10 năm", "10 years".
        Raises ValueError otherwise."""
        plain = _plain(text)
        if plain in PERMANENT_WORDS:
            return cls(None)
        match = _YEARS.match(plain)
        if match is None:
            raise ValueError(f"not a retention period: {text!r}")
        return cls(int(match.group(1)))

    def ends_on(self, work_ended: date) -> date | None:
        """The last day of the period for work that ended on `work_ended`; None if permanent."""
        if self.years is None:
            return None
        return date(work_ended.year + self.years, 12, 31)

    def expired(self, work_ended: date, today: date) -> bool:
        """Whether the period is over on `today` (never for a permanent record)."""
        end = self.ends_on(work_ended)
        return end is not None and end < today

    def __str__(self) -> str:
        return "Vĩnh viễn" if self.years is None else f"{self.years} năm"
