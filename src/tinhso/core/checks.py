"""Production safety of the adapters to outside parties that have a simulator in the repo
(the postal service, the national portal and population database): a Django system check
helper. With DEBUG off and the adapter's simulator switch off, the platform refuses to start
(`migrate`, `check`) while a secret still holds the simulator's published value (anyone could
then forge the outside party) or an address points at the simulators."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.checks import Error

SIMULATOR_PATH = "/simulators/"


def simulator_settings_in_production(
    *, check_id: str, switch: str, published: Mapping[str, str], urls: Sequence[str]
) -> list[Error]:
    """`<check_id>.E001` for each setting of `published` still holding its published value,
    `<check_id>.E002` for each setting of `urls` pointing at the simulators; none with DEBUG or
    the setting `switch` on (a demo server)."""
    if settings.DEBUG or getattr(settings, switch, False):
        return []
    errors = [
        Error(
            f"{name} is the simulator's published value.",
            hint=f"Set {name} to the value agreed with the outside party, or {switch}=true on "
            "a demo server.",
            id=f"{check_id}.E001",
        )
        for name, value in published.items()
        if str(getattr(settings, name, "")) == value
    ]
    errors += [
        Error(
            f"{name} points at the simulator: {getattr(settings, name)}",
            hint=f"Set {name} to the outside party's address (or empty).",
            id=f"{check_id}.E002",
        )
        for name in urls
        if SIMULATOR_PATH in str(getattr(settings, name, ""))
    ]
    return errors
