"""Signing and verifying PDFs, and storing verification results."""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError

from tinhso.core.formats import format_date
from tinhso.core.services import audit_record
from tinhso.signatures import appearance
from tinhso.signatures.errors import SignatureError
from tinhso.signatures.hsm import SessionDropped
from tinhso.signatures.keys import key_source
from tinhso.signatures.models import IdentityKind, SignatureCheck, SigningIdentity
from tinhso.signatures.pdfinput import open_for_signing
from tinhso.signatures.selectors import check_for, may_use
from tinhso.signatures.trust import TrustStore, default_store
from tinhso.signatures.verify import VerificationReport, verify


def _check_identity(identity: SigningIdentity, actor: Any, *, unattended: bool = False) -> None:
    if not identity.is_active:
        raise SignatureError("identity_inactive", identity=identity.label)
    if unattended:
        # Only an organ's key signs with nobody at the keyboard (machine-issued papers such
        # as e-receipts); nobody signs in a person's name.
        if identity.kind != IdentityKind.ORGAN:
            raise SignatureError("forbidden", identity=identity.label)
    elif not may_use(actor, identity):
        raise SignatureError("forbidden", identity=identity.label)
    now = timezone.now()
    if now > identity.not_after:
        raise SignatureError(
            "identity_expired",
            identity=identity.label,
            date=format_date(timezone.localtime(identity.not_after).date()),
        )
    if now < identity.not_before:
        raise SignatureError(
            "identity_not_yet_valid",
            identity=identity.label,
            date=format_date(timezone.localtime(identity.not_before).date()),
        )


def _field_name(wanted: str | None, existing: dict[str, bool]) -> str:
    if wanted:
        if existing.get(wanted):
            raise SignatureError("field_exists", field=wanted)
        return wanted
    number = len(existing) + 1
    while f"Signature{number}" in existing:
        number += 1
    return f"Signature{number}"


def _sign_once(
    *,
    pdf: bytes,
    identity: SigningIdentity,
    passphrase: str | None,
    reason: str,
    location: str,
    field_name: str | None,
    visible: bool,
    note: str,
) -> tuple[bytes, str]:
    """One signing attempt: the signed bytes and the field's name. SessionDropped passes
    through (the caller may try again); other failures are SignatureError."""
    writer = open_for_signing(pdf)
    signer = key_source(identity.key_storage).signer_for(identity, passphrase)
    existing = {
        name: value is not None for name, value, _ref in fields.enumerate_sig_fields(writer.prev)
    }
    name = _field_name(field_name, existing)
    spec = fields.SigFieldSpec(sig_field_name=name)
    if visible:
        page, box = appearance.box_for(writer.prev, index=len(existing))
        spec = fields.SigFieldSpec(sig_field_name=name, on_page=page, box=box)
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name=name,
            reason=reason or None,
            location=location or None,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
        ),
        signer=signer,
        stamp_style=appearance.stamp_style(identity.kind, with_note=bool(note))
        if visible
        else None,
        new_field_spec=spec,
    )
    try:
        output = pdf_signer.sign_pdf(
            writer, appearance_text_params={"note": note} if visible and note else None
        )
    except SessionDropped:
        raise
    except (SigningError, PdfError, ValueError, KeyError) as error:
        raise SignatureError("sign_failed", detail=str(error)[:300]) from error
    return output.getvalue(), name


