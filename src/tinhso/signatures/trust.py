"""The trust store: which certificate authorities the province trusts, and which revocation
lists it holds.

The default store unites the active `TrustAnchor` rows (edited in the admin) and the PEM
files named by the `SIGNATURE_TRUST_ROOTS` setting, with every loaded `RevocationList`.
Revocation is checked offline against those lists for certificates that declare a CRL
distribution point (pyHanko-certvalidator's "soft-fail" policy: a certificate found on a
list is revoked; a missing answer is not a failure). With `SIGNATURE_FETCH_REVOCATION` on,
missing lists and OCSP answers are fetched from the addresses in the certificates.

The default store is built once per process and rebuilt when the "signatures" data stamp
moves (every service that changes anchors or lists bumps it, `core.stamps`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko_certvalidator import ValidationContext

from tinhso.core.stamps import StampedCache
from tinhso.signatures import certs
from tinhso.signatures.errors import SignatureError
from tinhso.signatures.models import RevocationList, TrustAnchor

STAMP = "signatures"
_cache = StampedCache(STAMP, maxsize=8)


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@dataclass(frozen=True)
class TrustStore:
    """Trust roots and revocation lists; `validation_context()` gives pyHanko a fresh context
    for one verification (a context collects state as it validates, so it is not shared)."""

    roots: tuple[asn1_x509.Certificate, ...]
    crls: tuple[bytes, ...] = ()
    allow_fetching: bool = False

    @classmethod
    def from_certificates(
        cls,
        roots: Iterable[x509.Certificate],
        *,
        crls: Iterable[bytes | x509.CertificateRevocationList] = (),
        allow_fetching: bool = False,
    ) -> TrustStore:
        return cls(
            roots=tuple(_asn1(cert) for cert in roots),
            crls=tuple(
                c.public_bytes(serialization.Encoding.DER)
                if isinstance(c, x509.CertificateRevocationList)
                else c
                for c in crls
            ),
            allow_fetching=allow_fetching,
        )

    @classmethod
    def from_pem(cls, *pems: bytes | str, crls: Iterable[bytes] = ()) -> TrustStore:
        """A store of the certificates in the PEM texts (tests, scripts)."""
        roots = [
            cert
            for pem in pems
            for cert in certs.load_certificates(pem.encode() if isinstance(pem, str) else pem)
        ]
        return cls.from_certificates(roots, crls=crls)

    def validation_context(self, *, moment: datetime | None = None) -> ValidationContext:
        return ValidationContext(
            trust_roots=list(self.roots),
            crls=list(self.crls),
            allow_fetching=self.allow_fetching,
            revocation_mode="soft-fail",
            moment=moment,
        )

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(root.sha256.hex() for root in self.roots)

    def issues(self, cert: x509.Certificate, chain: Iterable[x509.Certificate] = ()) -> bool:
        """Whether `cert` chains up to one of the roots by signatures (through the given
        intermediate certificates): is it from a CA this store trusts? Dates and revocation
        are not looked at here; `verify_pdf` judges those for each signature."""
        roots = [x509.load_der_x509_certificate(root.dump()) for root in self.roots]
        pool = list(chain)
        current = cert
        for _depth in range(8):
            for issuer in [*roots, *pool]:
                if issuer.subject != current.issuer or issuer == current:
                    continue
                try:
                    current.verify_directly_issued_by(issuer)
                except (ValueError, TypeError, InvalidSignature):
                    continue
                if issuer in roots:
                    return True
                current = issuer
                break
            else:
                return False
        return False


def _roots_from_files(paths: Iterable[str]) -> list[x509.Certificate]:
    roots = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise ImproperlyConfigured(
                f"SIGNATURE_TRUST_ROOTS: cannot read {path!r} ({error.strerror})."
            ) from error
        try:
            roots.extend(certs.load_certificates(data))
        except SignatureError as error:
            raise ImproperlyConfigured(
                f"SIGNATURE_TRUST_ROOTS: {path!r} holds no readable certificate."
            ) from error
    return roots


def _build_default() -> TrustStore:
    roots = [
        certs.load_certificate(pem)
        for pem in TrustAnchor.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("certificate_pem", flat=True)
    ]
    roots += _roots_from_files(settings.SIGNATURE_TRUST_ROOTS)
    crls = [bytes(der) for der in RevocationList.objects.values_list("crl_der", flat=True)]
    return TrustStore.from_certificates(
        roots, crls=crls, allow_fetching=settings.SIGNATURE_FETCH_REVOCATION
    )


def default_store() -> TrustStore:
    """The province's trust store (active anchors, configured root files, loaded CRLs).
    Raises ImproperlyConfigured when a configured root file cannot be read."""
    key = (tuple(settings.SIGNATURE_TRUST_ROOTS), settings.SIGNATURE_FETCH_REVOCATION)
    return _cache.get(key, _build_default)
