"""Payment gateway adapters, chosen by name from `settings.PAYMENT_GATEWAYS`."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from tinhso.payments.gateways.base import Gateway


def gateway_names() -> list[str]:
    return list(settings.PAYMENT_GATEWAYS)


def get_gateway(name: str) -> Gateway:
    """The adapter configured under `name`; KeyError for an unknown one. Settings are read on
    every call, so that a changed configuration (tests, a reload) takes effect at once."""
    config = settings.PAYMENT_GATEWAYS[name]
    cls = import_string(config["CLASS"])
    instance: Gateway = cls(config)
    return instance
