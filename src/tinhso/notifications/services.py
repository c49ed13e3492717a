"""Writes of notifications: queue templated messages, deliver one, retry the failed ones.

`notify` renders the event's templates for each recipient and writes the message log rows in
the caller's transaction; the `send_notification` task is enqueued for each new row only when
that transaction commits, so a rolled-back action sends nothing. Delivery claims the row first
(queued or failed → sending, attempts + 1) with one conditional UPDATE, so two workers never
send the same row, and a sent row is never sent again.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid, quote
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tinhso.notifications.models import Channel, Notification, Status
from tinhso.notifications.sms import get_gateway

logger = logging.getLogger("tinhso.notifications")

# A failed message is tried at most this many times in all (first send included).
MAX_ATTEMPTS = 5
# A row left "sending" this long belongs to a worker that died mid-send: it may be retried
# (at the risk of a duplicate, which is better than a lost receipt).
STALE_SENDING = timedelta(minutes=15)
TEMPLATE_DIR = "notifications"


@dataclass(frozen=True)
class Recipient:
    """Whom to tell, and where: an email message goes to `email`, an SMS to `phone`."""

    name: str
    email: str = ""
    phone: str = ""


def idempotency_key(key: str, channel: str, address: str) -> str:
    return hashlib.sha256(f"{key}\n{channel}\n{address.lower()}".encode()).hexdigest()


def unaccent(text: str) -> str:
    """Vietnamese without diacritics, case kept ("Hồ sơ Đã" → "Ho so Da").

    SMS texts are sent so: with diacritics a message is UCS-2 (70 characters a segment instead
    of 160), and brandname SMS routes commonly expect plain text.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def _render(name: str, context: dict[str, Any]) -> str:
    return render_to_string(f"{TEMPLATE_DIR}/{name}", context).strip()


def render(event: str, context: dict[str, Any]) -> dict[str, str]:
    """The event's messages in Vietnamese, in the installation's time zone:
    `subject` (one line), `body` (plain text), `body_html`, `sms` (one line, no diacritics)."""
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        return {
            "subject": " ".join(_render(f"{event}.subject.txt", context).split()),
            "body": _render(f"{event}.txt", context) + "\n",
            "body_html": _render(f"{event}.html", context),
            "sms": unaccent(" ".join(_render(f"{event}.sms.txt", context).split())),
        }


def _enqueue(notification_id: int) -> None:
    from tinhso.notifications.tasks import send_notification

    send_notification.enqueue(notification_id)


def notify(
    *,
    event: str,
    key: str,
    recipients: Iterable[Recipient],
    context: dict[str, Any],
    ref: str = "",
) -> list[Notification]:
    """Queue the `event` messages for each recipient: an email where they have an address,
    an SMS where they have a phone number; nothing for a recipient with neither.

    `key` names this occurrence of the event ("dossier:12:received"): announcing it again
    writes and sends nothing more for an address already told. Rendering happens here, so the
    log keeps exactly what was sent. Returns the rows written now. Raises
    TemplateDoesNotExist for an unknown event (before writing anything).
    """
    base = {"site_name": settings.SITE_NAME, **context}
    created: list[Notification] = []
    with transaction.atomic():
        for recipient in recipients:
            addresses = [
                (Channel.EMAIL, recipient.email.strip()),
                (Channel.SMS, "".join(recipient.phone.split())),
            ]
            if not any(address for _channel, address in addresses):
                continue
            message = render(event, {**base, "recipient_name": recipient.name})
            for channel, address in addresses:
                if not address:
                    continue
                row, is_new = Notification.objects.get_or_create(
                    idempotency_key=idempotency_key(key, channel, address),
                    defaults={
                        "event": event,
                        "key": key,
                        "ref": ref,
                        "channel": channel,
                        "recipient": address,
                        "recipient_name": recipient.name,
                        "subject": message["subject"][:300] if channel == Channel.EMAIL else "",
                        "body": message["body"] if channel == Channel.EMAIL else message["sms"],
                        "body_html": message["body_html"] if channel == Channel.EMAIL else "",
                    },
                )
                if is_new:
                    created.append(row)
                    transaction.on_commit(
                        lambda pk=row.pk: _enqueue(pk),  # type: ignore[misc]
                        robust=True,
                    )
    return created


def _send_email(notification: Notification) -> str:
    message_id = make_msgid(domain=str(DNS_NAME))
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        # Django encodes a non-ASCII display name itself (RFC 2047) when it builds the header.
        to=[f'"{quote(notification.recipient_name)}" <{notification.recipient}>'],
        headers={
            "Message-ID": message_id,
            "Auto-Submitted": "auto-generated",
            "X-Tinhso-Event": notification.event,
        },
        connection=get_connection(fail_silently=False),
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    message.send(fail_silently=False)
    return message_id


def _send_sms(notification: Notification) -> str:
    return get_gateway().send(notification.recipient, notification.body)


def notification_deliver(*, notification_id: int) -> str:
    """Send one logged message unless it was sent already; return its status afterwards.

    Claims the row (queued, or failed with attempts left → sending; attempts + 1) in one
    conditional UPDATE, sends outside any transaction, then records sent or failed with the
    error. Never raises for a failed send: the failure is in the log, and the action that
    queued the message is long committed.
    """
    now = timezone.now()
    claimable = Q(status=Status.QUEUED) | Q(status=Status.FAILED, attempts__lt=MAX_ATTEMPTS)
    claimed = (
        Notification.objects.filter(claimable, pk=notification_id).update(
            status=Status.SENDING, attempts=F("attempts") + 1, last_attempt_at=now
        )
        == 1
    )
    if not claimed:
        current = Notification.objects.filter(pk=notification_id).values_list("status", flat=True)
        return current.first() or "missing"
    notification = Notification.objects.get(pk=notification_id)
    try:
        sender = _send_email if notification.channel == Channel.EMAIL else _send_sms
        provider_ref = sender(notification)
    except Exception as error:
        text = f"{type(error).__name__}: {error}"[:2000]
        Notification.objects.filter(pk=notification_id).update(status=Status.FAILED, error=text)
        logger.warning(
            "notification %s to %s failed (attempt %s): %s",
            notification_id,
            notification.recipient,
            notification.attempts,
            text,
        )
        return Status.FAILED.value
    Notification.objects.filter(pk=notification_id).update(
        status=Status.SENT, sent_at=timezone.now(), error="", provider_ref=provider_ref[:200]
    )
    return Status.SENT.value


def notification_retry(*, notifications: Iterable[Notification] | None = None) -> int:
    """Enqueue again the failed messages with attempts left, and those stuck "sending" for
    longer than STALE_SENDING (their worker died); or only `notifications` when given.
    Returns how many were enqueued."""
    stale = timezone.now() - STALE_SENDING
    due = Notification.objects.filter(
        Q(status=Status.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=Status.SENDING, last_attempt_at__lt=stale)
    )
    if notifications is not None:
        due = due.filter(pk__in=[n.pk for n in notifications])
    ids = list(due.values_list("pk", flat=True))
    # A stuck row goes back to failed so that the task may claim it.
    Notification.objects.filter(
        pk__in=ids, status=Status.SENDING, last_attempt_at__lt=stale
    ).update(status=Status.FAILED)
    for pk in ids:
        transaction.on_commit(lambda pk=pk: _enqueue(pk), robust=True)  # type: ignore[misc]
    return len(ids)
