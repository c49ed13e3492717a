"""The catalogue of services: those this node offers (its API, one service per OpenAPI tag) and
those it consumes (national systems, payment gateways, the postal service, peer nodes).

The sources are registered by the shell (`tinhso.config.gateway`), so core never imports an
app. Reading the catalogue loads the URL configuration first, which registers them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import get_resolver


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    access: str  # public | key | session | peer
    scope: str = ""  # for access "key": the scope a key must hold


@dataclass(frozen=True)
class OfferedService:
    code: str  # the OpenAPI tag
    title: str
    operations: tuple[Operation, ...] = field(default_factory=tuple)

    @property
    def scopes(self) -> list[str]:
        return sorted({op.scope for op in self.operations if op.scope})

    @property
    def access(self) -> list[str]:
        return sorted({op.access for op in self.operations})


@dataclass(frozen=True)
class ConsumedService:
    code: str
    title: str
    kind: str  # national | payment | postal | peer
    url: str  # "" when not configured
    simulator: bool = False  # answered by the simulator shipped in this repository
    active: bool = True

    @property
    def configured(self) -> bool:
        return bool(self.url)


_offered: list[Callable[[], list[OfferedService]]] = []
_consumed: list[Callable[[], list[ConsumedService]]] = []


def register_offered(source: Callable[[], list[OfferedService]]) -> None:
    if source not in _offered:
        _offered.append(source)


def register_consumed(source: Callable[[], list[ConsumedService]]) -> None:
    if source not in _consumed:
        _consumed.append(source)


def _load() -> None:
    get_resolver().url_patterns  # noqa: B018 (importing the URLs registers the sources)


def offered() -> list[OfferedService]:
    """The services of this node's API, by code."""
    _load()
    return sorted((s for source in _offered for s in source()), key=lambda s: s.code)


def consumed() -> list[ConsumedService]:
    """The outside services this node calls, by kind and code."""
    _load()
    return sorted((s for source in _consumed for s in source()), key=lambda s: (s.kind, s.code))


def known_scopes() -> list[str]:
    """Every scope a key may be given: those the API's routes demand."""
    return sorted({scope for service in offered() for scope in service.scopes})
