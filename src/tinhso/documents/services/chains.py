"""Saved approval chains of an organ: create, update, deactivate, and the members a chain gives
a document sent for review. Kept by those who may `MANAGE_APPROVAL_CHAINS` over the organ."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.core.services import audit_record
from tinhso.directory.models import Official, Organ
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can
from tinhso.documents.models import ApprovalChain, ApprovalChainStep, Document
from tinhso.documents.services.common import DocumentError

# Reviewers a chain may have before its approver (a longer chain is a sign of a mistake).
MAX_REVIEWERS = 10


class ChainConflict(Exception):
    """The chain changed since the caller read it (someone else saved it first)."""

    def __init__(self, chain: ApprovalChain, expected: int) -> None:
        self.chain, self.expected = chain, expected
        super().__init__(
            _("Quy trình duyệt vừa được người khác sửa (phiên bản %(v)s, bạn đang xem %(e)s).")
            % {"v": chain.version, "e": expected}
        )


def _require_manager(actor: Any, organ: Organ) -> None:
    if not can(actor, Permission.MANAGE_APPROVAL_CHAINS, organ):
        raise PermissionError(_("Bạn không có quyền quản lý quy trình duyệt của cơ quan này."))


def _in_subtree(official: Official, organ: Organ) -> bool:
    return official.organ_id == organ.pk or official.organ.tree_path.startswith(organ.tree_path)


def _check(
    organ: Organ,
    name: str,
    reviewers: Sequence[Official],
    approver: Official | None,
    *,
    chain: ApprovalChain | None = None,
) -> dict[str, list[str]]:
    """What is wrong with a chain, by field: `name`, `reviewers` / `reviewers.<i>`,
    `approver`. Each official must be active and of `organ` or a unit under it; reviewers must
    be able to review (approve documents of the organ or of their own unit); the approver must
    be able to approve for the organ; nobody twice."""
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Tên quy trình không được để trống.")]
    elif len(name) > 200:
        errors["name"] = [_("Tên quy trình dài quá 200 ký tự.")]
    else:
        same = ApprovalChain.objects.filter(organ=organ, name__iexact=name)
        if chain is not None:
            same = same.exclude(pk=chain.pk)
        if same.exists():
            errors["name"] = [_("Cơ quan đã có quy trình duyệt mang tên này.")]
    if len(reviewers) > MAX_REVIEWERS:
        errors["reviewers"] = [
            _("Quy trình có tối đa %(n)s người cho ý kiến.") % {"n": MAX_REVIEWERS}
        ]
    if approver is None:
        errors["approver"] = [_("Chọn người phê duyệt.")]
    seen: set[int] = set()
    members = [(f"reviewers.{i}", o) for i, o in enumerate(reviewers)]
    if approver is not None:
        members.append(("approver", approver))
    for field, official in members:
        if official.pk in seen:
            problem = _("«%(n)s» đã có ở một bước trước trong quy trình.")
        elif not official.is_active:
            problem = _("«%(n)s» không còn công tác.")
        elif not _in_subtree(official, organ):
            problem = _("«%(n)s» không thuộc %(o)s hoặc đơn vị trực thuộc.")
        elif field == "approver" and not can(official.user, Permission.APPROVE_DOCUMENT, organ):
            problem = _("«%(n)s» không có thẩm quyền phê duyệt văn bản của %(o)s.")
        elif field != "approver" and not (
            can(official.user, Permission.APPROVE_DOCUMENT, organ)
            or can(official.user, Permission.APPROVE_DOCUMENT, official.organ)
        ):
            problem = _("«%(n)s» không có quyền cho ý kiến, phê duyệt văn bản.")
        else:
            problem = ""
        seen.add(official.pk)
        if problem:
            errors[field] = [problem % {"n": official, "o": organ}]
    return errors


def _save_steps(chain: ApprovalChain, officials: Sequence[Official]) -> None:
    chain.steps.all().delete()
    ApprovalChainStep.objects.bulk_create(
        ApprovalChainStep(chain=chain, order=order, official=official)
        for order, official in enumerate(officials, start=1)
    )


def _audit(chain: ApprovalChain, action: str, actor: Any, officials: Sequence[Official]) -> None:
    audit_record(
        action=f"approval_chain.{action}",
        obj=chain,
        actor=actor,
        data={
            "organ": chain.organ_id,
            "name": chain.name,
            "active": chain.active,
            "steps": [o.pk for o in officials],
        },
    )


@transaction.atomic
def chain_create(
    *,
    organ: Organ,
    actor: Any,
    name: str,
    approver: Official | None,
    reviewers: Sequence[Official] = (),
) -> ApprovalChain:
    """A new active chain of `organ`: `reviewers` in order, then the `approver`.

    Raises PermissionError unless `actor` manages the organ's chains, DocumentError by field
    (`name`, `reviewers.<i>`, `approver`). Writes nothing then; the audit entry otherwise."""
    _require_manager(actor, organ)
    name = name.strip()
    errors = _check(organ, name, reviewers, approver)
    if errors:
        raise DocumentError(errors)
    assert approver is not None
    chain = ApprovalChain.objects.create(
        organ=organ,
        name=name,
        version=1,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    officials = [*reviewers, approver]
    _save_steps(chain, officials)
    _audit(chain, "create", actor, officials)
    return chain


def _lock(chain: ApprovalChain, version: int | None) -> ApprovalChain:
    current = ApprovalChain.objects.select_for_update().select_related("organ").get(pk=chain.pk)
    if version is not None and current.version != version:
        raise ChainConflict(current, version)
    return current


@transaction.atomic
def chain_update(
    *,
    chain: ApprovalChain,
    actor: Any,
    name: str | None = None,
    approver: Official | None = None,
    reviewers: Sequence[Official] | None = None,
    active: bool | None = None,
    version: int | None = None,
) -> ApprovalChain:
    """Rename the chain, replace its steps (`reviewers` and/or `approver`; the one not given
    stays), or (re)activate or deactivate it. Documents already sent along it keep the steps
    they were given. An update that changes nothing writes nothing.

    Raises PermissionError, ChainConflict on a stale `version`, DocumentError by field."""
    chain = _lock(chain, version)
    _require_manager(actor, chain.organ)
    current = list(chain.steps.select_related("official__organ", "official__user"))
    new_name = chain.name if name is None else name.strip()
    new_reviewers = [s.official for s in current[:-1]] if reviewers is None else list(reviewers)
    new_approver = approver if approver is not None else current[-1].official if current else None
    errors = _check(chain.organ, new_name, new_reviewers, new_approver, chain=chain)
    if errors:
        raise DocumentError(errors)
    assert new_approver is not None
    officials = [*new_reviewers, new_approver]
    new_steps = [o.pk for o in officials] != [s.official_id for s in current]
    new_active = chain.active if active is None else active
    if not (new_steps or new_name != chain.name or new_active != chain.active):
        return chain  # nothing changed: nothing written
    if new_steps:
        _save_steps(chain, officials)
    chain.name, chain.active = new_name, new_active
    chain.version += 1
    chain.save()
    _audit(chain, "update", actor, officials)
    return chain


@transaction.atomic
def chain_deactivate(
    *, chain: ApprovalChain, actor: Any, version: int | None = None
) -> ApprovalChain:
    """Stop offering the chain at submission (it stays listed, and can be activated again).
    Raises PermissionError, ChainConflict on a stale `version`."""
    chain = _lock(chain, version)
    _require_manager(actor, chain.organ)
    chain.active = False
    chain.version += 1
    chain.save()
    _audit(chain, "deactivate", actor, chain.members())
    return chain


def chain_members(chain: ApprovalChain, document: Document) -> tuple[list[Official], Official]:
    """The reviewers and the approver `chain` gives `document` now (read once, to be copied
    into its approval steps). DocumentError on `chain` when it is not in use or belongs to
    neither the document's organ nor its drafting unit."""
    problem = ""
    if not chain.active:
        problem = _("Quy trình duyệt «%(n)s» đã ngừng sử dụng.")
    elif chain.organ_id not in (document.organ_id, document.drafting_unit_id):
        problem = _("Quy trình duyệt «%(n)s» không thuộc cơ quan ban hành.")
    steps = chain.steps.select_related("official__user").order_by("order")
    officials = [step.official for step in steps] if not problem else []
    if not problem and not officials:
        problem = _("Quy trình duyệt «%(n)s» chưa có bước nào.")
    if problem:
        raise DocumentError({"chain": [problem % {"n": chain}]})
    return officials[:-1], officials[-1]
