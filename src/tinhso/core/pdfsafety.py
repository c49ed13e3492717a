"""Whether a PDF carries what must not be accepted: encryption, scripts, launch actions,
embedded files (pure: no Django, no PDF library).

Two checks, one place:

- `scan_bytes(data)` looks at the raw bytes, fast and without parsing: the one-stop upload
  check (`dossiers/uploads.py`) uses it. It cannot see inside compressed object streams, and a
  compressed stream may by chance contain a matching byte sequence, so it is a first filter.
- `find_hazard(trailer=, root=)` walks the parsed object tree from the catalogue along every
  path by which a viewer runs an action or opens an attachment: the document's JavaScript and
  embedded-file name trees, /OpenAction, additional actions (/AA) of the document, pages,
  annotations and form fields, link and widget actions (/A) with their /Next chains, outline
  items, file-attachment and rich-media annotations, XFA forms. It is exact for whatever is
  reachable, compressed or not. It works on any object model whose dictionaries are mappings
  with name keys ("/Names") and whose references answer `get_object()`: pyHanko's and pypdf's
  parsed objects, and plain dicts in tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

ENCRYPTED = "encrypted"
ACTIVE_CONTENT = "active_content"
# Structural findings (`Hazard.code`).
JAVASCRIPT = "javascript"
LAUNCH = "launch"
EMBEDDED_FILE = "embedded_file"
RICH_MEDIA = "rich_media"
XFA = "xfa"

_ACTIVE_BYTES = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")
# Action types (the /S of an action dictionary) and what running them means.
_ACTION_HAZARDS = {
    "/JavaScript": JAVASCRIPT,
    "/Launch": LAUNCH,
    "/GoToE": EMBEDDED_FILE,  # opens a PDF embedded in this one
    "/RichMediaExecute": RICH_MEDIA,
}
_ANNOTATION_HAZARDS = {
    "/FileAttachment": EMBEDDED_FILE,
    "/RichMedia": RICH_MEDIA,
}
# Bounds: a hostile file must not make the walk run long (pages and annotations are bounded
# by the file's size anyway; these stop reference cycles and absurd nesting).
MAX_NODES = 200_000
MAX_DEPTH = 64


def scan_bytes(data: bytes) -> str | None:
    """`ENCRYPTED` or `ACTIVE_CONTENT` when the raw bytes of a PDF show them, else None."""
    if b"/Encrypt" in data:
        return ENCRYPTED
    if _ACTIVE_BYTES.search(data):
        return ACTIVE_CONTENT
    return None


@dataclass(frozen=True)
class Hazard:
    """What was found (`code`: javascript, launch, embedded_file, rich_media, xfa) and where,
    as a path from the catalogue ("/Names/JavaScript", "page 2, annotation 1 /A")."""

    code: str
    where: str


class _TooComplex(Exception):
    pass


def _resolve(obj: Any) -> Any:
    get = getattr(obj, "get_object", None)
    return get() if callable(get) else obj


def _items(obj: Any) -> Iterator[Any]:
    """The elements of an array, resolved; nothing for anything else."""
    obj = _resolve(obj)
    if isinstance(obj, list | tuple):
        for item in obj:
            yield _resolve(item)


def _dict(obj: Any) -> Mapping[str, Any] | None:
    obj = _resolve(obj)
    return obj if isinstance(obj, Mapping) else None


class _Walk:
    def __init__(self) -> None:
        self.nodes = 0
        self.seen: set[int] = set()
        self.keep: list[Any] = []  # keeps visited objects alive, so their id() stays theirs

    def visit(self, obj: Any) -> bool:
        """Count a node; False when it was seen already (a cycle or a shared object)."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooComplex
        key = id(obj)
        if key in self.seen:
            return False
        self.seen.add(key)
        self.keep.append(obj)
        return True

    def action(self, obj: Any, where: str, depth: int = 0) -> Hazard | None:
        """An action dictionary (or an array of them) and its /Next chain."""
        if depth > MAX_DEPTH:
            raise _TooComplex
        resolved = _resolve(obj)
        if isinstance(resolved, list | tuple):
            for index, item in enumerate(resolved):
                found = self.action(item, f"{where}[{index}]", depth + 1)
                if found:
                    return found
            return None
        action = _dict(resolved)
        if action is None or not self.visit(action):
            return None
        kind = str(action.get("/S", ""))
        if kind in _ACTION_HAZARDS:
            return Hazard(_ACTION_HAZARDS[kind], f"{where} {kind}")
        if "/JS" in action:  # e.g. a /Rendition action with a script
            return Hazard(JAVASCRIPT, f"{where} /JS")
        if "/Next" in action:
            return self.action(action["/Next"], f"{where}/Next", depth + 1)
        return None

    def additional_actions(self, holder: Mapping[str, Any], where: str) -> Hazard | None:
        """The /A and /AA (trigger → action) of a page, annotation, field or the catalogue."""
        if "/A" in holder:
            found = self.action(holder["/A"], f"{where} /A")
            if found:
                return found
        triggers = _dict(holder.get("/AA"))
        if triggers is not None:
            for trigger, action in triggers.items():
                found = self.action(action, f"{where} /AA{trigger}")
                if found:
                    return found
        return None

    def annotation(self, obj: Any, where: str) -> Hazard | None:
        annot = _dict(obj)
        if annot is None or not self.visit(annot):
            return None
        subtype = str(annot.get("/Subtype", ""))
        if subtype in _ANNOTATION_HAZARDS:
            return Hazard(_ANNOTATION_HAZARDS[subtype], f"{where} {subtype}")
        return self.additional_actions(annot, where)

    def pages(self, node: Any, counter: list[int], depth: int = 0) -> Hazard | None:
        if depth > MAX_DEPTH:
            raise _TooComplex
        page = _dict(node)
        if page is None or not self.visit(page):
            return None
        if "/Kids" in page:
            for kid in _items(page["/Kids"]):
                found = self.pages(kid, counter, depth + 1)
                if found:
                    return found
            return None
        counter[0] += 1
        where = f"page {counter[0]}"
        found = self.additional_actions(page, where)
        if found:
            return found
        for index, annot in enumerate(_items(page.get("/Annots")), start=1):
            found = self.annotation(annot, f"{where}, annotation {index}")
            if found:
                return found
        return None

    def fields(self, fields: Iterable[Any], where: str, depth: int = 0) -> Hazard | None:
        if depth > MAX_DEPTH:
            raise _TooComplex
        for index, obj in enumerate(fields, start=1):
            field = _dict(obj)
            if field is None or not self.visit(field):
                continue
            label = f"{where}[{index}]"
            found = self.additional_actions(field, label)
            if found:
                return found
            found = self.fields(_items(field.get("/Kids")), f"{label}/Kids", depth + 1)
            if found:
                return found
        return None

    def outlines(self, first: Any) -> Hazard | None:
        """Outline items (bookmarks): siblings through /Next, children through /First."""
        stack = [(first, 0)]
        while stack:
            obj, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise _TooComplex
            item = _dict(obj)
            if item is None or not self.visit(item):
                continue
            found = self.additional_actions(item, "/Outlines item")
            if found:
                return found
            if "/Next" in item:
                stack.append((item["/Next"], depth))
            if "/First" in item:
                stack.append((item["/First"], depth + 1))
        return None


