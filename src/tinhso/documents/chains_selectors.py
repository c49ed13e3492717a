"""Reads of saved approval chains: those an official sees or keeps, those a draft may be sent
along, and the officials a chain of an organ may name."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tinhso.directory.models import Official, Organ
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can, organs_in_scope, roles_granting
from tinhso.documents.models import ApprovalChain, ApprovalChainStep, Document


def _with_steps(chains: QuerySet[ApprovalChain]) -> QuerySet[ApprovalChain]:
    steps = ApprovalChainStep.objects.select_related("official__user").order_by("order")
    return chains.select_related("organ").prefetch_related(Prefetch("steps", queryset=steps))


def chains_for(*, user: Any) -> QuerySet[ApprovalChain]:
    """The chains `user` sees (a chain names who reviews, nothing secret): of organs where
    they view documents or keep the chains, and of the organs whose units they draft for (a
    unit's drafter sends the organ's documents along the organ's chains)."""
    drafts = organs_in_scope(user, Permission.DRAFT_DOCUMENT)
    organs = (
        organs_in_scope(user, Permission.VIEW_DOCUMENTS)
        | organs_in_scope(user, Permission.MANAGE_APPROVAL_CHAINS)
        | Organ.objects.filter(pk__in=drafts.values("parent"))
    )
    return _with_steps(ApprovalChain.objects.filter(organ__in=organs))


def managed_chains(*, user: Any) -> QuerySet[ApprovalChain]:
    """The chains `user` keeps (`MANAGE_APPROVAL_CHAINS` over their organ)."""
    organs = organs_in_scope(user, Permission.MANAGE_APPROVAL_CHAINS)
    return _with_steps(ApprovalChain.objects.filter(organ__in=organs))


def chain_for(*, user: Any, pk: int, managed: bool = False) -> ApprovalChain:
    """One chain `user` sees (or keeps, with `managed`), or Http404."""
    chains = managed_chains(user=user) if managed else chains_for(user=user)
    chain = chains.filter(pk=pk).first()
    if chain is None:
        raise Http404(_("Không có quy trình duyệt này trong phạm vi của bạn."))
    return chain


def chains_for_document(document: Document) -> list[ApprovalChain]:
    """The active chains `document` may be sent along: its organ's and its drafting unit's."""
    organs = [o.pk for o in (document.organ, document.drafting_unit) if o is not None]
    chains = ApprovalChain.objects.filter(organ__in=organs, active=True)
    return list(_with_steps(chains).order_by("organ__tree_path", "name"))


def chain_candidates(organs: QuerySet[Organ]) -> list[Official]:
    """Active officials of `organs` or units under them who may review or approve documents
    (of their own organ or one of `organs`): those a chain of `organs` may name."""
    organ_list = list(organs)
    if not organ_list:
        return []
    under = Q()
    for organ in organ_list:
        under |= Q(organ__tree_path__startswith=organ.tree_path)
    officials = (
        Official.objects.filter(under, is_active=True)
        .filter(roles__role__in=list(roles_granting(Permission.APPROVE_DOCUMENT)))
        .select_related("user", "organ")
        .distinct()
        .order_by("organ__tree_path", "user__full_name", "pk")
    )
    return [
        o
        for o in officials
        if can(o.user, Permission.APPROVE_DOCUMENT, o.organ)
        or any(can(o.user, Permission.APPROVE_DOCUMENT, organ) for organ in organ_list)
    ]
