"""`tinhso signatures_hsm init|register`: signing keys on a token or HSM through PKCS#11.

`init` (development) makes a SoftHSM2 token in a directory, generates a key ON it, has the
development CA certify it and registers the signing identity; `register` registers a key
already on a real token or HSM, with the certificate its CA stored beside it. The PIN is
asked for (or read from the environment variable TINHSO_PKCS11_PIN) and never stored.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tinhso.directory.models import Official, OrganIdentifier, OrganScheme
from tinhso.signatures import hsm, softhsm
from tinhso.signatures.errors import SignatureError
from tinhso.signatures.models import IdentityKind
from tinhso.signatures.services import dev_token_identity_issue, identity_register_pkcs11

PIN_VARIABLE = "TINHSO_PKCS11_PIN"


class Command(BaseCommand):
    help = (
        "Keys on a PKCS#11 token: 'init' creates a SoftHSM2 token (development) with a key "
        "generated on it and certified by the development CA; 'register' registers a key "
        "already on a token or HSM. The module must be listed in SIGNATURE_PKCS11_MODULES."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="SoftHSM2 token + key generated on it (development)")
        init.add_argument(
            "--dir", dest="directory", type=Path, required=True, help="the token directory"
        )
        init.add_argument("--token", required=True, help="the token's label (32 bytes at most)")
        init.add_argument("--key-label", default="", help="the key's label on the token")
        init.add_argument("--so-pin", default="", help="the security officer's PIN (new token)")
        init.add_argument("--module", default=softhsm.LIBRARY, help="the SoftHSM2 module")
        register = sub.add_parser("register", help="register a key already on a token or HSM")
        register.add_argument("--module", required=True, help="the PKCS#11 module (.so)")
        register.add_argument("--token", required=True, help="the token's label")
        register.add_argument("--key-label", default="", help="the key's label")
        register.add_argument("--key-id", default="", help="the key's id (hex)")
        register.add_argument("--cert", type=Path, help="its certificate, if not on the token")
        for each in (init, register):
            owner = each.add_mutually_exclusive_group(required=True)
            owner.add_argument("--official", metavar="USERNAME", help="an official's account")
            owner.add_argument("--organ", metavar="QCVN102", help="an organ's QCVN 102 identifier")
            each.add_argument("--pin", default="", help=f"the user PIN (else ${PIN_VARIABLE})")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except SignatureError as error:
            raise CommandError(error.message) from error
        except softhsm.SoftHsmError as error:
            raise CommandError(f"softhsm2-util: {error}") from error

    def _pin(self, given: str) -> str:
        pin = given or os.environ.get(PIN_VARIABLE, "")
        if not pin:
            pin = getpass.getpass("PIN: ")
        if not pin:
            raise CommandError("A PIN is required.")
        return pin

    def _owner(self, official: str | None, organ: str | None) -> dict[str, Any]:
        if official:
            person = Official.objects.filter(user__username=official).select_related("user").first()
            if person is None:
                raise CommandError(f"No official with the account {official!r}.")
            return {"kind": IdentityKind.PERSONAL, "official": person}
        found = OrganIdentifier.objects.filter(scheme=OrganScheme.QCVN102, value=organ).first()
        if found is None:
            raise CommandError(f"No organ with the identifier {organ!r}.")
        return {"kind": IdentityKind.ORGAN, "organ": found.organ}

    def _init(
        self,
        *,
        directory: Path,
        token: str,
        key_label: str,
        so_pin: str,
        module: str,
        pin: str,
        official: str | None,
        organ: str | None,
        **_: Any,
    ) -> None:
        if not softhsm.available():
            raise CommandError(
                f"SoftHSM2 is missing ({softhsm.LIBRARY}; apt-get install softhsm2)."
            )
        owner = self._owner(official, organ)
        hsm.check_module(module, identity=token)
        pin = self._pin(pin)
        conf = softhsm.write_config(directory)
        current = os.environ.get("SOFTHSM2_CONF")
        if current and Path(current).resolve() != conf:
            raise CommandError(
                f"SOFTHSM2_CONF is {current}, not {conf}: unset it or point it at {conf}."
            )
        os.environ["SOFTHSM2_CONF"] = str(conf)  # read by the module when it is initialised
        if token not in softhsm.token_labels(conf):
            softhsm.init_token(conf, label=token, pin=pin, so_pin=so_pin or pin)
            hsm.reload_module(module)  # a module loaded before sees the new token
            self.stdout.write(f"token {token!r} initialised in {conf.parent / 'tokens'}")
        identity = dev_token_identity_issue(
            module=module, token=token, pin=pin, key_label=key_label, **owner
        )
        self.stdout.write(
            f"#{identity.pk} {identity.subject} serial {identity.serial}\n"
            f"key {identity.pkcs11_key_label!r} (id {identity.pkcs11_key_id}) on token {token!r}\n"
            f"Sign from a server started with SOFTHSM2_CONF={conf}"
        )

    def _register(
        self,
        *,
        module: str,
        token: str,
        key_label: str,
        key_id: str,
        cert: Path | None,
        pin: str,
        official: str | None,
        organ: str | None,
        **_: Any,
    ) -> None:
        owner = self._owner(official, organ)
        hsm.check_module(module, identity=token)
        identity = identity_register_pkcs11(
            module=module,
            token=token,
            pin=self._pin(pin),
            key_label=key_label,
            key_id=key_id,
            certificate=cert.read_bytes() if cert else None,
            **owner,
        )
        self.stdout.write(f"#{identity.pk} {identity.subject} serial {identity.serial}")
