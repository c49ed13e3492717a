"""Verification of archive packages (pure: no Django imports): every file against the
manifest (none missing, none added), metadata.xml against the schema, metadata.json against
metadata.xml, the files the metadata describes against the ZIP, the totals against the
items. A tampered package is reported, never trusted."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree  # type: ignore[import-untyped]  # no stubs installed

from tinhso.records.package import (
    CHUNK,
    MANIFEST,
    METADATA_JSON,
    METADATA_XML,
    from_xml,
    parser,
    schema,
)

_MANIFEST_LINE = re.compile(r"^([0-9a-f]{64})  (\S.*)$")


@dataclass(frozen=True)
class Finding:
    """One problem found by `verify_package`: `code` says which (see CODES), `path` where."""

    code: str
    path: str = ""
    detail: str = ""


CODES = (
    "bad_zip",  # not a ZIP file
    "unsafe_path",  # an absolute path, "..", a backslash or a duplicate name
    "no_manifest",
    "bad_manifest_line",
    "missing",  # listed in the manifest, not in the ZIP
    "unlisted",  # in the ZIP, not in the manifest
    "checksum",  # content differs from the manifest's SHA-256
    "no_metadata",
    "invalid_xml",
    "schema",  # metadata.xml is not valid against the schema
    "json_mismatch",  # metadata.json says something else than metadata.xml
    "metadata_file",  # a file the metadata describes differs from the ZIP, or is not described
    "counts",  # DocTotal or PageTotal disagree with the items
)


@dataclass
class Verification:
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    file_code: str = ""

    @property
    def ok(self) -> bool:
        return not self.findings


def _unsafe(name: str) -> bool:
    return name.startswith("/") or "\\" in name or ".." in name.split("/")


def _hash_entry(archive: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with archive.open(name) as reader:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _read_manifest(archive: zipfile.ZipFile, result: Verification) -> dict[str, str]:
    listed: dict[str, str] = {}
    text = archive.read(MANIFEST).decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        match = _MANIFEST_LINE.match(line)
        if match is None or match.group(2) in listed or _unsafe(match.group(2)):
            result.findings.append(Finding("bad_manifest_line", MANIFEST, str(number)))
            continue
        listed[match.group(2)] = match.group(1)
    return listed


def _check_metadata(
    archive: zipfile.ZipFile,
    names: set[str],
    actual: dict[str, tuple[str, int]],
    result: Verification,
) -> None:
    if METADATA_XML not in names or METADATA_JSON not in names:
        result.findings.append(Finding("no_metadata"))
        return
    try:
        root = etree.fromstring(archive.read(METADATA_XML), parser())
    except etree.XMLSyntaxError as error:
        result.findings.append(Finding("invalid_xml", METADATA_XML, str(error)))
        return
    xsd = schema()
    if not xsd.validate(root):
        for entry in xsd.error_log:
            result.findings.append(
                Finding("schema", METADATA_XML, f"{entry.line}: {entry.message}")
            )
        return
    data = from_xml(root)
    result.file_code = data["record"]["file_code"]
    try:
        described = json.loads(archive.read(METADATA_JSON))
    except ValueError as error:
        described = {"error": str(error)}
    if described != data:
        result.findings.append(Finding("json_mismatch", METADATA_JSON))
    _check_described_files(data, names, actual, result)
    record, items = data["record"], data["items"]
    pages = sum(item["pages"] or 0 for item in items)
    if record["doc_total"] != len(items) or record["page_total"] != pages:
        result.findings.append(
            Finding("counts", METADATA_XML, f"{record['doc_total']}/{record['page_total']}")
        )


def _check_described_files(
    data: dict[str, Any],
    names: set[str],
    actual: dict[str, tuple[str, int]],
    result: Verification,
) -> None:
    described: set[str] = set()
    for item in data["items"]:
        for entry in item["files"]:
            path = entry["path"]
            described.add(path)
            if path not in names:
                result.findings.append(Finding("metadata_file", path, "missing"))
            elif actual.get(path) != (entry["sha256"], entry["size"]):
                result.findings.append(Finding("metadata_file", path, "differs"))
    for name in sorted(n for n in names if n.startswith("files/") and n not in described):
        result.findings.append(Finding("metadata_file", name, "not described"))


def verify_package(source: str | Path | BinaryIO) -> Verification:
    """Check a package: every file against the manifest (none missing, none added), the
    metadata against the schema, the JSON against the XML, the described files against the
    ZIP and the totals against the items. Never raises on a bad package: the findings say
    what is wrong."""
    result = Verification()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        result.findings.append(Finding("bad_zip", "", str(error)))
        return result
    with archive:
        entries = [i.filename for i in archive.infolist() if not i.is_dir()]
        names = set(entries)
        for name in sorted({n for n in entries if entries.count(n) > 1 or _unsafe(n)}):
            result.findings.append(Finding("unsafe_path", name))
        if MANIFEST not in names:
            result.findings.append(Finding("no_manifest"))
            return result
        listed = _read_manifest(archive, result)
        actual: dict[str, tuple[str, int]] = {}
        for name in sorted(names - {MANIFEST}):
            try:
                actual[name] = _hash_entry(archive, name)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:  # damaged entry
                result.findings.append(Finding("checksum", name, str(error)))
                continue
            result.files_checked += 1
            if name not in listed:
                result.findings.append(Finding("unlisted", name))
            elif listed[name] != actual[name][0]:
                result.findings.append(Finding("checksum", name))
        for name in sorted(set(listed) - names):
            result.findings.append(Finding("missing", name))
        _check_metadata(archive, names, actual, result)
    return result
