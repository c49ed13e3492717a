"""The outgoing workflow: review along the chain, signing, issuing, sending back, cancelling."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.directory.models import Official
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can
from tinhso.documents import compose, filecheck, hooks
from tinhso.documents.models import ApprovalChain, ApprovalStep, Document, DocumentFile
from tinhso.documents.notation import place_date_line
from tinhso.documents.services.chains import chain_members
from tinhso.documents.services.common import (
    DocumentError,
    check_upload,
    latest_file,
    lock,
    now,
    read_file,
    record,
    require,
    store_file,
    take_number,
)
from tinhso.documents.services.composing import COMPOSED_NAME, build_notation, layout_for
from tinhso.documents.states import (
    NEEDS_NOTE,
    IllegalTransition,
    OutgoingAction,
    OutgoingState,
    outgoing_allowed,
    outgoing_next,
)

A = OutgoingAction
DRAFT_KINDS = (DocumentFile.Kind.DRAFT,)


def current_round(document: Document) -> int:
    return document.approval_steps.aggregate(r=Max("round"))["r"] or 0


def current_step(document: Document) -> ApprovalStep | None:
    """The chain step waiting for its decision, or None."""
    return (
        document.approval_steps.filter(
            round=current_round(document), decision=ApprovalStep.Decision.PENDING
        )
        .select_related("official__user")
        .order_by("order")
        .first()
    )


def _may_approve(official: Official, document: Document) -> bool:
    return official.is_active and (
        can(official.user, Permission.APPROVE_DOCUMENT, document.organ)
        or bool(
            document.drafting_unit
            and can(official.user, Permission.APPROVE_DOCUMENT, document.drafting_unit)
        )
    )


def _note(action: str, note: str) -> None:
    if action in NEEDS_NOTE and not note.strip():
        raise DocumentError({"note": [_("Cần ghi rõ lý do.")]})


@transaction.atomic
def submit_for_review(
    *,
    document: Document,
    actor: Any,
    approver: Official | None = None,
    reviewers: Sequence[Official] = (),
    chain: ApprovalChain | None = None,
    version: int | None = None,
) -> Document:
    """Send a draft along a new round of its approval chain: `reviewers` in order, then the
    `approver`; or the steps of a saved `chain` of its organ (or drafting unit), copied into
    the document's approval steps now, so that a later edit of the chain leaves this round
    alone. The signer defaults to the approver when the draft names none.

    Raises IllegalTransition outside a draft, PermissionError, DocumentError by field (no
    approver, both a saved chain and officials, a chain not in use or of another organ, a
    reviewer or approver without the right to approve, a draft without a file or body, no one
    able to sign)."""
    document = lock(document, version)
    from_state = document.state
    new_state = outgoing_next(OutgoingState(from_state), A.SUBMIT)
    require(actor, Permission.DRAFT_DOCUMENT, document.organ, document.drafting_unit)
    if chain is not None:
        if approver is not None or reviewers:
            raise DocumentError(
                {
                    "chain": [
                        _(
                            "Chọn quy trình duyệt đã lưu hoặc tự chọn người duyệt, "
                            "không chọn cả hai."
                        )
                    ]
                }
            )
        reviewers, approver = chain_members(chain, document)
    if approver is None:
        raise DocumentError({"approver": [_("Chọn người phê duyệt.")]})
    members = [*reviewers, approver]
    errors: dict[str, list[str]] = {}
    if len({o.pk for o in members}) != len(members):
        errors["chain" if chain else "reviewers"] = [
            _("Mỗi người chỉ xuất hiện một lần trong quy trình duyệt.")
        ]
    for i, official in enumerate(members):
        if not _may_approve(official, document):
            field = "approver" if i == len(members) - 1 else f"reviewers.{i}"
            errors.setdefault("chain" if chain else field, []).append(
                _("«%(n)s» không có quyền duyệt văn bản của cơ quan này.") % {"n": official}
            )
    if not document.body and latest_file(document, *DRAFT_KINDS) is None:
        errors["file"] = [_("Dự thảo chưa có nội dung: hãy tải tệp lên hoặc soạn theo mẫu.")]
    if document.signer is None:
        if can(approver.user, Permission.SIGN_DOCUMENT, document.organ):
            document.signer = approver
        else:
            errors["signer"] = [_("Chọn người ký văn bản.")]
    if errors:
        raise DocumentError(errors)
    round_number = current_round(document) + 1
    for order, official in enumerate(members, start=1):
        ApprovalStep.objects.create(
            document=document,
            round=round_number,
            order=order,
            official=official,
            kind=ApprovalStep.Kind.APPROVE if order == len(members) else ApprovalStep.Kind.REVIEW,
        )
    document.state = new_state
    data: dict[str, Any] = {"round": round_number, "chain": [o.pk for o in members]}
    if chain is not None:
        data |= {"approval_chain": chain.pk, "approval_chain_name": chain.name}
    record(document, action=A.SUBMIT, from_state=from_state, actor=actor, at=now(), data=data)
    return document


def _close_round(document: Document, at: Any) -> None:
    document.approval_steps.filter(decision=ApprovalStep.Decision.PENDING).update(
        decision=ApprovalStep.Decision.CLOSED, decided_at=at
    )


@transaction.atomic
def review(
    *,
    document: Document,
    actor: Any,
    agree: bool,
    note: str = "",
    version: int | None = None,
) -> Document:
    """The official of the current chain step agrees (on to the next step; the approver's
    agreement approves the document) or sends the draft back (a reason is required).

    Raises IllegalTransition outside review, PermissionError for anyone but the step's
    official, DocumentError without a reason for sending back."""
    document = lock(document, version)
    from_state = document.state
    outgoing_next(OutgoingState(from_state), A.ENDORSE if agree else A.SEND_BACK)
    step = current_step(document)
    if step is None:  # sent back after approval: that is `return_to_draft`
        raise IllegalTransition(from_state, A.APPROVE, outgoing_allowed(OutgoingState(from_state)))
    action = A.SEND_BACK if not agree else (A.APPROVE if step.kind == "approve" else A.ENDORSE)
    new_state = outgoing_next(OutgoingState(from_state), action)
    if step.official.user_id != getattr(actor, "pk", None) or not _may_approve(
        step.official, document
    ):
        raise PermissionError(_("Văn bản đang chờ ý kiến của «%(n)s».") % {"n": step.official})
    _note(action, note)
    at = now()
    step.decision = ApprovalStep.Decision.AGREED if agree else ApprovalStep.Decision.SENT_BACK
    step.decided_at, step.note = at, note
    step.save(update_fields=["decision", "decided_at", "note"])
    if not agree:
        _close_round(document, at)
    document.state = new_state
    record(
        document,
        action=action,
        from_state=from_state,
        actor=actor,
        at=at,
        note=note,
        data={"step": step.order, "round": step.round},
    )
    return document


@transaction.atomic
def return_to_draft(
    *, document: Document, actor: Any, note: str, version: int | None = None
) -> Document:
    """The signer (refusing to sign) or the clerk (finding a fault before issue) sends an
    approved or signed document back to its drafter; it must go through review again."""
    document = lock(document, version)
    from_state = document.state
    new_state = outgoing_next(OutgoingState(from_state), A.SEND_BACK)
    is_signer = document.signer is not None and document.signer.user_id == actor.pk
    if not (is_signer or can(actor, Permission.REGISTER_DOCUMENT, document.organ)):
        raise PermissionError(_("Chỉ người ký hoặc văn thư được trả lại văn bản đã duyệt."))
    _note(A.SEND_BACK, note)
    at = now()
    _close_round(document, at)
    document.state = new_state
    document.signed_by, document.signed_at, document.signature_kind = None, None, ""
    record(document, action=A.SEND_BACK, from_state=from_state, actor=actor, at=at, note=note)
    return document


@transaction.atomic
def sign(
    *,
    document: Document,
    actor: Any,
    signed_pdf: bytes | None = None,
    passphrase: str | None = None,
    backend: hooks.SigningBackend | None = None,
    version: int | None = None,
) -> Document:
    """The document's signer signs it: with a PDF signed elsewhere (`signed_pdf`, checked by
    the signing backend), or through the backend with the key `passphrase` unlocks, on the
    draft PDF or, for a draft composed from the template, on its PDF rendering; with no
    backend (or an uploaded DOCX draft) the platform records who signed and when, without a
    digital signature.

    Raises IllegalTransition unless approved, PermissionError for anyone but the signer,
    DocumentError when a signed PDF is offered that cannot be verified."""
    document = lock(document, version)
    from_state = document.state
    new_state = outgoing_next(OutgoingState(from_state), A.SIGN)
    signer = document.signer
    if signer is None or signer.user_id != getattr(actor, "pk", None):
        raise PermissionError(_("Chỉ người ký được chỉ định mới ký được văn bản này."))
    require(actor, Permission.SIGN_DOCUMENT, document.organ)
    backend = backend or hooks.signing_backend()
    source = latest_file(document, *DRAFT_KINDS)
    signed: bytes | None = None
    if signed_pdf is not None:
        if check_upload("signed.pdf", signed_pdf, field="signed_pdf").kind != "pdf":
            raise DocumentError({"signed_pdf": [_("Bản đã ký phải là tệp PDF.")]})
        if backend is None:
            raise DocumentError({"signed_pdf": [_("Chưa cấu hình dịch vụ kiểm tra chữ ký số.")]})
        try:
            backend.verify_signer(document=document, pdf=signed_pdf, user=actor)
        except ValueError as error:
            raise DocumentError({"signed_pdf": [str(error)]}) from error
        signed = signed_pdf
    elif backend is not None and source is not None:
        pdf = _signable_pdf(document, source)
        if pdf is not None:
            signed = _by_backend(
                lambda: backend.sign_as_signer(
                    document=document, pdf=pdf, user=actor, passphrase=passphrase
                )
            )
    at = now()
    if signed is not None:
        store_file(
            owner=document,
            kind=DocumentFile.Kind.SIGNED,
            name="ban-da-ky.pdf",
            data=signed,
            content_type=filecheck.PDF,
            actor=actor,
        )
    document.signed_by, document.signed_at = actor, at
    document.signature_kind = "pades" if signed is not None else "recorded"
    document.state = new_state
    record(
        document,
        action=A.SIGN,
        from_state=from_state,
        actor=actor,
        at=at,
        data={"signature": document.signature_kind},
    )
    return document


def _signable_pdf(document: Document, source: DocumentFile) -> bytes | None:
    """The PDF the signer signs: the draft PDF, or the composed draft rendered as PDF (the
    number and date blank, as on paper before the clerk issues it)."""
    if source.content_type == filecheck.PDF:
        return read_file(source)
    if source.original_name == COMPOSED_NAME and source.kind == DocumentFile.Kind.DRAFT:
        return compose.compose_pdf(layout_for(document))
    return None


def _by_backend(run: Callable[[], bytes]) -> bytes:
    """Run a signing backend call; its refusal (a wrong passphrase, no key, a refused file)
    becomes a DocumentError on the passphrase field, with the backend's message."""
    try:
        return run()
    except ValueError as error:
        message = getattr(error, "message", None) or str(error)
        raise DocumentError({"passphrase": [message]}) from error


