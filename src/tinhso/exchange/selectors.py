"""Reads of the node's rows, for the back office, the CLI and the capabilities above."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from tinhso.exchange.models import InboxMessage, OutboxMessage


def received_document_id(message_id: str) -> str:
    """The DocumentId of a package this node received as `message_id`, or ""."""
    try:
        key = uuid.UUID(message_id)
    except ValueError:
        return ""
    row = InboxMessage.objects.filter(message_id=key).only("document_id").first()
    return row.document_id if row else ""


def dead_letters() -> QuerySet[OutboxMessage]:
    """Messages the worker gave up on, newest first: what an administrator replays."""
    return OutboxMessage.objects.filter(state=OutboxMessage.State.DEAD).select_related("peer")


def message_by_id(message_id: str) -> OutboxMessage | InboxMessage | None:
    """The outbox or inbox row of `message_id` (outbox first), or None."""
    try:
        key = uuid.UUID(message_id)
    except ValueError:
        return None
    return (
        OutboxMessage.objects.filter(message_id=key).first()
        or InboxMessage.objects.filter(message_id=key).first()
    )
