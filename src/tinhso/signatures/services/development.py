"""The development CA in use: created once, kept in the default storage as a PKCS#12 file,
trusted as a development anchor; it issues keys to officials and organs (as PKCS#12 files,
or generated on a PKCS#11 token such as SoftHSM2's) and revokes them.

For the demo and the tests only: its key is protected by the published demo passphrase.
A production installation deactivates its anchor (admin, "CA tin cậy") and registers keys
issued by a licensed CA with `identity_import`.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from pkcs11 import Attribute, KeyType
from pkcs11 import exceptions as p11_errors
from pkcs11.util.x509 import decode_x509_certificate

from tinhso.directory.models import Official, Organ
from tinhso.signatures import certs, devca, hsm
from tinhso.signatures.models import IdentityKind, RevocationList, SigningIdentity
from tinhso.signatures.services.anchors import revocation_list_load, trust_anchor_add
from tinhso.signatures.services.identities import (
    check_owner,
    identity_deactivate,
    identity_import,
)
from tinhso.signatures.services.tokens import identity_register_pkcs11

DEV_PASSPHRASE = "TinhSo@2020"  # noqa: S105 (the published demo passphrase, never production)
CA_FILE = "signatures/dev-ca/root.p12"
_loaded: dict[str, devca.Authority] = {}
_lock = threading.Lock()


def dev_ca(*, actor: Any = None) -> devca.Authority:
    """The development CA: loaded from the default storage, or created there on first use;
    in both cases trusted as a development anchor (`trust_anchor_add`, idempotent)."""
    with _lock:
        if default_storage.exists(CA_FILE):
            with default_storage.open(CA_FILE, "rb") as handle:
                data = handle.read()
            digest = hashlib.sha256(data).hexdigest()
            authority = _loaded.get(digest) or devca.load_authority(data, DEV_PASSPHRASE)
        else:
            authority = devca.create_root()
            data = devca.pkcs12_bytes(
                key=authority.key,
                certificate=authority.certificate,
                passphrase=DEV_PASSPHRASE,
                friendly_name=devca.DEV_CA_NAME,
            )
            default_storage.save(CA_FILE, ContentFile(data))
            digest = hashlib.sha256(data).hexdigest()
        _loaded[digest] = authority
    trust_anchor_add(
        certificate=certs.to_pem(authority.certificate),
        name=devca.DEV_CA_NAME,
        source="Tạo bởi Tỉnh Số cho bản trình diễn và kiểm thử (tinhso signatures_dev_ca).",
        is_development=True,
        actor=actor,
    )
    return authority


def _subject(kind: str, official: Official | None, organ: Organ | None) -> Any:
    def fit(text: str) -> str:
        return text[:64]  # X.509 upper bound of a name attribute

    if kind == IdentityKind.PERSONAL and official is not None:
        home = official.organ
        return devca.name(
            fit(official.user.full_name or official.user.username),
            organization=fit(home.name),
            unit=fit(official.position) if official.position else "",
        )
    assert organ is not None
    parent = organ.parent.name if organ.parent_id else ""
    return devca.name(fit(organ.name), organization=fit(parent) if parent else "")


def dev_identity_issue(
    *,
    kind: str,
    official: Official | None = None,
    organ: Organ | None = None,
    passphrase: str = DEV_PASSPHRASE,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    actor: Any = None,
) -> SigningIdentity:
    """A new key from the development CA for an official or an organ (Vietnamese names in
    the subject), registered with `identity_import`. Raises SignatureError("wrong_owner")."""
    authority = dev_ca(actor=actor)
    key, cert = devca.issue(
        ca=authority,
        subject=_subject(kind, official, organ),
        crl_url=settings.SIGNATURE_DEV_CA_CRL_URL,
        not_before=not_before,
        not_after=not_after,
    )
    data = devca.pkcs12_bytes(
        key=key,
        certificate=cert,
        chain=[authority.certificate],
        passphrase=passphrase,
        friendly_name=certs.common_name(cert.subject),
    )
    return identity_import(
        pkcs12_data=data,
        passphrase=passphrase,
        kind=kind,
        official=official,
        organ=organ,
        actor=actor,
    )


def dev_ca_revoke(
    *, identity: SigningIdentity, when: datetime | None = None, actor: Any = None
) -> RevocationList:
    """Revoke `identity`'s certificate: a new CRL of the development CA listing it (and every
    certificate listed before) is loaded into the trust store, and the identity is retired."""
    authority = dev_ca(actor=actor)
    issuer = authority.name.rfc4514_string()
    previous = RevocationList.objects.filter(issuer=issuer).order_by("-this_update").first()
    revoked: dict[int, datetime] = {}
    number = 1
    if previous is not None:
        old = certs.load_crl(bytes(previous.crl_der))
        revoked = {entry.serial_number: entry.revocation_date_utc for entry in old}
        number = (previous.number or 0) + 1
    cert = certs.load_certificate(identity.certificate_pem)
    revoked.setdefault(cert.serial_number, when or timezone.now())
    crl = devca.make_crl(ca=authority, revoked=sorted(revoked.items()), number=number)
    loaded = revocation_list_load(
        crl=crl.public_bytes(serialization.Encoding.DER),
        source="Tỉnh Số DEV CA",
        actor=actor,
    )
    identity_deactivate(identity=identity, actor=actor)
    return loaded


def dev_token_identity_issue(
    *,
    module: str,
    token: str,
    pin: str,
    kind: str,
    official: Official | None = None,
    organ: Organ | None = None,
    key_label: str = "",
    key_bits: int = 2048,
    actor: Any = None,
) -> SigningIdentity:
    """A new RSA key generated ON the token (sensitive, never extractable: it never exists
    outside the device), certified by the development CA from its public half, the
    certificate and the CA's written beside it on the token as a CA's token carries them,
    then registered with `identity_register_pkcs11` (which checks it all again).

    Raises SignatureError: wrong_owner, module_not_allowed, wrong_passphrase,
    key_unavailable."""
    check_owner(kind, official, organ)
    hsm.check_module(module, identity=token)
    authority = dev_ca(actor=actor)
    key_id = secrets.token_bytes(8)
    key_label = key_label or f"tinhso-{key_id.hex()}"
    hsm.SOURCE.forget(module, token)  # one login per token and process
    session = hsm.login(module, token, pin, identity=token, rw=True)
    try:
        public, _private = session.generate_keypair(
            KeyType.RSA,
            key_bits,
            label=key_label,
            id=key_id,
            store=True,
            private_template={
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.PRIVATE: True,
            },
        )
        numbers = rsa.RSAPublicNumbers(
            int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
            int.from_bytes(public[Attribute.MODULUS], "big"),
        )
        cert = devca.certify(
            ca=authority,
            subject=_subject(kind, official, organ),
            public_key=numbers.public_key(),
            crl_url=settings.SIGNATURE_DEV_CA_CRL_URL,
        )
        _store_certificate(session, cert, label=key_label, key_id=key_id)
        if authority.certificate not in hsm.token_certificates(session):
            _store_certificate(session, authority.certificate, label=devca.DEV_CA_NAME[:32])
    except p11_errors.PKCS11Error as error:
        raise hsm.unavailable(token, f"lỗi thiết bị ký ({type(error).__name__})") from error
    finally:
        hsm.close_quietly(session)
    return identity_register_pkcs11(
        module=module,
        token=token,
        pin=pin,
        kind=kind,
        key_label=key_label,
        key_id=key_id.hex(),
        official=official,
        organ=organ,
        actor=actor,
    )


def _store_certificate(
    session: Any, cert: x509.Certificate, *, label: str, key_id: bytes | None = None
) -> None:
    attributes = decode_x509_certificate(cert.public_bytes(serialization.Encoding.DER))
    attributes.update({Attribute.TOKEN: True, Attribute.LABEL: label})
    if key_id is not None:
        attributes[Attribute.ID] = key_id
    session.create_object(attributes)
