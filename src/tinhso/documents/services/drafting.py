"""Drafting outgoing documents: create, attach, compose from the template, correct, and
the register entry of a classified document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.codes import CodeError, validate_qcvn102
from tinhso.directory.models import Official, Organ, OrganIdentifier
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can
from tinhso.documents.models import (
    CorrectionKind,
    Document,
    DocumentFile,
    IncomingDocument,
    Recipient,
)
from tinhso.documents.notation import (
    place_name,
)
from tinhso.documents.services.common import (
    DocumentError,
    check_upload,
    editable,
    lock,
    now,
    record,
    refuse_classified,
    require,
    require_drafter,
    store_file,
    take_number,
)
from tinhso.documents.services.composing import build_notation, store_composed
from tinhso.documents.states import OutgoingState
from tinhso.documents.types import (
    BY_KEY,
    LEGAL_NORMATIVE_TYPES,
    Confidentiality,
    SigningMarker,
    Urgency,
    document_type,
    is_classified,
)

CONFIDENTIALITY_VALUES = frozenset(c.value for c in Confidentiality)


@dataclass(frozen=True)
class RecipientSpec:
    """One line of "Nơi nhận": an organ of this platform (`organ`), an outside organ by its
    QCVN 102 `identifier` (an identifier of an organ here makes it internal), or a name only
    or `paper=True` for a recipient served on paper."""

    name: str = ""
    organ: Organ | None = None
    identifier: str = ""
    paper: bool = False


def _check_fields(document: Document, errors: dict[str, list[str]]) -> None:
    """Collect, by field, what is wrong with a draft's own fields."""
    if document.doc_type not in BY_KEY:
        errors["doc_type"] = [_("Loại văn bản không hợp lệ.")]
    elif document.legal_normative and document.doc_type not in LEGAL_NORMATIVE_TYPES:
        errors["legal_normative"] = [
            _("Chỉ nghị quyết và quyết định là văn bản quy phạm pháp luật của địa phương.")
        ]
    if not document.summary.strip():
        errors["summary"] = [_("Trích yếu nội dung không được để trống.")]
    elif len(document.summary) > 500:
        errors["summary"] = [_("Trích yếu nội dung dài quá 500 ký tự.")]
    if document.urgency not in {u.value for u in Urgency}:
        errors["urgency"] = [_("Độ khẩn không hợp lệ.")]
    if document.signing_marker not in {m.value for m in SigningMarker}:
        errors["signing_marker"] = [_("Thẩm quyền ký không hợp lệ.")]
    unit = document.drafting_unit
    if unit is not None and not unit.tree_path.startswith(document.organ.tree_path):
        errors["drafting_unit"] = [_("Đơn vị soạn thảo phải thuộc cơ quan ban hành.")]
    if document.signer is not None and not can(
        document.signer.user, Permission.SIGN_DOCUMENT, document.organ
    ):
        errors["signer"] = [_("Người ký phải có thẩm quyền ký văn bản của cơ quan ban hành.")]
    if "doc_type" not in errors:
        try:
            build_notation(document, 1, 2000)
        except ValueError:
            field = "drafting_unit" if document_type(document.doc_type).is_official_letter else ""
            errors[field or "organ"] = [
                _("Tên viết tắt của cơ quan hoặc đơn vị không dùng được trong ký hiệu văn bản.")
            ]


def _recipients(document: Document, specs: Sequence[RecipientSpec]) -> list[Recipient]:
    """Unsaved recipient lines, or DocumentError naming `recipients.<i>`."""
    lines, errors = [], {}
    for i, spec in enumerate(specs):
        field, organ, identifier = f"recipients.{i}", spec.organ, spec.identifier.strip()
        if organ is None and identifier:
            try:
                validate_qcvn102(identifier)
            except CodeError:
                errors[field] = [_("Mã định danh cơ quan nhận không đúng QCVN 102.")]
                continue
            found = OrganIdentifier.objects.filter(value=identifier).select_related("organ")
            organ = next((i.organ for i in found if i.is_valid_on(timezone.localdate())), None)
        if organ is not None and organ.pk == document.organ_id:
            errors[field] = [_("Nơi nhận không được là chính cơ quan ban hành.")]
            continue
        name = (spec.name or (organ.name if organ else "")).strip()
        if not name:
            errors[field] = [_("Cần ghi tên nơi nhận.")]
            continue
        if spec.paper or (organ is None and not identifier):
            channel = Recipient.Channel.PAPER
        elif organ is not None:
            channel = Recipient.Channel.INTERNAL
        else:
            channel = Recipient.Channel.EXCHANGE
        if document.classified and channel != Recipient.Channel.PAPER:
            errors[field] = [_("Văn bản mật chỉ được gửi bằng bản giấy.")]
            continue
        lines.append(
            Recipient(
                document=document,
                order=i,
                channel=channel,
                organ=organ,
                identifier="" if organ else identifier,
                name=name[:300],
            )
        )
    if errors:
        raise DocumentError(errors)
    return lines


