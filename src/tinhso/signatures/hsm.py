"""Keys on a token or HSM, reached through its PKCS#11 module: the `pkcs11` key source.

A `SigningIdentity` with `key_storage="pkcs11"` names the module (a shared library), the
token's label and the key's label and/or id; the signer types the token's user PIN where a
PKCS#12 file's passphrase is typed, and it is never stored. The key never leaves the device:
pyHanko's `PKCS11Signer` asks the token to sign the CMS attributes' digest.

Loading a shared library runs its code inside the server process, so only the modules listed
in the setting `SIGNATURE_PKCS11_MODULES` (absolute paths, compared exactly) are ever
loaded; an identity naming another one is refused before anything is opened.

Sessions. PKCS#11 logs in per token and per process (every session of the process shares
the login), so this source keeps one logged-in session per (module, token) with a keyed
digest of the PIN that opened it. The same PIN reuses it; any other PIN first closes it (log
out) and must log in by itself, so a wrong PIN is always checked by the token and never
served from the cache. A PKCS#11 session runs one operation at a time: every call on it
(finding the key, signing) holds the token's lock, so signing from several threads is
serialised on each token and runs in parallel across tokens. An error from the device drops
the session; a signer whose session was dropped (or closed for another PIN) between being
handed out and signing raises `SessionDropped` without signing, and `sign_pdf`, which still
holds the PIN, asks once more. `forget()` (and the end of the process) logs out and closes
every session.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pkcs11
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from pkcs11 import Attribute, ObjectClass
from pkcs11 import exceptions as p11_errors
from pyhanko.sign.general import SigningError
from pyhanko.sign.pkcs11 import PKCS11Signer

from tinhso.signatures.errors import SignatureError
from tinhso.signatures.models import SigningIdentity

# Refusals of the login that mean "this PIN does not open the token".
WRONG_PIN = (p11_errors.PinIncorrect, p11_errors.PinInvalid, p11_errors.PinLenRange)


def allowed_modules() -> list[str]:
    """The PKCS#11 modules this installation may load (`SIGNATURE_PKCS11_MODULES`)."""
    return list(getattr(settings, "SIGNATURE_PKCS11_MODULES", []) or [])


def check_module(module: str, *, identity: str) -> None:
    """SignatureError("module_not_allowed") unless `module` is listed, as an absolute path."""
    if not module or not os.path.isabs(module) or module not in allowed_modules():
        raise SignatureError("module_not_allowed", module=module, identity=identity)


_library_lock = threading.Lock()


def library(module: str) -> Any:
    """The loaded and initialised module (loaded once per process). Call `check_module`
    first: loading runs the library's code."""
    with _library_lock:
        return pkcs11.lib(module)


def unavailable(identity: str, detail: str) -> SignatureError:
    return SignatureError("key_unavailable", identity=identity, detail=detail)


def login(module: str, token_label: str, pin: str, *, identity: str, rw: bool = False) -> Any:
    """A session logged in on the token labelled `token_label` with the user PIN.

    Raises SignatureError: wrong_passphrase (the token refused the PIN), key_unavailable (no
    such token, PIN locked, another session of this process is logged in, device error)."""
    try:
        token = library(module).get_token(token_label=token_label)
    except p11_errors.NoSuchToken as error:
        raise unavailable(identity, f"không tìm thấy thiết bị ký «{token_label}»") from error
    except p11_errors.PKCS11Error as error:
        raise unavailable(identity, f"lỗi thiết bị ký ({type(error).__name__})") from error
    try:
        return token.open(rw=rw, user_pin=pin)
    except WRONG_PIN as error:
        raise SignatureError("wrong_passphrase", identity=identity) from error
    except p11_errors.PinLocked as error:
        raise unavailable(
            identity, f"mã PIN của thiết bị ký «{token_label}» đã bị khóa do nhập sai nhiều lần"
        ) from error
    except p11_errors.UserAlreadyLoggedIn as error:
        raise unavailable(
            identity, f"thiết bị ký «{token_label}» đang được một phiên khác sử dụng"
        ) from error
    except p11_errors.PKCS11Error as error:
        raise unavailable(identity, f"lỗi thiết bị ký ({type(error).__name__})") from error


def close_quietly(session: Any) -> None:
    """Log out and close; a session the device already dropped is gone anyway."""
    with contextlib.suppress(p11_errors.PKCS11Error):
        session.close()


def token_certificates(session: Any) -> list[x509.Certificate]:
    """Every X.509 certificate object on the token (unreadable ones skipped)."""
    found = []
    for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        try:
            found.append(x509.load_der_x509_certificate(bytes(obj[Attribute.VALUE])))
        except (ValueError, p11_errors.PKCS11Error):
            continue
    return found


def ca_certificates(certificates: Iterable[x509.Certificate]) -> list[x509.Certificate]:
    """The CA certificates among `certificates` (the chain a token from a CA carries)."""
    chain = []
    for cert in certificates:
        try:
            if cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
                chain.append(cert)
        except x509.ExtensionNotFound:
            continue
    return chain


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


class SessionDropped(SigningError):
    """The session this signer was made on is gone (closed for another PIN, or dropped after
    a device error): nothing was signed. `sign_pdf`, which still has the PIN, asks the key
    source again once (a new login); a second failure is "sign_failed"."""


