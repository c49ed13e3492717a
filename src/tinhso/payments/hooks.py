"""Handlers other apps register to react to payments (payments never imports them).

`register_paid_handler("dossiers.dossier", handler)`: the handler gets the PaymentRequest once
it is paid, inside the transaction that marked it paid (so both commit or neither).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_PAID: dict[str, Callable[[Any], None]] = {}


def register_paid_handler(source: str, handler: Callable[[Any], None]) -> None:
    _PAID[source] = handler


def request_paid(request: Any) -> None:
    handler = _PAID.get(request.source)
    if handler is not None:
        handler(request)
