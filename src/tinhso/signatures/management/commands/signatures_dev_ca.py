"""`tinhso signatures_dev_ca init|issue|revoke|root`: the development certificate authority
(demo and tests only; its root is named "… không dùng thật")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tinhso.directory.models import Official, OrganIdentifier, OrganScheme
from tinhso.signatures import certs
from tinhso.signatures.errors import SignatureError
from tinhso.signatures.models import IdentityKind, SigningIdentity
from tinhso.signatures.services import DEV_PASSPHRASE, dev_ca, dev_ca_revoke, dev_identity_issue


class Command(BaseCommand):
    help = (
        "Development CA: 'init' creates it (and trusts it), 'issue' gives an official or an "
        "organ a signing key, 'revoke' revokes a key through a new CRL, 'root' prints its "
        "certificate (PEM) for external validators."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="create the development CA if missing and trust it")
        issue = sub.add_parser("issue", help="issue a signing key")
        owner = issue.add_mutually_exclusive_group(required=True)
        owner.add_argument("--official", metavar="USERNAME", help="an official's account")
        owner.add_argument("--organ", metavar="QCVN102", help="an organ's QCVN 102 identifier")
        issue.add_argument("--passphrase", default=DEV_PASSPHRASE, help="the PKCS#12 passphrase")
        revoke = sub.add_parser("revoke", help="revoke a signing key (new CRL, key retired)")
        revoke.add_argument("identity", type=int, help="the signing identity's id")
        root = sub.add_parser("root", help="print the root certificate (PEM)")
        root.add_argument("--out", type=Path, help="write it to this file instead")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except SignatureError as error:
            raise CommandError(error.message) from error

    def _init(self, **options: Any) -> None:
        authority = dev_ca()
        facts = certs.facts(authority.certificate)
        self.stdout.write(f"{facts.subject}\nSHA-256 {facts.fingerprint}")

    def _issue(self, *, official: str | None, organ: str | None, passphrase: str, **_: Any) -> None:
        if official:
            person = Official.objects.filter(user__username=official).select_related("user").first()
            if person is None:
                raise CommandError(f"No official with the account {official!r}.")
            identity = dev_identity_issue(
                kind=IdentityKind.PERSONAL, official=person, passphrase=passphrase
            )
        else:
            found = OrganIdentifier.objects.filter(scheme=OrganScheme.QCVN102, value=organ).first()
            if found is None:
                raise CommandError(f"No organ with the identifier {organ!r}.")
            identity = dev_identity_issue(
                kind=IdentityKind.ORGAN, organ=found.organ, passphrase=passphrase
            )
        self.stdout.write(f"#{identity.pk} {identity.subject} serial {identity.serial}")

    def _revoke(self, *, identity: int, **_: Any) -> None:
        target = SigningIdentity.objects.filter(pk=identity).first()
        if target is None:
            raise CommandError(f"No signing identity #{identity}.")
        crl = dev_ca_revoke(identity=target)
        self.stdout.write(f"revoked serial {target.serial}; CRL number {crl.number} loaded")

    def _root(self, *, out: Path | None, **_: Any) -> None:
        pem = certs.to_pem(dev_ca().certificate)
        if out:
            out.write_text(pem)
            self.stdout.write(f"written to {out}")
        else:
            self.stdout.write(pem, ending="")
