"""Reads of the node's rows, for the back office, the CLI and the capabilities above."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from tinhso.core import sql
from tinhso.directory.models import OrganIdentifier, OrganScheme
from tinhso.directory.permissions import Action, organs_in_scope
from tinhso.exchange.models import InboxMessage, MessageLog, OutboxMessage


def received_document_id(message_id: str) -> str:
    """The DocumentId of a package this node received as `message_id`, or ""."""
    return received_document_ids([message_id]).get(message_id, "")


def received_document_ids(message_ids: Sequence[str]) -> dict[str, str]:
    """The DocumentIds of packages this node received, by message id (as given): one fixed
    statement whatever the count (asked for every status 01 written back); ids that are
    not UUIDs, or not received, are left out."""
    keys: dict[uuid.UUID, str] = {}
    for message_id in message_ids:
        with contextlib.suppress(ValueError):
            keys[uuid.UUID(message_id)] = message_id
    if not keys:
        return {}
    field = InboxMessage._meta.get_field("message_id")
    among, params = sql.in_list(
        "message_id", [field.get_db_prep_value(key, connection) for key in keys]
    )
    rows = sql.fetch_all(
        f"SELECT message_id, document_id FROM {sql.table(InboxMessage)} WHERE {among}",  # noqa: S608
        params,
    )
    found = {}
    for message_id, document_id in rows:
        key = message_id if isinstance(message_id, uuid.UUID) else uuid.UUID(str(message_id))
        found[keys[key]] = str(document_id)
    return found


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


# --- The message log -------------------------------------------------------------------------

INBOUND = {
    "accepted": MessageLog.Direction.RECEIVED,
    "duplicate": MessageLog.Direction.DUPLICATE,
    "refused": MessageLog.Direction.REFUSED,
}


def received_packages(*, state: str = "", limit: int = 50) -> QuerySet[MessageLog]:
    """Packages that reached the inbox, newest first, from the message log: accepted,
    received again (answered with the first result) or refused (at receipt, or when
    applied); `state` one of INBOUND's keys or "" for all. Raises ValueError for another
    state."""
    if state and state not in INBOUND:
        raise ValueError(f"state must be one of {', '.join(INBOUND)}")
    directions = [INBOUND[state]] if state else list(INBOUND.values())
    return MessageLog.objects.filter(direction__in=directions).defer("data")[:limit]


def inbox_states(message_ids: list[Any]) -> dict[str, str]:
    """The inbox row's state (accepted, applied, refused, failed, dead) by message id."""
    rows = InboxMessage.objects.filter(message_id__in=[m for m in message_ids if m])
    return {str(m): state for m, state in rows.values_list("message_id", "state")}


@dataclass(frozen=True)
class LogFilter:
    """The back office's filters of the message log (every one optional)."""

    direction: str = ""
    organ_id: str = ""
    message_id: uuid.UUID | None = None
    document_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def message_log(*, user: Any, filters: LogFilter) -> QuerySet[MessageLog]:
    """The log entries `user` may see, filtered, newest first, without the package bytes.
    The platform's operators see every entry; an official with `exchange.view_log` sees the
    entries whose sender or recipient is an organ of their scope (by its QCVN 102 id; an
    entry with several recipients is matched on the whole list, so only by its sender)."""
    entries = MessageLog.objects.defer("data")
    if not getattr(user, "is_superuser", False):
        organs = organs_in_scope(user, Action.VIEW_EXCHANGE_LOG)
        ids = list(
            OrganIdentifier.objects.filter(
                organ__in=organs, scheme=OrganScheme.QCVN102
            ).values_list("value", flat=True)
        )
        entries = entries.filter(Q(sender_id__in=ids) | Q(recipient_id__in=ids))
    if filters.direction:
        entries = entries.filter(direction=filters.direction)
    if filters.organ_id:
        organ = filters.organ_id.strip()
        entries = entries.filter(
            Q(sender_id=organ)
            | Q(recipient_id=organ)
            | Q(recipient_id__contains=f"{organ},")
            | Q(recipient_id__endswith=f",{organ}")
        )
    if filters.message_id:
        entries = entries.filter(message_id=filters.message_id)
    if filters.document_id:
        entries = entries.filter(document_id__icontains=filters.document_id.strip())
    if filters.date_from:
        entries = entries.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(at__date__lte=filters.date_to)
    return entries.order_by("-seq")
