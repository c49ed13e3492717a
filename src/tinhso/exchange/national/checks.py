"""Production safety of the national adapters (a Django system check, ADR 0014): with DEBUG
off and NATIONAL_SIMULATORS off, the platform refuses to start while the portal's client
secret or the population database's key still hold the simulators' published values, or an
address points at the simulators (`core.checks`)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register

from tinhso.core.checks import simulator_settings_in_production

PUBLISHED = {
    "NATIONAL_PORTAL_CLIENT_SECRET": "dvcqg-simulator-secret",
    "NATIONAL_POPULATION_KEY": "csdlqgdc-simulator-key",
}


@register(Tags.security)
def national_not_simulated(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """national.E001: a simulator's published secret; national.E002: an address of the
    simulators."""
    return simulator_settings_in_production(
        check_id="national",
        switch="NATIONAL_SIMULATORS",
        published=PUBLISHED,
        urls=["NATIONAL_PORTAL_URL", "NATIONAL_POPULATION_URL"],
    )