def sign_pdf(
    *,
    pdf: bytes,
    identity: SigningIdentity,
    passphrase: str | None,
    actor: Any,
    reason: str,
    location: str,
    field_name: str | None = None,
    visible: bool = False,
    note: str = "",
    unattended: bool = False,
) -> bytes:
    """`pdf` with a PAdES signature (B-B level, SHA-256) by `identity`, appended as an
    incremental update: earlier signatures stay valid, so an official's signature and then
    the organ's can be put on the same file in that order.

    Guarantees: the input passed the checks of `pdfinput` (parses, not encrypted, no script,
    launch action or embedded file); `actor` may use the identity (`selectors.may_use`); the
    identity is active and its certificate valid now. One audit row ("signature.sign", with
    the SHA-256 of the input and the output) is written in its own transaction.
    `field_name` names the signature field (an empty field of that name is filled; by default
    "SignatureN"); `visible` draws a box with the signer's name and time on the last page,
    and `note` as a third line in it (the number and date given at issue).
    `unattended` signs with an organ's key for the platform itself (`actor` None), as
    receipts issued when a payment arrives are: no person's permission is checked, the
    passphrase (from the installation's settings) is what unlocks the key, and the audit row
    says so; a personal key is refused (forbidden).

    Raises SignatureError: empty, too_large, not_pdf, encrypted, javascript, launch,
    embedded_file, rich_media, xfa, active_content (the file); identity_inactive, forbidden,
    identity_expired, identity_not_yet_valid, wrong_passphrase, key_unavailable,
    unknown_key_storage (the key); field_exists, sign_failed.
    """
    _check_identity(identity, actor, unattended=unattended)
    attempt = functools.partial(
        _sign_once,
        pdf=pdf,
        identity=identity,
        passphrase=passphrase,
        reason=reason,
        location=location,
        field_name=field_name,
        visible=visible,
        note=note,
    )
    try:
        signed, name = attempt()
    except SessionDropped:
        # The token's session went away between handing out the signer and signing (another
        # PIN was tried on the token, or the device failed); nothing was signed. Log in
        # again with the PIN this request still holds, once.
        try:
            signed, name = attempt()
        except SessionDropped as error:
            raise SignatureError("sign_failed", detail=str(error)[:300]) from error
    with transaction.atomic():
        audit_record(
            action="signature.sign",
            obj=identity,
            actor=actor,
            data={
                "field": name,
                "reason": reason,
                "input_sha256": hashlib.sha256(pdf).hexdigest(),
                "output_sha256": hashlib.sha256(signed).hexdigest(),
                **({"unattended": True} if unattended else {}),
            },
        )
    return signed


def verify_pdf(*, pdf: bytes, store: TrustStore | None = None) -> VerificationReport:
    """The verification of every signature of `pdf` against `store` (the province's trust
    store by default), in the order they were made. Writes nothing.

    Raises SignatureError (code empty, too_large, not_pdf, encrypted, javascript, launch,
    embedded_file, rich_media, xfa, active_content) when the file itself is refused; a
    broken or untrusted signature is a result, not an error.
    """
    return verify(pdf, store or default_store())


def record_verification(
    *,
    pdf: bytes,
    subject: str = "",
    filename: str = "",
    sha256: str | None = None,
    actor: Any = None,
    store: TrustStore | None = None,
    recheck: bool = False,
) -> SignatureCheck:
    """The stored verification of `pdf`: verified and stored once per SHA-256 (with an audit
    row "signature.verify" in the same transaction), returned as stored afterwards.
    `recheck` verifies again (e.g. after the trust store changed) and updates the row.
    `subject` says what the file belongs to ("document:12"); `sha256`, when the caller
    has it, spares hashing for a file already checked (it must be the file's).

    Raises SignatureError, as `verify_pdf`, before anything is stored; ValueError when
    `sha256` is not the file's.
    """
    if sha256 and not recheck:
        stored = check_for(sha256)
        if stored is not None:
            return stored
    digest = hashlib.sha256(pdf).hexdigest()
    if sha256 and sha256.lower() != digest:
        raise ValueError("sha256 is not the SHA-256 of pdf")
    if not recheck:
        stored = check_for(digest)
        if stored is not None:
            return stored
    report = verify_pdf(pdf=pdf, store=store)
    values = {
        "subject": subject[:200],
        "filename": filename[:255],
        "size": report.size,
        "status": report.status,
        "signature_count": len(report.signatures),
        "results": [result.as_json() for result in report.signatures],
        "checked_at": timezone.now(),
        "checked_by": actor if getattr(actor, "pk", None) else None,
    }
    with transaction.atomic():
        check, created = SignatureCheck.objects.update_or_create(sha256=digest, defaults=values)
        audit_record(
            action="signature.verify" if created else "signature.reverify",
            obj=check,
            actor=actor,
            data={
                "status": report.status.value,
                "subject": subject,
                "signatures": len(report.signatures),
            },
        )
    return check