@transaction.atomic
def draft_create(
    *,
    organ: Organ,
    actor: Any,
    doc_type: str,
    summary: str,
    drafting_unit: Organ | None = None,
    legal_normative: bool = False,
    body: str = "",
    place: str = "",
    urgency: str = Urgency.NORMAL,
    confidentiality: str = Confidentiality.NONE,
    signer: Official | None = None,
    signing_marker: str = "",
    on_behalf_of: str = "",
    signer_title: str = "",
    recipients: Sequence[RecipientSpec] = (),
    upload: tuple[str, bytes] | None = None,
    compose_now: bool = False,
    in_reply_to: IncomingDocument | None = None,
    corrects: Document | None = None,
    correction_kind: str = "",
) -> Document:
    """A new outgoing draft with its recipient lines, and its file: `upload` (name, bytes) of
    a DOCX or PDF checked by content, or composed from the Decree 30 template.

    Raises PermissionError unless `actor` drafts for `organ` (or for the drafting unit), and
    DocumentError naming each bad field, a classified document first of all (its only place
    on the platform is its register entry: `register_classified`). Writes nothing then.
    """
    if confidentiality not in CONFIDENTIALITY_VALUES:
        raise DocumentError({"confidentiality": [_("Độ mật không hợp lệ.")]})
    refuse_classified(confidentiality, field="confidentiality")
    document = Document(
        organ=organ,
        drafting_unit=drafting_unit,
        doc_type=doc_type,
        legal_normative=legal_normative,
        summary=summary.strip(),
        body=body.strip(),
        place=place.strip() or (place_name(organ.unit.name) if organ.unit else ""),
        urgency=urgency,
        confidentiality=confidentiality,
        signer=signer,
        signing_marker=signing_marker,
        on_behalf_of=on_behalf_of.strip(),
        signer_title=signer_title.strip(),
        in_reply_to=in_reply_to,
        corrects=corrects,
        correction_kind=correction_kind,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    require_drafter(actor, document)
    errors: dict[str, list[str]] = {}
    _check_fields(document, errors)
    checked, lines = None, []
    try:
        lines = _recipients(document, recipients)
    except DocumentError as error:
        errors.update(error.message_dict)
    if upload is not None:
        try:
            checked = check_upload(upload[0], upload[1])
        except DocumentError as error:
            errors.update(error.message_dict)
    if errors:
        raise DocumentError(errors)
    at = now()
    record(document, action="create", from_state="", actor=actor, at=at)
    for line in lines:
        line.document = document
        line.save()
    if upload is not None and checked is not None:
        store_file(
            owner=document,
            kind=DocumentFile.Kind.DRAFT,
            name=upload[0],
            data=upload[1],
            content_type=checked.content_type,
            actor=actor,
        )
    elif compose_now:
        store_composed(document, actor)
    return document


@transaction.atomic
def attach_file(
    *,
    document: Document,
    actor: Any,
    name: str,
    data: bytes,
    kind: str = DocumentFile.Kind.DRAFT,
    version: int | None = None,
) -> DocumentFile:
    """Add a checked DOCX/PDF to a draft (a new draft version, or an appendix). Raises
    NotEditable past the draft, DocumentError for a refused file or a classified document."""
    document = lock(document, version)
    editable(document)
    require_drafter(actor, document)
    if kind not in (DocumentFile.Kind.DRAFT, DocumentFile.Kind.APPENDIX):
        raise DocumentError({"kind": [_("Chỉ đính kèm được dự thảo hoặc phụ lục.")]})
    refuse_classified(document.confidentiality)
    checked = check_upload(name, data)
    stored = store_file(
        owner=document,
        kind=kind,
        name=name,
        data=data,
        content_type=checked.content_type,
        actor=actor,
    )
    record(
        document,
        action="attach",
        from_state=document.state,
        actor=actor,
        at=now(),
        data={"file": stored.pk, "sha256": stored.sha256},
    )
    return stored


def correct(
    *,
    document: Document,
    actor: Any,
    kind: str,
    summary: str,
    doc_type: str | None = None,
    body: str = "",
    recipients: Sequence[RecipientSpec] | None = None,
    upload: tuple[str, bytes] | None = None,
) -> Document:
    """A new draft that updates, replaces or revokes the issued `document` (which itself never
    changes); they are linked both ways (`corrects` / `corrections`). The recipients default to
    the corrected document's. Raises DocumentError for a document not issued or a bad kind."""
    if document.state != OutgoingState.ISSUED:
        raise DocumentError({"document": [_("Chỉ đính chính được văn bản đã ban hành.")]})
    if kind not in CorrectionKind.values:
        raise DocumentError({"kind": [_("Hình thức phải là sửa đổi, thay thế hoặc thu hồi.")]})
    if document.classified:
        refuse_classified(document.confidentiality, field="document")
    specs = recipients
    if specs is None:
        specs = [
            RecipientSpec(
                name=r.name,
                organ=r.organ,
                identifier=r.identifier,
                paper=r.channel == Recipient.Channel.PAPER,
            )
            for r in document.recipients.all()
        ]
    return draft_create(
        organ=document.organ,
        actor=actor,
        doc_type=doc_type or document.doc_type,
        legal_normative=document.legal_normative,
        summary=summary,
        body=body,
        drafting_unit=document.drafting_unit,
        urgency=document.urgency,
        signer=document.signer,
        signing_marker=document.signing_marker,
        on_behalf_of=document.on_behalf_of,
        signer_title=document.signer_title,
        recipients=specs,
        upload=upload,
        corrects=document,
        correction_kind=kind,
    )


@transaction.atomic
def register_classified(
    *,
    organ: Organ,
    actor: Any,
    doc_type: str,
    summary: str,
    confidentiality: str,
    signer: Official | None = None,
    signer_title: str = "",
    recipients: Sequence[str] = (),
    copies: int | None = None,
) -> Document:
    """The register entry of a classified outgoing document, drafted and signed off the
    platform: the next number of the organ's classified series, issued today, no content.

    Raises PermissionError for anyone but the organ's clerk, DocumentError by field (the
    summary must be worded so that it reveals no secret: it is printed in the register).
    """
    require(actor, Permission.REGISTER_DOCUMENT, organ)
    if confidentiality not in CONFIDENTIALITY_VALUES or not is_classified(confidentiality):
        raise DocumentError({"confidentiality": [_("Chọn độ mật: Mật, Tối mật hoặc Tuyệt mật.")]})
    document = Document(
        organ=organ,
        doc_type=doc_type,
        summary=summary.strip(),
        confidentiality=confidentiality,
        signer=signer,
        signer_title=signer_title.strip(),
        copies=copies,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    errors: dict[str, list[str]] = {}
    _check_fields(document, errors)
    if errors:
        raise DocumentError(errors)
    lines = _recipients(document, [RecipientSpec(name=n, paper=True) for n in recipients])
    at = now()
    register, number = take_number(
        organ=organ, kind="outgoing", classified=True, at=at
    )  # its own series
    document.register, document.number = register, number
    document.notation = str(build_notation(document, number, register.year))
    document.issued_on, document.issued_at = timezone.localtime(at).date(), at
    document.issued_by = document.created_by
    document.signature_kind = "recorded"
    record(document, action="create", from_state="", actor=actor, at=at)
    for line in lines:
        line.document = document
        line.save()
    document.state = OutgoingState.ISSUED
    record(
        document,
        action="issue",
        from_state=OutgoingState.DRAFT,
        actor=actor,
        at=at,
        data={"number": number, "notation": document.notation, "classified": True},
    )
    return document
