"""Back-office pages of saved approval chains (quy trình duyệt), for those who keep them. Thin:
`services.chains` validates and writes, `chains_selectors` reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tinhso.directory.models import Official
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can, organs_in_scope
from tinhso.documents import chains_selectors, services
from tinhso.documents.models import ApprovalChain
from tinhso.documents.services.chains import MAX_REVIEWERS


def _require(request: HttpRequest) -> None:
    if not can(request.user, Permission.MANAGE_APPROVAL_CHAINS):
        raise PermissionDenied(_("Tài khoản này không quản lý quy trình duyệt văn bản."))


@never_cache
@login_required
def chain_list(request: HttpRequest) -> HttpResponse:
    """The chains of the organs the user keeps them for, active and not."""
    _require(request)
    chains = chains_selectors.managed_chains(user=request.user).order_by(
        "organ__tree_path", "-active", "name"
    )
    return render(request, "documents/chains.html", {"chains": chains})


def _chosen(request: HttpRequest) -> tuple[list[Any], Any, dict[str, list[str]], list[int]]:
    """The posted reviewers (rows left empty skipped) and approver, errors for ids that name
    no official, and the form row of each reviewer given (to put errors beside it)."""
    post = request.POST
    rows = post.getlist("reviewers")
    ids = [int(v) for v in [*rows, post.get("approver", "")] if v.isdigit()]
    found = Official.objects.select_related("user", "organ").in_bulk(ids)
    reviewers, positions, errors = [], [], {}
    for row, value in enumerate(rows):
        if not value:
            continue
        official = found.get(int(value)) if value.isdigit() else None
        if official is None:
            errors[f"reviewers.{row}"] = [_("Không có cán bộ này.")]
        reviewers.append(official)
        positions.append(row)
    value = post.get("approver", "")
    approver = found.get(int(value)) if value.isdigit() else None
    if value and approver is None:
        errors["approver"] = [_("Không có cán bộ này.")]
    return reviewers, approver, errors, positions


def _by_row(error: ValidationError, positions: list[int]) -> dict[str, list[str]]:
    """The service's `reviewers.<i>` (i among the reviewers given) as `reviewers.<form row>`."""
    errors: dict[str, list[str]] = {}
    for field, texts in error.message_dict.items():
        head, _sep, index = field.partition(".")
        if head == "reviewers" and index.isdigit() and int(index) < len(positions):
            field = f"reviewers.{positions[int(index)]}"
        errors.setdefault(field, []).extend(texts)
    return errors


def _form(
    request: HttpRequest,
    *,
    chain: ApprovalChain | None,
    values: dict[str, Any],
    errors: dict[str, list[str]],
) -> HttpResponse:
    organs = organs_in_scope(request.user, Permission.MANAGE_APPROVAL_CHAINS)
    if chain is not None:
        organs = organs.filter(pk=chain.organ_id)
    reviewers = values.get("reviewers", [])
    count = min(max(len(reviewers) + 1, 3), MAX_REVIEWERS)
    rows = [
        {
            "index": i,
            "value": reviewers[i] if i < len(reviewers) else "",
            "errors": errors.get(f"reviewers.{i}", []),
        }
        for i in range(count)
    ]
    context = {
        "chain": chain,
        "organs": organs.order_by("tree_path"),
        "candidates": chains_selectors.chain_candidates(organs),
        "values": values,
        "rows": rows,
        "errors": errors,
    }
    return render(request, "documents/chain_form.html", context)


def _posted(request: HttpRequest) -> dict[str, Any]:
    return {**request.POST.dict(), "reviewers": request.POST.getlist("reviewers")}


def _save(request: HttpRequest, run: Callable[..., Any], *, editing: bool = False) -> Any:
    """Run `run(reviewers, approver)` with the posted officials; the errors by form field.
    (The update service keeps the approver when given none: the edit form must name one.)"""
    reviewers, approver, errors, positions = _chosen(request)
    if editing and approver is None:
        errors.setdefault("approver", [_("Chọn người phê duyệt.")])
    if errors:
        return None, errors
    try:
        return run(reviewers, approver), {}
    except ValidationError as error:
        return None, _by_row(error, positions)
    except (PermissionError, services.ChainConflict) as error:
        return None, {"form": [str(error)]}


@never_cache
@login_required
def chain_create(request: HttpRequest) -> HttpResponse:
    """A new chain of an organ the user keeps chains for."""
    _require(request)
    if request.method != "POST":
        return _form(request, chain=None, values={}, errors={})
    organs = organs_in_scope(request.user, Permission.MANAGE_APPROVAL_CHAINS)
    organ = get_object_or_404(organs, pk=request.POST.get("organ") or 0)
    chain, errors = _save(
        request,
        lambda reviewers, approver: services.chain_create(
            organ=organ,
            actor=request.user,
            name=request.POST.get("name", ""),
            reviewers=reviewers,
            approver=approver,
        ),
    )
    if chain is None:
        return _form(request, chain=None, values=_posted(request), errors=errors)
    messages.success(request, _("Đã tạo quy trình duyệt «%(n)s».") % {"n": chain.name})
    return redirect("documents:chains")


def _values(chain: ApprovalChain) -> dict[str, Any]:
    members = chain.members()
    return {
        "name": chain.name,
        "reviewers": [str(o.pk) for o in members[:-1]],
        "approver": str(members[-1].pk) if members else "",
    }


@never_cache
@login_required
def chain_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a chain, change its steps, stop or resume offering it. Documents already sent
    along it keep their steps."""
    _require(request)
    chain = chains_selectors.chain_for(user=request.user, pk=pk, managed=True)
    if request.method != "POST":
        return _form(request, chain=chain, values=_values(chain), errors={})
    post = request.POST
    version = int(post["version"]) if post.get("version", "").isdigit() else None
    if post.get("action") in ("deactivate", "activate"):
        try:
            if post["action"] == "deactivate":
                services.chain_deactivate(chain=chain, actor=request.user, version=version)
            else:
                services.chain_update(chain=chain, actor=request.user, active=True, version=version)
        except (PermissionError, services.ChainConflict, ValidationError) as error:
            texts = error.messages if isinstance(error, ValidationError) else [str(error)]
            return _form(request, chain=chain, values=_values(chain), errors={"form": texts})
        messages.success(request, _("Đã cập nhật quy trình duyệt «%(n)s».") % {"n": chain.name})
        return redirect("documents:chains")
    saved, errors = _save(
        request,
        lambda reviewers, approver: services.chain_update(
            chain=chain,
            actor=request.user,
            name=post.get("name", ""),
            reviewers=reviewers,
            approver=approver,
            version=version,
        ),
        editing=True,
    )
    if saved is None:
        return _form(request, chain=chain, values=_posted(request), errors=errors)
    messages.success(request, _("Đã lưu quy trình duyệt «%(n)s».") % {"n": saved.name})
    return redirect("documents:chains")
