"""This node: its signing identity (loaded once per process) and routing by organ identifier.

The identity comes from `EXCHANGE_KEY_FILE` and `EXCHANGE_CERT_FILE` (PEM). Without them, in
DEBUG or tests only (`EXCHANGE_DEV_IDENTITY`), a self-signed development identity is made
once and kept under `EXCHANGE_DEV_DIR`; `tinhso exchange cert` prints the certificate for peers.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from tinhso.core import sql
from tinhso.directory.models import OrganIdentifier, OrganScheme
from tinhso.directory.selectors import identifiers_in_force
from tinhso.exchange.models import Peer

logger = logging.getLogger("tinhso.exchange")
_lock = threading.Lock()


@dataclass(frozen=True)
class Identity:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()


def _make_dev_identity(key_file: Path, cert_file: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, str(settings.SITE_NAME)),
            x509.NameAttribute(NameOID.COMMON_NAME, "LGSP dev node (not for production)"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


@functools.cache
def identity() -> Identity:
    """This node's key and certificate, loaded once per process (loading a PEM key costs
    about as much as 40 signatures). Raises ImproperlyConfigured without them outside
    DEBUG."""
    key_path, cert_path = settings.EXCHANGE_KEY_FILE, settings.EXCHANGE_CERT_FILE
    if not key_path or not cert_path:
        if not settings.EXCHANGE_DEV_IDENTITY:
            raise ImproperlyConfigured("Set EXCHANGE_KEY_FILE and EXCHANGE_CERT_FILE.")
        base = Path(settings.EXCHANGE_DEV_DIR)
        key_path, cert_path = str(base / "node-key.pem"), str(base / "node-cert.pem")
        with _lock:
            if not Path(key_path).exists():
                _make_dev_identity(Path(key_path), Path(cert_path))
    key = serialization.load_pem_private_key(Path(key_path).read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ImproperlyConfigured("EXCHANGE_KEY_FILE must hold an RSA key.")
    return Identity(key, x509.load_pem_x509_certificate(Path(cert_path).read_bytes()))


_certificates: dict[tuple[int, str], x509.Certificate] = {}


def peer_certificate(peer: Peer) -> x509.Certificate:
    """The peer's certificate object, parsed once per process and PEM."""
    cache_key = (peer.pk, peer.certificate_pem)
    certificate = _certificates.get(cache_key)
    if certificate is None:
        certificate = x509.load_pem_x509_certificate(peer.certificate_pem.encode())
        _certificates[cache_key] = certificate
    return certificate


def file_peer_keys() -> dict[str, str]:
    """The keys in `EXCHANGE_PEER_KEYS_FILE` (a JSON object by peer name), read now; {} when
    the file is missing or unreadable (logged)."""
    path = Path(settings.EXCHANGE_PEER_KEYS_FILE) if settings.EXCHANGE_PEER_KEYS_FILE else None
    if path is None or not path.exists():
        return {}
    try:
        keys = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        logger.warning("exchange: cannot read %s: %s", path, error)
        return {}
    return {str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {}


def peer_key(peer: Peer) -> str:
    """The API key this node presents to `peer`, by name: settings `EXCHANGE_PEER_KEYS`, else
    the file `EXCHANGE_PEER_KEYS_FILE`, read at each call so that a peer joined while the
    node runs is reached without a restart."""
    key = settings.EXCHANGE_PEER_KEYS.get(peer.name)
    if key:
        return str(key)
    return file_peer_keys().get(peer.name, "")


def local_among(organ_ids: Sequence[str]) -> list[str]:
    """Those of `organ_ids` that are organs of this node, in their order: a QCVN 102
    identifier valid today, of an organ still working today."""
    found = identifiers_in_force(
        scheme=OrganScheme.QCVN102, values=organ_ids, on=timezone.localdate()
    )
    return [organ_id for organ_id in organ_ids if organ_id in found]


def is_local(organ_id: str) -> bool:
    """Whether `organ_id` is an organ of this node (`local_among`)."""
    return bool(local_among([organ_id]))


def is_locked(organ_id: str) -> bool:
    """Whether `organ_id` names an organ this node knew but that no longer receives: its
    identifier or the organ itself ended (the district organs abolished on 1 July 2025, an
    organ merged into another). Packages for it are refused with 23, not 18: the sender
    learns the address is closed rather than unknown."""
    if is_local(organ_id):
        return False
    return OrganIdentifier.objects.filter(scheme=OrganScheme.QCVN102, value=organ_id).exists()


def route(organ_id: str) -> tuple[bool, Peer | None]:
    """Where a package for `organ_id` goes: (True, peer) when an active peer names it (a peer
    row wins: the directory also lists outside organs as an address book), (True, None) when
    it is an organ of this node, (False, None) when nobody serves it (yet)."""
    # Fixed SQL: every message sent is routed again (bench/README.md §8).
    for peer in sql.select(Peer, "WHERE active = %s ORDER BY id", [True]):
        if peer.serves(organ_id):
            return True, peer
    if is_local(organ_id):
        return True, None
    return False, None
