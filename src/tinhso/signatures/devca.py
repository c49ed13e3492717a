"""A development certificate authority for the demo and the tests (no Django): a root CA,
certificates for officials and organs with Vietnamese names, PKCS#12 files and CRLs.

Keys are EC P-256 (generated in about a millisecond). The root's name says what it is:
"Tỉnh Số DEV CA — không dùng thật" (not for real use). Every certificate it issues names a
CRL distribution point (`crl_url`), because revocation lists are only consulted for
certificates that declare one; the lists themselves are loaded into the trust store, so
nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

DEV_CA_NAME = "Tỉnh Số DEV CA — không dùng thật"
DEV_CA_ORGANIZATION = "Tỉnh Số (phát triển)"
DEFAULT_CRL_URL = "http://crl.tinhso.invalid/dev-ca.crl"
# PKCS#12 protection: PBES2 with AES-256 and a SHA-256 MAC; the iteration count makes
# guessing a passphrase slow and costs about 25 ms to open the file.
KDF_ROUNDS = 50_000


@dataclass(frozen=True)
class Authority:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def name(self) -> x509.Name:
        return self.certificate.subject


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def name(
    common_name: str, *, organization: str = "", unit: str = "", locality: str = ""
) -> x509.Name:
    """A distinguished name (UTF-8 strings; country VN)."""
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if locality:
        attributes.append(x509.NameAttribute(NameOID.LOCALITY_NAME, locality))
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def create_root(
    *, common_name: str = DEV_CA_NAME, days: int = 3650, now: datetime | None = None
) -> Authority:
    """A new self-signed root CA, valid from an hour ago for `days` days."""
    now = now or _now()
    key = ec.generate_private_key(ec.SECP256R1())
    subject = name(common_name, organization=DEV_CA_ORGANIZATION)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(signing=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(key, cert)


def issue(
    *,
    ca: Authority,
    subject: x509.Name,
    crl_url: str = DEFAULT_CRL_URL,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    days: int = 730,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A new key and its document-signing certificate issued by `ca` (valid from an hour
    ago for `days` days unless the dates are given)."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = certify(
        ca=ca,
        subject=subject,
        public_key=key.public_key(),
        crl_url=crl_url,
        not_before=not_before,
        not_after=not_after,
        days=days,
    )
    return key, cert


def certify(
    *,
    ca: Authority,
    subject: x509.Name,
    public_key: CertificatePublicKeyTypes,
    crl_url: str = DEFAULT_CRL_URL,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    days: int = 730,
) -> x509.Certificate:
    """A document-signing certificate issued by `ca` for a public key whose private half
    lives elsewhere (e.g. generated on a PKCS#11 token, which never lets it out)."""
    now = _now()
    not_before = not_before or now - timedelta(hours=1)
    not_after = not_after or now + timedelta(days=days)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(signing=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
    )
    if crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    return builder.sign(ca.key, hashes.SHA256())


def pkcs12_bytes(
    *,
    key: ec.EllipticCurvePrivateKey,
    certificate: x509.Certificate,
    chain: Iterable[x509.Certificate] = (),
    passphrase: str,
    friendly_name: str = "",
) -> bytes:
    """The key and certificate (with the chain) as a PKCS#12 file encrypted by `passphrase`."""
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(KDF_ROUNDS)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(passphrase.encode("utf-8"))
    )
    return pkcs12.serialize_key_and_certificates(
        (friendly_name or "tinhso").encode("utf-8"), key, certificate, list(chain), encryption
    )


def load_authority(data: bytes, passphrase: str) -> Authority:
    """The CA kept as a PKCS#12 file (ValueError when the passphrase does not open it)."""
    key, cert, _chain = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8"))
    if not isinstance(key, ec.EllipticCurvePrivateKey) or cert is None:
        raise ValueError("not a development CA file")
    return Authority(key, cert)


def make_crl(
    *,
    ca: Authority,
    revoked: Iterable[tuple[int, datetime]],
    number: int,
    this_update: datetime | None = None,
    next_update: datetime | None = None,
) -> x509.CertificateRevocationList:
    """A CRL of `ca` listing the (serial, revocation time) pairs."""
    this_update = this_update or _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.name)
        .last_update(this_update)
        .next_update(next_update or this_update + timedelta(days=7))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
    )
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        )
    return builder.sign(ca.key, hashes.SHA256())
