"""Signing identities: registering a PKCS#12 file for an official or an organ, retiring it."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.files.base import ContentFile
from django.db import transaction

from tinhso.core.services import audit_record
from tinhso.directory.models import Official, Organ
from tinhso.signatures import certs
from tinhso.signatures.errors import SignatureError
from tinhso.signatures.models import IdentityKind, KeyStorage, SigningIdentity
from tinhso.signatures.trust import TrustStore, default_store


def default_label(kind: str, official: Official | None, organ: Organ | None) -> str:
    if kind == IdentityKind.PERSONAL and official is not None:
        return f"{official.user.full_name or official.user.username} — {official.organ.name}"
    return organ.name if organ is not None else ""


def certificate_fields(cert: Any) -> dict[str, Any]:
    """The `SigningIdentity` columns read from its certificate."""
    facts = certs.facts(cert)
    return {
        "certificate_pem": certs.to_pem(cert),
        "subject": facts.subject[:500],
        "common_name": facts.common_name[:200],
        "issuer": facts.issuer[:500],
        "serial": facts.serial,
        "fingerprint": facts.fingerprint,
        "not_before": facts.not_before,
        "not_after": facts.not_after,
    }


def check_owner(kind: str, official: Official | None, organ: Organ | None) -> None:
    """SignatureError("wrong_owner") unless a personal key has an official and an organ's
    key an organ (and nothing else)."""
    personal = kind == IdentityKind.PERSONAL
    if kind not in IdentityKind.values or (personal and (official is None or organ is not None)):
        raise SignatureError("wrong_owner")
    if not personal and (organ is None or official is not None):
        raise SignatureError("wrong_owner")


def identity_import(
    *,
    pkcs12_data: bytes,
    passphrase: str | None,
    kind: str,
    official: Official | None = None,
    organ: Organ | None = None,
    label: str = "",
    actor: Any = None,
    store: TrustStore | None = None,
) -> SigningIdentity:
    """Register the key in `pkcs12_data` (a PKCS#12 file, e.g. from a licensed CA or the
    development CA) for an official (`kind="personal"`) or an organ (`kind="organ"`).

    The file is checked to open with `passphrase` (which is not stored) and to hold a key
    with a non-CA certificate issued by a CA of the trust store (`store`, the province's by
    default): a key whose signatures nobody here would trust is refused. The file is stored
    as it is, still encrypted, in the default storage under a random name, then the row and
    its audit entry are written in one transaction (the file is removed again if that
    fails). A certificate registered before returns its identity unchanged.

    Raises SignatureError: wrong_owner, bad_pkcs12, bad_certificate (a CA certificate),
    unknown_issuer.
    """
    check_owner(kind, official, organ)
    secret = passphrase.encode("utf-8") if passphrase else None
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(pkcs12_data, secret)
    except ValueError as error:
        raise SignatureError("bad_pkcs12") from error
    if key is None or cert is None:
        raise SignatureError("bad_pkcs12")
    facts = certs.facts(cert)
    if facts.is_ca:
        raise SignatureError("bad_certificate", detail=f"{facts.subject} là chứng thư CA")
    if not (store or default_store()).issues(cert, chain):
        raise SignatureError("unknown_issuer", subject=facts.subject)
    existing = SigningIdentity.objects.filter(fingerprint=facts.fingerprint).first()
    if existing is not None:
        return existing
    identity = SigningIdentity(
        kind=kind,
        official=official,
        organ=organ,
        label=(label or default_label(kind, official, organ))[:300],
        key_storage=KeyStorage.PKCS12,
        pkcs12_sha256=hashlib.sha256(pkcs12_data).hexdigest(),
        **certificate_fields(cert),
    )
    identity.pkcs12_file.save(f"{uuid.uuid4().hex}.p12", ContentFile(pkcs12_data), save=False)
    try:
        with transaction.atomic():
            identity.save()
            audit_record(
                action="signature.identity_import",
                obj=identity,
                actor=actor,
                data={"kind": kind, "subject": facts.subject, "serial": facts.serial},
            )
    except Exception:
        identity.pkcs12_file.delete(save=False)
        raise
    return identity


@transaction.atomic
def identity_deactivate(*, identity: SigningIdentity, actor: Any = None) -> SigningIdentity:
    """Retire a key: it signs nothing more (signatures it made stay verifiable). Idempotent."""
    if identity.is_active:
        identity.is_active = False
        identity.save(update_fields=["is_active"])
        audit_record(action="signature.identity_deactivate", obj=identity, actor=actor)
    return identity