def _issued_file(
    document: Document,
    backend: hooks.SigningBackend | None,
    facts: hooks.IssueFacts,
    *,
    actor: Any,
    passphrase: str | None,
) -> tuple[bytes, str, str] | None:
    """The issued copy: the signed (or draft) PDF signed by the organ through the backend,
    or the composed DOCX regenerated with its number and date; None otherwise."""
    source = latest_file(document, DocumentFile.Kind.SIGNED, *DRAFT_KINDS)
    if source is None:
        return None
    name = facts.notation.replace("/", "-")
    if backend is not None and source.content_type == filecheck.PDF:
        pdf = read_file(source)
        data = _by_backend(
            lambda: backend.sign_as_organ(
                document=document, pdf=pdf, facts=facts, actor=actor, passphrase=passphrase
            )
        )
        return data, f"{name}.pdf", filecheck.PDF
    if source.original_name == COMPOSED_NAME and source.kind == DocumentFile.Kind.DRAFT:
        notation = build_notation(document, facts.number, facts.issued_on.year)
        data = compose.compose_docx(layout_for(document, notation, facts.issued_on))
        return data, f"{name}.docx", filecheck.DOCX
    return None


@transaction.atomic
def issue(
    *,
    document: Document,
    actor: Any,
    backend: hooks.SigningBackend | None = None,
    passphrase: str | None = None,
    copies: int | None = None,
    version: int | None = None,
) -> Document:
    """The clerk issues a signed document: the next number of the organ's register for the
    year (the legal normative series for those), its notation and the issue date are given
    together, in this one transaction; with a signing backend, the organ's signature (its key
    unlocked by `passphrase`) is put on the PDF showing them. From here on the document never
    changes.

    Raises IllegalTransition unless signed (a document is issued once: a second issue is
    refused, and the register's unique number constraint backs it), PermissionError for
    anyone but the organ's clerk. Any failure (the signing backend's too) rolls the whole
    issue back, number included."""
    document = lock(document, version)
    from_state = document.state
    new_state = outgoing_next(OutgoingState(from_state), A.ISSUE)
    require(actor, Permission.REGISTER_DOCUMENT, document.organ)
    if copies is not None and copies < 1:
        raise DocumentError({"copies": [_("Số lượng bản phải từ 1 trở lên.")]})
    at = now()
    kind = "legal" if document.legal_normative else "outgoing"
    register, number = take_number(
        organ=document.organ, kind=kind, classified=document.classified, at=at
    )
    issued_on = timezone.localtime(at).date()
    notation = str(build_notation(document, number, register.year))
    facts = hooks.IssueFacts(
        document_id=document.pk,
        organ_name=document.organ.name,
        number=number,
        notation=notation,
        issued_on=issued_on,
        issued_at=at,
        place_date_line=place_date_line(document.place, issued_on),
    )
    issued = _issued_file(
        document, backend or hooks.signing_backend(), facts, actor=actor, passphrase=passphrase
    )
    if issued is not None:
        data, name, content_type = issued
        if check_upload(name, data).content_type != content_type:
            raise DocumentError({"file": [_("Bản phát hành không đúng định dạng.")]})
        store_file(
            owner=document,
            kind=DocumentFile.Kind.ISSUED,
            name=name,
            data=data,
            content_type=content_type,
            actor=actor,
        )
    document.register, document.number, document.notation = register, number, notation
    document.issued_on, document.issued_at, document.issued_by = issued_on, at, actor
    document.copies = copies
    document.state = new_state
    record(
        document,
        action=A.ISSUE,
        from_state=from_state,
        actor=actor,
        at=at,
        data={"register": register.pk, "number": number, "notation": notation},
    )
    return document


@transaction.atomic
def cancel(*, document: Document, actor: Any, note: str, version: int | None = None) -> Document:
    """Drop a document that was not issued (a reason is required); it stays in the history."""
    document = lock(document, version)
    from_state = document.state
    new_state = outgoing_next(OutgoingState(from_state), A.CANCEL)
    if not can(actor, Permission.APPROVE_DOCUMENT, document.organ):
        require(actor, Permission.DRAFT_DOCUMENT, document.organ, document.drafting_unit)
    _note(A.CANCEL, note)
    at = now()
    _close_round(document, at)
    document.state = new_state
    record(document, action=A.CANCEL, from_state=from_state, actor=actor, at=at, note=note)
    return document
