"""Signing identities whose key lives on a token or HSM (PKCS#11): registering one."""

from __future__ import annotations

import secrets
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.db import transaction
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11 import exceptions as p11_errors
from pkcs11.util.ec import encode_ecdsa_signature

from tinhso.core.services import audit_record
from tinhso.directory.models import Official, Organ
from tinhso.signatures import certs, hsm
from tinhso.signatures.errors import SignatureError
from tinhso.signatures.models import KeyStorage, SigningIdentity
from tinhso.signatures.services.identities import (
    certificate_fields,
    check_owner,
    default_label,
)
from tinhso.signatures.trust import TrustStore, default_store


def _find_key(session: Any, key_label: str, key_id: bytes | None, *, identity: str) -> Any:
    query: dict[Attribute, Any] = {Attribute.CLASS: ObjectClass.PRIVATE_KEY}
    if key_label:
        query[Attribute.LABEL] = key_label
    if key_id:
        query[Attribute.ID] = key_id
    found = list(session.get_objects(query))
    if len(found) != 1:
        what = key_label or (key_id or b"").hex()
        raise hsm.unavailable(identity, f"không tìm thấy đúng một khóa «{what}» trên thiết bị ký")
    return found[0]


def _certificate_of(session: Any, key: Any) -> x509.Certificate | None:
    """The certificate stored beside `key` (the same CKA_ID, else the same label)."""
    for attribute in (Attribute.ID, Attribute.LABEL):
        try:
            value = key[attribute]
        except p11_errors.PKCS11Error:
            continue
        if not value:
            continue
        query = {Attribute.CLASS: ObjectClass.CERTIFICATE, attribute: value}
        for obj in session.get_objects(query):
            return x509.load_der_x509_certificate(bytes(obj[Attribute.VALUE]))
    return None


def _proves_key(key: Any, cert: x509.Certificate) -> bool:
    """Whether the token's key signs what the certificate's public key verifies (a random
    challenge), i.e. the certificate is the key's: works on any device, RSA or EC."""
    challenge = secrets.token_bytes(32)
    public = cert.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey) and key.key_type == KeyType.RSA:
            signature = key.sign(challenge, mechanism=Mechanism.SHA256_RSA_PKCS)
            public.verify(signature, challenge, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey) and key.key_type == KeyType.EC:
            raw = key.sign(challenge, mechanism=Mechanism.ECDSA_SHA256)
            public.verify(encode_ecdsa_signature(raw), challenge, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (InvalidSignature, p11_errors.PKCS11Error):
        return False
    return True


def identity_register_pkcs11(
    *,
    module: str,
    token: str,
    pin: str,
    kind: str,
    key_label: str = "",
    key_id: str = "",
    certificate: str | bytes | None = None,
    official: Official | None = None,
    organ: Organ | None = None,
    label: str = "",
    actor: Any = None,
    store: TrustStore | None = None,
) -> SigningIdentity:
    """Register a key that lives on the token labelled `token` of the PKCS#11 `module` (one
    of SIGNATURE_PKCS11_MODULES) for an official or an organ, found by `key_label` and/or
    `key_id` (hex). The PIN opens the token for the checks and is not stored.

    The certificate is `certificate` (PEM or DER) or, by default, the one stored beside the
    key on the token (same id, else same label), as tokens from a CA carry it. Checked, as
    `identity_import` does: not a CA certificate, issued by a CA of the trust store (through
    CA certificates found on the token), and the key on the token really is the
    certificate's (it signs a random challenge that the certificate verifies). A
    certificate registered before returns its identity unchanged; else the row and its
    audit entry are written in one transaction.

    Raises SignatureError: wrong_owner, module_not_allowed, wrong_passphrase,
    key_unavailable (no token, no single key, no certificate, key and certificate differ),
    bad_certificate, unknown_issuer.
    """
    check_owner(kind, official, organ)
    shown = label or token
    hsm.check_module(module, identity=shown)
    if not key_label and not key_id:
        raise hsm.unavailable(shown, "cần nhãn hoặc mã của khóa trên thiết bị ký")
    try:
        wanted_id = bytes.fromhex(key_id) if key_id else None
    except ValueError as error:
        raise hsm.unavailable(shown, f"mã khóa «{key_id}» không phải dạng hex") from error
    if not pin:
        raise SignatureError("wrong_passphrase", identity=shown)
    hsm.SOURCE.forget(module, token)  # PKCS#11 allows one login per token and process
    session = hsm.login(module, token, pin, identity=shown)
    try:
        key = _find_key(session, key_label, wanted_id, identity=shown)
        cert = certs.load_certificate(certificate) if certificate else _certificate_of(session, key)
        if cert is None:
            raise hsm.unavailable(shown, "không có chứng thư số đi kèm khóa trên thiết bị ký")
        chain = hsm.ca_certificates(hsm.token_certificates(session))
        proven = _proves_key(key, cert)
    finally:
        hsm.close_quietly(session)
    facts = certs.facts(cert)
    if facts.is_ca:
        raise SignatureError("bad_certificate", detail=f"{facts.subject} là chứng thư CA")
    if not proven:
        raise hsm.unavailable(shown, "khóa trên thiết bị ký không khớp với chứng thư số")
    if not (store or default_store()).issues(cert, chain):
        raise SignatureError("unknown_issuer", subject=facts.subject)
    existing = SigningIdentity.objects.filter(fingerprint=facts.fingerprint).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        identity = SigningIdentity.objects.create(
            kind=kind,
            official=official,
            organ=organ,
            label=(label or default_label(kind, official, organ))[:300],
            key_storage=KeyStorage.PKCS11,
            pkcs11_module=module,
            pkcs11_token=token,
            pkcs11_key_label=key_label,
            pkcs11_key_id=key_id.lower(),
            **certificate_fields(cert),
        )
        audit_record(
            action="signature.identity_register_pkcs11",
            obj=identity,
            actor=actor,
            data={
                "kind": kind,
                "subject": facts.subject,
                "serial": facts.serial,
                "module": module,
                "token": token,
                "key_label": key_label,
                "key_id": key_id.lower(),
            },
        )
    return identity
