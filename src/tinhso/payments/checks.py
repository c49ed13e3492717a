"""Production safety of the payment gateways (a Django system check, ADR 0013).

With DEBUG off, the platform refuses to start (`migrate`, `runserver`, `check` fail) while a
gateway still uses a simulator's published secret or points at the simulators, unless
`PAYMENT_SIMULATORS` is set on purpose (a demo server, which then also serves them).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

# The secrets the simulators are configured with by default (published in the repository).
SIMULATOR_SECRETS = frozenset({"card-simulator-secret", "paygov-simulator-secret"})
SIMULATOR_PATH = "/simulators/"
URL_KEYS = ("PAY_URL", "API_URL", "IPN_URL")


@register(Tags.security)
def gateways_not_simulated(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """payments.E001: a gateway's secret is a simulator's; payments.E002: a gateway's URL
    points at the simulators. Only with DEBUG off and PAYMENT_SIMULATORS not set."""
    if settings.DEBUG or settings.PAYMENT_SIMULATORS:
        return []
    errors: list[Error] = []
    for name, config in settings.PAYMENT_GATEWAYS.items():
        if str(config.get("SECRET", "")) in SIMULATOR_SECRETS | {""}:
            errors.append(
                Error(
                    f"Payment gateway {name!r} uses the simulator's published secret (or none).",
                    hint=f"Set PAYMENT_{name.upper()}_SECRET to the secret the gateway issued, "
                    "or PAYMENT_SIMULATORS=true on a demo server.",
                    id="payments.E001",
                )
            )
        for key in URL_KEYS:
            url = str(config.get(key, ""))
            if SIMULATOR_PATH in url:
                errors.append(
                    Error(
                        f"Payment gateway {name!r} {key} points at the simulators: {url}",
                        hint=f"Set PAYMENT_{name.upper()}_{key} to the gateway's address, "
                        "or PAYMENT_SIMULATORS=true on a demo server.",
                        id="payments.E002",
                    )
                )
    return errors
