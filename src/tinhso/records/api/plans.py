"""File plans under /api/v1/records/plans."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.security import django_auth

from tinhso.core.api import AUTH_PROBLEMS
from tinhso.records import selectors, services
from tinhso.records.api.common import act, official, one, organ_by_identifier, router
from tinhso.records.api.schemas import (
    READ,
    WRITE,
    EntryIn,
    HeadingIn,
    PlanAction,
    PlanActionIn,
    PlanDetailOut,
    PlanIn,
    PlanOut,
    PlanQuery,
)
from tinhso.records.models import FilePlan


@router.get(
    "/records/plans",
    response={200: list[PlanOut], **AUTH_PROBLEMS},
    auth=django_auth,
    summary="Danh mục hồ sơ / file plans",
    operation_id="records_plan_list",
)
def plan_list(request: HttpRequest, filters: Query[PlanQuery]) -> list[FilePlan]:
    """The file plans of the caller's organs, newest year first."""
    plans = selectors.plans_for(user=request.user)
    if filters.year:
        plans = plans.filter(year=filters.year)
    return list(plans[:500])


@router.post(
    "/records/plans",
    response={201: PlanDetailOut, **WRITE},
    auth=django_auth,
    summary="Lập danh mục hồ sơ / create a file plan",
    operation_id="records_plan_create",
)
def plan_create(request: HttpRequest, payload: PlanIn) -> Status:
    """A new draft plan of an organ for a year, empty or copied from the year before."""
    organ = organ_by_identifier(payload.organ, "organ")
    if payload.copy_previous:
        plan = act(
            lambda: services.plan_copy_previous(organ=organ, year=payload.year, actor=request.user)
        )
    else:
        plan = act(
            lambda: services.plan_create(
                organ=organ, year=payload.year, actor=request.user, note=payload.note
            )
        )
    return Status(201, selectors.plan_for(user=request.user, pk=plan.pk))


@router.get(
    "/records/plans/{pk}",
    response={200: PlanDetailOut, **READ},
    auth=django_auth,
    summary="Một danh mục hồ sơ / one file plan",
    operation_id="records_plan_detail",
)
def plan_detail(request: HttpRequest, pk: int) -> FilePlan:
    return selectors.plan_for(user=request.user, pk=pk)


@router.post(
    "/records/plans/{pk}/headings",
    response={201: PlanDetailOut, **WRITE},
    auth=django_auth,
    summary="Thêm đề mục / add a heading",
    operation_id="records_plan_heading_add",
)
def plan_heading_add(request: HttpRequest, pk: int, payload: HeadingIn) -> Status:
    plan = selectors.plan_for(user=request.user, pk=pk)
    act(
        lambda: services.plan_add_heading(
            plan=plan,
            actor=request.user,
            title=payload.title,
            level=payload.level,
            code=payload.code,
            label=payload.label,
        )
    )
    return Status(201, selectors.plan_for(user=request.user, pk=pk))


@router.post(
    "/records/plans/{pk}/entries",
    response={201: PlanDetailOut, **WRITE},
    auth=django_auth,
    summary="Thêm hồ sơ dự kiến / add a planned record",
    operation_id="records_plan_entry_add",
)
def plan_entry_add(request: HttpRequest, pk: int, payload: EntryIn) -> Status:
    """On an approved plan this is an addition (bổ sung), flagged and in the history."""
    plan = selectors.plan_for(user=request.user, pk=pk)
    heading = one(plan.headings, payload.heading, "heading", _("Không có đề mục này."))
    act(
        lambda: services.plan_add_entry(
            plan=plan,
            actor=request.user,
            heading=heading,
            title=payload.title,
            retention=payload.retention,
            notation=payload.notation,
            keeper=official(payload.keeper, "keeper"),
            note=payload.note,
        )
    )
    return Status(201, selectors.plan_for(user=request.user, pk=pk))


@router.post(
    "/records/plans/{pk}/actions",
    response={200: PlanDetailOut, **WRITE},
    auth=django_auth,
    summary="Thao tác với danh mục / act on a file plan",
    operation_id="records_plan_act",
)
def planact(request: HttpRequest, pk: int, payload: PlanActionIn) -> FilePlan:
    """approve (leader), revise (a new draft version; answered with it), change_entry and
    remove_entry (draft only)."""
    plan = selectors.plan_for(user=request.user, pk=pk)
    user, A = request.user, PlanAction

    def run() -> FilePlan:
        if payload.action == A.APPROVE:
            return services.plan_approve(plan=plan, actor=user)
        if payload.action == A.REVISE:
            return services.plan_revise(plan=plan, actor=user, note=payload.note)
        entry = one(plan.entries, payload.entry, "entry", _("Không có hồ sơ dự kiến này."))
        if payload.action == A.REMOVE_ENTRY:
            services.plan_remove_entry(entry=entry, actor=user)
        else:
            services.plan_update_entry(
                entry=entry,
                actor=user,
                title=payload.title,
                retention=payload.retention,
                notation=payload.notation,
            )
        return plan

    result = act(run)
    return selectors.plan_for(user=request.user, pk=result.pk)
