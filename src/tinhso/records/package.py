"""Archive packages of work records: write and verify (pure: no Django imports).

A package is a ZIP holding

    files/NNN-MMM-<name>        the record's files (issued PDFs, received scans, attachments),
                                NNN the item's order in the record, MMM the file's number
    metadata.xml                the record and its contents list, valid against
                                schema/record-package.xsd (namespace `NAMESPACE`)
    metadata.json               the same values as metadata.xml
    schema/record-package.xsd   the schema, so the package explains itself
    manifest-sha256.txt         "<sha256>  <path>" for every other file of the package

Files are streamed from their storage into the ZIP (which the caller gives as a file, a
temporary one for a download) and hashed on the way: nothing is held in memory twice.
`verify.verify_package` checks a package written here.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from lxml import etree  # type: ignore[import-untyped]  # no stubs installed

NAMESPACE = "urn:tinhso:records:package:1"
FORMAT_VERSION = 1
MANIFEST = "manifest-sha256.txt"
METADATA_XML = "metadata.xml"
METADATA_JSON = "metadata.json"
SCHEMA_PATH = "schema/record-package.xsd"
SCHEMA_FILE = Path(__file__).with_name("schema") / "record-package.xsd"
CHUNK = 1024 * 1024
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
# Characters XML 1.0 cannot carry; carriage returns, which XML parsers turn into newlines.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FileEntry:
    """A file in the package: where, what it was called, its type, size and SHA-256."""

    path: str
    name: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ItemMeta:
    """One line of the record's contents list (mục lục văn bản)."""

    order: int
    kind: str
    notation: str
    date: date | None
    type_name: str
    summary: str
    author: str
    pages: int | None
    note: str = ""
    files: tuple[FileEntry, ...] = ()


@dataclass(frozen=True)
class RecordMeta:
    """The record's metadata (Decree 30/2020 Annex VI, Circular 02/2019/TT-BNV)."""

    file_code: str
    organ_id: str
    organ_name: str
    year: int
    file_notation: str
    title: str
    retention_years: int | None
    retention_ends_on: date | None
    rights: str
    rights_note: str
    language: str
    start_date: date | None
    end_date: date | None
    doc_total: int
    page_total: int
    keywords: tuple[str, ...]
    description: str
    in_plan: bool
    keeper: str
    state: str
    opened_at: datetime
    closed_at: datetime | None
    archived_at: datetime | None
    closing_note: str
    items: tuple[ItemMeta, ...] = ()


@dataclass(frozen=True)
class Source:
    """A stored file to put in the package, for the item of `item_order`."""

    item_order: int
    name: str
    content_type: str
    open: Callable[[], AbstractContextManager[IO[bytes]]]


