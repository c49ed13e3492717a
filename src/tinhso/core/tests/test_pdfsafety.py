"""core.pdfsafety: the byte scan and the structural walk, on plain dicts and on real PDFs
parsed by pypdf (the walk only needs mappings, lists and `get_object()`)."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from tinhso.core.pdfsafety import Hazard, find_hazard, scan_bytes

JS = {"/S": "/JavaScript", "/JS": "app.alert(1)"}
LAUNCH = {"/S": "/Launch", "/F": "cmd.exe"}
URI = {"/S": "/URI", "/URI": "https://dichvucong.gov.vn"}


def page(**extra):
    return {"/Type": "/Page", **extra}


def catalogue(*pages, **extra):
    return {"/Type": "/Catalog", "/Pages": {"/Type": "/Pages", "/Kids": list(pages)}, **extra}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF", None),
        (b"%PDF-1.7\n<< /Encrypt 5 0 R >>", "encrypted"),
        (b"%PDF-1.7\n<< /S /JavaScript /JS (x) >>", "active_content"),
        (b"%PDF-1.7\n<< /S /Launch >>", "active_content"),
        (b"%PDF-1.7\n<< /Type /EmbeddedFile /Length 3 >>", "active_content"),
        (b"%PDF-1.7\n<< /XFA 3 0 R >>", "active_content"),
        (b"%PDF-1.7\n<< /JSON 1 /JSX 2 >>", None),  # names that only start like /JS
    ],
)
def test_scan_bytes(data, expected):
    assert scan_bytes(data) == expected


@pytest.mark.parametrize(
    ("root", "expected"),
    [
        (catalogue(page()), None),
        (catalogue(page(), OpenAction=[0, "/Fit"]), None),  # a destination, not an action
        (catalogue(page(**{"/Annots": [{"/Subtype": "/Link", "/A": URI}]})), None),
        (
            catalogue(page(), **{"/Names": {"/JavaScript": {"/Names": ["a", JS]}}}),
            Hazard("javascript", "/Names/JavaScript"),
        ),
        (catalogue(page(), **{"/Names": {"/JavaScript": {"/Names": []}}}), None),
        (
            catalogue(page(), **{"/Names": {"/EmbeddedFiles": {"/Kids": [{"/Names": []}]}}}),
            Hazard("embedded_file", "/Names/EmbeddedFiles"),
        ),
        (
            catalogue(page(), **{"/OpenAction": JS}),
            Hazard("javascript", "/OpenAction /JavaScript"),
        ),
        (
            catalogue(page(), **{"/OpenAction": {**URI, "/Next": [URI, LAUNCH]}}),
            Hazard("launch", "/OpenAction/Next[1] /Launch"),
        ),
        (
            catalogue(page(), **{"/AA": {"/WC": JS}}),
            Hazard("javascript", "/AA/WC /JavaScript"),
        ),
        (
            catalogue(page(), page(**{"/AA": {"/O": {"/S": "/Rendition", "/JS": "x"}}})),
            Hazard("javascript", "page 2 /AA/O /JS"),
        ),
        (
            catalogue(page(**{"/Annots": [{"/Subtype": "/Link", "/A": URI}, {"/A": LAUNCH}]})),
            Hazard("launch", "page 1, annotation 2 /A /Launch"),
        ),
        (
            catalogue(page(**{"/Annots": [{"/Subtype": "/FileAttachment", "/FS": {}}]})),
            Hazard("embedded_file", "page 1, annotation 1 /FileAttachment"),
        ),
        (
            catalogue(page(**{"/Annots": [{"/Subtype": "/RichMedia"}]})),
            Hazard("rich_media", "page 1, annotation 1 /RichMedia"),
        ),
        (
            catalogue(page(**{"/Annots": [{"/Subtype": "/Link", "/A": {"/S": "/GoToE"}}]})),
            Hazard("embedded_file", "page 1, annotation 1 /A /GoToE"),
        ),
        (
            catalogue(page(), **{"/AcroForm": {"/Fields": [], "/XFA": []}}),
            Hazard("xfa", "/AcroForm/XFA"),
        ),
        (
            catalogue(page(), **{"/AcroForm": {"/Fields": [{"/Kids": [{"/AA": {"/K": JS}}]}]}}),
            Hazard("javascript", "/AcroForm/Fields[1]/Kids[1] /AA/K /JavaScript"),
        ),
        (
            catalogue(page(), **{"/Outlines": {"/First": {"/Next": {"/A": JS}}}}),
            Hazard("javascript", "/Outlines item /A /JavaScript"),
        ),
    ],
)
def test_find_hazard_on_dicts(root, expected):
    assert find_hazard(trailer={"/Root": root}, root=root) == expected


def test_encrypted_trailer_is_reported_first():
    root = catalogue(page(), **{"/OpenAction": JS})
    assert find_hazard(trailer={"/Encrypt": {}}, root=root) == Hazard("encrypted", "/Encrypt")


def test_action_cycle_ends():
    first = {**URI}
    second = {**URI, "/Next": first}
    first["/Next"] = second
    root = catalogue(page(), **{"/OpenAction": first})
    assert find_hazard(trailer={}, root=root) is None


def test_absurd_nesting_is_refused_not_half_checked():
    action: dict = {**URI}
    for _ in range(100):
        action = {**URI, "/Next": action}
    root = catalogue(page(), **{"/OpenAction": action})
    assert find_hazard(trailer={}, root=root) == Hazard(
        "active_content", "object tree too deep or too large to check"
    )


def _parsed(writer: PdfWriter) -> PdfReader:
    buffer = io.BytesIO()
    writer.write(buffer)
    return PdfReader(io.BytesIO(buffer.getvalue()))


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def test_real_pdf_clean():
    reader = _parsed(_writer())
    assert find_hazard(trailer=reader.trailer, root=reader.trailer["/Root"]) is None


def test_real_pdf_with_document_javascript():
    writer = _writer()
    script = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
    )
    names = ArrayObject([TextStringObject("chao"), writer._add_object(script)])
    tree = DictionaryObject({NameObject("/Names"): names})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    reader = _parsed(writer)
    assert find_hazard(trailer=reader.trailer, root=reader.trailer["/Root"]) == Hazard(
        "javascript", "/Names/JavaScript"
    )


def test_real_pdf_with_attachment():
    writer = _writer()
    writer.add_attachment("setup.exe", b"MZ\x90\x00")
    reader = _parsed(writer)
    assert find_hazard(trailer=reader.trailer, root=reader.trailer["/Root"]) == Hazard(
        "embedded_file", "/Names/EmbeddedFiles"
    )


def test_launch_link_hidden_in_a_compressed_object_stream():
    """The byte scan cannot see into object streams; the walk can (pyHanko parses here)."""
    writer = PdfFileWriter(stream_xrefs=True)
    contents = writer.add_object(generic.StreamObject(stream_data=b""))
    writer.insert_page(PageObject(contents=contents, media_box=(0, 0, 595, 842)))
    launch = generic.DictionaryObject(
        {
            generic.NameObject("/Subtype"): generic.NameObject("/Link"),
            generic.NameObject("/A"): generic.DictionaryObject(
                {generic.NameObject("/S"): generic.NameObject("/Launch")}
            ),
        }
    )
    reference = writer.add_object(launch, obj_stream=writer.prepare_object_stream())
    writer.root["/Pages"]["/Kids"][0].get_object()["/Annots"] = generic.ArrayObject([reference])
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    assert scan_bytes(data) is None
    reader = PdfFileReader(io.BytesIO(data))
    assert find_hazard(trailer=reader.trailer_view, root=reader.root) == Hazard(
        "launch", "page 1, annotation 1 /A /Launch"
    )
