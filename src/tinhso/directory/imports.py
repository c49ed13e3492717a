"""All-or-nothing imports of administrative units, their succession and organs from CSV.

Each import reads and checks the whole file before it writes, writes in one transaction,
and is idempotent: a second run of the same file changes nothing. A bad file raises
`DataImportError` naming the file, the line and the column; nothing is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.services import audit_record
from tinhso.core.stamps import bump
from tinhso.directory import validators
from tinhso.directory.models import (
    AdministrativeUnit,
    Organ,
    OrganIdentifier,
    OrganKind,
    OrganScheme,
    UnitLevel,
    UnitSuccession,
)

# The stamp that caches of units and organs watch (core.stamps).
DIRECTORY_STAMP = "directory"
UNIT_COLUMNS = ("code", "name", "level", "parent_code", "valid_from", "valid_to")
SUCCESSION_COLUMNS = ("predecessor_code", "successor_code", "effective", "share")
ORGAN_COLUMNS = (
    "qcvn102",
    "name",
    "short_name",
    "parent_qcvn102",
    "kind",
    "level",
    "unit_code",
    "decision20",
)


class DataImportError(Exception):
    """A file that cannot be imported; `line` and `column` say where (1-based line)."""

    def __init__(self, source: str, line: int, column: str, message: str) -> None:
        self.source, self.line, self.column, self.message = source, line, column, message
        super().__init__(
            _("%(source)s, dòng %(line)s, cột «%(column)s»: %(message)s")
            % {"source": source, "line": line, "column": column, "message": message}
        )


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    details: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return _(
            "%(created)s mới, %(updated)s cập nhật, %(unchanged)s không đổi, %(skipped)s bỏ qua"
        ) % vars(self)


def _rows(path: Path | str, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) of a CSV file whose leading `#` lines are comments."""
    source = Path(path).name
    text = Path(path).read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    skip = 0
    while skip < len(lines) and lines[skip].startswith("#"):
        skip += 1
    reader = csv.DictReader(io.StringIO("\n".join(lines[skip:])))
    header = tuple(reader.fieldnames or ())
    missing = [c for c in columns if c not in header]
    if missing:
        raise DataImportError(
            source, skip + 1, missing[0], _("thiếu cột bắt buộc trong dòng tiêu đề.")
        )
    for offset, row in enumerate(reader, start=skip + 2):
        if None in row or any(v is None for v in row.values()):
            raise DataImportError(source, offset, "", _("số cột không khớp dòng tiêu đề."))
        yield offset, {k: (v or "").strip() for k, v in row.items()}


def _check(source: str, line: int, column: str, check: Callable[[], object]) -> object:
    try:
        return check()
    except ValidationError as error:
        raise DataImportError(source, line, column, " ".join(error.messages)) from error