def _name_tree_has_entries(tree: Any) -> bool:
    node = _dict(tree)
    if node is None:
        return False
    return bool(list(_items(node.get("/Names"))) or list(_items(node.get("/Kids"))))


def find_hazard(*, trailer: Mapping[str, Any], root: Mapping[str, Any]) -> Hazard | None:
    """The first scripting, launching or embedding construct reachable from the catalogue
    `root`, or None. An encrypted file (`/Encrypt` in the `trailer`) is reported as
    `Hazard("encrypted", "/Encrypt")`: its objects cannot be read. A tree too deep or too large
    to walk within the bounds is reported as `Hazard("active_content", "…")`, refused rather
    than half-checked."""
    if "/Encrypt" in trailer:
        return Hazard(ENCRYPTED, "/Encrypt")
    walk = _Walk()
    try:
        names = _dict(root.get("/Names"))
        if names is not None:
            if "/JavaScript" in names and _name_tree_has_entries(names["/JavaScript"]):
                return Hazard(JAVASCRIPT, "/Names/JavaScript")
            if "/EmbeddedFiles" in names and _name_tree_has_entries(names["/EmbeddedFiles"]):
                return Hazard(EMBEDDED_FILE, "/Names/EmbeddedFiles")
        if "/OpenAction" in root and _dict(root["/OpenAction"]) is not None:
            found = walk.action(root["/OpenAction"], "/OpenAction")
            if found:
                return found
        triggers = _dict(root.get("/AA"))
        if triggers is not None:
            for trigger, action in triggers.items():
                found = walk.action(action, f"/AA{trigger}")
                if found:
                    return found
        form = _dict(root.get("/AcroForm"))
        if form is not None:
            if "/XFA" in form:
                return Hazard(XFA, "/AcroForm/XFA")
            found = walk.fields(_items(form.get("/Fields")), "/AcroForm/Fields")
            if found:
                return found
        outlines = _dict(root.get("/Outlines"))
        if outlines is not None and "/First" in outlines:
            found = walk.outlines(outlines["/First"])
            if found:
                return found
        if "/Pages" in root:
            return walk.pages(root["/Pages"], [0])
    except _TooComplex:
        return Hazard(ACTIVE_CONTENT, "object tree too deep or too large to check")
    return None
