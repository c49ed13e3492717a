"""Test keys and certificates, made once per session (RSA key generation is slow)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Identity:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


def make_certificate(
    key: rsa.RSAPrivateKey, common_name: str, *, not_after: dt.datetime | None = None
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tỉnh Số test"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=30))
        .not_valid_after(not_after or now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


def make_identity(common_name: str) -> Identity:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return Identity(key, make_certificate(key, common_name))


@pytest.fixture(scope="session")
def node() -> Identity:
    """The sending node (the demo province)."""
    return make_identity("lgsp.quangninh.test")


@pytest.fixture(scope="session")
def stranger() -> Identity:
    """Another node, whose certificate the receiver does not expect for this sender."""
    return make_identity("lgsp.other.test")


@pytest.fixture
def calls():
    """Replace the registered handlers by recorders (the documents app's are put back)."""
    from tinhso.exchange import registry

    seen: list[tuple] = []
    previous = registry.document_handler(), registry.status_handler()

    def on_document(package, message_id, organ_ids):
        seen.append((package.header.document_id, message_id, organ_ids))
        return {"incoming": [len(seen)]}

    registry.register_document_handler(on_document)
    yield seen
    registry.register_document_handler(previous[0])
    registry.register_status_handler(previous[1])


@pytest.fixture
def peer(stranger):
    """The peer `bo-noi-vu` serving THERE, signing as `stranger`; HERE is a local organ."""
    from tinhso.exchange.tests.nodes import HERE, PEER_KEY, THERE, local_organ, make_peer

    local_organ(HERE)
    return make_peer("bo-noi-vu", identity=stranger, organs=[THERE], key=PEER_KEY)