def _date(source: str, line: int, column: str, value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise DataImportError(
            source,
            line,
            column,
            _("ngày phải có dạng YYYY-MM-DD, không phải «%(v)s».") % {"v": value},
        ) from error


def _unit_valid_on(code: str, on: date) -> AdministrativeUnit | None:
    return AdministrativeUnit.objects.valid_on(on).filter(code=code).first()


# --- Administrative units ------------------------------------------------------------------


@transaction.atomic
def import_units(
    path: Path | str, *, province: str | None = None, actor: object = None
) -> ImportResult:
    """Import a units file (`UNIT_COLUMNS`), optionally only one province and its units.

    Upserts each unit by (code, valid_from). A parent must come earlier in the file or
    already exist with a validity that covers the child's start.
    """
    source = Path(path).name
    parsed: list[tuple[int, dict[str, object]]] = []
    in_file: dict[str, dict[str, object]] = {}
    for line, row in _rows(path, UNIT_COLUMNS):
        code = row["code"]
        level = _check(source, line, "code", lambda c=code: validators.validate_unit_code(c))
        if row["level"] not in UnitLevel.values:
            raise DataImportError(
                source, line, "level", _("cấp phải là province, district hoặc commune.")
            )
        if level != row["level"]:
            raise DataImportError(
                source, line, "code", _("độ dài mã không khớp cấp «%(l)s».") % {"l": row["level"]}
            )
        if not row["name"]:
            raise DataImportError(source, line, "name", _("tên không được để trống."))
        valid_from = _date(source, line, "valid_from", row["valid_from"])
        valid_to = _date(source, line, "valid_to", row["valid_to"])
        if valid_from and valid_to and valid_to < valid_from:
            raise DataImportError(
                source, line, "valid_to", _("ngày hết hiệu lực trước ngày có hiệu lực.")
            )
        parent_code = row["parent_code"]
        if row["level"] == UnitLevel.PROVINCE and parent_code:
            raise DataImportError(
                source, line, "parent_code", _("đơn vị cấp tỉnh không có cấp trên.")
            )
        if row["level"] != UnitLevel.PROVINCE and not parent_code:
            raise DataImportError(source, line, "parent_code", _("thiếu mã đơn vị cấp trên."))
        if parent_code and parent_code not in in_file:
            on = valid_from or valid_to or timezone.localdate()
            if _unit_valid_on(parent_code, on) is None:
                raise DataImportError(
                    source,
                    line,
                    "parent_code",
                    _("không có đơn vị «%(c)s» ở các dòng trên hay trong cơ sở dữ liệu.")
                    % {"c": parent_code},
                )
        if code in in_file:
            raise DataImportError(source, line, "code", _("mã «%(c)s» lặp lại.") % {"c": code})
        item: dict[str, object] = {
            "code": code,
            "name": row["name"],
            "level": row["level"],
            "parent_code": parent_code,
            "valid_from": valid_from,
            "valid_to": valid_to,
        }
        in_file[code] = item
        parsed.append((line, item))

    if province:
        keep = {province}
        for _line, item in parsed:  # parents precede children, so one pass suffices
            if item["parent_code"] in keep:
                keep.add(str(item["code"]))
        parsed = [(line, item) for line, item in parsed if item["code"] in keep]
        if not parsed:
            raise DataImportError(
                source, 1, "code", _("không có tỉnh mã «%(c)s» trong tệp.") % {"c": province}
            )

    result = ImportResult()
    existing = {
        (u.code, u.valid_from): u
        for u in AdministrativeUnit.objects.filter(code__in=[i["code"] for _l, i in parsed])
    }
    saved: dict[str, AdministrativeUnit] = {}
    for level in (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE):
        to_create: list[AdministrativeUnit] = []
        to_update: list[AdministrativeUnit] = []
        for _line, item in parsed:
            if item["level"] != level:
                continue
            parent_code = str(item["parent_code"])
            parent = None
            if parent_code:
                parent = saved.get(parent_code) or _unit_valid_on(
                    parent_code,
                    item["valid_from"] or item["valid_to"] or timezone.localdate(),  # type: ignore[arg-type]
                )
            unit = existing.get((item["code"], item["valid_from"]))  # type: ignore[arg-type]
            values = {
                "name": item["name"],
                "level": level,
                "parent_id": parent.pk if parent else None,
                "valid_to": item["valid_to"],
            }
            if unit is None:
                unit = AdministrativeUnit(
                    code=item["code"], valid_from=item["valid_from"], **values
                )
                to_create.append(unit)
            elif any(getattr(unit, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(unit, k, v)
                to_update.append(unit)
            else:
                result.unchanged += 1
            saved[str(item["code"])] = unit
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=2000)
        AdministrativeUnit.objects.bulk_update(
            to_update, ["name", "level", "parent_id", "valid_to"], batch_size=2000
        )
        result.created += len(to_create)
        result.updated += len(to_update)
    if result.created or result.updated:
        bump(DIRECTORY_STAMP)
        audit_record(
            action="units.import",
            obj=next(iter(saved.values())),
            actor=actor,
            data={"source": source, "created": result.created, "updated": result.updated},
        )
    return result


@transaction.atomic
def import_successions(path: Path | str, *, actor: object = None) -> ImportResult:
    """Import succession links (`SUCCESSION_COLUMNS`).

    The predecessor is the unit with that code valid the day before `effective`; the
    successor the one valid on `effective`. Both must exist.
    """
    source = Path(path).name
    result = ImportResult()
    links: list[tuple[AdministrativeUnit, AdministrativeUnit, date, str]] = []
    seen: set[tuple[int, int]] = set()
    for line, row in _rows(path, SUCCESSION_COLUMNS):
        effective = _date(source, line, "effective", row["effective"])
        if effective is None:
            raise DataImportError(source, line, "effective", _("thiếu ngày hiệu lực."))
        if row["share"] not in UnitSuccession.Share.values:
            raise DataImportError(source, line, "share", _("phần phải là whole hoặc part."))
        predecessor = _unit_valid_on(row["predecessor_code"], effective - timedelta(days=1))
        if predecessor is None:
            raise DataImportError(
                source,
                line,
                "predecessor_code",
                _("không có đơn vị «%(c)s» còn hiệu lực ngày %(d)s.")
                % {"c": row["predecessor_code"], "d": effective - timedelta(days=1)},
            )
        successor = _unit_valid_on(row["successor_code"], effective)
        if successor is None:
            raise DataImportError(
                source,
                line,
                "successor_code",
                _("không có đơn vị «%(c)s» có hiệu lực ngày %(d)s.")
                % {"c": row["successor_code"], "d": effective},
            )
        if (predecessor.pk, successor.pk) in seen:
            raise DataImportError(source, line, "successor_code", _("cặp kế thừa lặp lại."))
        seen.add((predecessor.pk, successor.pk))
        links.append((predecessor, successor, effective, row["share"]))

    existing = {
        (s.predecessor_id, s.successor_id): s
        for s in UnitSuccession.objects.filter(predecessor__in=[p for p, _s, _e, _sh in links])
    }
    for predecessor, successor, effective, share in links:
        link = existing.get((predecessor.pk, successor.pk))
        if link is None:
            UnitSuccession.objects.create(
                predecessor=predecessor, successor=successor, effective=effective, share=share
            )
            result.created += 1
        elif (link.effective, link.share) != (effective, share):
            link.effective, link.share = effective, share
            link.save(update_fields=["effective", "share"])
            result.updated += 1
        else:
            result.unchanged += 1
    if links and (result.created or result.updated):
        bump(DIRECTORY_STAMP)
        audit_record(
            action="units.import_successions",
            obj=links[0][0],
            actor=actor,
            data={"source": source, "created": result.created, "updated": result.updated},
        )
    return result


# --- Organs ------------------------------------------------------------------------------


@transaction.atomic
def import_organs(path: Path | str, *, units_on: date, actor: object = None) -> ImportResult:
    """Import organs (`ORGAN_COLUMNS`), keyed by their QCVN 102 identifier.

    `units_on` is the date on which the `unit_code` column is read (a file describes the
    organs of one period). A parent must come earlier in the file or already exist.
    """
    source = Path(path).name
    known = _organs_by_qcvn102()
    units = {u.code: u for u in AdministrativeUnit.objects.valid_on(units_on).only("pk", "code")}
    rows: list[tuple[int, dict[str, str], AdministrativeUnit | None]] = []
    in_file: set[str] = set()
    for line, row in _rows(path, ORGAN_COLUMNS):
        ident = row["qcvn102"]
        _check(source, line, "qcvn102", lambda v=ident: validators.validate_qcvn102(v))
        if ident in in_file:
            raise DataImportError(source, line, "qcvn102", _("mã «%(c)s» lặp lại.") % {"c": ident})
        if row["decision20"]:
            _check(
                source,
                line,
                "decision20",
                lambda v=row["decision20"]: validators.validate_decision20(v),
            )
        for column in ("name", "short_name"):
            if not row[column]:
                raise DataImportError(source, line, column, _("không được để trống."))
        if row["kind"] not in OrganKind.values:
            raise DataImportError(
                source,
                line,
                "kind",
                _("loại «%(k)s» không có trong danh mục.") % {"k": row["kind"]},
            )
        if row["level"] not in {"1", "2", "3", "4"}:
            raise DataImportError(source, line, "level", _("cấp phải từ 1 đến 4."))
        parent = row["parent_qcvn102"]
        if parent and parent not in in_file and parent not in known:
            raise DataImportError(
                source,
                line,
                "parent_qcvn102",
                _("không có cơ quan «%(c)s» ở các dòng trên hay trong cơ sở dữ liệu.")
                % {"c": parent},
            )
        unit = None
        if row["unit_code"]:
            unit = units.get(row["unit_code"])
            if unit is None:
                raise DataImportError(
                    source,
                    line,
                    "unit_code",
                    _("không có đơn vị hành chính «%(c)s» có hiệu lực ngày %(d)s.")
                    % {"c": row["unit_code"], "d": units_on},
                )
        in_file.add(ident)
        rows.append((line, row, unit))

    result = ImportResult()
    decision20 = set(
        OrganIdentifier.objects.filter(scheme=OrganScheme.DECISION20).values_list(
            "organ_id", "value"
        )
    )
    for _line, row, unit in rows:
        parent_ident = row["parent_qcvn102"]
        parent = known[parent_ident] if parent_ident else None
        organ = known.get(row["qcvn102"])
        values = {
            "name": row["name"],
            "short_name": row["short_name"],
            "kind": row["kind"],
            "level": int(row["level"]),
            "parent_id": parent.pk if parent else None,
            "unit_id": unit.pk if unit else None,
        }
        if organ is None:
            organ = Organ.objects.create(**values)
            OrganIdentifier.objects.create(
                organ=organ, scheme=OrganScheme.QCVN102, value=row["qcvn102"]
            )
            result.created += 1
        elif any(getattr(organ, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(organ, k, v)
            organ.save()
            result.updated += 1
        else:
            result.unchanged += 1
        tree_path = (parent.tree_path if parent else "/") + f"{organ.pk}/"
        if organ.tree_path != tree_path:
            organ.tree_path = tree_path
            organ.save(update_fields=["tree_path"])
        if row["decision20"] and (organ.pk, row["decision20"]) not in decision20:
            OrganIdentifier.objects.create(
                organ=organ, scheme=OrganScheme.DECISION20, value=row["decision20"]
            )
        known[row["qcvn102"]] = organ
    if result.created or result.updated:
        bump(DIRECTORY_STAMP)
        audit_record(
            action="organs.import",
            obj=known[rows[0][1]["qcvn102"]],
            actor=actor,
            data={"source": source, "created": result.created, "updated": result.updated},
        )
    return result


def _organs_by_qcvn102() -> dict[str, Organ]:
    return {
        ident.value: ident.organ
        for ident in OrganIdentifier.objects.filter(scheme=OrganScheme.QCVN102).select_related(
            "organ"
        )
    }