class _SerialisedKey:
    """The token's key handle, signing under the token's lock, only on the session it was
    found on; a device error drops that session."""

    def __init__(self, handle: Any, entry: _TokenEntry) -> None:
        self._handle = handle
        self._entry = entry
        self._session = entry.session

    def sign(self, data: bytes, **kwargs: Any) -> bytes:
        with self._entry.lock:
            if self._entry.session is None or self._entry.session is not self._session:
                raise SessionDropped("PKCS#11: the session was closed")
            try:
                return bytes(self._handle.sign(data, **kwargs))
            except p11_errors.PKCS11Error as error:
                self._entry.drop()
                raise SessionDropped(f"PKCS#11: {type(error).__name__}") from error


class TokenSigner(PKCS11Signer):
    """pyHanko's PKCS#11 signer whose key handle signs under the token's lock."""

    def __init__(self, *args: Any, entry: _TokenEntry, **kwargs: Any) -> None:
        self._entry = entry
        super().__init__(*args, **kwargs)

    def _pull_signing_key_handle(self) -> Any:
        return _SerialisedKey(super()._pull_signing_key_handle(), self._entry)


@dataclass
class _TokenEntry:
    """One token of one module in this process: its lock, logged-in session and signers."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    session: Any = None
    pin_digest: bytes = b""
    chain: list[x509.Certificate] = field(default_factory=list)
    signers: dict[tuple[int, str, str, str], TokenSigner] = field(default_factory=dict)

    def drop(self) -> None:
        with self.lock:
            if self.session is not None:
                close_quietly(self.session)
            self.session = None
            self.pin_digest = b""
            self.chain = []
            self.signers.clear()


class Pkcs11KeySource:
    """Keys on tokens or HSMs (`SigningIdentity.pkcs11_*`), opened with the signer's PIN."""

    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str], _TokenEntry] = {}
        self._lock = threading.Lock()
        self._salt = secrets.token_bytes(32)  # per process: digests mean nothing elsewhere

    def _entry(self, module: str, token: str) -> _TokenEntry:
        with self._lock:
            return self._tokens.setdefault((module, token), _TokenEntry())

    def signer_for(self, identity: SigningIdentity, passphrase: str | None) -> TokenSigner:
        """The signer of `identity`'s key on its token, the session logged in with the PIN
        `passphrase`.

        Raises SignatureError: module_not_allowed, wrong_passphrase (also for an empty PIN,
        which is not tried: it would count against the token's retry counter),
        key_unavailable (no such token or key, PIN locked, device error)."""
        label = identity.label
        check_module(identity.pkcs11_module, identity=label)
        if not passphrase:
            raise SignatureError("wrong_passphrase", identity=label)
        digest = hmac.new(self._salt, passphrase.encode("utf-8"), hashlib.sha256).digest()
        entry = self._entry(identity.pkcs11_module, identity.pkcs11_token)
        with entry.lock:
            if entry.session is None or not hmac.compare_digest(entry.pin_digest, digest):
                entry.drop()  # a different PIN logs in by itself, never through the cache
                entry.session = login(
                    identity.pkcs11_module, identity.pkcs11_token, passphrase, identity=label
                )
                entry.pin_digest = digest
                try:
                    entry.chain = ca_certificates(token_certificates(entry.session))
                except p11_errors.PKCS11Error as error:
                    entry.drop()
                    raise unavailable(label, f"lỗi thiết bị ký ({type(error).__name__})") from error
            key = (
                identity.pk,
                identity.fingerprint,
                identity.pkcs11_key_label,
                identity.pkcs11_key_id,
            )
            signer = entry.signers.get(key)
            if signer is None:
                signer = self._signer(identity, entry)
                entry.signers[key] = signer
            return signer

    def _signer(self, identity: SigningIdentity, entry: _TokenEntry) -> TokenSigner:
        cert = x509.load_pem_x509_certificate(identity.certificate_pem.encode("ascii"))
        signer = TokenSigner(
            entry.session,
            key_label=identity.pkcs11_key_label or None,
            key_id=bytes.fromhex(identity.pkcs11_key_id) if identity.pkcs11_key_id else None,
            signing_cert=_asn1(cert),
            ca_chain=[_asn1(c) for c in entry.chain if c != cert],
            entry=entry,
        )
        try:
            signer._load_objects()  # find the key now, under the lock, not while signing
        except p11_errors.PKCS11Error as error:
            what = identity.pkcs11_key_label or identity.pkcs11_key_id
            if isinstance(error, p11_errors.SessionHandleInvalid | p11_errors.DeviceRemoved):
                entry.drop()
                raise unavailable(
                    identity.label, "thiết bị ký đã bị rút ra hoặc khởi động lại"
                ) from error
            raise unavailable(
                identity.label,
                f"không tìm thấy đúng một khóa «{what}» trên thiết bị ký «{identity.pkcs11_token}»",
            ) from error
        return signer

    def forget(self, module: str | None = None, token: str | None = None) -> None:
        """Log out and close the sessions (of one token, or all)."""
        with self._lock:
            entries = [
                entry
                for (mod, label), entry in self._tokens.items()
                if (module is None or mod == module) and (token is None or label == token)
            ]
        for entry in entries:
            entry.drop()


SOURCE = Pkcs11KeySource()
atexit.register(SOURCE.forget)


def reload_module(module: str) -> None:
    """Close this process's sessions on `module` and initialise it again if it is loaded,
    so that tokens created since (e.g. by `softhsm2-util` in another process) are seen."""
    SOURCE.forget(module)
    with _library_lock:
        loaded = getattr(pkcs11, "_loaded", {}).get(module)
        if loaded is not None:
            loaded.reinitialize()
