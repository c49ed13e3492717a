"""Reading certificates and CRLs (PEM or DER) and the facts the models keep of them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from tinhso.signatures.errors import SignatureError


@dataclass(frozen=True)
class CertFacts:
    subject: str
    common_name: str
    issuer: str
    serial: str  # upper-case hexadecimal, as certificate viewers show it
    fingerprint: str  # SHA-256 of the DER, lower-case hexadecimal
    not_before: datetime
    not_after: datetime
    is_ca: bool


def common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()


def serial_hex(serial: int) -> str:
    return format(serial, "X")


def facts(cert: x509.Certificate) -> CertFacts:
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        is_ca = constraints.ca
    except x509.ExtensionNotFound:
        is_ca = False
    der = cert.public_bytes(serialization.Encoding.DER)
    return CertFacts(
        subject=cert.subject.rfc4514_string(),
        common_name=common_name(cert.subject),
        issuer=cert.issuer.rfc4514_string(),
        serial=serial_hex(cert.serial_number),
        fingerprint=hashlib.sha256(der).hexdigest(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        is_ca=is_ca,
    )


def load_certificate(data: bytes | str) -> x509.Certificate:
    """One certificate from PEM or DER; SignatureError("bad_certificate") otherwise."""
    raw = data.encode() if isinstance(data, str) else data
    try:
        if b"-----BEGIN" in raw:
            return x509.load_pem_x509_certificate(raw)
        return x509.load_der_x509_certificate(raw)
    except ValueError as error:
        raise SignatureError("bad_certificate", detail=str(error)) from error


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle (or the one of a DER file)."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as error:
        raise SignatureError("bad_certificate", detail=str(error)) from error


def to_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def load_crl(data: bytes) -> x509.CertificateRevocationList:
    """A CRL from PEM or DER; SignatureError("bad_crl") otherwise."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError as error:
        raise SignatureError("bad_crl", detail=str(error)) from error
