"""Reads of documents: what an official may see, the work lists and queues (most urgent
first), markers for deadlines, the exchange queue and the registers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.directory.models import Official
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can, organs_in_scope
from tinhso.documents.models import (
    ApprovalStep,
    Document,
    DocumentFile,
    IncomingDocument,
    Recipient,
    Register,
)
from tinhso.documents.states import INCOMING_RUNNING, IncomingState, OutgoingState
from tinhso.documents.types import URGENCY_RANK, Confidentiality, Urgency
from tinhso.workcalendar.selectors import calendar_for

# A handling deadline is "due soon" in its last working day (8 working hours or less left).
DUE_SOON_WORKING_MINUTES = 8 * 60

URGENCY_ORDER = Case(
    *[When(urgency=u.value, then=Value(rank)) for u, rank in URGENCY_RANK.items()],
    default=Value(URGENCY_RANK[Urgency.NORMAL]),
    output_field=IntegerField(),
)


def listed_organs(user: Any, *actions: Permission) -> list[int]:
    """The ids of the organs where `user` may do any of `actions`, read once per user object
    (as its grants are: once per request)."""
    memo = getattr(user, "_tinhso_listed_organs", None)
    if memo is None:
        memo = user._tinhso_listed_organs = {}
    key = tuple(sorted(actions))
    if key not in memo:
        organs = organs_in_scope(user, actions[0])
        for action in actions[1:]:
            organs = organs | organs_in_scope(user, action)
        memo[key] = list(organs.values_list("pk", flat=True))
    return list(memo[key])


def listed_officials(user: Any) -> list[int]:
    """The ids of `user`'s official records (assignees are officials), read once per user
    object."""
    mine = getattr(user, "_tinhso_listed_officials", None)
    if mine is None:
        officials = Official.objects.filter(user_id=getattr(user, "pk", None))
        mine = user._tinhso_listed_officials = list(officials.values_list("pk", flat=True))
    return list(mine)


def _scope(user: Any, listed: bool, *actions: Permission) -> Any:
    """The organs as a subquery, or listed by id so that the planner can match them against
    an index (the search index asks for that)."""
    if listed:
        return listed_organs(user, *actions)
    organs = organs_in_scope(user, actions[0])
    for action in actions[1:]:
        organs = organs | organs_in_scope(user, action)
    return organs


def _among(listed: bool) -> str:
    """The lookup for membership: a subquery with `in`; listed ids as one array parameter
    (`any_of`, core/lookups.py: hundreds of organs in one placeholder each cost more to
    write and convert than the search's own work)."""
    return "any_of" if listed else "in"


def outgoing_visibility(user: Any, *, listed: bool = False) -> Q:
    """Documents of an organ (or drafted by a unit) where `user` may view documents; classified
    entries only where they also register or sign documents. A condition on the fields
    `organ`, `drafting_unit` and `confidentiality`, which the search index carries too (it
    asks for the organs `listed`)."""
    scope = _scope(user, listed, Permission.VIEW_DOCUMENTS)
    secret_scope = _scope(user, listed, Permission.REGISTER_DOCUMENT, Permission.SIGN_DOCUMENT)
    among = _among(listed)
    return (Q(**{f"organ__{among}": scope}) | Q(**{f"drafting_unit__{among}": scope})) & (
        Q(confidentiality=Confidentiality.NONE) | Q(**{f"organ__{among}": secret_scope})
    )


def documents_for(*, user: Any) -> QuerySet[Document]:
    """The outgoing documents `user` may see."""
    return Document.objects.filter(outgoing_visibility(user)).select_related(
        "organ", "drafting_unit", "signer__user", "register"
    )


def document_for(*, user: Any, pk: int) -> Document:
    """One outgoing document `user` may see, or Http404 (also for one outside their scope)."""
    document = documents_for(user=user).filter(pk=pk).first()
    if document is None:
        raise Http404(_("Không có văn bản này trong phạm vi của bạn."))
    return document


def incoming_visibility(user: Any, *, listed: bool = False) -> Q:
    """Incoming documents of organs where `user` views documents (classified ones only where
    they register or assign documents), and those assigned to them. A condition on the fields
    `organ`, `confidentiality` and `assignee`, which the search index carries too (it asks
    for the organs and the user's officials `listed`)."""
    scope = _scope(user, listed, Permission.VIEW_DOCUMENTS)
    secret_scope = _scope(user, listed, Permission.REGISTER_DOCUMENT, Permission.ASSIGN_DOCUMENT)
    among = _among(listed)
    visible = Q(**{f"organ__{among}": scope}) & (
        Q(confidentiality=Confidentiality.NONE) | Q(**{f"organ__{among}": secret_scope})
    )
    if listed:
        return visible | Q(assignee__any_of=listed_officials(user))
    return visible | Q(assignee__user=user)


def incoming_for(*, user: Any) -> QuerySet[IncomingDocument]:
    """The incoming documents `user` may see (`incoming_visibility`)."""
    return IncomingDocument.objects.filter(incoming_visibility(user)).select_related(
        "organ", "assignee__user", "register", "origin"
    )


def incoming_one(*, user: Any, pk: int) -> IncomingDocument:
    incoming = incoming_for(user=user).filter(pk=pk).first()
    if incoming is None:
        raise Http404(_("Không có văn bản đến này trong phạm vi của bạn."))
    return incoming


def by_urgency(queryset: QuerySet[IncomingDocument]) -> QuerySet[IncomingDocument]:
    """Hỏa tốc first, then Thượng khẩn, Khẩn, normal; within each, the nearest deadline
    (none last), then the order of arrival."""
    return queryset.annotate(urgency_rank=URGENCY_ORDER).order_by(
        "urgency_rank", F("handling_deadline").asc(nulls_last=True), "arrived_at", "pk"
    )


def incoming_queue(*, user: Any) -> QuerySet[IncomingDocument]:
    """The incoming documents waiting for `user`, most urgent first: arrived ones to register
    where they are a clerk; registered ones to assign where they are a leader; those assigned
    to them and not finished. Documents their sender took back are never waiting."""
    condition = Q(assignee__user=user, state__in=[s.value for s in INCOMING_RUNNING])
    to_register = organs_in_scope(user, Permission.REGISTER_DOCUMENT)
    to_assign = organs_in_scope(user, Permission.ASSIGN_DOCUMENT)
    condition |= Q(state=IncomingState.ARRIVED, organ__in=to_register)
    condition |= Q(state=IncomingState.REGISTERED, organ__in=to_assign)
    return by_urgency(incoming_for(user=user).filter(condition, revoked_at__isnull=True))


def outgoing_lists(*, user: Any) -> dict[str, QuerySet[Document]]:
    """The outgoing work lists of `user`: their drafts, documents waiting for their review,
    for their signature, for issue (clerks), and the issued ones they may see."""
    visible = documents_for(user=user)
    pending_step = ApprovalStep.objects.filter(
        official__user=user, decision=ApprovalStep.Decision.PENDING
    ).values("document_id")
    to_issue = organs_in_scope(user, Permission.REGISTER_DOCUMENT)
    return {
        "drafts": visible.filter(state=OutgoingState.DRAFT).filter(
            Q(created_by=user) | Q(organ__in=organs_in_scope(user, Permission.DRAFT_DOCUMENT))
        ),
        "review": visible.filter(state=OutgoingState.IN_REVIEW, pk__in=pending_step),
        "sign": visible.filter(state=OutgoingState.APPROVED, signer__user=user),
        "issue": visible.filter(state=OutgoingState.SIGNED, organ__in=to_issue),
        "issued": visible.filter(state=OutgoingState.ISSUED).order_by("-issued_at", "-pk"),
    }


def due_soon_horizon(at: datetime) -> datetime:
    """One working day (8 working hours, default calendar) after `at`."""
    return calendar_for(year=timezone.localtime(at).year).add(at, DUE_SOON_WORKING_MINUTES)


def marker(incoming: IncomingDocument, at: datetime | None = None) -> str:
    """ "overdue" past the handling deadline, "due_soon" within its last working day, ""
    otherwise, and for documents no longer being handled."""
    deadline = incoming.handling_deadline
    if deadline is None or incoming.state not in INCOMING_RUNNING:
        return ""
    at = at or timezone.now()
    if deadline < at:
        return "overdue"
    return "due_soon" if deadline <= due_soon_horizon(at) else ""


def exchange_queue() -> QuerySet[Recipient]:
    """Outside recipients waiting for the exchange (queued, or failed and to be retried),
    oldest first: what the exchange app sends."""
    return (
        Recipient.objects.filter(
            channel=Recipient.Channel.EXCHANGE,
            status__in=[Recipient.Status.QUEUED, Recipient.Status.FAILED],
        )
        .select_related("document__organ")
        .order_by("status_at", "pk")
    )


def registers_for(*, user: Any) -> QuerySet[Register]:
    """The registers `user` may read: those of organs where they register documents or lead
    (classified registers only for clerks and signers)."""
    readers = organs_in_scope(user, Permission.REGISTER_DOCUMENT) | organs_in_scope(
        user, Permission.SIGN_DOCUMENT
    )
    return Register.objects.filter(organ__in=readers).select_related("organ")


def register_for(*, user: Any, pk: int) -> Register:
    register = registers_for(user=user).filter(pk=pk).first()
    if register is None:
        raise Http404(_("Không có sổ văn bản này trong phạm vi của bạn."))
    return register


def may(user: Any, permission: Permission, *organs: Any) -> bool:
    """Whether `user` may do `permission` on one of `organs` (for showing actions)."""
    return any(o is not None and can(user, permission, o) for o in organs)


def outgoing_actions(*, user: Any, document: Document) -> list[str]:
    """The actions `user` may try on `document` now, for the page (services still decide)."""
    state, organ, unit = document.state, document.organ, document.drafting_unit
    drafter = may(user, Permission.DRAFT_DOCUMENT, organ, unit)
    approver = may(user, Permission.APPROVE_DOCUMENT, organ, unit)
    clerk = may(user, Permission.REGISTER_DOCUMENT, organ)
    is_signer = document.signer is not None and document.signer.user_id == user.pk
    actions: list[str] = []
    if state == OutgoingState.DRAFT and drafter:
        actions += ["attach", "compose", "submit", "cancel"]
    elif state == OutgoingState.IN_REVIEW:
        pending = document.approval_steps.filter(decision=ApprovalStep.Decision.PENDING)
        step = pending.order_by("round", "order").select_related("official").first()
        if step is not None and step.official.user_id == user.pk:
            actions += ["agree", "send_back"]
        if drafter or approver:
            actions.append("cancel")
    elif state == OutgoingState.APPROVED:
        actions += ["sign", "return"] if is_signer else (["return"] if clerk else [])
        if drafter or approver:
            actions.append("cancel")
    elif state == OutgoingState.SIGNED and (clerk or is_signer):
        actions += ["issue", "return"] if clerk else ["return"]
    elif state == OutgoingState.ISSUED:
        if clerk and document.recipients.filter(status=Recipient.Status.PENDING).exists():
            actions.append("distribute")
        if drafter and not document.classified:
            actions.append("correct")
    return actions


def may_take_back(*, user: Any, document: Document) -> bool:
    """Whether `user` may ask the recipients of `document` to take it back (revoke it): the
    issuing organ's clerk, once it was issued and sent (the service still decides)."""
    return (
        document.state == OutgoingState.ISSUED
        and document.distributed_at is not None
        and may(user, Permission.REGISTER_DOCUMENT, document.organ)
    )


def incoming_actions(*, user: Any, incoming: IncomingDocument) -> list[str]:
    """The actions `user` may try on `incoming` now, for the page."""
    organ, state = incoming.organ, incoming.state
    clerk = may(user, Permission.REGISTER_DOCUMENT, organ)
    leader = may(user, Permission.ASSIGN_DOCUMENT, organ)
    handler = leader or (incoming.assignee is not None and incoming.assignee.user_id == user.pk)
    actions: list[str] = []
    if incoming.revoked_at is not None:  # taken back by its sender: no further step
        return actions
    if state == IncomingState.ARRIVED and clerk:
        actions.append("register")
    if state in (IncomingState.REGISTERED, IncomingState.ASSIGNED) and leader:
        actions.append("assign")
    if state == IncomingState.ASSIGNED and handler:
        actions.append("start")
    if state in INCOMING_RUNNING and handler and may(user, Permission.DRAFT_DOCUMENT, organ):
        actions.append("reply")
    if state == IncomingState.IN_HANDLING and handler:
        actions.append("complete")
    if state in (IncomingState.ARRIVED, IncomingState.REGISTERED) and (clerk or leader):
        actions.append("refuse")
    return actions


def handlers_of(incoming: IncomingDocument) -> list[Official]:
    """Officials who may be assigned `incoming`: active, handling documents of its organ."""
    officials = Official.objects.filter(is_active=True, roles__organ=incoming.organ)
    return [
        o
        for o in officials.select_related("user").distinct().order_by("user__full_name")
        if can(o.user, Permission.HANDLE_DOCUMENT, incoming.organ)
    ]


def approvers_of(document: Document) -> list[Official]:
    """Officials who may review or approve `document` (its organ's and unit's leaders)."""
    organs = [o for o in (document.organ, document.drafting_unit) if o is not None]
    officials = Official.objects.filter(is_active=True, roles__organ__in=organs)
    return [
        o
        for o in officials.select_related("user").distinct().order_by("user__full_name")
        if any(can(o.user, Permission.APPROVE_DOCUMENT, organ) for organ in organs)
    ]


def delivered_files(document: Document) -> list[DocumentFile]:
    """What the recipients of an issued document get: the issued copy, or else the signer's
    signed copy, or else the last draft; and the appendices. Never the earlier drafts."""
    return delivered_from(list(document.files.order_by("-pk")))


def delivered_from(files: list[DocumentFile]) -> list[DocumentFile]:
    """`delivered_files` chosen among a document's `files`, given newest first."""
    for kind in (DocumentFile.Kind.ISSUED, DocumentFile.Kind.SIGNED, DocumentFile.Kind.DRAFT):
        main = next((f for f in files if f.kind == kind), None)
        if main is not None:
            break
    appendices = [f for f in reversed(files) if f.kind == DocumentFile.Kind.APPENDIX]
    return ([main] if main is not None else []) + appendices


def incoming_files(incoming: IncomingDocument) -> list[DocumentFile]:
    """The files of an incoming document: as received, or those its origin delivered."""
    if incoming.origin is not None:
        return delivered_files(incoming.origin)
    return list(incoming.files.order_by("pk"))


def file_for(*, user: Any, pk: int) -> DocumentFile:
    """A stored file `user` may download: of a document they see, or delivered to an incoming
    document they see. Http404 otherwise."""
    stored = DocumentFile.objects.filter(pk=pk).select_related("document").first()
    if stored is not None and stored.document_id:
        if documents_for(user=user).filter(pk=stored.document_id).exists():
            return stored
        received = incoming_for(user=user).filter(origin_id=stored.document_id).first()
        if received is not None and stored in incoming_files(received):
            return stored
    elif stored is not None and incoming_for(user=user).filter(pk=stored.incoming_id).exists():
        return stored
    raise Http404(_("Không có tệp này trong phạm vi của bạn."))