def safe_name(name: str) -> str:
    """`name` in ASCII letters, digits, dot, dash and underscore (diacritics dropped, đ → d),
    at most 80 characters, keeping its extension."""
    decomposed = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = _UNSAFE_CHARS.sub("-", plain).strip("-.") or "tep"
    stem, dot, ext = cleaned.rpartition(".")
    if dot and stem and len(ext) <= 10:
        return f"{stem[: 79 - len(ext)]}.{ext}"
    return cleaned[:80]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def clean(text: str) -> str:
    """`text` as XML carries it unchanged: newlines as LF, no control characters."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    return value


def to_dict(meta: RecordMeta, generated_at: datetime) -> dict[str, Any]:
    """The package metadata as JSON values (what metadata.json holds)."""
    return _cleaned(_values(meta, generated_at))  # type: ignore[no-any-return]


def _values(meta: RecordMeta, generated_at: datetime) -> dict[str, Any]:
    return {
        "format": "tinhso-record-package",
        "version": FORMAT_VERSION,
        "generated_at": generated_at.isoformat(),
        "record": {
            "file_code": meta.file_code,
            "organ_id": meta.organ_id,
            "organ_name": meta.organ_name,
            "year": meta.year,
            "file_notation": meta.file_notation,
            "title": meta.title,
            "retention": {
                "permanent": meta.retention_years is None,
                "years": meta.retention_years,
                "ends_on": _iso(meta.retention_ends_on),
            },
            "rights": meta.rights,
            "rights_note": meta.rights_note,
            "language": meta.language,
            "start_date": _iso(meta.start_date),
            "end_date": _iso(meta.end_date),
            "doc_total": meta.doc_total,
            "page_total": meta.page_total,
            "keywords": list(meta.keywords),
            "description": meta.description,
            "in_plan": meta.in_plan,
            "keeper": meta.keeper,
            "state": meta.state,
            "opened_at": _iso(meta.opened_at),
            "closed_at": _iso(meta.closed_at),
            "archived_at": _iso(meta.archived_at),
            "closing_note": meta.closing_note,
        },
        "items": [
            {
                "order": item.order,
                "kind": item.kind,
                "notation": item.notation,
                "date": _iso(item.date),
                "type_name": item.type_name,
                "summary": item.summary,
                "author": item.author,
                "pages": item.pages,
                "note": item.note,
                "files": [
                    {
                        "path": f.path,
                        "name": f.name,
                        "content_type": f.content_type,
                        "size": f.size,
                        "sha256": f.sha256,
                    }
                    for f in item.files
                ],
            }
            for item in meta.items
        ],
    }


# JSON key → XML element of the record, in the schema's order. Types: s text, i integer,
# b boolean; "?" marks an element left out when the value is null.
_RECORD_FIELDS = [
    ("file_code", "FileCode", "s"),
    ("organ_id", "OrganId", "s"),
    ("organ_name", "OrganName", "s"),
    ("year", "Year", "i"),
    ("file_notation", "FileNotation", "s"),
    ("title", "Title", "s"),
    ("retention", "Retention", "retention"),
    ("rights", "Rights", "s"),
    ("rights_note", "RightsNote", "s"),
    ("language", "Language", "s"),
    ("start_date", "StartDate", "s?"),
    ("end_date", "EndDate", "s?"),
    ("doc_total", "DocTotal", "i"),
    ("page_total", "PageTotal", "i"),
    ("keywords", "Keywords", "keywords"),
    ("description", "Description", "s"),
    ("in_plan", "InPlan", "b"),
    ("keeper", "Keeper", "s"),
    ("state", "State", "s"),
    ("opened_at", "OpenedAt", "s"),
    ("closed_at", "ClosedAt", "s?"),
    ("archived_at", "ArchivedAt", "s?"),
    ("closing_note", "ClosingNote", "s"),
]
_ITEM_FIELDS = [
    ("notation", "Notation", "s"),
    ("date", "Date", "s?"),
    ("type_name", "TypeName", "s"),
    ("summary", "Summary", "s"),
    ("author", "Author", "s"),
    ("pages", "Pages", "i?"),
    ("note", "Note", "s"),
]
_FILE_ATTRIBUTES = [
    ("path", "path"),
    ("name", "name"),
    ("content_type", "contentType"),
    ("size", "size"),
    ("sha256", "sha256"),
]


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _put(
    parent: etree._Element, values: dict[str, Any], fields: list[tuple[str, str, str]]
) -> None:
    for key, tag, kind in fields:
        value = values[key]
        if kind.endswith("?") and value is None:
            continue
        element = etree.SubElement(parent, _q(tag))
        if kind == "retention":
            element.set("permanent", "true" if value["permanent"] else "false")
            if value["years"] is not None:
                element.set("years", str(value["years"]))
            if value["ends_on"] is not None:
                element.set("endsOn", value["ends_on"])
        elif kind == "keywords":
            for word in value:
                etree.SubElement(element, _q("Keyword")).text = word
        elif kind == "b":
            element.text = "true" if value else "false"
        else:
            element.text = str(value)


def to_xml(data: dict[str, Any]) -> bytes:
    """metadata.xml for the values of `to_dict`."""
    root = etree.Element(_q("RecordPackage"), nsmap={None: NAMESPACE})
    root.set("version", str(data["version"]))
    root.set("generatedAt", data["generated_at"])
    _put(etree.SubElement(root, _q("Record")), data["record"], _RECORD_FIELDS)
    items = etree.SubElement(root, _q("Items"))
    for item in data["items"]:
        element = etree.SubElement(items, _q("Item"))
        element.set("order", str(item["order"]))
        element.set("kind", item["kind"])
        _put(element, item, _ITEM_FIELDS)
        files = etree.SubElement(element, _q("Files"))
        for entry in item["files"]:
            file_element = etree.SubElement(files, _q("File"))
            for key, attribute in _FILE_ATTRIBUTES:
                file_element.set(attribute, str(entry[key]))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _take(parent: etree._Element, fields: list[tuple[str, str, str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, tag, kind in fields:
        element = parent.find(_q(tag))
        if element is None:
            values[key] = None
            continue
        text = element.text or ""
        if kind == "retention":
            years = element.get("years")
            values[key] = {
                "permanent": element.get("permanent") in ("true", "1"),
                "years": int(years) if years is not None else None,
                "ends_on": element.get("endsOn"),
            }
        elif kind == "keywords":
            values[key] = [k.text or "" for k in element.findall(_q("Keyword"))]
        elif kind == "b":
            values[key] = text.strip() in ("true", "1")
        elif kind.startswith("i"):
            values[key] = int(text)
        else:
            values[key] = text
    return values


def from_xml(root: etree._Element) -> dict[str, Any]:
    """The values of a (schema-valid) metadata.xml, as `to_dict` gives them."""
    items = []
    for element in root.find(_q("Items")).findall(_q("Item")):
        item: dict[str, Any] = {
            "order": int(element.get("order", "0")),
            "kind": element.get("kind"),
        }
        item.update(_take(element, _ITEM_FIELDS))
        item["files"] = [
            {
                key: int(f.get(attribute, "0")) if key == "size" else f.get(attribute)
                for key, attribute in _FILE_ATTRIBUTES
            }
            for f in element.find(_q("Files")).findall(_q("File"))
        ]
        items.append(item)
    return {
        "format": "tinhso-record-package",
        "version": int(root.get("version", "0")),
        "generated_at": root.get("generatedAt"),
        "record": _take(root.find(_q("Record")), _RECORD_FIELDS),
        "items": items,
    }


def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE), parser()))


def parser() -> etree.XMLParser:
    # No entities, no network, no huge trees: metadata.xml comes from outside when verified.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _copy(archive: zipfile.ZipFile, path: str, source: Source) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with source.open() as reader, archive.open(path, "w", force_zip64=True) as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            writer.write(chunk)
    return digest.hexdigest(), size


def write_package(
    target: BinaryIO, meta: RecordMeta, sources: Sequence[Source], *, generated_at: datetime
) -> dict[str, Any]:
    """Write the package of `meta` with the files of `sources` into `target` (a writable,
    seekable binary file). Returns the metadata written (with each file's path and SHA-256).
    Raises ValueError when the metadata would not be valid against the schema (a bug) or a
    source names an item that is not in `meta`."""
    orders = {item.order for item in meta.items}
    files: dict[int, list[FileEntry]] = {order: [] for order in orders}
    manifest: list[tuple[str, str]] = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, source in enumerate(sources, start=1):
            if source.item_order not in orders:
                raise ValueError(f"file {source.name!r} names no item of the record")
            path = f"files/{source.item_order:03d}-{number:03d}-{safe_name(source.name)}"
            digest, size = _copy(archive, path, source)
            entry = FileEntry(path, source.name, source.content_type, size, digest)
            files[source.item_order].append(entry)
            manifest.append((digest, path))
        items = tuple(replace(item, files=tuple(files[item.order])) for item in meta.items)
        data = to_dict(replace(meta, items=items), generated_at)
        xml = to_xml(data)
        xsd = schema()
        if not xsd.validate(etree.fromstring(xml, parser())):
            raise ValueError(f"metadata not valid against the schema: {xsd.error_log}")
        payloads = [
            (METADATA_XML, xml),
            (METADATA_JSON, json.dumps(data, ensure_ascii=False, indent=2).encode()),
            (SCHEMA_PATH, SCHEMA_FILE.read_bytes()),
        ]
        for path, payload in payloads:
            archive.writestr(path, payload)
            manifest.append((hashlib.sha256(payload).hexdigest(), path))
        archive.writestr(MANIFEST, "".join(f"{digest}  {path}\n" for digest, path in manifest))
    return data
