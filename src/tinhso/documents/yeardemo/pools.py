"""What the year of demo documents is drawn from: the texts (folded once), the days, the
weights of organs and types, and the exact split of documents between organs."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tinhso.documents.yeardemo.texts import (
    BODY_SENTENCES,
    MEETINGS,
    PREAMBLE,
    PROJECTS,
    SUMMARIES,
    TOPICS,
    UNITS,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS = 365  # the year of documents ending on the day of the load
# Documents per organ by its kind: the committee of the province and its office write and
# receive the most, a commune the fewest.
KIND_WEIGHTS = {
    "province_committee": 120,
    "committee_office": 60,
    "department": 40,
    "district_committee": 30,
    "district_office": 4,
    "commune_committee": 6,
}
URGENCIES = [("normal", 88), ("urgent", 8), ("very_urgent", 3), ("express", 1)]


def working_days(end: date) -> list[date]:
    """Monday to Friday of the DAYS days ending on `end`."""
    days = (end - timedelta(days=d) for d in range(DAYS))
    return sorted(d for d in days if d.weekday() < 5)


def split(count: int, weights: Sequence[int]) -> list[int]:
    """`count` split in proportion to `weights`, summing exactly to `count`."""
    total = sum(weights)
    sizes = [count * w // total for w in weights]
    for i in range(count - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return sizes


def organ_weights(organs: Sequence[Any]) -> list[int]:
    return [KIND_WEIGHTS.get(o.kind, 2) for o in organs]


def weighted(rng: random.Random, table: Sequence[tuple[str, int]]) -> str:
    return rng.choices([k for k, _w in table], weights=[w for _k, w in table])[0]


def moment(rng: random.Random, day: date) -> datetime:
    """A moment of the working hours of `day`, in Vietnam time."""
    minutes = rng.randint(7 * 60 + 30, 16 * 60 + 45)
    return datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=VN)


def _folded(fold: Callable[[str], str], values: Sequence[str]) -> list[tuple[str, str]]:
    return [(v, fold(v)) for v in values]


class Texts:
    """Every text pool, with each entry folded once (summaries and bodies are composed folded
    from folded pieces instead of folding a whole body per document)."""

    def __init__(self, fold: Callable[[str], str], places: list[str]) -> None:
        self.fold = fold
        self.topics = _folded(fold, TOPICS)
        self.places = _folded(fold, places)
        self.units = _folded(fold, UNITS)
        self.projects = _folded(fold, PROJECTS)
        self.meetings = _folded(fold, MEETINGS)
        self.preamble = [fold(p) for p in PREAMBLE]
        self.sentences = [fold(s) for s in BODY_SENTENCES]
        self.summaries = {k: _folded(fold, v) for k, v in SUMMARIES.items()}

    def slots(self, rng: random.Random, day: date) -> tuple[dict[str, str], dict[str, str]]:
        picks = {
            "topic": rng.choice(self.topics),
            "topic2": rng.choice(self.topics),
            "place": rng.choice(self.places),
            "unit": rng.choice(self.units),
            "project": rng.choice(self.projects),
            "meeting": rng.choice(self.meetings),
        }
        numbers = {
            "month": str(day.month),
            "quarter": str((day.month - 1) // 3 + 1),
            "year": str(day.year),
            "next": str(day.year + 1),
            "n": str(rng.randint(2, 60)),
        }
        # Projects and meetings carry number slots themselves ("dự toán ngân sách năm {next}").
        original = {k: v[0].format(**numbers) for k, v in picks.items()}
        folded = {k: v[1].format(**numbers) for k, v in picks.items()}
        return original | numbers, folded | numbers

    def summary(
        self, rng: random.Random, kind: str, slots: dict[str, str], folded: dict[str, str]
    ) -> tuple[str, str]:
        """A summary of a document of `kind`, and its folded text (fold(summary))."""
        templates = self.summaries.get(kind) or self.summaries["official_letter"]
        template, template_folded = rng.choice(templates)
        return template.format(**slots), template_folded.format(**folded)

    def body(self, rng: random.Random, folded_slots: dict[str, str]) -> str:
        """The folded text of the document's file: a preamble and 3–7 paragraphs."""
        parts = rng.sample(self.preamble, 2)
        parts += [s.format(**folded_slots) for s in rng.sample(self.sentences, rng.randint(3, 7))]
        return "\n".join(parts)
