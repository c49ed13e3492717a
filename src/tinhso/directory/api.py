"""Directory endpoints under /api/v1: a stable contract for integrators. Thin: selectors do
the work."""

from __future__ import annotations

import json
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema

from tinhso.core.api import AUTH_PROBLEMS, READ_PROBLEMS, ApiKeyAuth, ProblemOut
from tinhso.core.stamps import StampedCache
from tinhso.directory import selectors, validators
from tinhso.directory.imports import DIRECTORY_STAMP
from tinhso.directory.models import AdministrativeUnit, Organ, OrganScheme

router = Router()
# Units and organs change only through imports and the admin, which bump the stamp.
lookups = StampedCache(DIRECTORY_STAMP)


class UnitRef(Schema):
    code: str
    name: str
    level: str
    valid_from: date | None
    valid_to: date | None


class UnitOut(UnitRef):
    parent: UnitRef | None
    children: list[UnitRef]
    successors: list[UnitRef]
    predecessors: list[UnitRef]


class OrganRef(Schema):
    name: str
    short_name: str
    qcvn102: str


class IdentifierOut(Schema):
    scheme: str
    value: str
    valid_from: date | None
    valid_to: date | None


class OrganOut(Schema):
    name: str
    short_name: str
    kind: str
    level: int
    qcvn102: str
    decision20: str
    identifiers: list[IdentifierOut]
    parent: OrganRef | None
    unit: UnitRef | None


class ApplicantOut(Schema):
    kind: str
    identifier: str
    name: str
    eid_verified: bool


class OnQuery(Schema):
    on: date | None = None


def _unit_ref(unit: AdministrativeUnit) -> dict[str, object]:
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }


def _render(schema: type[Schema], payload: dict[str, object]) -> bytes:
    """The response body, validated against its schema once, then served from the cache."""
    return json.dumps(
        schema.model_validate(payload).model_dump(mode="json"), ensure_ascii=False
    ).encode()


def _json(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _today() -> date:
    return timezone.localdate()


@router.get(
    "/units/{code}",
    response={200: UnitOut, **READ_PROBLEMS},
    summary="Đơn vị hành chính có hiệu lực vào một ngày / an administrative unit on a date",
    operation_id="unit_get",
)
def unit_get(request: HttpRequest, code: str, query: Query[OnQuery]) -> HttpResponse:
    """The unit with this statistics code valid on `on` (today by default), with its parent,
    its children valid that day, and the units that succeeded or preceded it."""
    validators.validate_unit_code(code, field="code")  # malformed: 422 naming the field
    on = query.on or _today()
    return _json(lookups.get(("unit", code, on), lambda: _render(UnitOut, _unit_payload(code, on))))


def _unit_payload(code: str, on: date) -> dict[str, object]:
    unit = selectors.unit_get(code=code, on=on)
    return {
        **_unit_ref(unit),
        "parent": _unit_ref(unit.parent) if unit.parent else None,
        "children": [_unit_ref(u) for u in unit.children_on],  # type: ignore[attr-defined]
        "successors": [_unit_ref(u) for u in unit.successors.all()],
        "predecessors": [_unit_ref(u) for u in unit.predecessors.all()],
    }


def _organ_ref(organ: Organ, on: date) -> dict[str, object]:
    return {
        "name": organ.name,
        "short_name": organ.short_name,
        "qcvn102": organ.identifier(OrganScheme.QCVN102, on),
    }


@router.get(
    "/organs/{identifier}",
    response={200: OrganOut, **READ_PROBLEMS},
    summary="Cơ quan theo mã định danh / an organ by either identifier scheme",
    operation_id="organ_get",
)
def organ_get(request: HttpRequest, identifier: str, query: Query[OnQuery]) -> HttpResponse:
    """The organ holding `identifier` on `on` (today by default), in QCVN 102 form
    (`000.00.00.H33`) or Decision 20/2020 form (`H33.02`)."""
    on = query.on or _today()
    validators.validate_organ_identifier(identifier, field="identifier")
    return _json(
        lookups.get(
            ("organ", identifier, on), lambda: _render(OrganOut, _organ_payload(identifier, on))
        )
    )


def _organ_payload(identifier: str, on: date) -> dict[str, object]:
    organ = selectors.organ_get_by_identifier(identifier=identifier, on=on)
    return {
        "name": organ.name,
        "short_name": organ.short_name,
        "kind": organ.kind,
        "level": organ.level,
        "qcvn102": organ.identifier(OrganScheme.QCVN102, on),
        "decision20": organ.identifier(OrganScheme.DECISION20, on),
        "identifiers": [
            {
                "scheme": i.scheme,
                "value": i.value,
                "valid_from": i.valid_from,
                "valid_to": i.valid_to,
            }
            for i in organ.identifiers.all()
        ],
        "parent": _organ_ref(organ.parent, on) if organ.parent else None,
        "unit": _unit_ref(organ.unit) if organ.unit else None,
    }


@router.get(
    "/applicants/{identifier}",
    response={200: ApplicantOut, 404: ProblemOut, **AUTH_PROBLEMS},
    auth=ApiKeyAuth("applicants:read"),
    summary="Người nộp hồ sơ theo mã định danh / an applicant by electronic identifier",
    operation_id="applicant_get",
)
def applicant_get(request: HttpRequest, identifier: str) -> dict[str, object]:
    """Whether an applicant with this CCCD or tax code is known, and whether their electronic
    identity is verified. Needs an API key with the scope `applicants:read`."""
    applicant = selectors.applicant_get(identifier=identifier)
    return {
        "kind": applicant.kind,
        "identifier": applicant.identifier,
        "name": applicant.name,
        "eid_verified": applicant.eid_verified_at is not None,
    }
