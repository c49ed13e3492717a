"""Schemas of the documents API (`api.py`): what goes in and comes out of each endpoint."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ninja import Schema
from pydantic import Field

from tinhso.documents import selectors
from tinhso.documents.models import ApprovalChain, Document, IncomingDocument, Register
from tinhso.documents.states import OutgoingState
from tinhso.documents.types import Confidentiality, Urgency


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
    status_note: str = Field(description="Ghi chú của bên nhận kèm trạng thái (lý do từ chối 02)")
    take_back_code: str = Field(
        description="Thu hồi / thay thế: 13 đã yêu cầu, 15 bên nhận đồng ý, 16 từ chối, rỗng"
    )
    take_back_at: datetime | None
    take_back_note: str = Field(description="Lý do thu hồi, hoặc lời đáp của bên nhận")


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
    revoked_at: datetime | None = Field(description="Cơ quan gửi thu hồi (hoặc thay thế) lúc")
    revocation_reason: str
    replaced_by: int | None = Field(description="Văn bản đến thay thế văn bản này")
    version: int

    @staticmethod
    def resolve_replaced_by(obj: IncomingDocument) -> int | None:
        return obj.replaced_by_id

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
    chain: int | None = Field(
        None, description="Quy trình duyệt đã lưu (action=submit), thay cho approver và reviewers"
    )
    copies: int | None = Field(None, description="Số lượng bản (action=issue)")
    passphrase: str | None = Field(
        None,
        description="Mật khẩu khóa ký số: của người ký (action=sign), của cơ quan (action=issue)",
    )


class TakeBackIn(Schema):
    reason: str = Field(description="Lý do thu hồi (bắt buộc), gửi đến mọi nơi nhận")
    version: int | None = Field(None, description="Phiên bản văn bản mà người thao tác đang xem")


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


class DraftPatchIn(Schema):
    """The fields of a draft to change; a field left out keeps its value, `null` clears the
    drafting unit or the signer. Its file is replaced through `/documents/{pk}/files`."""

    version: int | None = Field(None, description="Phiên bản văn bản mà người sửa đang xem")
    doc_type: str | None = None
    summary: str | None = Field(None, max_length=500)
    legal_normative: bool | None = None
    body: str | None = None
    urgency: Urgency | None = None
    confidentiality: Confidentiality | None = None
    drafting_unit: str | None = Field(None, description="Mã định danh của đơn vị soạn thảo")
    signer: int | None = Field(None, description="Mã cán bộ người ký")
    signing_marker: str | None = None
    on_behalf_of: str | None = None
    signer_title: str | None = None
    recipients: list[RecipientIn] | None = Field(
        None, description="Toàn bộ nơi nhận mới (thay danh sách cũ)"
    )


class ChainStepOut(Schema):
    order: int
    official: int
    name: str
    kind: str = Field(description="review (cho ý kiến) hoặc approve (phê duyệt, bước cuối)")


class ChainOut(Schema):
    id: int
    organ: str
    name: str
    active: bool
    version: int
    steps: list[ChainStepOut]

    @staticmethod
    def resolve_organ(obj: ApprovalChain) -> str:
        return obj.organ.identifier()

    @staticmethod
    def resolve_steps(obj: ApprovalChain) -> list[dict[str, Any]]:
        steps = list(obj.steps.all())
        return [
            {
                "order": s.order,
                "official": s.official_id,
                "name": str(s.official),
                "kind": "approve" if i == len(steps) - 1 else "review",
            }
            for i, s in enumerate(steps)
        ]


class ChainIn(Schema):
    organ: str = Field(description="Mã định danh QCVN 102 của cơ quan")
    name: str = Field(max_length=200)
    reviewers: list[int] = Field(default_factory=list, description="Người cho ý kiến, theo thứ tự")
    approver: int = Field(description="Người phê duyệt (bước cuối)")


class ChainPatchIn(Schema):
    """What to change; a field left out keeps its value (reviewers and approver each)."""

    version: int | None = Field(None, description="Phiên bản quy trình mà người sửa đang xem")
    name: str | None = Field(None, max_length=200)
    reviewers: list[int] | None = None
    approver: int | None = None
    active: bool | None = None


class ChainQuery(Schema):
    organ: str | None = Field(None, description="Mã định danh QCVN 102 của cơ quan")
    active: bool | None = Field(None, description="Chỉ quy trình đang (true) / ngừng (false)")
