"""Production safety of the postal adapter (a Django system check, ADR 0015).

With DEBUG off and POSTAL_SIMULATOR off, the platform refuses to start while the postal
settings still hold the simulator's published token or webhook secret (anyone could then
forge delivery statuses) or point at the simulator.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

SIMULATOR_VALUES = frozenset({"buu-chinh-simulator-key", "buu-chinh-simulator-secret"})


@register(Tags.security)
def postal_not_simulated(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """postal.E001: the simulator's published token or secret; postal.E002: the API URL
    points at the simulator."""
    if settings.DEBUG or settings.POSTAL_SIMULATOR:
        return []
    errors: list[Error] = []
    for name in ("POSTAL_API_KEY", "POSTAL_WEBHOOK_SECRET"):
        if str(getattr(settings, name, "")) in SIMULATOR_VALUES:
            errors.append(
                Error(
                    f"{name} is the postal simulator's published value.",
                    hint=f"Set {name} to the value agreed with the postal service, or "
                    "POSTAL_SIMULATOR=true on a demo server.",
                    id="postal.E001",
                )
            )
    if "/simulators/" in str(settings.POSTAL_API_URL):
        errors.append(
            Error(
                f"POSTAL_API_URL points at the simulator: {settings.POSTAL_API_URL}",
                hint="Set POSTAL_API_URL to the postal service's address (or empty).",
                id="postal.E002",
            )
        )
    return errors
