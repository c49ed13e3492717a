"""Helpers of the node tests: packages, local organs and peers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography.hazmat.primitives import serialization

from tinhso.directory.models import OrganIdentifier
from tinhso.directory.tests.factories import OrganFactory
from tinhso.exchange import edxml
from tinhso.exchange.models import Peer, hash_key

HERE = "000.00.00.H33"  # an organ of this node
THERE = "000.00.00.G10"  # an organ another node serves
AT = dt.datetime(2020, 11, 3, 9, 0, 0)


def local_organ(identifier: str, name: str = "Cơ quan nhận") -> object:
    organ = OrganFactory(name=name)
    OrganIdentifier.objects.filter(organ=organ).delete()
    OrganIdentifier.objects.create(organ=organ, scheme="qcvn102", value=identifier)
    return organ


def document_package(
    *, sender: str = THERE, to: str = HERE, number: str = "12", attachment: bool = True
) -> edxml.DocumentPackage:
    return edxml.DocumentPackage(
        header=edxml.MessageHeader(
            from_=edxml.Organization(sender, "Bộ Nội vụ"),
            to=(edxml.Organization(to, "UBND tỉnh Kiên Giang"),),
            code=edxml.Code(number, "BNV-VP"),
            promulgation_info=edxml.PromulgationInfo("Hà Nội", AT.date()),
            document_type=edxml.DocumentType(2, 0, "Công văn"),
            subject="V/v triển khai Nghị định 30/2020/NĐ-CP",
            signer_info=edxml.SignerInfo("Nguyễn Văn Ký", "Bộ trưởng"),
            document_id=edxml.DocumentId(sender, AT.date(), number, "BNV-VP"),
        ),
        traces=(edxml.TraceHeader(sender, AT),),
        attachments=(
            (edxml.Attachment("cv.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),)
            if attachment
            else ()
        ),
    )


def signed(package: edxml.Package, identity: object) -> bytes:
    return edxml.sign(
        edxml.build(package),
        key=identity.key,  # type: ignore[attr-defined]
        certificate=identity.certificate,  # type: ignore[attr-defined]
    )


def make_peer(
    name: str, *, identity: object, organs: list[str], key: str, url: str = "http://127.0.0.1:9"
) -> Peer:
    pem = identity.certificate.public_bytes(serialization.Encoding.PEM).decode()  # type: ignore[attr-defined]
    return Peer.objects.create(
        name=name, base_url=url, organ_ids=organs, certificate_pem=pem, key_hash=hash_key(key)
    )


INBOX_URL = "/api/v1/exchange/inbox"
PEER_KEY = "peer-key-of-bo-noi-vu-0123456789"


def post(client: Any, data: bytes, key: str | None = PEER_KEY) -> Any:
    """POST `data` to the inbox as the peer with `key` (none: without a key)."""
    headers = {"HTTP_X_API_KEY": key} if key else {}
    return client.post(INBOX_URL, data=data, content_type="application/xml", **headers)
