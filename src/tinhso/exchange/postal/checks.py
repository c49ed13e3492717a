"""Production safety of the postal adapter (a Django system check, ADR 0015): with DEBUG off
and POSTAL_SIMULATOR off, the platform refuses to start while the postal settings still hold
the simulator's published token or webhook secret (anyone could then forge delivery
statuses) or point at the simulator (`core.checks`)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register

from tinhso.core.checks import simulator_settings_in_production

PUBLISHED = {
    "POSTAL_API_KEY": "buu-chinh-simulator-key",
    "POSTAL_WEBHOOK_SECRET": "buu-chinh-simulator-secret",
}


@register(Tags.security)
def postal_not_simulated(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """postal.E001: the simulator's published token or secret; postal.E002: the API URL
    points at the simulator."""
    return simulator_settings_in_production(
        check_id="postal", switch="POSTAL_SIMULATOR", published=PUBLISHED, urls=["POSTAL_API_URL"]
    )
