"""Import and export of the procedure catalogue as JSON or Excel, all-or-nothing.

Both formats carry the same document (`FORMAT`): fields, then procedures with their service
levels, required documents, fees and process steps. `electronic_result_required` (true or
false, absent meaning false) marks a procedure whose online dossiers count as online only
with an electronic result (indicator 3.3). An import checks the whole document
first and raises `CatalogueError` naming the place of the first bad value (e.g.
`procedures[3].steps[1].role`, or in Excel `Quy trình!D7`); then it writes in one transaction,
replacing each listed procedure's children. Organs are named by identifier.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, time
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.core.services import audit_record
from tinhso.core.stamps import bump
from tinhso.directory.models import OrganIdentifier
from tinhso.procedures import forms, template
from tinhso.procedures.models import (
    CompetentLevel,
    Fee,
    Field,
    Procedure,
    ProcessStep,
    RequiredDocument,
    ServiceLevel,
    ServiceLevelKind,
    TimeUnit,
)
from tinhso.procedures.selectors import CATALOGUE_STAMP

FORMAT = "tinhso.procedures/1"


class CatalogueError(Exception):
    def __init__(self, where: str, message: str) -> None:
        self.where, self.message = where, message
        super().__init__(f"{where}: {message}")


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise CatalogueError(where, message)


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as error:
        raise CatalogueError(where, _("ngày phải có dạng YYYY-MM-DD.")) from error


def _text(item: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = item.get(key, "")
    _require(isinstance(value, str), f"{where}.{key}", _("phải là chuỗi ký tự."))
    _require(bool(value.strip()) or not required, f"{where}.{key}", _("không được để trống."))
    return value.strip()


def _int(item: dict[str, Any], key: str, where: str, default: int | None = None) -> int:
    value = item.get(key, default)
    _require(
        isinstance(value, int) and not isinstance(value, bool) and value >= 0,
        f"{where}.{key}",
        _("phải là số nguyên không âm."),
    )
    return int(value)  # type: ignore[arg-type]


def _check_fee_rules(fee: dict[str, Any], where: str) -> None:
    """The optional schedule keys of a fee: tiers by quantity, a maximum, exemptions."""
    for key in ("legal_basis", "quantity_field", "unit"):
        _text(fee, key, where, required=False)
    if fee.get("maximum") is not None:
        _int(fee, "maximum", where)
    tiers, exemptions = fee.get("tiers", []), fee.get("exemptions", [])
    _require(isinstance(tiers, list), f"{where}.tiers", _("phải là danh sách."))
    _require(isinstance(exemptions, list), f"{where}.exemptions", _("phải là danh sách."))
    for i, tier in enumerate(tiers):
        _require(isinstance(tier, dict), f"{where}.tiers[{i}]", _("phải là đối tượng."))
        _int(tier, "amount", f"{where}.tiers[{i}]")
        _require(
            _int(tier, "from", f"{where}.tiers[{i}]") >= 2,
            f"{where}.tiers[{i}].from",
            _("bậc giá bắt đầu từ đơn vị thứ 2 trở đi."),
        )
    for i, item in enumerate(exemptions):
        here = f"{where}.exemptions[{i}]"
        _require(isinstance(item, dict), here, _("phải là đối tượng."))
        _text(item, "category", here)
        _require(
            0 < _int(item, "reduction", here) <= 100,
            f"{here}.reduction",
            _("mức giảm là phần trăm từ 1 đến 100."),
        )


def _check_procedure(
    p: dict[str, Any], where: str, fields: set[str], organs: dict[str, int]
) -> None:
    _text(p, "code", where)
    _text(p, "name", where)
    _require(p.get("field") in fields, f"{where}.field", _("lĩnh vực không có trong danh mục."))
    _require(
        p.get("competent_level") in CompetentLevel.values,
        f"{where}.competent_level",
        _("cấp thực hiện phải là province, district hoặc commune."),
    )
    _int(p, "time_limit", where)
    _require(
        p.get("time_unit", TimeUnit.WORKING_DAYS) in TimeUnit.values,
        f"{where}.time_unit",
        _("đơn vị thời hạn phải là working_days hoặc working_hours."),
    )
    if p.get("cutoff"):
        try:
            time.fromisoformat(p["cutoff"])
        except (TypeError, ValueError) as error:
            raise CatalogueError(f"{where}.cutoff", _("giờ chốt phải có dạng HH:MM.")) from error
    _require(
        p.get("electronic_result_required") in (None, True, False),
        f"{where}.electronic_result_required",
        _("phải là true hoặc false."),
    )
    kinds = p.get("applicant_kinds", [])
    _require(
        isinstance(kinds, list) and set(kinds) <= {"citizen", "business"},
        f"{where}.applicant_kinds",
        _("đối tượng phải là citizen và/hoặc business."),
    )
    for i, ident in enumerate(p.get("organs", [])):
        _require(ident in organs, f"{where}.organs[{i}]", _("không có cơ quan mang mã này."))
    problems = forms.schema_problems(p.get("form_schema") or {})
    _require(not problems, f"{where}.form_schema", "; ".join(problems))
    for i, level in enumerate(p.get("service_levels", [])):
        here = f"{where}.service_levels[{i}]"
        _require(
            level.get("kind") in ServiceLevelKind.values, f"{here}.kind", _("mức độ không hợp lệ.")
        )
        start, end = _date(level.get("valid_from"), here), _date(level.get("valid_to"), here)
        _require(
            not (start and end and end < start),
            f"{here}.valid_to",
            _("kết thúc trước khi bắt đầu."),
        )
    for i, doc in enumerate(p.get("required_documents", [])):
        here = f"{where}.required_documents[{i}]"
        _text(doc, "name", here)
        _int(doc, "originals", here, 1)
        _int(doc, "copies", here, 0)
    for i, fee in enumerate(p.get("fees", [])):
        here = f"{where}.fees[{i}]"
        _require(
            fee.get("kind") in Fee.Kind.values, f"{here}.kind", _("loại phải là fee hoặc charge.")
        )
        _text(fee, "name", here)
        _int(fee, "amount", here)
        _check_fee_rules(fee, here)
    steps = []
    for i, step in enumerate(p.get("steps", [])):
        here = f"{where}.steps[{i}]"
        _text(step, "key", here)
        _text(step, "name", here)
        scope = step.get("organ_scope", ProcessStep.Scope.RECEIVING)
        _require(
            scope in ProcessStep.Scope.values,
            f"{here}.organ_scope",
            _("nơi thực hiện không hợp lệ."),
        )
        if scope == ProcessStep.Scope.ORGAN:
            _require(
                step.get("organ") in organs, f"{here}.organ", _("không có cơ quan mang mã này.")
            )
        steps.append(
            template.Step(
                key=step["key"],
                role=step.get("role", ""),
                duration_hours=_int(step, "duration_hours", here),
                actions=tuple(step.get("actions", [])),
                transitions=dict(step.get("transitions", {})),
            )
        )
    if steps:
        for problem in template.check_template(steps):
            index = next((i for i, s in enumerate(steps) if s.key == problem.step), None)
            here = f"{where}.steps[{index}]" if index is not None else f"{where}.steps"
            raise CatalogueError(
                f"{here}.{problem.field}", _("quy trình không hợp lệ: %(c)s.") % {"c": problem.code}
            )


@transaction.atomic
def import_catalogue(document: dict[str, Any], *, actor: Any = None) -> dict[str, int]:
    """Import a catalogue document; returns counts. Raises CatalogueError, writing nothing."""
    _require(
        document.get("format") == FORMAT,
        "format",
        _("tài liệu phải có format %(f)s.") % {"f": FORMAT},
    )
    field_items = document.get("fields", [])
    for i, f in enumerate(field_items):
        _text(f, "code", f"fields[{i}]")
        _text(f, "name", f"fields[{i}]")
    field_codes = {f["code"] for f in field_items} | set(
        Field.objects.values_list("code", flat=True)
    )
    organs = dict(OrganIdentifier.objects.values_list("value", "organ_id"))
    seen: set[str] = set()
    items = document.get("procedures", [])
    for i, p in enumerate(items):
        _check_procedure(p, f"procedures[{i}]", field_codes, organs)
        _require(p["code"] not in seen, f"procedures[{i}].code", _("mã thủ tục lặp lại."))
        seen.add(p["code"])

    for f in field_items:
        Field.objects.update_or_create(code=f["code"], defaults={"name": f["name"]})
    fields_by_code = {f.code: f for f in Field.objects.all()}
    existing = {p.code: p for p in Procedure.objects.filter(code__in=seen)}
    created = 0
    procedures: list[tuple[Procedure, dict[str, Any]]] = []
    for p in items:
        values = {
            "name": p["name"].strip(),
            "field": fields_by_code[p["field"]],
            "competent_level": p["competent_level"],
            "legal_basis": p.get("legal_basis", ""),
            "time_limit": p["time_limit"],
            "time_unit": p.get("time_unit", TimeUnit.WORKING_DAYS),
            "cutoff": time.fromisoformat(p["cutoff"]) if p.get("cutoff") else None,
            "result_type": p.get("result_type", ""),
            "applicant_kinds": p.get("applicant_kinds", []),
            "form_schema": p.get("form_schema") or {},
            "is_active": p.get("is_active") is not False,
            "electronic_result_required": p.get("electronic_result_required") is True,
        }
        procedure = existing.get(p["code"])
        if procedure is None:
            procedure = Procedure(code=p["code"].strip(), **values)
            created += 1
        else:
            for key, value in values.items():
                setattr(procedure, key, value)
        procedure.save()
        procedures.append((procedure, p))
    ids = [proc.pk for proc, _p in procedures]
    for model in (ServiceLevel, RequiredDocument, Fee, ProcessStep):
        model.objects.filter(procedure_id__in=ids).delete()
    Procedure.organs.through.objects.filter(procedure_id__in=ids).delete()
    levels, docs, fees, steps, links = [], [], [], [], []
    for proc, p in procedures:
        levels += [
            ServiceLevel(
                procedure=proc,
                kind=lv["kind"],
                valid_from=_date(lv.get("valid_from"), ""),
                valid_to=_date(lv.get("valid_to"), ""),
            )
            for lv in p.get("service_levels", [])
        ]
        docs += [
            RequiredDocument(
                procedure=proc,
                order=i + 1,
                name=d["name"],
                originals=d.get("originals", 1),
                copies=d.get("copies", 0),
                optional=bool(d.get("optional", False)),
            )
            for i, d in enumerate(p.get("required_documents", []))
        ]
        fees += [
            Fee(
                procedure=proc,
                kind=f["kind"],
                name=f["name"],
                amount=f["amount"],
                note=f.get("note", ""),
                legal_basis=f.get("legal_basis", "").strip(),
                quantity_field=f.get("quantity_field", "").strip(),
                unit=f.get("unit", "").strip(),
                tiers=list(f.get("tiers", [])),
                maximum=f.get("maximum"),
                exemptions=list(f.get("exemptions", [])),
            )
            for f in p.get("fees", [])
        ]
        steps += [
            ProcessStep(
                procedure=proc,
                key=s["key"],
                order=i + 1,
                name=s["name"],
                role=s["role"],
                organ_scope=s.get("organ_scope", ProcessStep.Scope.RECEIVING),
                organ_id=organs.get(s.get("organ") or ""),
                duration_hours=s["duration_hours"],
                actions=list(s.get("actions", [])),
                transitions=dict(s.get("transitions", {})),
            )
            for i, s in enumerate(p.get("steps", []))
        ]
        links += [
            Procedure.organs.through(procedure_id=proc.pk, organ_id=organs[ident])
            for ident in dict.fromkeys(p.get("organs", []))
        ]
    for model, rows in (
        (ServiceLevel, levels),
        (RequiredDocument, docs),
        (Fee, fees),
        (ProcessStep, steps),
    ):
        model.objects.bulk_create(rows, batch_size=2000)
    Procedure.organs.through.objects.bulk_create(links, batch_size=2000)
    bump(CATALOGUE_STAMP)
    if procedures:
        audit_record(
            action="procedures.import",
            obj=procedures[0][0],
            actor=actor,
            data={"procedures": len(procedures), "created": created},
        )
    return {"procedures": len(procedures), "created": created, "updated": len(procedures) - created}


def _fee_out(f: Fee) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": f.kind, "name": f.name, "amount": f.amount, "note": f.note}
    # The schedule keys only when set, so that simple catalogues stay as they were.
    optional = {
        "legal_basis": f.legal_basis,
        "quantity_field": f.quantity_field,
        "unit": f.unit,
        "tiers": f.tiers,
        "maximum": f.maximum,
        "exemptions": f.exemptions,
    }
    out.update({k: v for k, v in optional.items() if v not in ("", [], None)})
    return out


def export_catalogue(procedures: Iterable[Procedure] | None = None) -> dict[str, Any]:
    """The catalogue (or the given procedures) as a document that `import_catalogue` reads."""
    queryset = (
        (
            Procedure.objects.all()
            if procedures is None
            else Procedure.objects.filter(pk__in=[p.pk for p in procedures])
        )
        .select_related("field")
        .prefetch_related(
            "service_levels",
            "required_documents",
            "fees",
            "steps__organ__identifiers",
            "organs__identifiers",
        )
        .order_by("code")
    )
    items, field_codes = [], {}
    for p in queryset:
        field_codes[p.field.code] = p.field.name
        items.append(
            {
                "code": p.code,
                "name": p.name,
                "field": p.field.code,
                "competent_level": p.competent_level,
                "organs": sorted(o.identifier() for o in p.organs.all()),
                "legal_basis": p.legal_basis,
                "time_limit": p.time_limit,
                "time_unit": p.time_unit,
                "cutoff": p.cutoff.strftime("%H:%M") if p.cutoff else None,
                "result_type": p.result_type,
                "applicant_kinds": p.applicant_kinds,
                "form_schema": p.form_schema,
                "is_active": p.is_active,
                "electronic_result_required": p.electronic_result_required,
                "service_levels": [
                    {
                        "kind": lv.kind,
                        "valid_from": lv.valid_from.isoformat() if lv.valid_from else None,
                        "valid_to": lv.valid_to.isoformat() if lv.valid_to else None,
                    }
                    for lv in p.service_levels.all()
                ],
                "required_documents": [
                    {
                        "name": d.name,
                        "originals": d.originals,
                        "copies": d.copies,
                        "optional": d.optional,
                    }
                    for d in p.required_documents.all()
                ],
                "fees": [_fee_out(f) for f in p.fees.all()],
                "steps": [
                    {
                        "key": s.key,
                        "name": s.name,
                        "role": s.role,
                        "organ_scope": s.organ_scope,
                        "organ": s.organ.identifier() if s.organ else None,
                        "duration_hours": s.duration_hours,
                        "actions": s.actions,
                        "transitions": s.transitions,
                    }
                    for s in p.steps.all()
                ],
            }
        )
    return {
        "format": FORMAT,
        "fields": [{"code": c, "name": n} for c, n in sorted(field_codes.items())],
        "procedures": items,
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def loads(text: str | bytes) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogueError(f"json:{error.lineno}:{error.colno}", error.msg) from error
    _require(isinstance(document, dict), "json", _("tài liệu phải là một đối tượng JSON."))
    return document
