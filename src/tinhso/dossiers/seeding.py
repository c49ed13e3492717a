"""Loads the demo dossiers: a few hundred at small scale (so that `make run` shows figures,
dashboards and work queues), 20,000 at full scale. Runs after the directory and the catalogue
(order 30): it needs organs, applicants and the procedures they offer. Idempotent: see
`tinhso.dossiers.demo.generate`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tinhso.dossiers import demo

SIZES = {"small": 300, "full": 20_000}


def seed_dossiers(*, scale: str, progress: Callable[..., Any]) -> list[str]:
    added = demo.generate(SIZES[scale], progress=progress)
    return [f"dossiers: {added} created"]
