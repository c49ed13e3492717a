"""The router of the records API and what its endpoints share: refusals as problem details,
lookups that name the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from ninja import Router

from tinhso.core.api import Problem
from tinhso.directory.models import Official, Organ
from tinhso.records import services
from tinhso.records.states import IllegalTransition

router = Router()


def act(run: Callable[[], Any]) -> Any:
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
            409, "conflict", _("Hồ sơ vừa được người khác cập nhật"), str(error)
        ) from error
    except PermissionError as error:
        raise Problem(403, "forbidden", _("Không có quyền"), str(error)) from error


def organ_by_identifier(identifier: str | None, field: str) -> Organ:
    organ = Organ.objects.filter(identifiers__value=identifier or "").first()
    if organ is None:
        raise services.RecordError({field: [_("Không có cơ quan mang mã định danh này.")]})
    return organ


def official(pk: int | None, field: str) -> Official | None:
    if pk is None:
        return None
    official = Official.objects.filter(pk=pk).select_related("user").first()
    if official is None:
        raise services.RecordError({field: [_("Không có cán bộ này.")]})
    return official


def one(source: Any, pk: int | None, field: str, message: str, **scope: Any) -> Any:
    """The row `pk` of `source` (a model or a related manager) within `scope`, or a
    RecordError naming `field` with `message`."""
    rows = getattr(source, "objects", source)
    found = rows.filter(pk=pk, **scope).first() if pk is not None else None
    if found is None:
        raise services.RecordError({field: [message]})
    return found
