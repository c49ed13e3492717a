"""Where signing keys come from: the `KeySource` interface and its two implementations.

A key source turns a `SigningIdentity` (and the passphrase or PIN the signer typed) into a
pyHanko `Signer`, which produces the CMS signature; `key_storage` picks the source. PKCS#12
files are implemented here. Tokens and HSMs are the `pkcs11` source (`hsm.py`): pyHanko's
`PKCS11Signer` (extra `pyHanko[pkcs11]`, the `python-pkcs11` package) signs on the device
in a session opened with the PIN, the key never leaving it; only modules listed in
`SIGNATURE_PKCS11_MODULES` are loaded. It is tested against SoftHSM2 (`softhsm.py`,
`tinhso signatures_hsm init`); docs/adr/0007-signatures-pades-and-trust.md says what SoftHSM
proves and what a real HSM adds. Another source can still be added with
`register_key_source`.

Decrypting a PKCS#12 file runs its key-derivation function (tens of milliseconds by design),
so a loaded signer is kept in a small per-process cache keyed by the identity, the SHA-256
of its file and a keyed digest of the passphrase: the passphrase itself is never kept, a
wrong one never hits the cache, and a replaced file is a different key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict
from typing import Protocol

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tinhso.signatures import hsm
from tinhso.signatures.errors import SignatureError
from tinhso.signatures.models import SigningIdentity

CACHE_SIZE = 64


class KeySource(Protocol):
    """Produces the pyHanko signer of an identity; raises SignatureError with code
    `wrong_passphrase` or `key_unavailable` when it cannot."""

    def signer_for(
        self, identity: SigningIdentity, passphrase: str | None
    ) -> signers.Signer: ...  # pragma: no cover


class Pkcs12KeySource:
    """Keys in PKCS#12 files kept in Django's storage (`SigningIdentity.pkcs12_file`)."""

    def __init__(self, *, cache_size: int = CACHE_SIZE) -> None:
        self._cache: OrderedDict[tuple[int, str, bytes], signers.SimpleSigner] = OrderedDict()
        self._lock = threading.Lock()
        self._salt = secrets.token_bytes(32)  # per process: digests mean nothing elsewhere
        self.cache_size = cache_size

    def _key(self, identity: SigningIdentity, passphrase: str | None) -> tuple[int, str, bytes]:
        secret = (passphrase or "").encode("utf-8")
        digest = hmac.new(self._salt, secret, hashlib.sha256).digest()
        return (identity.pk, identity.pkcs12_sha256, digest)

    def signer_for(self, identity: SigningIdentity, passphrase: str | None) -> signers.SimpleSigner:
        key = self._key(identity, passphrase)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        try:
            with identity.pkcs12_file.open("rb") as handle:
                data = handle.read()
        except OSError as error:
            raise SignatureError(
                "key_unavailable", identity=identity.label, detail=type(error).__name__
            ) from error
        if hashlib.sha256(data).hexdigest() != identity.pkcs12_sha256:
            raise SignatureError(
                "key_unavailable", identity=identity.label, detail="tệp khóa đã bị thay đổi"
            )
        signer = load_pkcs12(data, passphrase, label=identity.label)
        with self._lock:
            self._cache[key] = signer
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return signer

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()


def load_pkcs12(data: bytes, passphrase: str | None, *, label: str) -> signers.SimpleSigner:
    """A pyHanko signer from PKCS#12 bytes (decrypted once); SignatureError
    ("wrong_passphrase") when the passphrase does not open it, ("key_unavailable") when the
    file holds no key or no certificate."""
    secret = passphrase.encode("utf-8") if passphrase else None
    try:
        private_key, certificate, chain = pkcs12.load_key_and_certificates(data, secret)
    except ValueError as error:
        raise SignatureError("wrong_passphrase", identity=label) from error
    if private_key is None or certificate is None:
        raise SignatureError("key_unavailable", identity=label, detail="thiếu khóa hoặc chứng thư")
    der = serialization.Encoding.DER
    key_info = asn1_keys.PrivateKeyInfo.load(
        private_key.private_bytes(
            der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return signers.SimpleSigner(
        signing_key=key_info,
        signing_cert=asn1_x509.Certificate.load(certificate.public_bytes(der)),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.public_bytes(der)) for c in chain]
        ),
    )


_SOURCES: dict[str, KeySource] = {"pkcs12": Pkcs12KeySource(), "pkcs11": hsm.SOURCE}


def register_key_source(name: str, source: KeySource) -> None:
    """Make `source` the key source of identities with `key_storage == name` (e.g. an HSM
    through PKCS#11, registered by a province's own app in its `AppConfig.ready`)."""
    _SOURCES[name] = source


def key_source(name: str) -> KeySource:
    try:
        return _SOURCES[name]
    except KeyError:
        raise SignatureError("unknown_key_storage", storage=name) from None
