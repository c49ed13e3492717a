"""Writes of the catalogue from files: import (JSON or Excel, all-or-nothing) and export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.directory.permissions import Action, can
from tinhso.procedures import catalogue_io, catalogue_xlsx

MAX_FILE_BYTES = 20 * 1024 * 1024
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"json": "application/json", "xlsx": XLSX_MIME}


def _allowed(actor: Any) -> None:
    """`actor` None is the operator at the console (`tinhso import_procedures`)."""
    if actor is not None and not can(actor, Action.MANAGE_CATALOGUE):
        raise PermissionDenied(_("Tài khoản này không có quyền quản lý danh mục thủ tục."))


def file_format(filename: str) -> str:
    """ "json" or "xlsx" from the file name; CatalogueError("file", …) otherwise."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise catalogue_io.CatalogueError(
            "file", _("tệp phải là .json hoặc .xlsx (tệp đã chọn: «%(n)s»).") % {"n": filename}
        )
    return suffix


def catalogue_import_file(*, filename: str, content: bytes, actor: Any) -> dict[str, int]:
    """Import the catalogue file `filename` (.json or .xlsx by its name), all-or-nothing: the
    counts of procedures, created and updated. Raises PermissionDenied when `actor` may not
    manage the catalogue, CatalogueError naming the place (file, JSON line and column, sheet
    and cell, procedure and field) when anything is wrong; nothing is written then."""
    _allowed(actor)
    kind = file_format(filename)
    if len(content) > MAX_FILE_BYTES:
        raise catalogue_io.CatalogueError(
            "file", _("tệp lớn hơn %(mb)s MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not content:
        raise catalogue_io.CatalogueError("file", _("tệp rỗng."))
    document = catalogue_xlsx.from_xlsx(content) if kind == "xlsx" else catalogue_io.loads(content)
    return catalogue_io.import_catalogue(document, actor=actor)


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    media_type: str
    procedures: int


def catalogue_export_file(*, kind: str, actor: Any) -> ExportFile:
    """The whole catalogue as a file in `kind` ("json" or "xlsx"). Raises PermissionDenied, or
    ValueError for another kind."""
    _allowed(actor)
    if kind not in FORMATS:
        raise ValueError(kind)
    document = catalogue_io.export_catalogue()
    if kind == "xlsx":
        content = catalogue_xlsx.to_xlsx(document)
    else:
        content = catalogue_io.dumps(document).encode("utf-8")
    name = f"danh-muc-thu-tuc-{timezone.localdate():%Y%m%d}.{kind}"
    return ExportFile(content, name, FORMATS[kind], len(document["procedures"]))
