"""Registry of demo-data loaders. Each app registers its loader in `AppConfig.ready`, so
`tinhso seed` (a core command) never imports an app above core."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class Progress(Protocol):
    def __call__(self, iterable: object, *, total: int | None = None, desc: str = "") -> object: ...


@dataclass(frozen=True)
class Seeder:
    order: int
    name: str
    load: Callable[..., list[str]]  # load(scale=, progress=, out=) -> lines to print


_SEEDERS: dict[str, Seeder] = {}
SCALES = ("small", "full")


def register(*, order: int, name: str, load: Callable[..., list[str]]) -> None:
    _SEEDERS[name] = Seeder(order, name, load)


def seeders() -> list[Seeder]:
    return sorted(_SEEDERS.values(), key=lambda s: s.order)
