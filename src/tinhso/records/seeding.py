"""Loads the demo work records (`records.demo`) after the demo documents (order 35): the same
at either scale. Idempotent: the story is played once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tinhso.records import demo


def seed_records(*, scale: str, progress: Callable[..., Any]) -> list[str]:
    made = demo.generate()
    if made is None:
        return ["records: 0 created (the demo records are there, or no demo documents)"]
    return [f"records: {made.summary()} created"]
