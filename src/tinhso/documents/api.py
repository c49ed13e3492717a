"""Official documents under /api/v1: registers, outgoing documents and their actions,
incoming documents and theirs. Thin: services and selectors do the work. An illegal action is
409 with the allowed ones; outside the caller's scope 404; without the right 403; bad input
422 naming the field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth
from pydantic import Field

from tinhso.core.api import AUTH_PROBLEMS, Problem, ProblemOut
from tinhso.directory.models import Official, Organ
from tinhso.documents import search_api, selectors, services
from tinhso.documents.models import Document, IncomingDocument, Register
from tinhso.documents.states import IllegalTransition, OutgoingState
from tinhso.documents.types import Confidentiality, Urgency

router = Router()
READ: dict[int, type[Schema]] = {**AUTH_PROBLEMS, 404: ProblemOut}
WRITE: dict[int, type[Schema]] = {
    **AUTH_PROBLEMS,
    404: ProblemOut,
    409: ProblemOut,
    422: ProblemOut,
}


class RegisterOut(Schema):
    id: int
    organ: str
    year: int
    kind: str
    classified: bool
    title: str
    last: int = Field(description="Số đã cấp cuối cùng")

    @staticmethod
    def resolve_organ(obj: Register) -> str:
        return obj.organ.identifier()


class RecipientOut(Schema):
    name: str
    channel: str
    identifier: str
    status: str
    status_code: str = Field(description="Trạng thái bên nhận theo QCVN 102 (01–06)")


class DocumentOut(Schema):
    id: int
    organ: str
    drafting_unit: str | None
    doc_type: str
    type_name: str
    legal_normative: bool
    summary: str
    urgency: str
    confidentiality: str
    state: str
    state_label: str
    version: int
    number: int | None
    notation: str
    issued_on: date | None
    signer: int | None
    signature_kind: str
    corrects: int | None
    correction_kind: str
    in_reply_to: int | None
    recipients: list[RecipientOut]

    @staticmethod
    def resolve_organ(obj: Document) -> str:
        return obj.organ.identifier()

    @staticmethod
    def resolve_drafting_unit(obj: Document) -> str | None:
        return obj.drafting_unit.identifier() if obj.drafting_unit else None

    @staticmethod
    def resolve_signer(obj: Document) -> int | None:
        return obj.signer_id

    @staticmethod
    def resolve_corrects(obj: Document) -> int | None:
        return obj.corrects_id

    @staticmethod
    def resolve_in_reply_to(obj: Document) -> int | None:
        return obj.in_reply_to_id

    @staticmethod
    def resolve_recipients(obj: Document) -> list[Any]:
        return list(obj.recipients.all())


class IncomingOut(Schema):
    id: int
    organ: str
    source: str
    number: int | None = Field(description="Số đến")
    arrived_at: datetime
    sender_name: str
    sender_identifier: str
    sender_notation: str
    sender_date: date | None
    type_name: str
    summary: str
    urgency: str
    confidentiality: str
    state: str
    state_label: str
    status_code: str = Field(description="Mã trạng thái QCVN 102: 01 đến … 06 hoàn thành")
    assignee: int | None
    handling_deadline: datetime | None
    marker: str = Field(description="overdue, due_soon hoặc rỗng")
    origin: int | None
    refusal_reason: str
    version: int

    @staticmethod
    def resolve_organ(obj: IncomingDocument) -> str:
        return obj.organ.identifier()

    @staticmethod
    def resolve_assignee(obj: IncomingDocument) -> int | None:
        return obj.assignee_id

    @staticmethod
    def resolve_origin(obj: IncomingDocument) -> int | None:
        return obj.origin_id

    @staticmethod
    def resolve_marker(obj: IncomingDocument) -> str:
        return selectors.marker(obj)


class RecipientIn(Schema):
    name: str = ""
    identifier: str = Field(
        "", description="Mã định danh QCVN 102 (cơ quan trên hệ thống hoặc ngoài)"
    )
    paper: bool = Field(False, description="Chỉ gửi bản giấy")


class DraftIn(Schema):
    organ: str = Field(description="Mã định danh QCVN 102 của cơ quan ban hành")
    drafting_unit: str | None = Field(None, description="Mã định danh của đơn vị soạn thảo")
    doc_type: str = Field(description="Loại văn bản, ví dụ report, official_letter")
    summary: str = Field(max_length=500)
    legal_normative: bool = False
    body: str = ""
    urgency: Urgency = Urgency.NORMAL
    confidentiality: Confidentiality = Confidentiality.NONE
    signer: int | None = Field(None, description="Mã cán bộ người ký")
    signing_marker: str = ""
    on_behalf_of: str = ""
    signer_title: str = ""
    recipients: list[RecipientIn] = Field(default_factory=list)
    compose: bool = Field(False, description="Soạn tệp DOCX theo mẫu Nghị định 30/2020")


class OutgoingAction(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    SEND_BACK = "send_back"
    SIGN = "sign"
    ISSUE = "issue"
    DISTRIBUTE = "distribute"
    CANCEL = "cancel"


class OutgoingActionIn(Schema):
    action: OutgoingAction
    note: str = ""
    version: int | None = Field(None, description="Phiên bản văn bản mà người thao tác đang xem")
    approver: int | None = Field(None, description="Người phê duyệt (action=submit)")
    reviewers: list[int] = Field(default_factory=list, description="Người cho ý kiến, theo thứ tự")
    copies: int | None = Field(None, description="Số lượng bản (action=issue)")
    passphrase: str | None = Field(
        None,
        description="Mật khẩu khóa ký số: của người ký (action=sign), của cơ quan (action=issue)",
    )


class IncomingAction(StrEnum):
    REGISTER = "register"
    ASSIGN = "assign"
    START = "start"
    COMPLETE = "complete"
    REFUSE = "refuse"
    REPLY = "reply"


class IncomingActionIn(Schema):
    action: IncomingAction
    note: str = Field("", description="Ghi chú; lý do khi từ chối; kết quả khi hoàn thành")
    version: int | None = None
    assignee: int | None = Field(None, description="Mã cán bộ xử lý (action=assign)")
    deadline_days: int | None = Field(None, description="Thời hạn xử lý, ngày làm việc")
    summary: str = Field("", description="Trích yếu văn bản trả lời (action=reply)")
    doc_type: str = "official_letter"


class DocumentQuery(Schema):
    state: OutgoingState | None = None


class IncomingQuery(Schema):
    queue: bool = Field(False, description="Chỉ văn bản đang chờ tôi, khẩn nhất trước")


def _act(run: Callable[[], Any]) -> Any:
    """Run a service, answering its refusals as problem details."""
    try:
        return run()
    except IllegalTransition as error:
        raise Problem(
            409,
            "illegal-transition",
            _("Thao tác không hợp lệ ở trạng thái này"),
            _("Các thao tác được phép: %(a)s.") % {"a": ", ".join(error.allowed) or "—"},
            errors=[{"field": "action", "message": a} for a in error.allowed],
        ) from error
    except services.Conflict as error:
        raise Problem(
            409, "conflict", _("Văn bản vừa được người khác xử lý"), str(error)
        ) from error
    except (services.NotEditable, services.ImmutableDocument) as error:
        raise Problem(409, "immutable", _("Văn bản không được sửa"), str(error)) from error
    except PermissionError as error:
        raise Problem(403, "forbidden", _("Không có quyền"), str(error)) from error


def _organ(identifier: str | None, field: str) -> Organ | None:
    if not identifier:
        return None
    organ = Organ.objects.filter(identifiers__value=identifier).first()
    if organ is None:
        raise services.DocumentError({field: [_("Không có cơ quan mang mã định danh này.")]})
    return organ


def _official(pk: int | None, field: str) -> Official | None:
    if pk is None:
        return None
    official = Official.objects.filter(pk=pk).select_related("user").first()
    if official is None:
        raise services.DocumentError({field: [_("Không có cán bộ này.")]})
    return official


@router.get(
    "/documents/registers",
    response={200: list[RegisterOut], **AUTH_PROBLEMS},
    auth=django_auth,
    summary="Sổ văn bản / document registers",
    operation_id="document_register_list",
)
def register_list(request: HttpRequest) -> list[Register]:
    """The registers the caller reads (clerks and signers of their organs)."""
    return list(selectors.registers_for(user=request.user).order_by("-year", "organ", "kind"))


@router.get(
    "/documents",
    response={200: list[DocumentOut], **AUTH_PROBLEMS},
    auth=django_auth,
    summary="Văn bản đi / outgoing documents",
    operation_id="document_list",
)
def document_list(request: HttpRequest, filters: Query[DocumentQuery]) -> list[Document]:
    """Outgoing documents the caller may see, newest first (500 at most)."""
    documents = selectors.documents_for(user=request.user).prefetch_related("recipients")
    if filters.state:
        documents = documents.filter(state=filters.state)
    return list(documents.order_by("-pk")[:500])


@router.post(
    "/documents",
    response={201: DocumentOut, **WRITE},
    auth=django_auth,
    summary="Tạo dự thảo / create a draft",
    operation_id="document_create",
)
def document_create(request: HttpRequest, payload: DraftIn) -> Status:
    """A new outgoing draft (its file through `/documents/{pk}/files` or `compose`)."""
    organ = _organ(payload.organ, "organ")
    assert organ is not None
    document = _act(
        lambda: services.draft_create(
            organ=organ,
            actor=request.user,
            doc_type=payload.doc_type,
            summary=payload.summary,
            drafting_unit=_organ(payload.drafting_unit, "drafting_unit"),
            legal_normative=payload.legal_normative,
            body=payload.body,
            urgency=payload.urgency,
            confidentiality=payload.confidentiality,
            signer=_official(payload.signer, "signer"),
            signing_marker=payload.signing_marker,
            on_behalf_of=payload.on_behalf_of,
            signer_title=payload.signer_title,
            recipients=[
                services.RecipientSpec(name=r.name, identifier=r.identifier, paper=r.paper)
                for r in payload.recipients
            ],
            compose_now=payload.compose,
        )
    )
    return Status(201, document)


@router.get(
    "/documents/search",
    response={200: search_api.SearchPageOut, **AUTH_PROBLEMS, 422: ProblemOut},
    auth=django_auth,
    summary="Tìm kiếm văn bản / search documents",
    operation_id="document_search",
)
def document_search(request: HttpRequest, filters: Query[search_api.SearchQuery]) -> Any:
    """Full-text search over the metadata and the files' text of the outgoing and incoming
    documents the caller may see, with or without diacritics; best matches first."""
    return search_api.search(request.user, filters)


@router.get(
    "/documents/{pk}",
    response={200: DocumentOut, **READ},
    auth=django_auth,
    summary="Một văn bản đi / one outgoing document",
    operation_id="document_detail",
)
def document_detail(request: HttpRequest, pk: int) -> Document:
    return selectors.document_for(user=request.user, pk=pk)


@router.post(
    "/documents/{pk}/files",
    response={201: DocumentOut, **WRITE},
    auth=django_auth,
    summary="Tải lên dự thảo / upload a draft file",
    operation_id="document_file_upload",
)
def document_file_upload(request: HttpRequest, pk: int, file: File[UploadedFile]) -> Status:
    """A DOCX or PDF for a draft, checked by its content."""
    document = selectors.document_for(user=request.user, pk=pk)
    _act(
        lambda: services.attach_file(
            document=document, actor=request.user, name=file.name or "tep", data=file.read()
        )
    )
    return Status(201, selectors.document_for(user=request.user, pk=pk))


@router.post(
    "/documents/{pk}/actions",
    response={200: DocumentOut, **WRITE},
    auth=django_auth,
    summary="Thao tác với văn bản đi / act on an outgoing document",
    operation_id="document_act",
)
def document_act(request: HttpRequest, pk: int, payload: OutgoingActionIn) -> Document:
    """submit (with approver and reviewers), approve or send_back (the current reviewer; the
    signer or clerk sends back an approved one), sign, issue, distribute, cancel."""
    document = selectors.document_for(user=request.user, pk=pk)
    user, note, version = request.user, payload.note, payload.version
    A = OutgoingAction

    def run() -> Document:
        if payload.action == A.SUBMIT:
            approver = _official(payload.approver, "approver")
            if approver is None:
                raise services.DocumentError({"approver": [_("Chọn người phê duyệt.")]})
            reviewers = [_official(r, "reviewers") for r in payload.reviewers]
            return services.submit_for_review(
                document=document,
                actor=user,
                approver=approver,
                reviewers=[r for r in reviewers if r is not None],
                version=version,
            )
        if payload.action == A.SEND_BACK and document.state != OutgoingState.IN_REVIEW:
            return services.return_to_draft(
                document=document, actor=user, note=note, version=version
            )
        if payload.action in (A.APPROVE, A.SEND_BACK):
            return services.review(
                document=document,
                actor=user,
                agree=payload.action == A.APPROVE,
                note=note,
                version=version,
            )
        if payload.action == A.SIGN:
            return services.sign(
                document=document, actor=user, passphrase=payload.passphrase, version=version
            )
        if payload.action == A.ISSUE:
            return services.issue(
                document=document,
                actor=user,
                passphrase=payload.passphrase,
                copies=payload.copies,
                version=version,
            )
        if payload.action == A.DISTRIBUTE:
            return services.distribute(document=document, actor=user, version=version)
        return services.cancel(document=document, actor=user, note=note, version=version)

    _act(run)
    return selectors.document_for(user=request.user, pk=pk)


@router.get(
    "/incoming-documents",
    response={200: list[IncomingOut], **AUTH_PROBLEMS},
    auth=django_auth,
    summary="Văn bản đến / incoming documents",
    operation_id="incoming_list",
)
def incoming_list(request: HttpRequest, filters: Query[IncomingQuery]) -> list[IncomingDocument]:
    """Incoming documents the caller may see, newest first; `queue=true`: those waiting for
    the caller, Hỏa tốc first, then Thượng khẩn, Khẩn, then by deadline."""
    if filters.queue:
        return list(selectors.incoming_queue(user=request.user)[:500])
    return list(selectors.incoming_for(user=request.user).order_by("-arrived_at", "-pk")[:500])


@router.get(
    "/incoming-documents/{pk}",
    response={200: IncomingOut, **READ},
    auth=django_auth,
    summary="Một văn bản đến / one incoming document",
    operation_id="incoming_detail",
)
def incoming_detail(request: HttpRequest, pk: int) -> IncomingDocument:
    return selectors.incoming_one(user=request.user, pk=pk)


@router.post(
    "/incoming-documents/{pk}/actions",
    response={200: IncomingOut, **WRITE},
    auth=django_auth,
    summary="Thao tác với văn bản đến / act on an incoming document",
    operation_id="incoming_act",
)
def incoming_act(request: HttpRequest, pk: int, payload: IncomingActionIn) -> IncomingDocument:
    """register (clerk), assign (leader: assignee, deadline_days), start, complete, refuse
    (note = the reason), reply (summary: an outgoing draft linked to this one)."""
    incoming = selectors.incoming_one(user=request.user, pk=pk)
    user, note, version = request.user, payload.note, payload.version
    A = IncomingAction

    def run() -> Any:
        if payload.action == A.REGISTER:
            return services.register_incoming(incoming=incoming, actor=user, version=version)
        if payload.action == A.ASSIGN:
            assignee = _official(payload.assignee, "assignee")
            if assignee is None:
                raise services.DocumentError({"assignee": [_("Chọn người xử lý.")]})
            return services.assign(
                incoming=incoming,
                actor=user,
                assignee=assignee,
                deadline_days=payload.deadline_days,
                note=note,
                version=version,
            )
        if payload.action == A.START:
            return services.start_handling(incoming=incoming, actor=user, version=version)
        if payload.action == A.COMPLETE:
            return services.complete(incoming=incoming, actor=user, note=note, version=version)
        if payload.action == A.REFUSE:
            return services.refuse(incoming=incoming, actor=user, reason=note, version=version)
        return services.reply(
            incoming=incoming,
            actor=user,
            summary=payload.summary,
            doc_type=payload.doc_type,
            compose_now=True,
            version=version,
        )

    _act(run)
    return selectors.incoming_one(user=request.user, pk=pk)
