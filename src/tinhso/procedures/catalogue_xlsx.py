"""The catalogue document (`catalogue_io.FORMAT`) as an Excel workbook and back.

One sheet per kind of row, the procedure code tying them together; lists and objects
(organs, actions, transitions, the form schema) are JSON text in their cells. Errors name the
sheet and cell (`Quy trình!D7`).
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from tinhso.procedures.catalogue_io import FORMAT, CatalogueError

# sheet title, the document list it holds, its columns (JSON-valued columns marked *).
# The fee schedule's optional columns (tinhso.payments.fees); files without them still load.
FEE_SCHEDULE = ("legal_basis", "quantity_field", "unit", "tiers*", "maximum", "exemptions*")
OPTIONAL = frozenset(c.rstrip("*") for c in FEE_SCHEDULE)
# Procedure columns added later, at the end of their sheet; files without them still load.
PROCEDURE_LATER = ("electronic_result_required",)

SHEETS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Lĩnh vực", "fields", ("code", "name")),
    (
        "Thủ tục",
        "procedures",
        (
            "code",
            "name",
            "field",
            "competent_level",
            "organs*",
            "legal_basis",
            "time_limit",
            "time_unit",
            "cutoff",
            "result_type",
            "applicant_kinds*",
            "form_schema*",
            "is_active",
            *PROCEDURE_LATER,
        ),
    ),
    ("Mức độ", "service_levels", ("procedure", "kind", "valid_from", "valid_to")),
    (
        "Thành phần hồ sơ",
        "required_documents",
        ("procedure", "name", "originals", "copies", "optional"),
    ),
    (
        "Phí, lệ phí",
        "fees",
        ("procedure", "kind", "name", "amount", "note", *FEE_SCHEDULE),
    ),
    (
        "Quy trình",
        "steps",
        (
            "procedure",
            "key",
            "name",
            "role",
            "organ_scope",
            "organ",
            "duration_hours",
            "actions*",
            "transitions*",
        ),
    ),
)
CHILDREN = ("service_levels", "required_documents", "fees", "steps")
# Text columns whose empty cell means "" (the others mean None).
TEXT = frozenset({"legal_basis", "note", "result_type"})


def to_xlsx(document: dict[str, Any]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    rows: dict[str, list[dict[str, Any]]] = {"fields": document["fields"], "procedures": []}
    for key in CHILDREN:
        rows[key] = []
    for p in document["procedures"]:
        rows["procedures"].append(p)
        for key in CHILDREN:
            rows[key] += [{"procedure": p["code"], **child} for child in p.get(key, [])]
    for title, key, columns in SHEETS:
        sheet = book.create_sheet(title)
        sheet.append([c.rstrip("*") for c in columns])
        for item in rows[key]:
            sheet.append(
                [
                    json.dumps(item.get(c.rstrip("*")), ensure_ascii=False)
                    if c.endswith("*")
                    else item.get(c)
                    for c in columns
                ]
            )
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = (
                14 if column.endswith("*") else 24
            )
        sheet.freeze_panes = "A2"
    book.properties.title = FORMAT
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def from_xlsx(data: bytes) -> dict[str, Any]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise CatalogueError("xlsx", _("tệp không phải sổ tính Excel (.xlsx) hợp lệ.")) from error
    lists: dict[str, list[dict[str, Any]]] = {}
    for title, key, columns in SHEETS:
        if title not in book.sheetnames:
            raise CatalogueError(title, _("thiếu trang tính."))
        sheet_rows = list(book[title].iter_rows(values_only=True))
        header = [str(h or "") for h in (sheet_rows[0] if sheet_rows else ())]
        wanted = [c.rstrip("*") for c in columns]
        if key == "fees" and header[: len(wanted)] != wanted:
            wanted = [c for c in wanted if c not in OPTIONAL]  # a file from before the schedule
        if key == "procedures" and header[: len(wanted)] != wanted:
            wanted = [c for c in wanted if c not in PROCEDURE_LATER]  # an older file
        if header[: len(wanted)] != wanted:
            raise CatalogueError(
                f"{title}!A1", _("dòng tiêu đề phải là: %(c)s.") % {"c": ", ".join(wanted)}
            )
        items = []
        for row_no, row in enumerate(sheet_rows[1:], start=2):
            if not any(v not in (None, "") for v in row):
                continue
            item: dict[str, Any] = {}
            for index, column in enumerate(columns):
                if column.rstrip("*") not in wanted:
                    continue
                value = row[index] if index < len(row) else None
                name = column.rstrip("*")
                if column.endswith("*"):
                    try:
                        value = json.loads(value) if value not in (None, "") else None
                    except (TypeError, json.JSONDecodeError) as error:
                        cell = f"{title}!{get_column_letter(index + 1)}{row_no}"
                        raise CatalogueError(cell, _("không phải JSON hợp lệ.")) from error
                elif isinstance(value, float) and value.is_integer():
                    value = int(value)
                elif value is None and name in TEXT:
                    value = ""
                if key == "fees" and name in OPTIONAL and value in (None, "", []):
                    continue  # absent, as `export_catalogue` writes it
                item[name] = value
            items.append(item)
        lists[key] = items
    procedures = {p.get("code"): {**p, **{k: [] for k in CHILDREN}} for p in lists["procedures"]}
    for key in CHILDREN:
        for row_no, child in enumerate(lists[key], start=2):
            owner = procedures.get(child.pop("procedure", None))
            if owner is None:
                title = next(t for t, k, _c in SHEETS if k == key)
                raise CatalogueError(f"{title}!A{row_no}", _("không có thủ tục mang mã này."))
            owner[key].append(child)
    return {"format": FORMAT, "fields": lists["fields"], "procedures": list(procedures.values())}
