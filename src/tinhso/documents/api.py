"""Official documents under /api/v1: registers, outgoing documents and their actions,
incoming documents and theirs. Thin: services and selectors do the work. An illegal action is
409 with the allowed ones; outside the caller's scope 404; without the right 403; bad input
422 naming the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from tinhso.core.api import AUTH_PROBLEMS, Problem, ProblemOut
from tinhso.directory.models import Official, Organ
from tinhso.documents import chains_selectors, search_api, selectors, services
from tinhso.documents.api_schemas import (
    ChainIn,
    ChainOut,
    ChainPatchIn,
    ChainQuery,
    DocumentOut,
    DocumentQuery,
    DraftIn,
    DraftPatchIn,
    IncomingAction,
    IncomingActionIn,
    IncomingOut,
    IncomingQuery,
    OutgoingAction,
    OutgoingActionIn,
    RecipientIn,
    RegisterOut,
    TakeBackIn,
)
from tinhso.documents.models import ApprovalChain, Document, IncomingDocument, Register
from tinhso.documents.states import IllegalTransition, OutgoingState

router = Router()
READ: dict[int, type[Schema]] = {**AUTH_PROBLEMS, 404: ProblemOut}
WRITE: dict[int, type[Schema]] = {
    **AUTH_PROBLEMS,
    404: ProblemOut,
    409: ProblemOut,
    422: ProblemOut,
}


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
    except services.ChainConflict as error:
        raise Problem(
            409, "conflict", _("Quy trình duyệt vừa được người khác sửa"), str(error)
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
    official = Official.objects.filter(pk=pk).select_related("user", "organ").first()
    if official is None:
        raise services.DocumentError({field: [_("Không có cán bộ này.")]})
    return official


def _officials(pks: list[int], field: str) -> list[Official]:
    """The officials of `pks` in order; DocumentError naming `<field>.<i>` for an unknown one."""
    return [o for i, pk in enumerate(pks) if (o := _official(pk, f"{field}.{i}")) is not None]


def _specs(recipients: list[RecipientIn]) -> list[services.RecipientSpec]:
    return [
        services.RecipientSpec(name=r.name, identifier=r.identifier, paper=r.paper)
        for r in recipients
    ]


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
            recipients=_specs(payload.recipients),
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
    "/documents/approval-chains",
    response={200: list[ChainOut], **AUTH_PROBLEMS, 422: ProblemOut},
    auth=django_auth,
    summary="Quy trình duyệt đã lưu / saved approval chains",
    operation_id="document_chain_list",
)
def chain_list(request: HttpRequest, filters: Query[ChainQuery]) -> list[ApprovalChain]:
    """The saved approval chains the caller sees (of organs where they view documents or keep
    the chains), of one organ with `organ`. A draft of the organ or of its drafting unit is
    sent along an active one with `chain` at `submit`."""
    chains = chains_selectors.chains_for(user=request.user)
    if filters.organ:
        chains = chains.filter(organ=_organ(filters.organ, "organ"))
    if filters.active is not None:
        chains = chains.filter(active=filters.active)
    return list(chains.order_by("organ__tree_path", "name", "pk"))


@router.post(
    "/documents/approval-chains",
    response={201: ChainOut, **WRITE},
    auth=django_auth,
    summary="Tạo quy trình duyệt / create a saved approval chain",
    operation_id="document_chain_create",
)
def chain_create(request: HttpRequest, payload: ChainIn) -> Status:
    """A new chain of `organ`, for those who keep its chains (its leaders): `reviewers` in
    order, then the `approver`, all of the organ or its units, nobody twice."""
    organ = _organ(payload.organ, "organ")
    reviewers = _officials(payload.reviewers, "reviewers")
    approver = _official(payload.approver, "approver")
    chain = _act(
        lambda: services.chain_create(
            organ=organ,
            actor=request.user,
            name=payload.name,
            reviewers=reviewers,
            approver=approver,
        )
    )
    return Status(201, chains_selectors.chain_for(user=request.user, pk=chain.pk))


@router.patch(
    "/documents/approval-chains/{pk}",
    response={200: ChainOut, **WRITE},
    auth=django_auth,
    summary="Sửa quy trình duyệt / update a saved approval chain",
    operation_id="document_chain_update",
)
def chain_update(request: HttpRequest, pk: int, payload: ChainPatchIn) -> ApprovalChain:
    """Rename, replace the reviewers and/or the approver, deactivate (`active: false`) or
    activate again. Documents already sent along the chain keep the steps they were given."""
    chain = chains_selectors.chain_for(user=request.user, pk=pk)
    reviewers = None if payload.reviewers is None else _officials(payload.reviewers, "reviewers")
    approver = _official(payload.approver, "approver")
    _act(
        lambda: services.chain_update(
            chain=chain,
            actor=request.user,
            name=payload.name,
            reviewers=reviewers,
            approver=approver,
            active=payload.active,
            version=payload.version,
        )
    )
    return chains_selectors.chain_for(user=request.user, pk=pk)


@router.get(
    "/documents/{pk}",
    response={200: DocumentOut, **READ},
    auth=django_auth,
    summary="Một văn bản đi / one outgoing document",
    operation_id="document_detail",
)
def document_detail(request: HttpRequest, pk: int) -> Document:
    return selectors.document_for(user=request.user, pk=pk)


# Fields of a draft that a PATCH may set to null (the others keep their value on null).
NULLABLE = frozenset({"drafting_unit", "signer"})


@router.patch(
    "/documents/{pk}",
    response={200: DocumentOut, **WRITE},
    auth=django_auth,
    summary="Sửa dự thảo / edit a draft",
    operation_id="document_update",
)
def document_update(request: HttpRequest, pk: int, payload: DraftPatchIn) -> Document:
    """Change the fields given of a draft (or of a document sent back to drafting) and, with
    `recipients`, its whole "Nơi nhận"; a draft composed from the template is composed again.
    409 past the draft (an issued document is corrected by a new one) or on a stale
    `version`; 422 naming each bad field."""
    document = selectors.document_for(user=request.user, pk=pk)
    given = payload.model_fields_set - {"version", "recipients"}
    changes: dict[str, Any] = {
        name: getattr(payload, name)
        for name in sorted(given)
        if getattr(payload, name) is not None or name in NULLABLE
    }
    if "drafting_unit" in changes:
        changes["drafting_unit"] = _organ(payload.drafting_unit, "drafting_unit")
    if "signer" in changes:
        changes["signer"] = _official(payload.signer, "signer")
    for name in ("urgency", "confidentiality"):
        if name in changes:
            changes[name] = str(changes[name].value)
    recipients = None if payload.recipients is None else _specs(payload.recipients)
    _act(
        lambda: services.draft_update(
            document=document,
            actor=request.user,
            changes=changes,
            recipients=recipients,
            version=payload.version,
        )
    )
    return selectors.document_for(user=request.user, pk=pk)


@router.post(
    "/documents/{pk}/files",
    response={201: DocumentOut, **WRITE},
    auth=django_auth,
    summary="Tải lên dự thảo / upload a draft file",
    operation_id="document_file_upload",
)
def document_file_upload(
    request: HttpRequest,
    pk: int,
    file: File[UploadedFile],
    version: Form[int | None] = None,
) -> Status:
    """A DOCX or PDF for a draft, checked by its content: a new version of the draft file (it
    replaces the previous one; files are never overwritten), with the optional `version` of
    the document the uploader saw."""
    document = selectors.document_for(user=request.user, pk=pk)
    _act(
        lambda: services.attach_file(
            document=document,
            actor=request.user,
            name=file.name or "tep",
            data=file.read(),
            version=version,
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
    """submit (with approver and reviewers, or a saved `chain`), approve or send_back (the
    current reviewer; the signer or clerk sends back an approved one), sign, issue,
    distribute, cancel."""
    document = selectors.document_for(user=request.user, pk=pk)
    user, note, version = request.user, payload.note, payload.version
    A = OutgoingAction

    def run() -> Document:
        if payload.action == A.SUBMIT:
            chain = None
            if payload.chain is not None:
                chain = ApprovalChain.objects.filter(pk=payload.chain).first()
                if chain is None:
                    raise services.DocumentError({"chain": [_("Không có quy trình duyệt này.")]})
            return services.submit_for_review(
                document=document,
                actor=user,
                approver=_official(payload.approver, "approver"),
                reviewers=_officials(payload.reviewers, "reviewers"),
                chain=chain,
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


@router.post(
    "/documents/{pk}/revoke",
    response={200: DocumentOut, **WRITE},
    auth=django_auth,
    summary="Thu hồi văn bản đã gửi / revoke a sent document",
    operation_id="document_revoke",
)
def document_revoke(request: HttpRequest, pk: int, payload: TakeBackIn) -> Document:
    """The issuing organ's clerk asks every recipient that received the issued document to
    take it back, with the reason: organs of this platform at once (15 on their line), outside
    organs by an edXML revoke package through the exchange (13 until they answer 15 or 16).
    A repeat changes nothing. 422 names `reason`, `document` or `recipients`."""
    document = selectors.document_for(user=request.user, pk=pk)
    _act(
        lambda: services.take_back(
            document=document, actor=request.user, reason=payload.reason, version=payload.version
        )
    )
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
