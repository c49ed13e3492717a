"""The SMS gateway interface and its default, logging backend.

A real gateway (a telecom's brandname SMS API, an aggregator) plugs in as a subclass of
`SmsGateway` named by the `SMS_BACKEND` setting (a dotted path), built with the keyword
arguments of `SMS_OPTIONS`:

    # settings
    SMS_BACKEND = "myprovince.sms.BrandnameGateway"
    SMS_OPTIONS = {"endpoint": "https://…", "brandname": "UBND TINH", "timeout": 10}

    class BrandnameGateway(SmsGateway):
        def __init__(self, *, endpoint: str, brandname: str, timeout: float = 10) -> None: ...
        def send(self, phone: str, text: str) -> str:
            # call the provider; raise SmsError (or any exception) when it refuses;
            # return the provider's message id, kept in Notification.provider_ref
            ...

`send` is called from the `send_notification` task, outside any transaction, once per
claimed attempt; a raised exception marks the message failed with its text, to be retried.
"""

from __future__ import annotations

import logging
import uuid
from abc import ABC, abstractmethod
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("tinhso.notifications.sms")

DEFAULT_SMS_BACKEND = "tinhso.notifications.sms.LoggingSmsGateway"


class SmsError(Exception):
    """The gateway refused or could not take the message."""


class SmsGateway(ABC):
    """Sends one text message to one phone number."""

    @abstractmethod
    def send(self, phone: str, text: str) -> str:
        """Send `text` to `phone`; return the provider's message id. Raise on failure."""


class LoggingSmsGateway(SmsGateway):
    """Sends nothing: writes the message to the log (`tinhso.notifications.sms`, INFO).

    The message itself stays in the message log (`Notification`, status sent) with the id
    returned here, so a development or demo installation shows exactly what would have gone.
    """

    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, phone: str, text: str) -> str:
        message_id = f"log-{uuid.uuid4().hex[:12]}"
        logger.info("SMS %s to %s: %s", message_id, phone, text)
        return message_id


def get_gateway() -> SmsGateway:
    """The gateway named by `SMS_BACKEND` (default: the logging one), built with `SMS_OPTIONS`."""
    path = getattr(settings, "SMS_BACKEND", "") or DEFAULT_SMS_BACKEND
    gateway_class = import_string(path)
    gateway = gateway_class(**getattr(settings, "SMS_OPTIONS", {}))
    if not isinstance(gateway, SmsGateway):
        raise TypeError(f"SMS_BACKEND {path} is not an SmsGateway")
    return gateway
