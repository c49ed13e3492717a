"""The trust store's contents: trusted CA certificates and loaded revocation lists. Every
change bumps the "signatures" data stamp, so each process rebuilds its store."""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from django.db import transaction

from tinhso.core.services import audit_record
from tinhso.core.stamps import bump
from tinhso.signatures import certs
from tinhso.signatures.errors import SignatureError
from tinhso.signatures.models import RevocationList, TrustAnchor
from tinhso.signatures.trust import STAMP


def trust_anchor_add(
    *,
    certificate: bytes | str,
    name: str = "",
    source: str = "",
    is_development: bool = False,
    actor: Any = None,
) -> TrustAnchor:
    """Trust the CA `certificate` (PEM or DER). A certificate already present is returned,
    made active again if it was not. One transaction with its audit row.

    Raises SignatureError: bad_certificate, not_a_ca.
    """
    cert = certs.load_certificate(certificate)
    facts = certs.facts(cert)
    if not facts.is_ca:
        raise SignatureError("not_a_ca", subject=facts.subject)
    with transaction.atomic():
        anchor = TrustAnchor.objects.select_for_update().filter(fingerprint=facts.fingerprint)
        existing = anchor.first()
        if existing is not None:
            if not existing.is_active:
                existing.is_active = True
                existing.save(update_fields=["is_active"])
                audit_record(action="signature.anchor_activate", obj=existing, actor=actor)
                bump(STAMP)
            return existing
        created = TrustAnchor.objects.create(
            name=(name or facts.common_name)[:300],
            certificate_pem=certs.to_pem(cert),
            subject=facts.subject[:500],
            fingerprint=facts.fingerprint,
            not_before=facts.not_before,
            not_after=facts.not_after,
            source=source,
            is_development=is_development,
        )
        audit_record(
            action="signature.anchor_add",
            obj=created,
            actor=actor,
            data={"subject": facts.subject, "fingerprint": facts.fingerprint},
        )
        bump(STAMP)
    return created


@transaction.atomic
def trust_anchor_update(
    *,
    anchor: TrustAnchor,
    is_active: bool | None = None,
    name: str | None = None,
    source: str | None = None,
    actor: Any = None,
) -> TrustAnchor:
    """Change an anchor's name, note or whether it is trusted (its certificate never
    changes: a new certificate is a new anchor)."""
    changed = {}
    for field, value in (("is_active", is_active), ("name", name), ("source", source)):
        if value is not None and getattr(anchor, field) != value:
            setattr(anchor, field, value)
            changed[field] = value
    if changed:
        anchor.save(update_fields=list(changed))
        audit_record(action="signature.anchor_update", obj=anchor, actor=actor, data=changed)
        bump(STAMP)
    return anchor


def _crl_number(crl: x509.CertificateRevocationList) -> int | None:
    try:
        return int(crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number)
    except x509.ExtensionNotFound:
        return None


def revocation_list_load(*, crl: bytes, source: str = "", actor: Any = None) -> RevocationList:
    """Load a CRL (PEM or DER) into the trust store, replacing older lists of the same
    issuer. When the issuer is a trusted anchor, the list's signature is checked against it
    (a list of an intermediate CA is checked by the validator when it is used). A list
    loaded before is returned unchanged. One transaction with its audit row.

    Raises SignatureError: bad_crl, crl_signature.
    """
    parsed = certs.load_crl(crl)
    der = parsed.public_bytes(serialization.Encoding.DER)
    digest = hashlib.sha256(der).hexdigest()
    issuer = parsed.issuer.rfc4514_string()
    for pem in TrustAnchor.objects.filter(is_active=True).values_list("certificate_pem", flat=True):
        anchor = certs.load_certificate(pem)
        if anchor.subject == parsed.issuer:
            try:
                valid = parsed.is_signature_valid(anchor.public_key())  # type: ignore[arg-type]
            except (InvalidSignature, TypeError):
                valid = False
            if not valid:
                raise SignatureError("crl_signature", issuer=issuer)
    with transaction.atomic():
        existing = RevocationList.objects.filter(sha256=digest).first()
        if existing is not None:
            return existing
        RevocationList.objects.filter(
            issuer=issuer[:500], this_update__lte=parsed.last_update_utc
        ).delete()
        loaded = RevocationList.objects.create(
            issuer=issuer[:500],
            crl_der=der,
            sha256=digest,
            number=_crl_number(parsed),
            this_update=parsed.last_update_utc,
            next_update=parsed.next_update_utc,
            revoked_count=len(parsed),
            source=source[:500],
        )
        audit_record(
            action="signature.crl_load",
            obj=loaded,
            actor=actor,
            data={"issuer": issuer, "number": loaded.number, "revoked": loaded.revoked_count},
        )
        bump(STAMP)
    return loaded
